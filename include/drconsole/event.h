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

// One line for people: "completed pg-promote", "skipped dns-cutover: TTL already 60 s".
std::string describe(const Event& event);

// The bytes that are hashed: a JSON object of every field but the hashes, keys sorted,
// no whitespace, UTF-8 as is (see docs/journal.md).
std::string canonical_json(const Event& event);
// SHA-256 hex of prev_hash (64 hex characters) followed by the canonical JSON.
std::string chain_hash(const std::string& prev_hash, const std::string& canonical);

}  // namespace drconsole
