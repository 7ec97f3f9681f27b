// Headless commands that record one event each: step, note, correct, fault, declare, comms, handover, resolve.
#include <functional>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/suggest.h"
#include "drconsole/text.h"

namespace drconsole::cli {
namespace {

struct RecordOptions {
    IncidentOptions incident;
    std::string step, verb, reason, text, role, person, env, override_reason, detected_at, t0_rule = "earliest", owner, at, key, cleanup_reason, force_reason;
    std::vector<std::string> set;  // --set NAME=VALUE
    bool action_item = false;
    std::int64_t seq = 0;
    bool dry_run = false;
};

using Record = std::function<Event(Journal&, Incident&, const RecordOptions&)>;

std::string default_role(const Incident& incident, const std::string& step) {
    const Runbook& rb = *incident.state().runbook;
    if (!step.empty())
        if (const Step* s = rb.find_step(step); s && !s->role.empty()) return s->role;
    return rb.has_role("ic") || rb.roles.empty() ? "ic" : "";
}

void require_text(const std::string& text, const char* what) {
    if (auto bad = first_invalid_utf8(text)) throw InputError(fmt::format("{} is not valid UTF-8 (byte {})", what, *bad + 1));
}

// Registers a subcommand whose callback attaches to the incident, records, and prints.
CLI::App* add_recorder(CLI::App& app, int& exit_code, const std::string& name, const std::string& help,
                       std::shared_ptr<RecordOptions> opts, Record record) {
    CLI::App* cmd = app.add_subcommand(name, help);
    add_incident_options(*cmd, opts->incident);
    cmd->callback([opts, record, &exit_code] {
        require_text(opts->text, "the text");
        require_text(opts->reason, "--reason");
        Journal journal = open_journal(opts->incident.db, JournalAccess::existing);
        Incident incident = attach_incident(journal, opts->incident.incident);
        // An action whose process died (a crash, kill -9) is found now and recorded as abandoned.
        reap_abandoned(incident, resolve_actor(opts->incident.as, default_role(incident, opts->step)));
        if (opts->verb == "run") {
            exit_code = run_step_action(journal, incident, opts->step, opts->incident.as, opts->env, opts->override_reason, opts->dry_run,
                                        parse_set_values(opts->set), opts->force_reason);
        } else {
            Event e = record(journal, incident, *opts);
            print_recorded(e);
            std::cout << e.seq << '\n';
            exit_code = 0;
        }
        sign_if_due(incident, resolve_actor(opts->incident.as, default_role(incident, "")));
    });
    return cmd;
}

Event record_step(Journal& journal, Incident& incident, const RecordOptions& o) {
    Actor actor = resolve_actor(o.incident.as, default_role(incident, o.step));
    if (o.verb == "start") return incident.start_step(o.step, actor);
    if (o.verb == "unstart") return incident.unstart_step(o.step, o.reason, actor);
    if (!o.set.empty() && o.verb != "done" && o.verb != "run") throw InputError("--set records a step's values when it completes: done or run");
    if (o.verb == "done") {
        auto values = parse_set_values(o.set);
        // The rules first (a step not applicable here, already done, values missing): no gate is read for nothing.
        nlohmann::json payload = nlohmann::json::object();
        if (!values.empty()) payload["values"] = values;
        if (auto why = incident.why_not(EventDraft{std::string(event_kind::step_completed), actor, o.step, payload})) throw RuleViolation(*why);
        if (const Step* step = incident.state().runbook->find_step(o.step); step && step->gate) {
            auto env = incident_environment(journal, incident.state(), o.env);
            require_gate(incident, *step, actor, env.get(), o.override_reason);
        }
        return incident.complete_step(o.step, actor, values);
    }
    if (o.verb == "skip") return incident.skip_step(o.step, o.reason, actor);
    if (o.verb == "fail") return incident.fail_step(o.step, o.reason, actor);
    return incident.reopen_step(o.step, o.reason, actor);
}

// --at UTC: the event happened then and is entered now ("backfilled"); the report shows both.
std::optional<ActedAt> backfilled(const RecordOptions& o) {
    if (o.at.empty()) return std::nullopt;
    auto us = parse_utc(o.at);
    if (!us) throw InputError(fmt::format("--at '{}': write UTC as 2026-11-21T03:04:05Z", safe_text(o.at)));
    return ActedAt{*us, true};
}

void add_at_option(CLI::App* cmd, const std::shared_ptr<RecordOptions>& o) {
    cmd->add_option("--at", o->at, "When it happened, UTC (2026-11-21T03:04:05Z), if earlier than now: recorded as backfilled");
}

Actor incident_actor(const Incident& incident, const RecordOptions& o) { return resolve_actor(o.incident.as, default_role(incident, "")); }

}  // namespace

void add_record_commands(CLI::App& app, int& exit_code) {
    auto step = std::make_shared<RecordOptions>();
    CLI::App* cmd = add_recorder(app, exit_code, "step", "Start, complete, skip, fail, reopen or unstart a step", step, record_step);
    cmd->add_option("step", step->step, "Step id (see 'drconsole status')")->required();
    cmd->add_option("action", step->verb, "start | done | skip | fail | reopen | unstart | run")
        ->required()
        ->check(one_of({"start", "done", "skip", "fail", "reopen", "unstart", "run"}));
    cmd->add_option("--reason", step->reason, "Why (required for skip and fail)");
    cmd->add_option("--env", step->env, "done, run: the environment for live gate readings (default: the incident's)");
    cmd->add_option("--override", step->override_reason, "done, run: the IC's reason to go ahead although the gate does not pass");
    cmd->add_flag("--dry-run", step->dry_run, "run: show what the action would run, with values filled in; record that it did not run");
    cmd->add_option("--force", step->force_reason,
                    "run: a step with wait=: go now without waiting for its condition, accepting the loss (the IC's reason)");
    cmd->add_option("--set", step->set, "done, run: a value the step records (its requires=), NAME=VALUE; repeat for each")->allow_extra_args(false);
    cmd->footer("The acting role defaults to the step's owner role; the person to $USER.\n"
                "A skipped or failed step is retried only after 'reopen'; a step started by mistake is put back with\n"
                "'unstart' (not while its action runs). Exit status 2: refused, nothing recorded.\n"
                "done: a step with a gate completes only when the gate passes on live readings, or with --override.\n"
                "run: checks the gate on live readings, runs the action (Ctrl-C cancels it), records its output and\n"
                "completes the step when it succeeds; exit status 0 only then.\n"
                "A step with approve=ROLE completes (or runs its action) only after another person holding ROLE ran\n"
                "'drconsole approve STEP'; one with requires=\"lsn, ticket\" completes with --set lsn=… --set ticket=….\n"
                "A step with wait=\"COND\" wait_timeout=2m (graceful) runs its action once COND holds on live readings,\n"
                "printing the catch-up; after wait_timeout it stops (exit status 3) and nothing ran. --force \"REASON\" (the IC)\n"
                "goes now and records the values at that instant. Ctrl-C stops waiting.");

    auto approve = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "approve", "Approve a started step that asks for approval (approve=ROLE): four eyes", approve,
                       [](Journal&, Incident& i, const RecordOptions& o) {
                           const Step* step = i.state().runbook->find_step(o.step);
                           std::string role = step && !step->approve.empty() ? step->approve : "ic";
                           return i.approve_step(o.step, o.text, resolve_actor(o.incident.as, role));
                       });
    cmd->add_option("step", approve->step, "Step id (see 'drconsole status')")->required();
    cmd->add_option("--comment", approve->text, "What the approver checked or decided");
    cmd->get_option("--as")->description("Who approves: the step's approve= role and a person other than the one who asked (default ROLE:$USER)");
    cmd->footer("The step's owner starts it (that asks for the approval); another person holding the approving role\n"
                "approves; then the owner completes it or runs its action, and its gate and preflight are read again\n"
                "at that instant. With approve_timeout=10m, an approval that does not come in time is recorded as\n"
                "timed out and the step fails: 'drconsole step STEP reopen' asks again.");

