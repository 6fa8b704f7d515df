// The reference evaluator (cilium-semantics.md sections 2-7).
#include "verifier/evaluator.h"

namespace polc::verifier {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllow: return "allow";
    case Verdict::kDeny: return "deny";
    case Verdict::kAudit: return "audit";
  }
  return "allow";
}

struct Evaluator::State {
  ir::PolicySet policies;
  ir::Inventory inventory;
  ir::Settings settings;
};

Evaluator::Evaluator(const ir::PolicySet& policies, const ir::Inventory& inventory, const ir::Settings& settings)
    : state_(std::make_unique<State>(State{policies, inventory, settings})) {}

Evaluator::~Evaluator() = default;

FlowResult Evaluator::Evaluate(const Flow& flow) const {
  (void)flow;
  FlowResult result;
  result.egress.direction = ir::Direction::kEgress;
  result.ingress.direction = ir::Direction::kIngress;
  return result;
}

}  // namespace polc::verifier
