// drconsole step ID run: the engine's step-run workflow (drconsole/step_run.h), with Ctrl-C
// as its cancel and every recorded event printed.
#include <atomic>
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/step_run.h"
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

int run_step_action(Journal& journal, Incident& incident, const std::string& step_id, const std::string& as,
                    const std::string& env_path, const std::string& override_reason, bool dry_run,
                    const std::map<std::string, std::string>& values) {
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
