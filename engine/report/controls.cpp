// The report's approvals, recorded values and cleanup results, from the folded state.
#include "report/controls.h"

#include <fmt/format.h>

#include "drconsole/clock.h"

namespace drconsole::report {

using nlohmann::json;

json controls_json(const IncidentState& s, const std::vector<Event>& events, const std::function<std::string(std::int64_t)>& t_plus) {
    json approvals = json::array(), values = json::array(), cleanup = json::array();
    for (const auto& phase : s.runbook->phases)
        for (const auto& step : phase.steps) {
            const StepState& st = s.step(step.id);
            if (st.status == StepStatus::not_applicable) continue;
            if (!step.approve.empty()) {
                json a = {{"step", step.id}, {"role", step.approve}, {"requested_by", st.started_by ? st.started_by->person : ""},
                          {"timeout", step.approve_timeout ? format_duration(*step.approve_timeout) : ""}};
                if (st.approved_us) {
                    a["state"] = "approved";
                    a["approved_by"] = st.approved_by->person;
                    a["at"] = format_utc(*st.approved_us);
                    a["t_plus"] = t_plus(*st.approved_us);
                    a["comment"] = st.approval_comment;
                    if (st.started_us) a["waited_s"] = static_cast<double>(*st.approved_us - *st.started_us) / 1e6;
                } else {
                    a["state"] = st.approval_expired ? "timed out" : st.status == StepStatus::pending ? "not requested" : "not approved";
                    if (st.approval_expired && st.ended_us) a["t_plus"] = t_plus(*st.ended_us);
                }
                approvals.push_back(std::move(a));
            }
            for (const auto& name : step.requires_values) {
                auto v = st.values.find(name);
                values.push_back({{"step", step.id}, {"name", name}, {"value", v == st.values.end() ? json(nullptr) : json(v->second)},
                                  {"by", st.status == StepStatus::done && st.ended_by ? st.ended_by->person : ""},
                                  {"t_plus", st.status == StepStatus::done && st.ended_us ? t_plus(*st.ended_us) : ""}});
            }
            if (step.always) {
                json c = {{"step", step.id}, {"text", step.text}, {"state", to_string(st.status)}, {"reason", st.reason}};
                if (st.action_ok) c["action"] = *st.action_ok ? "succeeded" : "failed: " + st.action_error;
                if (st.ended_us) c["t_plus"] = t_plus(*st.ended_us);
                cleanup.push_back(std::move(c));
            }
        }
    // Each wait's end: graceful (the condition held) or forced, and the values at that instant,
    // which is when the action began.
    json waits = json::array();
    for (const auto& e : events) {
        if (e.kind != event_kind::wait_ended) continue;
        std::string outcome = e.payload.value("outcome", "");
        std::string at_action = live_reasons(e.payload);
        waits.push_back({{"step", e.step},
                         {"condition", e.payload.value("condition", "")},
                         {"mode", outcome == "held" ? "graceful" : outcome == "forced" ? "forced" : outcome == "timed_out" ? "timed out" : "stopped"},
                         {"waited_s", static_cast<double>(e.payload.value("waited_ms", std::int64_t{0})) / 1e3},
                         {"values", at_action},
                         {"reason", e.payload.value("reason", "")},
                         {"by", e.actor.person},
                         {"t_plus", t_plus(e.wall_us)}});
    }
    return {{"approvals", approvals}, {"values", values}, {"cleanup", cleanup}, {"waits", waits}};
}

}  // namespace drconsole::report
