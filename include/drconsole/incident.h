// The incident engine: commands are checked against state, recorded as events, and folded into state.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/environment.h"
#include "drconsole/event.h"
#include "drconsole/journal.h"
#include "drconsole/signing.h"
#include "drconsole/runbook.h"

namespace drconsole {

// A command the current state does not allow ("step 'x' is already completed").
// The command line turns it into exit status 2; nothing was recorded.
class RuleViolation : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// not_applicable: the step needs a target the environment lacks and `start --allow-missing`
// named; decided at start, never changed.
enum class StepStatus { pending, started, done, skipped, failed, not_applicable };
std::string_view to_string(StepStatus status);

struct StepState {
    StepStatus status = StepStatus::pending;
    bool open() const { return status == StepStatus::pending || status == StepStatus::started; }  // not yet ended
    std::optional<std::int64_t> started_us, ended_us;  // latest attempt
    std::optional<Actor> started_by, ended_by;
    std::string reason;  // skip or fail reason of the latest attempt; why it is not applicable
    int attempts = 0;    // reopen count + 1 once started or ended
    // The latest run of the step's action.
    bool action_running = false;
    std::optional<std::int64_t> action_started_us, action_ended_us;
    std::optional<bool> action_ok;
    int action_exit = -1;
    std::string action_error, action_output_sha256, action_kind;
    int action_runs = 0;
    // Four eyes (approve=ROLE): the approval of the latest attempt, or that it timed out.
    std::optional<std::int64_t> approved_us;
    std::optional<Actor> approved_by;
    std::string approval_comment;
    bool approval_expired = false;
    std::map<std::string, std::string> values;  // the values its completion recorded (requires=…)
    // Graceful or forced (wait=…): waiting for the condition now, and how the latest wait ended
    // ("held", "timed_out", "cancelled", "forced"; empty once an action consumed it).
    bool waiting = false;
    std::optional<std::int64_t> wait_started_us;
    std::string wait_outcome;
};

struct RoleSpell {
    std::string role;
    std::string person;
    std::int64_t from_us = 0;
    std::optional<std::int64_t> to_us;
};

struct Note {
    std::int64_t seq = 0;
    std::int64_t wall_us = 0;
    Actor actor;
    std::string step;
    std::string text;
    std::optional<std::int64_t> corrects;  // set for a correction: the seq it corrects
    bool action_item = false;              // an issue found, to be followed up after the incident
    std::string owner;                     // for an action item: who follows it up
};

// How a real incident's T0 is chosen when it is declared (drills use the injected fault).
enum class T0Rule { earliest, declared, detected };
std::string_view to_string(T0Rule rule);
std::optional<T0Rule> t0_rule_from(std::string_view name);

// How often stakeholder updates are due, and where that came from. The stricter (shorter) of the
// runbook's "Comms every N" and the environment's comms.cadence applies; it is chosen and
// recorded when the incident starts.
struct CommsCadence {
    std::optional<Millis> every;  // none: no cadence anywhere
    std::string source;           // "runbook" | "environment" | "runbook and environment"
    std::string overruled;        // the one that did not apply: "the environment's 30m", or ""
    // "every 15m (environment; the runbook's 30m is overruled: the stricter applies)"
    std::string describe() const;
};
CommsCadence choose_comms_cadence(const Runbook& runbook, const Environment* env);

struct IncidentState {
    std::int64_t id = 0;
    std::string title, mode, severity;
    std::string runbook_path, runbook_sha256, env_path, env_sha256;
    std::shared_ptr<const Runbook> runbook;
    std::int64_t started_us = 0;
    std::optional<std::int64_t> fault_us, declared_us, detected_us, resolved_us;
    T0Rule t0_rule = T0Rule::earliest;
    std::string resolution;
    std::string cleanup_reason;     // why it was resolved although a cleanup step did not complete
    std::int64_t resolved_seq = 0;  // the event that resolved it (0 while open)
    std::map<std::string, std::string> roster;  // role -> person, now
    std::vector<RoleSpell> role_history;
    std::map<std::string, StepState> steps;
    std::vector<Note> notes;  // notes and corrections, in order
    std::vector<std::int64_t> comms_us;
    CommsCadence comms;
    std::map<std::string, std::string> gate_overrides;  // step -> reason
    std::int64_t last_seq = 0;
    std::string head_hash;
    std::int64_t last_checkpoint_seq = 0;  // the newest checkpoint.signed event (0: none yet)

