#include "cli/verify_analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "verifier/map_pressure.h"
#include "verifier/rule_analysis.h"

namespace polc::cli {
namespace {

std::string PolicyLabel(const ir::Policy& policy) {
  std::string kind(ir::PolicyKindName(policy.kind));
  if (policy.meta.namespace_.empty()) return fmt::format("{} {}", kind, policy.meta.name);
  return fmt::format("{} {}/{}", kind, policy.meta.namespace_, policy.meta.name);
}

class Collector {
 public:
  explicit Collector(const ir::FileTable& files) : files_(files) {}

  AnalysisFinding& Add(std::string_view part, std::string_view rule, AnalysisLevel level,
                       const ir::SourceLocation& location, std::string message) {
    AnalysisFinding f;
    f.part = part;
    f.rule = rule;
    f.level = level;
    if (location.Known() && location.file < files_.size()) {
      f.file = files_.Path(location.file);
      f.line = static_cast<int>(location.line);
    }
    f.message = std::move(message);
    findings_.push_back(std::move(f));
    return findings_.back();
  }

  std::string FileLine(const ir::SourceLocation& location) const {
    if (!location.Known() || location.file >= files_.size()) return "";
    return fmt::format("{}:{}", files_.Path(location.file), location.line);
  }

  std::vector<AnalysisFinding> Take() { return std::move(findings_); }

