// One line per event for timelines and reports.
#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/duration.h"
#include "drconsole/event.h"

namespace drconsole {

std::string live_reasons(const nlohmann::json& payload) {
    std::string out;
    if (!payload.is_object()) return out;
    for (const auto& c : payload.value("live", nlohmann::json::array())) out += (out.empty() ? "" : "; ") + c.value("reason", "");
    return out;
}

std::string describe(const Event& e) {
    const auto& p = e.payload;
    auto text = [&](const char* key) { return p.is_object() ? p.value(key, std::string()) : std::string(); };
    auto with = [&](std::string head, const char* key) {
        std::string extra = text(key);
        return extra.empty() ? head : head + ": " + extra;
    };
    auto kind = kind_of(e.kind);
    if (!kind) return e.kind;  // a kind this version does not know: its name
    switch (*kind) {
        case EventKind::incident_started: return fmt::format("started {} incident: {}", text("mode"), text("title"));
        case EventKind::role_assigned: return fmt::format("{} is {}", text("person"), text("role"));
        case EventKind::role_handed_over: return fmt::format("handed over {} from {} to {}", text("role"), text("from"), text("to"));
        case EventKind::step_started: return "started " + e.step;
        case EventKind::step_unstarted: return with("put back " + e.step + " (not started)", "reason");
        case EventKind::step_completed: {
            std::string values;
            if (p.is_object() && p.contains("values") && p["values"].is_object())
                for (const auto& [name, value] : p["values"].items())
                    values += fmt::format("{}{}={}", values.empty() ? " (" : ", ", name, value.is_string() ? value.get<std::string>() : "?");
            return "completed " + e.step + (values.empty() ? "" : values + ")");
        }
        case EventKind::step_approved: return with(fmt::format("approved {} (as {})", e.step, e.actor.role), "comment");
        case EventKind::wait_started:
            return fmt::format("waiting for {} before the action of {} (graceful, up to {})", text("condition"), e.step,
                               format_duration(Millis(p.value("timeout_ms", std::int64_t{0}))));
        case EventKind::wait_ended: {
            std::string outcome = text("outcome");
            std::string live = live_reasons(p);
            if (outcome == "forced") return fmt::format("FORCED the action of {}: {} (at {})", e.step, text("reason"), live.empty() ? "no reading" : live);
            if (outcome == "held") return fmt::format("condition of {} holds: {}", e.step, live);
            if (outcome == "timed_out")
                return fmt::format("wait for {} TIMED OUT after {}: {}", e.step, format_duration(Millis(p.value("waited_ms", std::int64_t{0}) / 1000 * 1000)), live);
            return fmt::format("stopped waiting for {}", e.step);
        }
        case EventKind::approval_expired:
            return fmt::format("approval of {} by {} TIMED OUT: the step failed", e.step, text("role"));
        case EventKind::step_skipped: return with("skipped " + e.step, "reason");
        case EventKind::step_failed: return with("failed " + e.step, "reason");
        case EventKind::step_reopened: return with("reopened " + e.step, "reason");
        case EventKind::gate_overridden: return with("overrode the gate of " + e.step, "reason");
        case EventKind::action_started: return fmt::format("running the {} action of {}", text("kind"), e.step);
        case EventKind::action_finished:
            if (p.value("ok", false)) return fmt::format("action of {} succeeded", e.step);
            return fmt::format("action of {} FAILED: {}", e.step, text("error"));
        case EventKind::action_abandoned: return with(fmt::format("action of {} ABANDONED", e.step), "error");
        case EventKind::samples_recorded:
            return fmt::format("recorded {} samples (sealed, SHA-256 {})", p.value("count", 0), p.value("sha256", "").substr(0, 12));
        case EventKind::action_dry_run: return fmt::format("dry run of the {} action of {}: not executed", text("kind"), e.step);
        case EventKind::preflight_checked: {
            std::string over = text("overridden");
            int warnings = 0;
            for (const auto& c : p.value("checks", nlohmann::json::array())) warnings += c.value("outcome", "") == "warn";
            return fmt::format("preflight of {}: {}{}{}", e.step, p.value("failed", false) ? "FAILED" : "passed",
                               warnings ? fmt::format(" with {} warning{}", warnings, warnings == 1 ? "" : "s") : "",
                               over.empty() ? "" : ", overridden: " + over);
        }
        case EventKind::note:
            if (p.value("action_item", false))
                return fmt::format("action item{}: {}", p.contains("owner") ? " for " + text("owner") : std::string(), text("text"));
            return (e.step.empty() ? std::string("note: ") : "note on " + e.step + ": ") + text("text");
        case EventKind::correction: return fmt::format("correction of #{}: {}", p.value("corrects", 0), text("text"));
        case EventKind::fault_injected: return with("FAULT INJECTED (T0)", "description");
        case EventKind::incident_declared:
            return p.contains("detected_us")
                       ? fmt::format("incident declared (first detected {})", format_utc(p.value("detected_us", std::int64_t{0})))
                       : std::string("incident declared");
        case EventKind::comms_sent: return with("comms update sent", "summary");
        case EventKind::incident_resolved: {
            std::string cleanup = text("cleanup_reason");
            return with("RESOLVED", "summary") + (cleanup.empty() ? "" : " (cleanup did not complete: " + cleanup + ")");
        }
        case EventKind::incident_reopened: return with(fmt::format("REOPENED (resolution #{} undone)", p.value("resolved_seq", 0)), "reason");
        case EventKind::checkpoint_signed:
            // The signature is checked by verify --pubkey only: here it is a claim.
            return fmt::format("checkpoint over events 1–{}, signed with {} by its own account (verify --pubkey checks it)",
                               p.value("covers_seq", std::int64_t{0}), text("key"));
    }
    return e.kind;
}

}  // namespace drconsole
