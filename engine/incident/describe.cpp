// One line per event for timelines and reports.
#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/event.h"

namespace drconsole {

std::string describe(const Event& e) {
    namespace k = event_kind;
    const auto& p = e.payload;
    auto text = [&](const char* key) { return p.is_object() ? p.value(key, std::string()) : std::string(); };
    auto with = [&](std::string head, const char* key) {
        std::string extra = text(key);
        return extra.empty() ? head : head + ": " + extra;
    };
    if (e.kind == k::incident_started) return fmt::format("started {} incident: {}", text("mode"), text("title"));
    if (e.kind == k::role_assigned) return fmt::format("{} is {}", text("person"), text("role"));
    if (e.kind == k::role_handed_over) return fmt::format("{} handed over {} to {}", text("from"), text("role"), text("to"));
    if (e.kind == k::step_started) return "started " + e.step;
    if (e.kind == k::step_completed) return "completed " + e.step;
    if (e.kind == k::step_skipped) return with("skipped " + e.step, "reason");
    if (e.kind == k::step_failed) return with("failed " + e.step, "reason");
    if (e.kind == k::step_reopened) return with("reopened " + e.step, "reason");
    if (e.kind == k::gate_overridden) return with("overrode the gate of " + e.step, "reason");
    if (e.kind == k::action_started) return fmt::format("running the {} action of {}", text("kind"), e.step);
    if (e.kind == k::action_finished) {
        if (p.value("ok", false)) return fmt::format("action of {} succeeded", e.step);
        return fmt::format("action of {} FAILED: {}", e.step, text("error"));
    }
    if (e.kind == k::samples_recorded)
        return fmt::format("recorded {} samples (sealed, SHA-256 {})", e.payload.value("count", 0), e.payload.value("sha256", "").substr(0, 12));
    if (e.kind == k::action_dry_run) return fmt::format("dry run of the {} action of {}: not executed", text("kind"), e.step);
    if (e.kind == k::preflight_checked) {
        std::string over = text("overridden");
        int warnings = 0;
        for (const auto& c : p.value("checks", nlohmann::json::array())) warnings += c.value("outcome", "") == "warn";
        return fmt::format("preflight of {}: {}{}{}", e.step, p.value("failed", false) ? "FAILED" : "passed",
                           warnings ? fmt::format(" with {} warning{}", warnings, warnings == 1 ? "" : "s") : "",
                           over.empty() ? "" : ", overridden: " + over);
    }
    if (e.kind == k::note && p.value("action_item", false))
        return fmt::format("action item{}: {}", p.contains("owner") ? " for " + text("owner") : std::string(), text("text"));
    if (e.kind == k::note) return (e.step.empty() ? std::string("note: ") : "note on " + e.step + ": ") + text("text");
    if (e.kind == k::correction) return fmt::format("correction of #{}: {}", p.value("corrects", 0), text("text"));
    if (e.kind == k::fault_injected) return with("FAULT INJECTED (T0)", "description");
    if (e.kind == k::incident_declared)
        return p.contains("detected_us") ? fmt::format("incident declared (first detected {})", format_utc(p.value("detected_us", std::int64_t{0})))
                                         : std::string("incident declared");
    if (e.kind == k::comms_sent) return with("comms update sent", "summary");
    if (e.kind == k::incident_resolved) return with("RESOLVED", "summary");
    return e.kind;
}

}  // namespace drconsole
