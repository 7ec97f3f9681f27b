// The catalogue of event kinds: one entry per kind, with its on-disk name, its payload, and
// whether people read it in timelines. The rules (engine/incident/rules.cpp), the fold
// (fold.cpp) and the timeline's words (describe.cpp) each switch over EventKind without a
// default, and the build treats a missing case as an error (-Werror=switch): a new kind is an
// entry here, and the compiler names every place that must say what it means.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace drconsole {

enum class EventKind {
    incident_started,
    role_assigned,
    role_handed_over,
    step_started,
    step_unstarted,
    step_completed,
    step_skipped,
    step_failed,
    step_reopened,
    note,
    correction,
    fault_injected,
    incident_declared,
    comms_sent,
    incident_resolved,
    gate_overridden,
    action_started,
    action_finished,
    action_abandoned,
    preflight_checked,
    action_dry_run,
    samples_recorded,
    incident_reopened,
    checkpoint_signed,
    step_approved,
    approval_expired,
    wait_started,
    wait_ended,
};

struct EventKindInfo {
    EventKind kind;
    std::string_view name;     // on disk and in the canonical encoding: never renamed
    std::string_view payload;  // its payload's fields, for people (docs/journal.md lists them too)
    bool in_timeline;          // false for what machinery records (sealed samples)
};

inline constexpr std::array kEventKinds{
    EventKindInfo{EventKind::incident_started, "incident.started", "title, mode, severity, runbook_path, runbook_sha256, env_path, env_sha256", true},
    EventKindInfo{EventKind::role_assigned, "role.assigned", "role, person", true},
    EventKindInfo{EventKind::role_handed_over, "role.handed_over", "role, from, to", true},
    EventKindInfo{EventKind::step_started, "step.started", "(none)", true},
    EventKindInfo{EventKind::step_unstarted, "step.unstarted", "reason (optional)", true},
    EventKindInfo{EventKind::step_completed, "step.completed", "at_us, at_source (optional)", true},
    EventKindInfo{EventKind::step_skipped, "step.skipped", "reason; at_us, at_source (optional)", true},
    EventKindInfo{EventKind::step_failed, "step.failed", "reason; at_us, at_source (optional)", true},
    EventKindInfo{EventKind::step_reopened, "step.reopened", "reason", true},
    EventKindInfo{EventKind::note, "note", "text; action_item, owner, at_us, at_source (optional)", true},
    EventKindInfo{EventKind::correction, "correction", "corrects (a seq), text", true},
    EventKindInfo{EventKind::fault_injected, "fault.injected", "description; at_us, at_source (optional)", true},
    EventKindInfo{EventKind::incident_declared, "incident.declared", "t0; detected_us, at_us, at_source (optional)", true},
    EventKindInfo{EventKind::comms_sent, "comms.sent", "summary; at_us, at_source (optional)", true},
    EventKindInfo{EventKind::incident_resolved, "incident.resolved", "summary; at_us, at_source (optional)", true},
    EventKindInfo{EventKind::gate_overridden, "gate.overridden", "reason, live (each condition's outcome, value, reason)", true},
    EventKindInfo{EventKind::action_started, "action.started", "kind, body, target, values (no secret values), timeout_s", true},
    EventKindInfo{EventKind::action_finished, "action.finished", "ok, exit, error, output, output_sha256, started_us, ended_us, detail", true},
    EventKindInfo{EventKind::action_abandoned, "action.abandoned", "runner (pid), error, killed (process groups ended)", true},
    EventKindInfo{EventKind::preflight_checked, "preflight.checked", "target, checks, failed; overridden (optional)", true},
    EventKindInfo{EventKind::action_dry_run, "action.dry_run", "kind, plan", true},
    EventKindInfo{EventKind::samples_recorded, "samples.recorded", "count, sha256, series, first_us, last_us, problems", false},
    EventKindInfo{EventKind::incident_reopened, "incident.reopened", "reason, resolved_seq (the resolution it undoes)", true},
    EventKindInfo{EventKind::checkpoint_signed, "checkpoint.signed", "covers_seq, covers_hash, resolved, key (fingerprint), signature (Ed25519, base64)", true},
    EventKindInfo{EventKind::step_approved, "step.approved", "comment (optional)", true},
    EventKindInfo{EventKind::approval_expired, "approval.expired", "role, timeout_ms", true},
    EventKindInfo{EventKind::wait_started, "wait.started", "condition, timeout_ms, live (each condition's outcome, value, reason)", true},
    EventKindInfo{EventKind::wait_ended, "wait.ended", "outcome (held | timed_out | cancelled | forced), waited_ms, live; reason (forced)", true},
};

constexpr const EventKindInfo& info(EventKind kind) { return kEventKinds[static_cast<std::size_t>(kind)]; }
constexpr std::string_view name_of(EventKind kind) { return info(kind).name; }
// The kind an on-disk name stands for; nothing for a name this version does not know.
constexpr std::optional<EventKind> kind_of(std::string_view name) {
    for (const auto& k : kEventKinds)
        if (k.name == name) return k.kind;
    return std::nullopt;
}

// The table is in enum order, one entry per kind.
constexpr bool catalogue_in_order() {
    for (std::size_t i = 0; i < kEventKinds.size(); ++i)
        if (static_cast<std::size_t>(kEventKinds[i].kind) != i) return false;
    return static_cast<std::size_t>(EventKind::wait_ended) + 1 == kEventKinds.size();
}
static_assert(catalogue_in_order(), "kEventKinds lists every EventKind once, in enum order");

}  // namespace drconsole
