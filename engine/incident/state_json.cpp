// Incident state as JSON: the machine form of `drconsole status --json`.
#include "drconsole/clock.h"
#include "drconsole/incident.h"

namespace drconsole {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<std::int64_t>& us) { return us ? json(format_utc(*us)) : json(nullptr); }

json actor_or_null(const std::optional<Actor>& a) {
    return a ? json{{"role", a->role}, {"person", a->person}} : json(nullptr);
}

}  // namespace

json included_files(const Runbook& rb) {
    json out = json::array();
    for (const auto& f : rb.includes) out.push_back({{"path", f.path}, {"sha256", f.sha256}});
    return out;
}

json to_json(const IncidentState& s) {
    json out;
    out["incident"] = {
        {"id", s.id},
        {"title", s.title},
        {"mode", s.mode},
        {"severity", s.severity},
        {"status", s.resolved() ? "resolved" : "open"},
        {"runbook", {{"path", s.runbook_path}, {"sha256", s.runbook_sha256}, {"includes", included_files(*s.runbook)}}},
        {"environment", s.env_sha256.empty() ? json(nullptr) : json{{"path", s.env_path}, {"sha256", s.env_sha256}}},
        {"started_at", format_utc(s.started_us)},
        {"t0", format_utc(s.t0_us())},
        {"t0_source", s.t0_source()},
        {"fault_at", time_or_null(s.fault_us)},
        {"declared_at", time_or_null(s.declared_us)},
        {"resolved_at", time_or_null(s.resolved_us)},
        {"resolution", s.resolution},
    };
    out["roster"] = s.roster;
    json roles = json::array();
    for (const auto& r : s.role_history)
        roles.push_back({{"role", r.role}, {"person", r.person}, {"from", format_utc(r.from_us)}, {"to", time_or_null(r.to_us)}});
    out["roles"] = roles;

    // waited: from when a step became available (the incident started, or the step before it in
    // the runbook ended, whichever is later) to its start; ran: its action's run time.
    std::int64_t available = s.started_us;
    json phases = json::array();
    json counts = {{"pending", 0}, {"started", 0}, {"done", 0}, {"skipped", 0}, {"failed", 0}, {"not applicable", 0}, {"total", 0}};
    for (const auto& phase : s.runbook->phases) {
        json steps = json::array();
        for (const auto& step : phase.steps) {
            const StepState& st = s.step(step.id);
            counts[std::string(to_string(st.status))] = counts[std::string(to_string(st.status))].get<int>() + 1;
            counts["total"] = counts["total"].get<int>() + 1;
            json j = {
                {"id", step.id},
                {"text", step.text},
                {"role", step.role},
                {"state", to_string(st.status)},
                {"started_at", time_or_null(st.started_us)},
                {"ended_at", time_or_null(st.ended_us)},
                {"started_by", actor_or_null(st.started_by)},
                {"ended_by", actor_or_null(st.ended_by)},
                {"attempts", st.attempts},
            };
            if (!st.reason.empty()) j["reason"] = st.reason;
            std::optional<std::int64_t> began = st.started_us ? st.started_us : st.ended_us;
            j["waited_s"] = began ? json(static_cast<double>(std::max<std::int64_t>(0, *began - available)) / 1e6) : json(nullptr);
            if (st.ended_us && (!began || *st.ended_us >= available)) available = std::max(available, *st.ended_us);
            j["ran_s"] = st.action_started_us && st.action_ended_us
                             ? json(static_cast<double>(*st.action_ended_us - *st.action_started_us) / 1e6)
                             : json(nullptr);
            if (st.action_runs > 0) {
                j["action_run"] = {{"kind", st.action_kind}, {"running", st.action_running}, {"runs", st.action_runs},
                                   {"started_at", time_or_null(st.action_started_us)}, {"ended_at", time_or_null(st.action_ended_us)},
                                   {"ok", st.action_ok ? json(*st.action_ok) : json(nullptr)}, {"exit", st.action_exit},
                                   {"error", st.action_error}, {"output_sha256", st.action_output_sha256}};
            }
            if (st.ended_us) j["t_plus"] = format_offset(*st.ended_us - s.t0_us());
            if (!step.restores.empty()) j["restores"] = step.restores;
            if (!step.gate_text.empty()) j["gate"] = step.gate_text;
            if (auto o = s.gate_overrides.find(step.id); o != s.gate_overrides.end()) j["gate_override"] = o->second;
            if (step.action) j["action"] = to_string(step.action->kind);
            steps.push_back(std::move(j));
        }
        phases.push_back({{"name", phase.name}, {"kind", to_string(phase.kind)}, {"steps", std::move(steps)}});
    }
    out["phases"] = std::move(phases);
    out["progress"] = counts;

    json notes = json::array();
    for (const auto& n : s.notes) {
        json j = {{"seq", n.seq}, {"at", format_utc(n.wall_us)}, {"role", n.actor.role}, {"person", n.actor.person}, {"text", n.text}};
        if (!n.step.empty()) j["step"] = n.step;
        if (n.corrects) j["corrects"] = *n.corrects;
        notes.push_back(std::move(j));
    }
    out["notes"] = std::move(notes);
    json comms = json::array();
    for (auto us : s.comms_us) comms.push_back(format_utc(us));
    out["comms"] = std::move(comms);
    out["chain"] = {{"count", s.last_seq}, {"head", s.head_hash}};
    return out;
}

}  // namespace drconsole
