// The rules of an incident: which commands the current state allows. Pure; used inside the write transaction.
#include <algorithm>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/incident.h"
#include "drconsole/text.h"

namespace drconsole {
namespace {

namespace k = event_kind;

[[noreturn]] void refuse(const std::string& message) { throw RuleViolation(message); }

std::string who(const std::optional<Actor>& actor) {
    return actor ? fmt::format("{}:{}", actor->role, actor->person) : std::string("unknown");
}

std::string when(const IncidentState& s, std::optional<std::int64_t> us) {
    return us ? format_offset(*us - s.t0_us()) : std::string("?");
}

// The IC's decisions are the IC's: the role, and, once someone holds it, that person.
void require_ic(const IncidentState& s, const Actor& actor, std::string_view what) {
    if (actor.role != "ic") refuse(fmt::format("only the IC {} (acting as {})", what, actor.role));
    auto ic = s.roster.find("ic");
    if (ic != s.roster.end() && ic->second != actor.person)
        refuse(fmt::format("only the IC {}: the IC is {} now, not {}", what, ic->second, actor.person));
}

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}

// Why a step with approve=ROLE cannot go ahead yet (its completion or its action), or nothing.
std::optional<std::string> awaits_approval(const IncidentState& s, const Step& step) {
    if (step.approve.empty()) return std::nullopt;
    const StepState& st = s.step(step.id);
    if (st.approved_us) return std::nullopt;
    if (st.status == StepStatus::pending)
        return fmt::format("step '{}' needs the approval of {} (another person): start it to ask for it", step.id, step.approve);
    return fmt::format("step '{}' waits for the approval of {} (another person, asked at {}): p at their console, or drconsole approve {}",
                       step.id, step.approve, when(s, st.started_us), step.id);
}

void check_approval(const IncidentState& s, const EventDraft& d, bool expiry) {
    const Step* step = s.runbook->find_step(d.step);
    if (!step) refuse(s.runbook->no_such_step(d.step));
    if (step->approve.empty()) refuse(fmt::format("step '{}' asks for no approval (it has no approve=ROLE)", d.step));
    const StepState& st = s.step(d.step);
    if (st.status == StepStatus::pending) refuse(fmt::format("step '{}' is not started: its start asks for the approval", d.step));
    if (!st.open()) refuse(fmt::format("step '{}' is {}: there is nothing to approve", d.step, to_string(st.status)));
    if (st.approved_us)
        refuse(fmt::format("step '{}' is already approved ({} by {})", d.step, when(s, st.approved_us), who(st.approved_by)));
    if (expiry) {
        if (!step->approve_timeout) refuse(fmt::format("the approval of '{}' has no approve_timeout", d.step));
        return;
    }
    if (d.actor.role != step->approve)
        refuse(fmt::format("only the {} approves '{}' (you act as {})", step->approve, d.step, d.actor.role));
    auto holder = s.roster.find(step->approve);
    if (holder == s.roster.end())
        refuse(fmt::format("nobody holds role '{}' yet: assign it before approving (drconsole handover {} PERSON)", step->approve, step->approve));
    if (holder->second != d.actor.person)
        refuse(fmt::format("the {} is {} now, not {}: only the person holding the role approves", step->approve, holder->second, d.actor.person));
    // Four eyes: whoever asked (started the step) and whoever will act cannot approve it.
    if (st.started_by && st.started_by->person == d.actor.person)
        refuse(fmt::format("{} asked for this approval (started '{}'): another person holding {} approves it", d.actor.person, d.step,
                           step->approve));
    if (auto owner = s.roster.find(step->role); owner != s.roster.end() && owner->second == d.actor.person)
        refuse(fmt::format("{} holds {}, the role that carries out '{}': another person approves it", d.actor.person, step->role, d.step));
}

// Graceful or forced: a wait begins on a started step whose action is not running, and ends once.
void check_wait(const IncidentState& s, const EventDraft& d, bool starts) {
    const Step* step = s.runbook->find_step(d.step);
    if (!step) refuse(s.runbook->no_such_step(d.step));
    if (!step->wait) refuse(fmt::format("step '{}' waits for nothing (it has no wait=)", d.step));
    const StepState& st = s.step(d.step);
    if (st.status != StepStatus::started)
        refuse(fmt::format("step '{}' is {}: {}", d.step, to_string(st.status), st.status == StepStatus::pending ? "start it first" : "reopen it first"));
    if (st.action_running) refuse(fmt::format("the action of '{}' is already running", d.step));
    if (starts) {
        // A wait already recorded may be one whose console or command died: a new one takes over.
        if (auto why = awaits_approval(s, *step)) refuse(*why);
        return;
    }
    std::string outcome = d.payload.value("outcome", "");
    if (outcome == "forced") {
        require_ic(s, d.actor, "forces an action without waiting");
        if (trim(d.payload.value("reason", "")).empty()) refuse("a reason is required to force it: what loss is accepted, and why now");
        if (auto why = awaits_approval(s, *step)) refuse(*why);
    } else if (outcome == "held" || outcome == "timed_out" || outcome == "cancelled") {
        if (!st.waiting) refuse(fmt::format("step '{}' is not waiting", d.step));
    } else {
        refuse(fmt::format("a wait ends as held, timed_out, cancelled or forced, not '{}'", outcome));
    }
}

void check_step(const IncidentState& s, const EventDraft& d) {
    if (d.step.empty()) refuse("name the step");
    if (!s.runbook->find_step(d.step)) refuse(s.runbook->no_such_step(d.step));
    const StepState& st = s.step(d.step);
    auto already = [&]() -> std::string {
        switch (st.status) {
            case StepStatus::done:
                return fmt::format("step '{}' is already completed ({} by {})", d.step, when(s, st.ended_us), who(st.ended_by));
            case StepStatus::skipped:
                return fmt::format("step '{}' was skipped ({} by {}): reopen it first", d.step, when(s, st.ended_us), who(st.ended_by));
            case StepStatus::failed:
                return fmt::format("step '{}' failed ({} by {}): reopen it first", d.step, when(s, st.ended_us), who(st.ended_by));
            case StepStatus::started:
                return fmt::format("step '{}' is already started ({} by {})", d.step, when(s, st.started_us), who(st.started_by));
            case StepStatus::not_applicable:
            case StepStatus::pending: break;
        }
        return {};
    };
    bool open = st.open();
    if (d.kind == k::step_started) {
        if (st.status != StepStatus::pending) refuse(already());
    } else if (d.kind == k::step_unstarted) {
        if (st.status != StepStatus::started) refuse(fmt::format("step '{}' is {}: only a started step is put back", d.step, to_string(st.status)));
        if (st.action_running) refuse(fmt::format("the action of '{}' is running: cancel it first", d.step));
    } else if (d.kind == k::step_completed) {
        if (!open) refuse(already());
        const Step& step = *s.runbook->find_step(d.step);
        if (auto why = awaits_approval(s, step)) refuse(*why);
        const nlohmann::json values = d.payload.value("values", nlohmann::json::object());
        // A misspelt name is named first: "ticket" when the step records "tickets".
        for (const auto& [name, value] : values.items())
            if (std::find(step.requires_values.begin(), step.requires_values.end(), name) == step.requires_values.end())
                refuse(fmt::format("step '{}' does not record a value '{}' ({})", d.step, name,
                                   step.requires_values.empty() ? "it has no requires=" : "it records " + join_names(step.requires_values)));
        std::string missing;
        for (const auto& name : step.requires_values) {
            auto v = values.find(name);
            if (v == values.end() || !v->is_string() || trim(v->get<std::string>()).empty()) missing += (missing.empty() ? "" : ", ") + name;
            else if (first_invalid_utf8(v->get<std::string>())) refuse(fmt::format("value '{}' is not valid UTF-8", name));
        }
        if (!missing.empty())
            refuse(fmt::format("completing '{}' records {}: give {} (--set NAME=VALUE)", d.step, join_names(step.requires_values),
                               missing.find(',') == std::string::npos ? "it" : "each: " + missing));
    } else if (d.kind == k::step_skipped || d.kind == k::step_failed) {
        if (!open) refuse(already());
        if (d.payload.value("reason", "").empty())
            refuse(fmt::format("a reason is required to {} a step", d.kind == k::step_skipped ? "skip" : "fail"));
    } else if (d.kind == k::step_reopened) {
        if (st.status == StepStatus::done) refuse(fmt::format("step '{}' is completed; a completed step is not reopened (record a correction instead)", d.step));
        if (open) refuse(fmt::format("step '{}' is not skipped or failed, so there is nothing to reopen", d.step));
    }
}

// Cleanup (`always`) steps run before the incident is resolved, whatever happened before them;
// one that failed or was skipped lets it resolve only with the IC's reason.
void check_cleanup(const IncidentState& s, const std::string& reason) {
    std::vector<std::string> open, not_done;
    for (const auto& phase : s.runbook->phases)
        for (const auto& step : phase.steps) {
            if (!step.always) continue;
            const StepState& st = s.step(step.id);
            if (st.open()) open.push_back(step.id);
            else if (st.status == StepStatus::failed || st.status == StepStatus::skipped)
                not_done.push_back(fmt::format("{} {}", step.id, to_string(st.status)));
        }
    if (!open.empty())
        refuse(fmt::format("cleanup {} {} {} not run yet: run {} before resolving (or fail or skip {} with a reason)",
                           open.size() == 1 ? "step" : "steps", join_names(open), open.size() == 1 ? "has" : "have",
                           open.size() == 1 ? "it" : "them", open.size() == 1 ? "it" : "each"));
    if (!not_done.empty() && trim(reason).empty())
        refuse(fmt::format("cleanup did not complete ({}): resolving needs the IC's reason (--cleanup-reason)", join_names(not_done)));
}

}  // namespace

