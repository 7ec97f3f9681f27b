// drconsole step ID run: check the gate on live readings, run the step's action, record it all,
// and complete the step when the action succeeds.
#include <atomic>
#include <csignal>
#include <iostream>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/actions.h"
#include "drconsole/gate_eval.h"
#include "drconsole/preflight.h"
#include "drconsole/probes.h"
#include "drconsole/text.h"

namespace drconsole::cli {
namespace {

std::atomic<bool> g_cancel{false};
extern "C" void on_cancel(int) { g_cancel = true; }


// One reading of each target the gate names (or its deadline), then the gate's outcome.
GateResult live_gate(const Step& step, const Environment* env) {
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

}  // namespace

void require_gate(Incident& incident, const Step& step, const Actor& actor, const Environment* env, const std::string& override_reason) {
    if (!step.gate || incident.state().gate_overrides.count(step.id)) return;
    // An override that the rules would refuse (not the IC, no reason) is refused before any probing.
    if (!override_reason.empty())
        if (auto refusal = incident.why_not(EventDraft{std::string(event_kind::gate_overridden), actor, step.id, {{"reason", override_reason}}}))
            throw RuleViolation(*refusal);
    GateResult gate = live_gate(step, env);
    if (gate.outcome == GateOutcome::pass) return;
    if (override_reason.empty())
        throw RuleViolation(fmt::format("gate {}: {} (the IC may go ahead with --override \"reason\")", to_string(gate.outcome), gate.reason));
    nlohmann::json live = nlohmann::json::array();
    for (const auto& c : gate.conditions)
        live.push_back({{"outcome", to_string(c.outcome)}, {"value", c.value ? nlohmann::json(*c.value) : nlohmann::json(nullptr)},
                        {"reason", c.reason}});
    print_recorded(incident.override_gate(step.id, override_reason, live, actor));
}

int run_step_action(Journal& journal, Incident& incident, const std::string& step_id, const std::string& as,
                    const std::string& env_path, const std::string& override_reason, bool dry_run) {
    const Step* step = incident.state().runbook->find_step(step_id);
    if (!step) throw RuleViolation(fmt::format("no step '{}' in runbook {}", step_id, incident.state().runbook_path));
    if (!step->action) throw RuleViolation(fmt::format("step '{}' has no action to run", step_id));
    auto env = incident_environment(journal, incident.state(), env_path);
    Actor actor = resolve_actor(as, step->role);
    if (dry_run) {
        // Nothing runs and nothing changes state: the plan is shown and recorded as not executed.
        nlohmann::json plan = plan_action(*step, env.get(), template_values(env.get(), incident.state(), *step, actor));
        print_recorded(incident.action_dry_run(step->id, plan, actor));
        std::cout << safe_text(plan.dump(2), true) << '\n';
        return 0;
    }

    require_gate(incident, *step, actor, env.get(), override_reason);
    if (promotes_standby(*step) && step->action->kind == ActionKind::sql && env) {
        if (const Target* target = env->find(step->action->target)) {
            auto rpo = rpo_by_target(*incident.state().runbook);
            auto objective = rpo.count(target->id) ? std::optional<Millis>(rpo.at(target->id)) : std::nullopt;
            auto checks = preflight(*env, *target, objective);
            bool failed = any_failed(checks);
            for (const auto& c : checks)
                std::cerr << safe_text(fmt::format("preflight {:<38} {:<4} {}", c.name, to_string(c.outcome), c.value)) << '\n';
            nlohmann::json result = {{"target", target->id}, {"checks", to_json(checks)}, {"failed", failed}};
            if (failed && override_reason.empty()) {
                print_recorded(incident.preflight_checked(step->id, result, actor));
                throw RuleViolation(fmt::format("preflight failed: the standby is not safe to promote: {} (the IC may go ahead with "
                                                "--override \"reason\")", failed_checks(checks)));
            }
            if (failed) result["overridden"] = override_reason;
            print_recorded(incident.preflight_checked(step->id, result, actor));
        }
    }
    if (incident.state().step(step->id).status == StepStatus::pending) print_recorded(incident.start_step(step->id, actor));
    TemplateValues values = template_values(env.get(), incident.state(), *step, actor);
    print_recorded(incident.action_started(step->id, describe_action(*step, values), actor));

    g_cancel = false;
    auto previous = std::signal(SIGINT, on_cancel);
    ActionResult result;
    try {
        result = execute_action(*step, env.get(), values, &g_cancel);
    } catch (const InputError& e) {
        result.ok = false;
        result.error = e.what();
        result.started_us = result.ended_us = SystemClock().wall_us();
    }
    std::signal(SIGINT, previous);
    print_recorded(incident.action_finished(step->id, evidence_of(result), actor));
    if (!result.output.empty()) std::cout << safe_text(result.output, true) << (result.output.back() == '\n' ? "" : "\n");
    if (!result.ok) {
        std::cerr << safe_text(fmt::format("drconsole: the action of {} failed: {}", step->id, result.error)) << '\n';
        return 1;
    }
    print_recorded(incident.complete_step(step->id, actor));
    return 0;
}

}  // namespace drconsole::cli
