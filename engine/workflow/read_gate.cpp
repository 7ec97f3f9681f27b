// A step's gate now: from a console's live readings, or one reading of the targets it names.
#include <chrono>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "drconsole/probes.h"
#include "drconsole/step_run.h"

namespace drconsole {

GateResult read_gate(const Step& step, const Environment* env, const ReadingStore* live) {
    if (!step.gate) return GateResult{GateOutcome::pass, "", {}};
    if (live) return evaluate_gate(*step.gate, *live, steady_now_us());
    GateResult unknown;
    if (!env) {
        unknown.reason = step.gate_text + ": no live readings (no environment)";
        return unknown;
    }
    // Only the targets the gate names (and a mirror's two clusters) are probed.
    std::set<std::string> needed;
    Environment subset = *env;
    subset.targets.clear();
    Millis longest{0};
    for (const auto& c : step.gate->all_of) {
        needed.insert(c.target);
        const Target* t = env->find(c.target);
        if (!t) continue;
        longest = std::max(longest, t->deadline.value_or(kDefaultDeadline));
        subset.targets.emplace(t->id, *t);
        for (const std::string& dependency : {t->source, t->target})
            if (const Target* d = dependency.empty() ? nullptr : env->find(dependency)) subset.targets.emplace(d->id, *d);
    }
    auto store = std::make_shared<ReadingStore>();
    ProbeScheduler scheduler(store);
    add_environment_probes(scheduler, subset);
    scheduler.start();
    auto until = std::chrono::steady_clock::now() + longest + std::chrono::milliseconds(200);
    while (std::chrono::steady_clock::now() < until) {
        bool all = true;
        for (const auto& id : needed) {
            auto v = store->view(id, steady_now_us());
            all = all && v && !v->never_read;
        }
        if (all) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    GateResult result = evaluate_gate(*step.gate, *store, steady_now_us());
    scheduler.stop();
    return result;
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
