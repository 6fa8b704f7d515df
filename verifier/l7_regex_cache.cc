#include "verifier/l7_regex_cache.h"

#include <re2/re2.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace polc::verifier::internal {
namespace {

// Patterns come from policies, so the cache is bounded by the size of the
// policy set; it is never evicted. Reads take a shared lock so that parallel
// evaluations of many flows do not serialise on it.
class RegexCache {
 public:
  const RE2* Get(std::string_view pattern) {
    {
      std::shared_lock lock(mutex_);
      auto it = programs_.find(std::string(pattern));
      if (it != programs_.end()) return it->second.get();
    }
    RE2::Options options;
    options.set_log_errors(false);
    auto program = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    std::unique_lock lock(mutex_);
    auto [it, inserted] = programs_.emplace(std::string(pattern), std::move(program));
    return it->second.get();
  }

 private:
  std::shared_mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<RE2>> programs_;
};

RegexCache& Cache() {
  static RegexCache* cache = new RegexCache();  // never destroyed: safe at exit from any thread
  return *cache;
}

}  // namespace

bool RegexFullMatch(std::string_view pattern, std::string_view text) {
  const RE2* program = Cache().Get(pattern);
  if (!program->ok()) return false;
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *program);
}

}  // namespace polc::verifier::internal
