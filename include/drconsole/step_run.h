// Running a step's action and completing a gated step: the one workflow the command line and
// the console share. Front ends gather input and show results; everything between is here.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/actions.h"
#include "drconsole/gate_eval.h"
#include "drconsole/incident.h"
#include "drconsole/preflight.h"
#include "drconsole/readings.h"

namespace drconsole {

// The gate of `step` now: from `live` when the caller has readings (a console), else one
// reading of each target the gate names (and a mirror's clusters), waiting at most the longest
// deadline. Without `live` it probes the network: never call it so on a UI thread.
GateResult read_gate(const Step& step, const Environment* env, const ReadingStore* live);

// What an override records of a gate: each condition's outcome, live value and reason.
nlohmann::json gate_evidence(const GateResult& gate);

// Before a gated step completes or runs: nothing when it has no gate, its gate passes or was
// overridden; when it fails and the IC gave `override_reason`, records gate.overridden with
// the live values; else throws NeedsOverride saying why.
std::optional<Event> clear_gate(Incident& incident, const Step& step, const Actor& actor, const GateResult& gate,
                                const std::string& override_reason);

// A gate or preflight that refuses, and that the IC may go past with an override and a reason;
// each front end adds how (a flag, a key).
class NeedsOverride : public RuleViolation {
public:
    using RuleViolation::RuleViolation;
};

// Before any probing: throws RuleViolation when the rules would refuse `override_reason` as an
// override of the step's gate (not the IC, no reason). Nothing when there is no override to
// make (no reason given, no gate, or the gate already overridden).
void refuse_gate_override_early(const Incident& incident, const Step& step, const Actor& actor, const std::string& override_reason);

// Called with each event a workflow records, in order (a front end prints or shows it).
using OnRecorded = std::function<void(const Event&)>;

// One run of a step's action, in stages a console can spread over a worker thread:
//   StepRun run(incident, env, step, actor, override);  // UI thread: refuses what cannot run
//   run.check(live);                                     // worker: gate and preflight, records nothing
//   run.begin(incident, shown);                          // UI thread: records up to action.started
//   auto result = run.execute(&cancel);                  // worker: the action, records nothing
//   run.finish(incident, result, shown);                 // UI thread: action.finished, step.completed
class StepRun {
public:
    // Throws RuleViolation (no such step, no action, not open, already running, an override the
    // rules would refuse) or InputError (a template that cannot be filled). Records nothing.
    StepRun(const Incident& incident, std::shared_ptr<const Environment> env, const std::string& step, Actor actor,
            std::string override_reason = {});

    const Step& step() const { return step_; }
    const Actor& actor() const { return actor_; }

    // The values the step's requires= names, recorded when it completes. Without all of them the
    // step stays started after its action succeeds (finish() says so by returning action.finished).
    void set_completion_values(std::map<std::string, std::string> values) { completion_values_ = std::move(values); }
    bool completes_with_values() const;

    // What would run, secrets shown by name: for a dry run.
    nlohmann::json plan() const;

    // The gate on live readings (or one reading of its targets) and, for a step that promotes a
    // PostgreSQL standby, the preflight. Network; safe on a worker thread; records nothing.
    void check(const ReadingStore* live);
    const std::optional<GateResult>& gate() const { return gate_; }
    const std::vector<PreflightCheck>& preflight_checks() const { return preflight_; }
    // "receiving WAL: …" for the checks that warned, empty when none did.
    std::string preflight_warnings() const;

    // Records, in order: gate.overridden (a failing gate with the IC's reason, live values
    // included), preflight.checked (whether it passed or not), step.started (if pending) and
    // action.started. Throws NeedsOverride, after recording the preflight, when the gate or the
    // preflight refuses and there is no override. Returns action.started.
    Event begin(Incident& incident, const OnRecorded& recorded = {});

    // The action itself; safe on a worker thread; cancellable; records nothing. Never throws.
    ActionResult execute(const std::atomic<bool>* cancel) const;

    // Records action.finished and, when the action succeeded, step.completed. Returns the last.
    Event finish(Incident& incident, const ActionResult& result, const OnRecorded& recorded = {});

private:
    std::shared_ptr<const Environment> env_;
    Step step_;
    Actor actor_;
    std::string override_;
    TemplateValues values_;
    std::optional<Millis> rpo_;  // of the standby a promoting step promotes
    bool checked_ = false;
    std::optional<GateResult> gate_;
    std::vector<PreflightCheck> preflight_;
    std::string preflight_target_;
    bool gate_overridden_already_ = false;
    std::map<std::string, std::string> completion_values_;
};

// Actions whose process ended without recording how they ended (a crash, kill -9): ends the
// commands they left running and records each as action.abandoned by `actor`, so that the step
// can run again. An action whose process still runs, or runs on another host, is left alone.
// Called by every command that records and by the console when it opens.
std::vector<Event> reap_abandoned_actions(Incident& incident, const Actor& actor);

}  // namespace drconsole