    auto note = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "note", "Add a note to the timeline (allowed after resolve too)", note,
                       [](Journal&, Incident& i, const RecordOptions& o) {
                           if (o.action_item) return i.add_action_item(o.text, o.owner, incident_actor(i, o));
                           return i.add_note(o.text, o.step, incident_actor(i, o), backfilled(o));
                       });
    cmd->add_option("text", note->text, "The note")->required();
    cmd->add_option("--step", note->step, "Attach the note to a step");
    cmd->add_flag("--action-item", note->action_item, "An issue found, to follow up: listed under the report's action items");
    cmd->add_option("--owner", note->owner, "With --action-item: who follows it up");
    add_at_option(cmd, note);

    auto correct = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "correct", "Record a correction of an earlier event (events are never edited)", correct,
                       [](Journal&, Incident& i, const RecordOptions& o) { return i.correct(o.seq, o.text, incident_actor(i, o)); });
    cmd->add_option("seq", correct->seq, "Sequence number of the event being corrected")->required();
    cmd->add_option("text", correct->text, "What was wrong and what is right")->required();

    auto fault = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "fault", "Record the injected fault: T0 of a drill", fault,
                       [](Journal&, Incident& i, const RecordOptions& o) { return i.inject_fault(o.text, incident_actor(i, o), backfilled(o)); });
    add_at_option(cmd, fault);
    cmd->add_option("description", fault->text, "What was broken, e.g. 'stopped the primary PostgreSQL'");

    auto declare = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "declare", "Record that the incident was declared (T0 of a real incident)", declare,
                       [](Journal&, Incident& i, const RecordOptions& o) {
                           std::optional<std::int64_t> detected;
                           if (!o.detected_at.empty()) {
                               detected = parse_utc(o.detected_at);
                               if (!detected) throw InputError(fmt::format("--detected-at '{}': write UTC as 2026-11-21T03:04:05Z", o.detected_at));
                           }
                           return i.declare(incident_actor(i, o), detected, t0_rule_from(o.t0_rule).value_or(T0Rule::earliest), backfilled(o));
                       });
    cmd->add_option("--detected-at", declare->detected_at, "When the problem was first detected (the first alert), UTC: 2026-11-21T03:04:05Z");
    add_at_option(cmd, declare);
    cmd->add_option("--t0", declare->t0_rule, "What T0 is: earliest (of declared and first detected), declared, detected")
        ->check(one_of({"earliest", "declared", "detected"}));
    cmd->footer("T0 of a real incident is the earliest of the declaration and the first detection unless --t0 says otherwise;\n"
                "the report names which. A drill's T0 is the injected fault ('drconsole fault').");

    auto comms = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "comms", "Record that a stakeholder update was sent", comms,
                       [](Journal&, Incident& i, const RecordOptions& o) { return i.comms_sent(o.text, incident_actor(i, o), backfilled(o)); });
    add_at_option(cmd, comms);
    cmd->add_option("summary", comms->text, "What was said, and to whom");

    auto handover = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "handover", "Assign a role, or hand it over to someone else", handover,
                       [](Journal&, Incident& i, const RecordOptions& o) { return i.assign_role(o.role, o.person, incident_actor(i, o)); });
    cmd->add_option("role", handover->role, "Role id, e.g. ic or db")->required();
    cmd->add_option("person", handover->person, "Who takes it")->required();

    auto resolve = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "resolve", "Resolve the incident: afterwards only notes and corrections", resolve,
                       [](Journal& j, Incident& i, const RecordOptions& o) {
                           // The key is read first: a key that cannot be read records nothing.
                           auto key = signing_key(o.key);
                           Event resolved = i.resolve(o.text, incident_actor(i, o), std::nullopt, o.cleanup_reason);
                           if (!key) return resolved;
                           print_recorded(resolved);
                           confirm_unsigned(j, i, *key, true);  // what the signature vouches for, said
                           return i.sign_checkpoint(*key, incident_actor(i, o));
                       });
    cmd->add_option("summary", resolve->text, "How it ended");
    cmd->get_option("--as")->description("Who resolves: the IC (default ic:$USER)");
    cmd->add_option("--cleanup-reason", resolve->cleanup_reason,
                    "Why the incident may end although a cleanup step (always) failed or was skipped (the IC's decision)");
    cmd->footer("Every cleanup step (always) must have run first: it runs whatever happened before it. One that failed\n"
                "or was skipped lets the incident resolve only with --cleanup-reason.");
    cmd->add_option("--key", resolve->key, "Sign a checkpoint right after the resolution (default: $DRCONSOLE_SIGNING_KEY, if set)");

    auto reopen = std::make_shared<RecordOptions>();
    cmd = add_recorder(app, exit_code, "reopen", "Reopen an incident resolved by mistake (IC, with a reason)", reopen,
                       [](Journal&, Incident& i, const RecordOptions& o) { return i.reopen_incident(o.text, incident_actor(i, o)); });
    cmd->add_option("reason", reopen->text, "Why it is not over, e.g. 'resolved by mistake: failback still to do'")->required();
    cmd->get_option("--incident")->description("The resolved incident to reopen (required: a resolved incident is never picked by default)");
    cmd->get_option("--as")->description("Who reopens it: the IC (default ic:$USER)");
    cmd->footer("Name the incident with --incident N (a resolved incident is never picked by default). The resolution\n"
                "stays in the journal and the report's timeline; steps, comms and readings are recorded again until the\n"
                "next resolve. To reopen a step, use 'drconsole step STEP reopen'.");
}

}  // namespace drconsole::cli
