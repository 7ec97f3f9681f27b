// A step's gate now: from a console's live readings, or one reading of the targets it names.
#include <fmt/format.h>

#include "drconsole/probes.h"
#include "drconsole/step_run.h"
#include "drconsole/step_wait.h"

namespace drconsole {

GateResult read_gate(const Step& step, const Environment* env, const ReadingStore* live) {
    if (!step.gate) return GateResult{GateOutcome::pass, "", {}};
    if (live) return evaluate_gate(*step.gate, *live, steady_now_us());
    GateResult unknown;
    if (!env) {
        unknown.reason = step.gate_text + ": no live readings (no environment)";
        return unknown;
    }
    LiveTargets targets(*env, targets_of(*step.gate));
    targets.wait_first_readings();
    return evaluate_gate(*step.gate, targets.store(), steady_now_us());
}

nlohmann::json gate_evidence(const GateResult& gate) {
    nlohmann::json live = nlohmann::json::array();
    for (const auto& c : gate.conditions)
        live.push_back({{"outcome", to_string(c.outcome)}, {"value", c.value ? nlohmann::json(*c.value) : nlohmann::json(nullptr)},
                        {"reason", c.reason}});
    return live;
}

void refuse_gate_override_early(const Incident& incident, const Step& step, const Actor& actor, const std::string& override_reason) {
    if (override_reason.empty() || !step.gate || incident.state().gate_overrides.count(step.id)) return;
    if (auto refusal = incident.why_not({std::string(event_kind::gate_overridden), actor, step.id, {{"reason", override_reason}}}))
        throw RuleViolation(*refusal);
}

std::optional<Event> clear_gate(Incident& incident, const Step& step, const Actor& actor, const GateResult& gate,
                                const std::string& override_reason) {
    if (!step.gate || incident.state().gate_overrides.count(step.id) || gate.outcome == GateOutcome::pass) return std::nullopt;
    if (override_reason.empty())
        throw NeedsOverride(fmt::format("gate {}: {}", to_string(gate.outcome), gate.reason));
    return incident.override_gate(step.id, override_reason, gate_evidence(gate), actor);
}

}  // namespace drconsole
