// Folding events into incident state: the only place state changes.
#include <fmt/format.h>

#include "drconsole/incident.h"

namespace drconsole {
namespace {

void assign(IncidentState& s, const std::string& role, const std::string& person, std::int64_t at) {
    for (auto& spell : s.role_history)
        if (spell.role == role && !spell.to_us) spell.to_us = at;
    s.role_history.push_back({role, person, at, std::nullopt});
    s.roster[role] = person;
}

}  // namespace

std::string_view to_string(StepStatus status) {
    switch (status) {
        case StepStatus::pending: return "pending";
        case StepStatus::started: return "started";
        case StepStatus::done: return "done";
        case StepStatus::skipped: return "skipped";
        case StepStatus::not_applicable: return "not applicable";
        case StepStatus::failed: return "failed";
    }
    return "?";
}

std::string_view to_string(T0Rule rule) {
    switch (rule) {
        case T0Rule::earliest: return "earliest";
        case T0Rule::declared: return "declared";
        case T0Rule::detected: return "detected";
    }
    return "?";
}

std::optional<T0Rule> t0_rule_from(std::string_view name) {
    for (T0Rule r : {T0Rule::earliest, T0Rule::declared, T0Rule::detected})
        if (to_string(r) == name) return r;
    return std::nullopt;
}

namespace {

// T0 and what it is, decided in one place.
std::pair<std::int64_t, std::string_view> choose_t0(const IncidentState& s) {
    if (s.mode == "drill" && s.fault_us) return {*s.fault_us, "fault injected"};
    if (s.declared_us) {
        bool use_detected = s.detected_us && (s.t0_rule == T0Rule::detected ||
                                              (s.t0_rule == T0Rule::earliest && *s.detected_us < *s.declared_us));
        if (use_detected) return {*s.detected_us, "first detected"};
        return {*s.declared_us, "declared"};
    }
    return {s.started_us, "started"};
}

}  // namespace

std::int64_t IncidentState::t0_us() const { return choose_t0(*this).first; }

std::string_view IncidentState::t0_source() const { return choose_t0(*this).second; }

const StepState& IncidentState::step(const std::string& id) const {
    static const StepState kPending;
    auto it = steps.find(id);
    return it == steps.end() ? kPending : it->second;
}

void apply(IncidentState& s, const Event& e) {
    const auto& p = e.payload;
    const std::int64_t acted = acted_us(e);  // when the person acted; the event's time is when it was entered
    // Kinds this version does not know are kept in the journal and skipped here.
    auto kind = kind_of(e.kind);
    if (kind) switch (*kind) {
        case EventKind::incident_started: {
            s.id = e.incident;
            s.title = p.value("title", "");
            s.mode = p.value("mode", "");
            s.severity = p.value("severity", "");
            s.runbook_path = p.value("runbook_path", "");
            s.runbook_sha256 = p.value("runbook_sha256", "");
            s.env_path = p.value("env_path", "");
            s.env_sha256 = p.value("env_sha256", "");
            s.started_us = e.wall_us;
            if (p.contains("comms"))  // chosen at start; a journal from before this field: the runbook's
                s.comms = {Millis(p["comms"].value("every_ms", std::int64_t{0})), p["comms"].value("source", ""), p["comms"].value("overruled", "")};
            else s.comms = choose_comms_cadence(*s.runbook, nullptr);
            const nlohmann::json not_applicable = p.value("not_applicable", nlohmann::json::object());
            for (const auto& [step, why] : not_applicable.items()) {
                StepState& st = s.steps[step];
                st.status = StepStatus::not_applicable;
                st.reason = why.get<std::string>();
            }
            break;
        }
        case EventKind::role_assigned: assign(s, p.value("role", ""), p.value("person", ""), e.wall_us); break;
        case EventKind::role_handed_over: assign(s, p.value("role", ""), p.value("to", ""), e.wall_us); break;
        case EventKind::step_started: {
            StepState& st = s.steps[e.step];
            st.status = StepStatus::started;
            st.started_us = e.wall_us;
            st.started_by = e.actor;
            if (st.attempts == 0) st.attempts = 1;
            break;
        }
        case EventKind::step_unstarted: {
            // Put back as it was before it was started; its attempts and action runs stay counted.
            StepState& st = s.steps[e.step];
            st.status = StepStatus::pending;
            st.started_us.reset();
            st.started_by.reset();
            st.approved_us.reset();  // the request goes with the start
            st.approved_by.reset();
            st.approval_comment.clear();
            st.waiting = false;
            st.wait_outcome.clear();
            break;
        }
        case EventKind::step_completed:
        case EventKind::step_skipped:
        case EventKind::step_failed: {
            StepState& st = s.steps[e.step];
            st.status = *kind == EventKind::step_completed ? StepStatus::done
                        : *kind == EventKind::step_skipped ? StepStatus::skipped
                                                           : StepStatus::failed;
            st.ended_us = acted;
            st.ended_by = e.actor;
            st.reason = p.value("reason", "");
            if (st.attempts == 0) st.attempts = 1;
            if (*kind == EventKind::step_completed && p.contains("values") && p["values"].is_object())
                for (const auto& [name, value] : p["values"].items())
                    if (value.is_string()) st.values[name] = value.get<std::string>();
            break;
        }
        case EventKind::step_approved: {
            StepState& st = s.steps[e.step];
            st.approved_us = acted;
            st.approved_by = e.actor;
            st.approval_comment = p.value("comment", "");
            break;
        }
        case EventKind::wait_started: {
            StepState& st = s.steps[e.step];
            st.waiting = true;
            st.wait_started_us = e.wall_us;
            st.wait_outcome.clear();
            break;
        }
        case EventKind::wait_ended: {
            StepState& st = s.steps[e.step];
            st.waiting = false;
            st.wait_outcome = p.value("outcome", "");
            break;
        }
        case EventKind::approval_expired: {
            // No approval came in time: the attempt failed; reopening the step asks again.
            StepState& st = s.steps[e.step];
            st.status = StepStatus::failed;
            st.ended_us = e.wall_us;
            st.ended_by = e.actor;
            st.approval_expired = true;
            st.reason = fmt::format("no approval by {} within {}", p.value("role", ""),
                                    format_duration(Millis(p.value("timeout_ms", std::int64_t{0}))));
            break;
        }
        case EventKind::step_reopened: {
            StepState& st = s.steps[e.step];
            StepState reopened;
            reopened.attempts = st.attempts + 1;
            reopened.action_runs = st.action_runs;
            st = std::move(reopened);
            break;
        }
        case EventKind::note:
        case EventKind::correction: {
            Note n{e.seq, acted, e.actor, e.step, p.value("text", ""), std::nullopt, p.value("action_item", false), p.value("owner", "")};
            if (*kind == EventKind::correction) n.corrects = p.value("corrects", std::int64_t{0});
            s.notes.push_back(std::move(n));
            break;
        }
        case EventKind::action_started: {
            StepState& st = s.steps[e.step];
            st.action_running = true;
            st.action_started_us = e.wall_us;
            st.action_ended_us.reset();
            st.action_ok.reset();
            st.action_kind = p.value("kind", "");
            ++st.action_runs;
            break;
        }
        case EventKind::action_finished: {
            StepState& st = s.steps[e.step];
            st.action_running = false;
            // The executor's own times are exact; the event's are when it was recorded.
            st.action_started_us = p.value("started_us", st.action_started_us.value_or(e.wall_us));
            st.action_ended_us = p.value("ended_us", e.wall_us);
            st.action_ok = p.value("ok", false);
            st.action_exit = p.value("exit", -1);
            st.action_error = p.value("error", "");
            st.action_output_sha256 = p.value("output_sha256", "");
            st.wait_outcome.clear();  // a next run waits again: what held then may not hold now
            break;
        }
        case EventKind::action_abandoned: {
            // Its process ended without saying how: not ok, and not running any more.
            StepState& st = s.steps[e.step];
            st.action_running = false;
            st.action_ended_us = e.wall_us;
            st.action_ok = false;
            st.action_exit = -1;
            st.action_error = "abandoned: " + p.value("error", std::string("its process ended without recording how"));
            st.wait_outcome.clear();
            break;
        }
        case EventKind::gate_overridden: s.gate_overrides[e.step] = p.value("reason", ""); break;
        case EventKind::fault_injected: s.fault_us = acted; break;
        case EventKind::incident_declared:
            s.declared_us = acted;
            if (p.contains("detected_us")) s.detected_us = p["detected_us"].get<std::int64_t>();
            s.t0_rule = t0_rule_from(p.value("t0", "earliest")).value_or(T0Rule::earliest);
            break;
        case EventKind::comms_sent: s.comms_us.push_back(acted); break;
        case EventKind::incident_resolved:
            s.resolved_us = acted;
            s.resolved_seq = e.seq;
            s.resolution = p.value("summary", "");
            s.cleanup_reason = p.value("cleanup_reason", "");
            break;
        case EventKind::incident_reopened:
            s.resolved_us.reset();
            s.resolved_seq = 0;
            s.resolution.clear();
            s.cleanup_reason.clear();
            break;
        case EventKind::preflight_checked:
        case EventKind::action_dry_run:
        case EventKind::samples_recorded: break;  // evidence only: no state of their own
        case EventKind::checkpoint_signed: s.last_checkpoint_seq = e.seq; break;
    }
    s.last_seq = e.seq;
    s.head_hash = e.hash;
}

IncidentState fold(std::shared_ptr<const Runbook> runbook, const std::vector<Event>& events) {
    IncidentState s;
    s.runbook = std::move(runbook);
    for (const auto& e : events) apply(s, e);
    return s;
}

}  // namespace drconsole