    bool resolved() const { return resolved_us.has_value(); }
    // T0: the fault in a drill; else, as the declaration chose, the earliest of declared and
    // first detected, or one of them; else the start.
    std::int64_t t0_us() const;
    // What T0 is: "fault injected", "declared", "first detected" or "started".
    std::string_view t0_source() const;
    const StepState& step(const std::string& id) const;
};

// The pure fold: the same runbook and events always give the same state.
void apply(IncidentState& state, const Event& event);
IncidentState fold(std::shared_ptr<const Runbook> runbook, const std::vector<Event>& events);

// Throws RuleViolation when `state` does not allow `draft`. Pure.
void check_command(const IncidentState& state, const EventDraft& draft);
// Throws RuleViolation unless the actor names a person and one of the runbook's roles.
void check_actor(const Runbook& runbook, const Actor& actor);

nlohmann::json to_json(const IncidentState& state);
// [{"path", "sha256"}] of each file the runbook includes (include=FILE.md#phase).
nlohmann::json included_files(const Runbook& runbook);

struct StartRequest {
    std::shared_ptr<const Runbook> runbook;
    std::shared_ptr<const Environment> env;  // may be null
    std::string mode;                          // "drill" | "real"
    std::string severity;
    Actor actor;
    std::map<std::string, std::string> roster;  // role -> person, recorded as role.assigned events
    // Targets of the runbook the environment lacks, on purpose: the steps that need them are
    // recorded as not applicable here; every other target must exist.
    std::set<std::string> allow_missing;
};

class Incident {
public:
    // Validates and records the start (and the roster); returns the attached incident.
    static Incident start(Journal& journal, const StartRequest& request);
    // What start() refuses, checked without a journal (so that a refused start creates no file).
    static void check_start(const StartRequest& request);
    // Rebuilds state from the journal alone (runbook read from the stored document).
    static Incident attach(Journal& journal, std::int64_t id);
    // The same from the incident's events already read (all of them, in seq order).
    static Incident attach(Journal& journal, std::int64_t id, const std::vector<Event>& events);

    const IncidentState& state() const { return state_; }
    Journal& journal() const { return *journal_; }
    std::int64_t id() const { return state_.id; }

    // Checks the command against the newest state inside the write transaction, records
    // it, folds it in, and returns the recorded event.
    Event submit(const EventDraft& draft);
    // Why the rules would refuse `draft` now ("a reason is required to skip a step"), or
    // nothing when they would take it: for front ends that ask before they record. Records nothing.
    std::optional<std::string> why_not(const EventDraft& draft) const;
    // Folds in events other writers recorded since; returns how many, and appends them to
    // `out` when given.
    std::size_t refresh(std::vector<Event>* out = nullptr);

