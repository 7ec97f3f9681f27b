// drconsole step ID run: the engine's step-run workflow (drconsole/step_run.h), with Ctrl-C
// as its cancel and every recorded event printed.
#include <atomic>
#include <chrono>
#include <thread>
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/step_run.h"
#include "drconsole/step_wait.h"
#include "drconsole/text.h"

namespace drconsole::cli {
namespace {

std::atomic<bool> g_cancel{false};
extern "C" void on_cancel(int) { g_cancel = true; }

// The engine says why; the command line says how to go past it.
template <typename F>
auto overridable(F&& f) {
    try {
        return f();
    } catch (const NeedsOverride& e) {
        throw RuleViolation(fmt::format("{} (the IC may go ahead with --override \"reason\")", e.what()));
    }
}

}  // namespace

void require_gate(Incident& incident, const Step& step, const Actor& actor, const Environment* env, const std::string& override_reason) {
    if (!step.gate || incident.state().gate_overrides.count(step.id)) return;
    refuse_gate_override_early(incident, step, actor, override_reason);
    if (auto e = overridable([&] { return clear_gate(incident, step, actor, read_gate(step, env, nullptr), override_reason); }))
        print_recorded(*e);
}

namespace {

// Graceful or forced (wait=…): before the action, waits until its condition holds on live
// readings, printing the catch-up; or, with `force_reason` (the IC), records going now with the
// values at that instant. 0 to go on to the action; else the exit status.
int wait_for_condition(Incident& incident, const Step& step, const Actor& actor, const Environment* env, const std::string& force_reason) {
    const StepState& st = incident.state().step(step.id);
    if (!step.wait || st.wait_outcome == "held" || st.wait_outcome == "forced") return 0;
    if (!env) throw InputError(fmt::format("step '{}' waits for {}: give the environment (--env) to read it", step.id, step.wait_text));
    // The rules first: nothing is probed for a wait or a force they would refuse.
    if (st.status == StepStatus::pending)
        if (auto why = incident.why_not({std::string(event_kind::step_started), actor, step.id, {}})) throw RuleViolation(*why);
    if (force_reason.empty() && st.status == StepStatus::started)
        if (auto why = incident.why_not({std::string(event_kind::wait_started), actor, step.id, {}})) throw RuleViolation(*why);
    if (!force_reason.empty() && st.status == StepStatus::started)
        if (auto why = incident.why_not({std::string(event_kind::wait_ended), actor, step.id, {{"outcome", "forced"}, {"reason", force_reason}}}))
            throw RuleViolation(*why);
    LiveTargets live(*env, targets_of(*step.wait));
    live.wait_first_readings();
    StepWait wait(step, steady_now_us());
    WaitReading r = wait.observe(live.store(), steady_now_us());
    if (st.status == StepStatus::pending) print_recorded(incident.start_step(step.id, actor));
    if (!force_reason.empty()) {
        print_recorded(incident.wait_ended(step.id, wait.ended_payload("forced", r, force_reason), actor));
        std::cerr << safe_text("drconsole: forced, not waiting: " + wait.describe(r)) << '\n';
        return 0;
    }
    print_recorded(incident.wait_started(step.id, wait.started_payload(r), actor));
    g_cancel = false;
    auto previous = std::signal(SIGINT, on_cancel);
    std::int64_t said = 0;
    std::string outcome;
    while (true) {
        r = wait.observe(live.store(), steady_now_us());
        if (r.condition.outcome == GateOutcome::pass) outcome = "held";
        else if (r.timed_out) outcome = "timed_out";
        else if (g_cancel) outcome = "cancelled";
        if (!outcome.empty()) break;
        if (r.waited_us - said >= 1'000'000) {
            said = r.waited_us;
            std::cerr << safe_text("drconsole: waiting (graceful): " + wait.describe(r)) << '\n';
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::signal(SIGINT, previous);
    print_recorded(incident.wait_ended(step.id, wait.ended_payload(outcome, r), actor));
    if (outcome == "held") return 0;
    if (outcome == "cancelled") {
        std::cerr << "drconsole: stopped waiting (Ctrl-C); the action did not run\n";
        return 130;
    }
    std::cerr << safe_text(fmt::format("drconsole: {} did not hold within {} ({}); the action did not run. Wait again with the same "
                                       "command, or the IC goes now and accepts the loss: drconsole step {} run --force \"REASON\" --as ic:NAME",
                                       step.wait_text, format_duration(*step.wait_timeout), r.condition.reason, step.id))
              << '\n';
    return 3;
}

}  // namespace

int run_step_action(Journal& journal, Incident& incident, const std::string& step_id, const std::string& as,
                    const std::string& env_path, const std::string& override_reason, bool dry_run,
                    const std::map<std::string, std::string>& values, const std::string& force_reason) {
    const Step* step = incident.state().runbook->find_step(step_id);
    if (!step) throw RuleViolation(incident.state().runbook->no_such_step(step_id));
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

    if (!step->approve.empty() && incident.state().step(step_id).status == StepStatus::pending)
        throw RuleViolation(fmt::format("step '{}' needs the approval of {} (another person) before its action runs: 'drconsole step {} start' "
                                        "asks for it, then the {} runs 'drconsole approve {}'", step_id, step->approve, step_id, step->approve, step_id));
    if (!force_reason.empty() && !step->wait) throw InputError(fmt::format("--force: step '{}' waits for nothing (it has no wait=)", step_id));
    if (int status = wait_for_condition(incident, *step, actor, env.get(), force_reason)) return status;
    StepRun run(incident, env, step_id, actor, override_reason);
    run.set_completion_values(values);
    // Checked at the instant the action runs (after any approval or wait), never earlier.
    run.check(nullptr);
    for (const auto& c : run.preflight_checks())
        std::cerr << safe_text(fmt::format("preflight {:<38} {:<4} {}", c.name, to_string(c.outcome), c.value)) << '\n';
    overridable([&] { return run.begin(incident, print_recorded); });

    g_cancel = false;
    auto previous = std::signal(SIGINT, on_cancel);
    ActionResult result = run.execute(&g_cancel);
    std::signal(SIGINT, previous);
    run.finish(incident, result, print_recorded);
    if (!result.output.empty()) std::cout << safe_text(result.output, true) << (result.output.back() == '\n' ? "" : "\n");
    if (!result.ok) {
        std::cerr << safe_text(fmt::format("drconsole: the action of {} failed: {}", step->id, result.error)) << '\n';
        return 1;
    }
    if (!run.completes_with_values())
        std::cerr << safe_text(fmt::format("drconsole: the action of {} succeeded; the step completes when its values are recorded: "
                                           "drconsole step {} done{}", step->id, step->id, [&] {
                                               std::string hint;
                                               for (const auto& n : step->requires_values) hint += " --set " + n + "=…";
                                               return hint;
                                           }()))
                  << '\n';
    return 0;
}

}  // namespace drconsole::cli