 private:
  const ir::FileTable& files_;
  std::vector<AnalysisFinding> findings_;
};

void AddRuleAnalysis(const ir::PolicySet& policies, const ir::Inventory& inventory, const ir::Settings& settings,
                     bool with_inventory, Collector& out) {
  std::vector<ir::SourceLocation> unsatisfiable;  // not reported again as dangling
  for (const verifier::UnsatisfiableSelector& s : verifier::FindUnsatisfiableSelectors(policies)) {
    unsatisfiable.push_back(s.location);
    const std::string policy = PolicyLabel(policies.policies[static_cast<size_t>(s.policy)]);
    AnalysisFinding& f = out.Add("rule-analysis", "selector-matches-nothing", AnalysisLevel::kNote, s.location,
                                 fmt::format("a selector of {} matches no endpoint: on key `{}`, {}", policy, s.key,
                                             s.reason));
    f.policy = policy;
    f.key = fmt::format("{}: {}", s.key, s.reason);
  }
  verifier::EntryAnalysis analysis = verifier::AnalyzeEntries(policies, settings);
  for (const verifier::RedundantPolicy& r : analysis.redundant) {
    const ir::Policy& policy = policies.policies[static_cast<size_t>(r.policy)];
    std::set<std::string> labels;
    for (int other : r.covering_policies) labels.insert(PolicyLabel(policies.policies[static_cast<size_t>(other)]));
    std::string covering;
    for (const std::string& label : labels) covering += (covering.empty() ? "" : ", ") + label;
    const ir::SourceLocation& at = policy.meta.name_location.Known() ? policy.meta.name_location : policy.meta.location;
    AnalysisFinding& f =
        out.Add("rule-analysis", "redundant-policy", AnalysisLevel::kNote, at,
                fmt::format("{} changes nothing: every entry is covered by entries of {}", PolicyLabel(policy), covering));
    f.policy = PolicyLabel(policy);
  }
  for (const verifier::ShadowedEntry& entry : analysis.shadowed) {
    std::string message =
        entry.opposite_action
            ? fmt::format("{} never allows anything: a deny decides everything it matches (deny wins, "
                          "cilium-semantics.md 4)",
                          entry.description)
            : fmt::format("{} never changes a verdict: entries of the same action already decide everything it "
                          "matches",
                          entry.description);
    AnalysisFinding& f = out.Add("rule-analysis", entry.opposite_action ? "allow-dead-by-deny" : "rule-entry-shadowed",
                                 AnalysisLevel::kNote, entry.location, std::move(message));
    f.opposite_action = entry.opposite_action;
    f.policy = PolicyLabel(policies.policies[static_cast<size_t>(entry.policy)]);
    f.key = entry.description;
    for (const verifier::BlockingEntry& b : entry.blocking) {
      f.blocking.push_back({b.description, out.FileLine(b.location), b.deny});
    }
  }
  if (!with_inventory) return;
  for (const verifier::DanglingSelector& d : verifier::FindDanglingSelectors(policies, inventory, settings)) {
    if (d.location.Known() && std::find(unsatisfiable.begin(), unsatisfiable.end(), d.location) != unsatisfiable.end()) {
      continue;
    }
    const std::string policy = PolicyLabel(policies.policies[static_cast<size_t>(d.policy)]);
    AnalysisFinding& f = out.Add("rule-analysis", "selector-matches-no-pod", AnalysisLevel::kNote, d.location,
                                 fmt::format("this {} selector of {} matches no pod of the inventory in namespace {}",
                                             d.subject ? "subject" : "peer", policy,
                                             d.namespace_.empty() ? "(any)" : d.namespace_));
    f.policy = policy;
    f.key = fmt::format("{} {}", d.subject ? "subject" : "peer", d.namespace_);
  }
}

void AddMapPressure(const ir::PolicySet& policies, const ir::Inventory& inventory, const ir::Settings& settings,
                    Collector& out) {
  const size_t limit = std::clamp<uint32_t>(settings.bpf_policy_map_max, 256, 65536);
  for (const verifier::EndpointMapPressure& p : verifier::PredictPolicyMaps(policies, inventory, settings)) {
    if (p.entries * 5 < limit * 4) continue;  // below 80%
    const bool overflow = p.entries > limit;
    std::string top;
    for (size_t i = 0; i < p.policies.size() && i < 3; ++i) {
      const ir::Policy& policy = policies.policies[static_cast<size_t>(p.policies[i].first)];
      std::string at = out.FileLine(policy.meta.location);
      top += fmt::format("{}{} ({} {}{})", top.empty() ? "" : ", ", PolicyLabel(policy), p.policies[i].second,
                         p.policies[i].second == 1 ? "entry" : "entries",
                         at.empty() ? "" : ", " + at);
    }
    std::string message = fmt::format(
        "endpoint {} is predicted to need {} BPF policy map entries, {} bpf-policy-map-max {}; most come from {}",
        p.name, p.entries, overflow ? "more than" : "at least 80% of", limit, top.empty() ? "no policy" : top);
    if (overflow) message += "; the agent cannot regenerate this endpoint (cilium-semantics.md 8.3)";
    const ir::SourceLocation& at = p.policies.empty()
                                       ? p.endpoint->location
                                       : policies.policies[static_cast<size_t>(p.policies.front().first)].meta.location;
    AnalysisFinding& f = out.Add("policy-map", overflow ? "policy-map-overflow" : "policy-map-pressure",
                                 overflow ? AnalysisLevel::kError : AnalysisLevel::kWarning, at, std::move(message));
    f.key = "endpoint " + p.name;
  }
}

}  // namespace

std::string_view AnalysisLevelName(AnalysisLevel level) {
  switch (level) {
    case AnalysisLevel::kNote: return "note";
    case AnalysisLevel::kWarning: return "warning";
    case AnalysisLevel::kError: return "error";
  }
  return "note";
}

std::vector<AnalysisFinding> AnalyzeForVerify(const ir::PolicySet& policies, const ir::Inventory& inventory,
                                              const ir::Settings& settings, const ir::FileTable& files) {
  // `policies` holds no rejected policy; a later one of the same name still
  // replaces an earlier one, as in the cluster.
  std::vector<int> original;
  const ir::PolicySet in_force = verifier::PoliciesInForce(policies, {}, original);
  Collector out(files);
  const bool with_inventory = !inventory.endpoints.empty();
  AddRuleAnalysis(in_force, inventory, settings, with_inventory, out);
  if (with_inventory) AddMapPressure(in_force, inventory, settings, out);
  std::vector<AnalysisFinding> findings = out.Take();
  std::stable_sort(findings.begin(), findings.end(), [](const AnalysisFinding& a, const AnalysisFinding& b) {
    return std::tie(a.part, a.file, a.line, a.rule) < std::tie(b.part, b.file, b.line, b.rule);
  });
  return findings;
}

}  // namespace polc::cli
