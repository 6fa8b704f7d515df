#include "ir/settings.h"

#include <charconv>

#include <fmt/format.h>

namespace polc::ir {

std::string CiliumVersion::ToString() const { return fmt::format("{}.{}", major, minor); }

std::optional<CiliumVersion> ParseCiliumVersion(std::string_view text) {
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  CiliumVersion version;
  const char* end = text.data() + text.size();
  auto [after_major, ec1] = std::from_chars(text.data(), end, version.major);
  if (ec1 != std::errc() || after_major == end || *after_major != '.') return std::nullopt;
  auto [after_minor, ec2] = std::from_chars(after_major + 1, end, version.minor);
  if (ec2 != std::errc()) return std::nullopt;
  if (after_minor != end) {
    // Accept a patch level ("1.19.3") and nothing else.
    if (*after_minor != '.') return std::nullopt;
    int patch = 0;
    auto [after_patch, ec3] = std::from_chars(after_minor + 1, end, patch);
    if (ec3 != std::errc() || after_patch != end) return std::nullopt;
  }
  if (version.Before(kOldestSupportedVersion.major, kOldestSupportedVersion.minor) ||
      !kNewestSupportedVersion.AtLeast(version.major, version.minor)) {
    return std::nullopt;
  }
  return version;
}

std::string_view EnforcementModeName(EnforcementMode mode) {
  switch (mode) {
    case EnforcementMode::kDefault: return "default";
    case EnforcementMode::kAlways: return "always";
    case EnforcementMode::kNever: return "never";
  }
  return "default";
}

std::optional<EnforcementMode> ParseEnforcementMode(std::string_view text) {
  if (text == "default") return EnforcementMode::kDefault;
  if (text == "always") return EnforcementMode::kAlways;
  if (text == "never") return EnforcementMode::kNever;
  return std::nullopt;
}

}  // namespace polc::ir