    Event start_step(const std::string& step, const Actor& actor);
    // `values`: what the step's requires= names, recorded with its completion.
    Event complete_step(const std::string& step, const Actor& actor, const std::map<std::string, std::string>& values = {});
    // Another person holding the step's approve= role approves its latest attempt (four eyes);
    // refused once approve_timeout has passed since the request (the step's start).
    Event approve_step(const std::string& step, const std::string& comment, const Actor& actor);
    // Graceful or forced (wait=…): the wait for the condition begins, and how it ended; `payload`
    // carries the live values (drconsole/step_wait.h builds it).
    Event wait_started(const std::string& step, nlohmann::json payload, const Actor& actor);
    Event wait_ended(const std::string& step, nlohmann::json payload, const Actor& actor);
    // Records approval.expired for each started step whose approval did not come within its
    // approve_timeout (the step fails; reopen asks again). Every front end calls it as it acts.
    std::vector<Event> expire_approvals(const Actor& actor);
    Event skip_step(const std::string& step, const std::string& reason, const Actor& actor, std::optional<ActedAt> at = {});
    Event fail_step(const std::string& step, const std::string& reason, const Actor& actor, std::optional<ActedAt> at = {});
    Event reopen_step(const std::string& step, const std::string& reason, const Actor& actor);
    // Puts a started step back to pending (it was started by mistake); its action must not be running.
    Event unstart_step(const std::string& step, const std::string& reason, const Actor& actor);
    Event add_note(const std::string& text, const std::string& step, const Actor& actor, std::optional<ActedAt> at = {});
    // An issue found, to be followed up: a note the report lists under action items.
    Event add_action_item(const std::string& text, const std::string& owner, const Actor& actor);
    Event correct(std::int64_t seq, const std::string& text, const Actor& actor);
    Event inject_fault(const std::string& description, const Actor& actor, std::optional<ActedAt> at = {});
    Event declare(const Actor& actor, std::optional<std::int64_t> detected_us = std::nullopt, T0Rule rule = T0Rule::earliest,
                  std::optional<ActedAt> at = {});
    Event comms_sent(const std::string& summary, const Actor& actor, std::optional<ActedAt> at = {});
    Event assign_role(const std::string& role, const std::string& person, const Actor& actor);
    // The IC undoes a resolution made by mistake; the reason is required.
    Event reopen_incident(const std::string& reason, const Actor& actor);
    // Signs the chain as it stands (the event just before this one) with a key the journal
    // never holds: verify --pubkey then detects any change to what it covers.
    Event sign_checkpoint(const SigningKey& key, const Actor& actor);
    // Every recording path that holds a key calls this after it recorded: a checkpoint once
    // kCheckpointEvery events have gone unsigned, so that a long incident is never far from its
    // last signature. nullopt when none was due.
    static constexpr std::int64_t kCheckpointEvery = 50;
    std::optional<Event> sign_if_due(const SigningKey& key, const Actor& actor);
    // `cleanup_reason`: the IC's reason to resolve although an `always` (cleanup) step failed or was skipped.
    Event resolve(const std::string& summary, const Actor& actor, std::optional<ActedAt> at = {}, const std::string& cleanup_reason = {});
    // Records that the step's action starts (what will run, without secret values), then how it ended.
    Event action_started(const std::string& step, nlohmann::json description, const Actor& actor);
    Event action_finished(const std::string& step, nlohmann::json result, const Actor& actor);
    // An action whose process ended without recording how (a crash, a kill): found afterwards.
    Event action_abandoned(const std::string& step, nlohmann::json what, const Actor& actor);
    Event action_dry_run(const std::string& step, nlohmann::json plan, const Actor& actor);
    Event preflight_checked(const std::string& step, nlohmann::json result, const Actor& actor);
    // Records a batch of readings as the incident's samples, sealed by a samples.recorded event,
    // while `holder` holds the recording lease; nullopt (nothing written) when it does not.
    std::optional<Event> record_samples(const std::vector<Sample>& samples, const Actor& actor, const std::string& holder,
                                        std::int64_t now_us);
    // The IC lets a step complete although its gate does not pass; `live` holds the readings.
    Event override_gate(const std::string& step, const std::string& reason, nlohmann::json live, const Actor& actor);

private:
    // Adds "at_us" and "at_source" to a draft; refuses a time in the future or long before the start.
    EventDraft acted(EventDraft draft, const std::optional<ActedAt>& at) const;
    Incident(Journal& journal, IncidentState state) : journal_(&journal), state_(std::move(state)) {}
    Journal* journal_;
    IncidentState state_;
};

}  // namespace drconsole
