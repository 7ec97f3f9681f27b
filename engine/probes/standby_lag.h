// Standby lag, one definition: how much of what the primary has committed the standby has not
// replayed, counted from the primary's side. Pure functions; the probe and preflight feed them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace drconsole::probes {

// One reading of the primary's WAL position (pg_current_wal_lsn(), bytes) on the monotonic clock.
struct WalPoint {
    std::int64_t mono_us = 0;
    double lsn = 0;
};

// How the seconds were obtained; shown beside the figure.
inline constexpr const char* kMethodWalPosition = "wal-position";          // the primary's WAL position history
inline constexpr const char* kMethodLastKnown = "last-known-primary";      // the same, the primary unreachable
inline constexpr const char* kMethodReplayTimestamp = "replay-timestamp";  // the standby's own view only

struct LagFigure {
    std::optional<double> seconds;  // nullopt: unknown
    std::optional<double> bytes;
    std::string method;
    bool at_least = false;          // the history does not reach back to where it began
};

// `position` (a standby's replay or receive LSN, read at `at_mono_us`) against the primary's
// WAL positions, oldest first. The reference is the primary's newest position read at or
// before `at_mono_us`. Bytes = reference − position. Seconds = 0 when the position has reached
// the reference; else the age of the oldest primary reading the position has not reached:
// measured to `at_mono_us` while `primary_reachable`, and frozen at the reference when not
// (the span of WAL the standby misses). Unknown without a reference.
LagFigure behind_primary(double position, std::int64_t at_mono_us, const std::vector<WalPoint>& primary, bool primary_reachable);

// Without a primary history (a one-shot check): bytes from the primary's current position
// when known, else received − replayed; seconds 0 when nothing is behind, else the age of
// the last replayed transaction (an upper bound: it assumes the primary kept writing).
LagFigure one_shot_lag(std::optional<double> primary_lsn, double receive_lsn, double replay_lsn, std::optional<double> replay_age_s);

// The WAL receiver as the standby reports it (pg_stat_wal_receiver).
struct ReceiverState {
    bool present = false;                      // a WAL receiver process exists
    std::string status;                        // streaming, waiting, … ("" when not visible to this role)
    std::optional<double> silent_s;            // now − last_msg_receipt_time
};

// "not receiving for 12 s" when the standby has stopped receiving what the primary has;
// empty when it is receiving (or nothing shows otherwise). `behind_bytes`: the primary's
// position minus what the standby received, when known.
// `receive_lag_s_at_least`: the primary's history does not reach back, so the seconds are a floor.
std::string not_receiving(const ReceiverState& receiver, std::optional<double> behind_bytes, std::optional<double> receive_lag_s,
                          double threshold_s, bool receive_lag_s_at_least = false);

// Everything one reading of a standby decides its lag from.
struct StandbyReading {
    std::int64_t at_mono_us = 0;
    double replay_lsn = 0, receive_lsn = 0;
    std::optional<double> replay_age_s;  // now − pg_last_xact_replay_timestamp()
    bool replay_paused = false;
    ReceiverState receiver;
    bool has_primary = false;            // the environment names its primary
    std::vector<WalPoint> primary;       // the primary's positions read so far, oldest first
    bool primary_reachable = false;
    bool primary_never_read = true;
    double not_receiving_after_s = 2;
};

struct StandbyFigures {
    LagFigure lag;                    // seconds and bytes, the seconds' method
    std::string bytes_method;
    bool provisional = false;         // read before the primary ever was: a one-shot reader waits
    bool receiving = true;            // false: "not receiving" is the first problem
    std::vector<std::string> problems;  // replication is broken: the reading is degraded
    std::vector<std::string> notes;     // how to read the figure
};

// The one definition, applied: from the primary's positions when it is named (a fresh history
// that does not reach back is bounded by the replay age), from the standby alone when not.
StandbyFigures standby_figures(const StandbyReading& reading);

}  // namespace drconsole::probes
