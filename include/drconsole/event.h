// Events: the immutable, time-stamped facts of an incident, and their canonical form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "drconsole/event_kinds.h"

namespace drconsole {

// The on-disk names, from the catalogue (drconsole/event_kinds.h).
namespace event_kind {
inline constexpr std::string_view incident_started = name_of(EventKind::incident_started);
inline constexpr std::string_view role_assigned = name_of(EventKind::role_assigned);
inline constexpr std::string_view role_handed_over = name_of(EventKind::role_handed_over);
inline constexpr std::string_view step_started = name_of(EventKind::step_started);
inline constexpr std::string_view step_unstarted = name_of(EventKind::step_unstarted);
inline constexpr std::string_view step_completed = name_of(EventKind::step_completed);
inline constexpr std::string_view step_skipped = name_of(EventKind::step_skipped);
inline constexpr std::string_view step_failed = name_of(EventKind::step_failed);
inline constexpr std::string_view step_reopened = name_of(EventKind::step_reopened);
inline constexpr std::string_view note = name_of(EventKind::note);
inline constexpr std::string_view correction = name_of(EventKind::correction);
inline constexpr std::string_view fault_injected = name_of(EventKind::fault_injected);
inline constexpr std::string_view incident_declared = name_of(EventKind::incident_declared);
inline constexpr std::string_view comms_sent = name_of(EventKind::comms_sent);
inline constexpr std::string_view incident_resolved = name_of(EventKind::incident_resolved);
inline constexpr std::string_view gate_overridden = name_of(EventKind::gate_overridden);
inline constexpr std::string_view action_started = name_of(EventKind::action_started);
inline constexpr std::string_view action_finished = name_of(EventKind::action_finished);
inline constexpr std::string_view action_abandoned = name_of(EventKind::action_abandoned);
inline constexpr std::string_view preflight_checked = name_of(EventKind::preflight_checked);
inline constexpr std::string_view action_dry_run = name_of(EventKind::action_dry_run);
inline constexpr std::string_view samples_recorded = name_of(EventKind::samples_recorded);
inline constexpr std::string_view incident_reopened = name_of(EventKind::incident_reopened);
inline constexpr std::string_view checkpoint_signed = name_of(EventKind::checkpoint_signed);
inline constexpr std::string_view step_approved = name_of(EventKind::step_approved);
inline constexpr std::string_view approval_expired = name_of(EventKind::approval_expired);
inline constexpr std::string_view wait_started = name_of(EventKind::wait_started);
inline constexpr std::string_view wait_ended = name_of(EventKind::wait_ended);
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
inline bool shown_in_timeline(const Event& e) {
    auto kind = kind_of(e.kind);
    return !kind || info(*kind).in_timeline;
}

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
// What each condition read, from a payload's "live" array (gate.overridden, wait.*): "a; b".
std::string live_reasons(const nlohmann::json& payload);

// The bytes that are hashed: a JSON object of every field but the hashes, keys sorted,
// no whitespace, UTF-8 as is (see docs/journal.md).
std::string canonical_json(const Event& event);
// SHA-256 hex of prev_hash (64 hex characters) followed by the canonical JSON.
std::string chain_hash(const std::string& prev_hash, const std::string& canonical);
// The same hash from the payload as stored (`payload_text`) without parsing it: equal to
// chain_hash(prev_hash, canonical_json(event)) whenever the text is the payload's canonical form,
// which is how the journal stores it. Any other text gives another hash: parse it and ask again.
std::string chain_hash_of_stored(const std::string& prev_hash, const Event& event, std::string_view payload_text);
// What a signed checkpoint signs: the incident, the last event it covers, that event's hash,
// and whether the incident was resolved then (a final checkpoint).
std::string checkpoint_message(std::int64_t incident, std::int64_t seq, const std::string& hash, bool resolved);

}  // namespace drconsole
