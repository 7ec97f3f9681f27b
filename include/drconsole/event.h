// Events: the immutable, time-stamped facts of an incident, and their canonical form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace drconsole {

namespace event_kind {
inline constexpr std::string_view incident_started = "incident.started";
inline constexpr std::string_view role_assigned = "role.assigned";
inline constexpr std::string_view role_handed_over = "role.handed_over";
inline constexpr std::string_view step_started = "step.started";
inline constexpr std::string_view step_completed = "step.completed";
inline constexpr std::string_view step_skipped = "step.skipped";
inline constexpr std::string_view step_failed = "step.failed";
inline constexpr std::string_view step_reopened = "step.reopened";
inline constexpr std::string_view note = "note";
inline constexpr std::string_view correction = "correction";
inline constexpr std::string_view fault_injected = "fault.injected";
inline constexpr std::string_view incident_declared = "incident.declared";
inline constexpr std::string_view comms_sent = "comms.sent";
inline constexpr std::string_view incident_resolved = "incident.resolved";
inline constexpr std::string_view gate_overridden = "gate.overridden";
inline constexpr std::string_view action_started = "action.started";
inline constexpr std::string_view action_finished = "action.finished";
inline constexpr std::string_view preflight_checked = "preflight.checked";
inline constexpr std::string_view action_dry_run = "action.dry_run";
// A batch of recorded readings: its payload seals the samples stored with it (docs/journal.md).
inline constexpr std::string_view samples_recorded = "samples.recorded";
}  // namespace event_kind

struct Actor {
    std::string role;
    std::string person;
    bool operator==(const Actor&) const = default;
};

// What a command asks the journal to record; the journal adds sequence, times and hashes.
struct EventDraft {
    std::string kind;
    Actor actor;
    std::string step;  // empty when the event is not about one step
    nlohmann::json payload = nlohmann::json::object();
};

struct Event {
    std::int64_t incident = 0;
    std::int64_t seq = 0;      // 1, 2, 3, … within the incident
    std::int64_t wall_us = 0;  // UTC, microseconds since the epoch
    std::int64_t mono_us = 0;  // CLOCK_MONOTONIC of the recording process
    std::string kind;
    Actor actor;
    std::string step;
    nlohmann::json payload = nlohmann::json::object();
    std::string prev_hash;
    std::string hash;
};

inline const std::string kGenesisHash(64, '0');

// False for the events machinery records (sealed batches of samples): they are in the chain
// and the evidence, and left out of the timelines people read.
inline bool shown_in_timeline(const Event& e) { return e.kind != event_kind::samples_recorded; }

// When the person acted: the time carried in the payload as "at_us" (the key that opened the
// dialog, or --at for an event entered afterwards, "at_source": keypress | backfilled); else
// the event's own time, which is always when it was entered.
inline std::int64_t acted_us(const Event& e) {
    auto at = e.payload.find("at_us");
    return at != e.payload.end() && at->is_number_integer() ? at->get<std::int64_t>() : e.wall_us;
}

// When a command says the person acted: at a keypress before a dialog, or backfilled with --at.
struct ActedAt {
    std::int64_t us = 0;
    bool backfilled = false;
};

// One line for people: "completed pg-promote", "skipped dns-cutover: TTL already 60 s".
std::string describe(const Event& event);

// The bytes that are hashed: a JSON object of every field but the hashes, keys sorted,
// no whitespace, UTF-8 as is (see docs/journal.md).
std::string canonical_json(const Event& event);
// SHA-256 hex of prev_hash (64 hex characters) followed by the canonical JSON.
std::string chain_hash(const std::string& prev_hash, const std::string& canonical);

}  // namespace drconsole