void check_actor(const Runbook& rb, const Actor& actor) {
    if (actor.role.empty()) refuse("every command names the acting role: --as ROLE:PERSON");
    if (actor.person.empty()) refuse("every command names the acting person: --as ROLE:PERSON");
    if (auto problem = name_problem(actor.person)) refuse(fmt::format("person '{}': {}", safe_text(actor.person), *problem));
    if (!rb.roles.empty() && !rb.has_role(actor.role)) {
        std::string roles;
        for (const auto& r : rb.roles) roles += (roles.empty() ? "" : ", ") + r;
        refuse(fmt::format("unknown role '{}' (roles: {})", actor.role, roles));
    }
}

void check_command(const IncidentState& s, const EventDraft& d) {
    // A console records its readings whoever sits at it (a scribe the runbook does not name
    // included): the seal names them, but asks for no role of the runbook.
    if (d.kind == k::samples_recorded) {
        if (d.actor.role.empty() || d.actor.person.empty()) refuse("a batch of samples names who recorded it");
    } else {
        check_actor(*s.runbook, d.actor);
    }
    // A handed-over role stays handed over: someone who held a role and handed it on is refused
    // when still acting in it (a console left open as scribe:<previous>), a note included, so
    // that nothing is recorded in a role its author no longer holds. That console's recorder
    // stops too (with this reason on its header) and lets another console record the readings.
    if (auto now = s.roster.find(d.actor.role); now != s.roster.end() && now->second != d.actor.person)
        for (const auto& spell : s.role_history)
            if (spell.role == d.actor.role && spell.person == d.actor.person && spell.to_us)
                refuse(fmt::format("{} is the {} now, not {}: act in the role you hold now (--as ROLE:{})", now->second,
                                   d.actor.role, d.actor.person, d.actor.person));
    if (s.resolved() && d.kind != k::note && d.kind != k::correction && d.kind != k::incident_reopened && d.kind != k::checkpoint_signed)
        refuse(fmt::format("the incident was resolved at {}: only notes and corrections can be added", format_utc(*s.resolved_us)));

    auto kind = kind_of(d.kind);
    if (!kind) refuse(fmt::format("unknown command '{}'", d.kind));
    // A step not applicable here (start --allow-missing) takes nothing but notes and corrections:
    // no start, action, preflight, override or reopen.
    if (!d.step.empty() && *kind != EventKind::note && *kind != EventKind::correction)
        if (const StepState& st = s.step(d.step); st.status == StepStatus::not_applicable)
            refuse(fmt::format("step '{}' is not applicable here: {}", d.step, st.reason));
    switch (*kind) {
        case EventKind::incident_started: refuse("the incident is already started");
        case EventKind::step_started:
        case EventKind::step_unstarted:
        case EventKind::step_completed:
        case EventKind::step_skipped:
        case EventKind::step_failed:
        case EventKind::step_reopened: check_step(s, d); break;
        case EventKind::note:
            if (d.payload.value("text", "").empty()) refuse("a note needs text");
            if (!d.step.empty() && !s.runbook->find_step(d.step)) refuse(s.runbook->no_such_step(d.step));
            break;
        case EventKind::correction: {
            std::int64_t seq = d.payload.value("corrects", std::int64_t{0});
            if (seq < 1 || seq > s.last_seq) refuse(fmt::format("a correction names an earlier event: 1 to {}", s.last_seq));
            if (d.payload.value("text", "").empty()) refuse("a correction needs text saying what was wrong");
            break;
        }
        case EventKind::fault_injected:
            if (s.mode != "drill") refuse("faults are injected only in a drill; this incident is real");
            if (s.fault_us) refuse(fmt::format("the fault was already injected at {}", format_utc(*s.fault_us)));
            break;
        case EventKind::incident_declared:
            if (s.declared_us) refuse(fmt::format("the incident was already declared at {}", format_utc(*s.declared_us)));
            if (d.payload.contains("detected_us")) {
                std::int64_t detected = d.payload["detected_us"].get<std::int64_t>();
                if (detected < s.started_us - 7LL * 24 * 3600 * 1'000'000)
                    refuse(fmt::format("first detected at {} is more than a week before the incident started", format_utc(detected)));
            }
            if (d.payload.value("t0", "earliest") == "detected" && !d.payload.contains("detected_us"))
                refuse("T0 from 'detected' needs the time it was first detected (--detected-at)");
            break;
        case EventKind::action_started:
        case EventKind::action_finished:
        case EventKind::action_abandoned: {
            const Step* step = s.runbook->find_step(d.step);
            if (!step) refuse(s.runbook->no_such_step(d.step));
            if (!step->action) refuse(fmt::format("step '{}' has no action", d.step));
            const StepState& st = s.step(d.step);
            if (*kind == EventKind::action_started) {
                if (st.status == StepStatus::done) refuse(fmt::format("step '{}' is done: its action is not run again", d.step));
                if (st.status != StepStatus::started)
                    refuse(fmt::format("step '{}' is {}: {}", d.step, to_string(st.status),
                                       st.status == StepStatus::pending ? "start it before running its action" : "reopen it to run its action again"));
                if (st.action_running) refuse(fmt::format("the action of '{}' is already running", d.step));
                if (auto why = awaits_approval(s, *step)) refuse(*why);
                if (step->wait && st.wait_outcome != "held" && st.wait_outcome != "forced")
                    refuse(fmt::format("step '{}' runs once {} holds (graceful){}: wait for it, or the IC forces it with a reason", d.step,
                                       step->wait_text, st.waiting ? ", and it is being waited for" : ""));
            } else if (!st.action_running) {
                refuse(fmt::format("the action of '{}' is not running", d.step));
            }
            break;
        }
        case EventKind::action_dry_run: {
            const Step* step = s.runbook->find_step(d.step);
            if (!step || !step->action) refuse(fmt::format("step '{}' has no action", d.step));
            break;
        }
        case EventKind::preflight_checked:
            if (!s.runbook->find_step(d.step)) refuse(s.runbook->no_such_step(d.step));
            if (!d.payload.value("overridden", "").empty()) require_ic(s, d.actor, "goes ahead past a failed preflight");
            break;
        case EventKind::gate_overridden: {
            const Step* step = s.runbook->find_step(d.step);
            if (!step) refuse(s.runbook->no_such_step(d.step));
            if (!step->gate) refuse(fmt::format("step '{}' has no gate to override", d.step));
            require_ic(s, d.actor, "overrides a gate");
            if (d.payload.value("reason", "").empty()) refuse("a reason is required to override a gate");
            const StepState& st = s.step(d.step);
            if (st.status == StepStatus::done || st.status == StepStatus::skipped) refuse(fmt::format("step '{}' is already {}", d.step, to_string(st.status)));
            break;
        }
        case EventKind::samples_recorded:
            if (!d.payload.contains("sha256") || !d.payload.contains("series")) refuse("a batch of samples is recorded with its seal");
            break;
        case EventKind::step_approved: check_approval(s, d, false); break;
        case EventKind::wait_started:
        case EventKind::wait_ended: check_wait(s, d, *kind == EventKind::wait_started); break;
        case EventKind::approval_expired: check_approval(s, d, true); break;
        case EventKind::comms_sent: break;  // always allowed while open
        case EventKind::checkpoint_signed:
            if (d.payload.value("covers_seq", std::int64_t{-1}) != s.last_seq || d.payload.value("covers_hash", "") != s.head_hash ||
                d.payload.value("resolved", !s.resolved()) != s.resolved())
                refuse("a checkpoint signs the event just before it, and whether the incident is resolved");
            break;
        case EventKind::incident_resolved:
            if (s.runbook->has_role("ic")) require_ic(s, d.actor, "resolves the incident");
            check_cleanup(s, d.payload.value("cleanup_reason", ""));
            break;
        case EventKind::incident_reopened:
            if (!s.resolved()) refuse("the incident is open: only a resolved incident is reopened");
            if (s.runbook->has_role("ic")) require_ic(s, d.actor, "reopens a resolved incident");
            if (d.payload.value("reason", "").empty()) refuse("a reason is required to reopen the incident (why it was resolved by mistake)");
            break;
        case EventKind::role_assigned:
        case EventKind::role_handed_over: {
            std::string role = d.payload.value("role", "");
            std::string person = d.payload.value(*kind == EventKind::role_assigned ? "person" : "to", "");
            if (!s.runbook->has_role(role)) refuse(fmt::format("unknown role '{}'", role));
            if (person.empty()) refuse("name the person who takes the role");
            if (auto problem = name_problem(person)) refuse(fmt::format("person '{}': {}", safe_text(person), *problem));
            auto held = s.roster.find(role);
            if (held != s.roster.end() && held->second == person) refuse(fmt::format("{} already holds role '{}'", person, role));
            if (*kind == EventKind::role_handed_over && held == s.roster.end())
                refuse(fmt::format("nobody holds role '{}' yet: assign it instead of handing it over", role));
            break;
        }
    }
}

}  // namespace drconsole
