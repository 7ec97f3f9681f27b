// Live readings of targets: what probes report, kept in a thread-safe store with a short history.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drconsole/duration.h"

namespace drconsole {

// degraded: the target answered, but replication is broken (a standby not receiving, a
// primary whose standby is not connected); its figures are still read.
enum class ProbeStatus { ok, stale, down, error, stalled, degraded };
std::string_view to_string(ProbeStatus status);

using Labels = std::map<std::string, std::string>;

struct MetricValue {
    std::string name;  // "lag_s", "lag_bytes", "up", …
    double value = 0;
    Labels labels;     // e.g. {application_name: standby1} or {topic: orders, partition: 0}
    std::string method;  // how it was obtained, where that varies: "wal-position", "replay-timestamp", …
};

// A metric's value as people read it: LSNs as PostgreSQL writes them (0/3A2F1C8), *_ts as UTC
// times, *_bytes with units, *_s as seconds; others as numbers.
std::string format_metric(std::string_view name, double value);

// One probe run of one target.
struct Reading {
    std::string target;
    ProbeStatus status = ProbeStatus::ok;
    std::string error;          // why, for down / error / stalled
    std::int64_t wall_us = 0;   // when the reading completed
    std::int64_t mono_us = 0;
    double duration_ms = 0;     // how long the probe took
    std::vector<MetricValue> metrics;
    // Read before what completes it (a standby read before its primary's WAL position was):
    // a one-shot reader waits for the next one.
    bool provisional = false;

    // The metric's value; with several label sets, the largest (the worst lag).
    std::optional<double> value(std::string_view metric) const;
    void set(std::string name, double value, Labels labels = {}, std::string method = {});
    // How the metric was obtained (empty when it has one way only).
    std::string method(std::string_view metric) const;

    // A target that could not be reached: status down, up = 0, and why.
    static Reading down(std::string why);
};

// What the console and the engine see of a target at one moment.
struct TargetView {
    Reading last;             // the newest reading (empty metrics if none yet)
    ProbeStatus status = ProbeStatus::stale;  // last.status, or stale once older than the deadline
    bool never_read = true;
    std::int64_t age_us = 0;  // now - last.mono_us
    Millis deadline{2000};
};

struct HistoryPoint {
    std::int64_t mono_us = 0;
    std::int64_t wall_us = 0;
    double value = 0;
    bool present = false;  // the reading had this metric (a down server still reports up = 0)
};

// Thread-safe: probe workers publish, everyone else reads copies.
class ReadingStore {
public:
    explicit ReadingStore(std::size_t history_points = 1024, std::size_t pending_limit = 100'000)
        : history_points_(history_points), pending_limit_(pending_limit) {}

    // Declares a target before its first reading, with the deadline that makes it stale.
    void declare(const std::string& target, Millis deadline);
    void publish(Reading reading);

    std::map<std::string, TargetView> snapshot(std::int64_t now_mono_us) const;
    std::optional<TargetView> view(const std::string& target, std::int64_t now_mono_us) const;
    // Values of one metric over time (largest across label sets), oldest first.
    std::vector<HistoryPoint> history(const std::string& target, const std::string& metric) const;

    // Readings published since the last call, for the sample recorder; `dropped` counts
    // readings lost because nobody drained for too long.
    std::vector<Reading> drain(std::size_t* dropped = nullptr);

private:
    struct Entry {
        Reading last;
        bool never_read = true;
        Millis deadline{2000};
        std::map<std::string, std::deque<HistoryPoint>> history;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::vector<Reading> pending_;
    std::size_t dropped_ = 0;
    std::size_t history_points_;
    std::size_t pending_limit_;
};

}  // namespace drconsole
