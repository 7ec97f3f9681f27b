// The reading store: newest reading per target, bounded history per metric, a queue for samples.
#include "drconsole/readings.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "drconsole/clock.h"

namespace drconsole {

std::string_view to_string(ProbeStatus status) {
    switch (status) {
        case ProbeStatus::ok: return "ok";
        case ProbeStatus::stale: return "stale";
        case ProbeStatus::down: return "down";
        case ProbeStatus::error: return "error";
        case ProbeStatus::stalled: return "stalled";
        case ProbeStatus::degraded: return "degraded";
    }
    return "?";
}

std::optional<double> Reading::value(std::string_view metric) const {
    std::optional<double> best;
    for (const auto& m : metrics)
        if (m.name == metric && (!best || m.value > *best)) best = m.value;
    return best;
}

void Reading::set(std::string name, double v, Labels labels, std::string method) {
    metrics.push_back({std::move(name), v, std::move(labels), std::move(method)});
}

std::string Reading::method(std::string_view metric) const {
    for (const auto& m : metrics)
        if (m.name == metric && !m.method.empty()) return m.method;
    return {};
}

std::string format_metric(std::string_view name, double value) {
    auto ends_with = [&](std::string_view suffix) { return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix; };
    if (ends_with("_lsn") && value >= 0) {
        auto lsn = static_cast<std::uint64_t>(value);
        return fmt::format("{:X}/{:X}", lsn >> 32, lsn & 0xFFFFFFFFu);
    }
    if (ends_with("_ts") && value > 0) return format_utc(static_cast<std::int64_t>(value * 1e6));
    if (ends_with("_bytes")) {
        double v = value;
        const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (std::abs(v) >= 1024 && u < 4) v /= 1024, ++u;
        return u == 0 ? fmt::format("{:.0f} B", v) : fmt::format("{:.1f} {}", v, units[u]);
    }
    if (ends_with("_s")) return fmt::format("{:.1f}s", value);
    return fmt::format("{:g}", value);
}

Reading Reading::down(std::string why) {
    Reading r;
    r.status = ProbeStatus::down;
    r.error = std::move(why);
    r.set("up", 0);
    return r;
}

void ReadingStore::declare(const std::string& target, Millis deadline) {
    std::lock_guard lock(mutex_);
    Entry& e = entries_[target];
    e.deadline = deadline;
    e.last.target = target;
}

void ReadingStore::publish(Reading reading) {
    std::lock_guard lock(mutex_);
    Entry& e = entries_[reading.target];
    std::map<std::string, double> worst;
    for (const auto& m : reading.metrics) {
        auto [it, fresh] = worst.emplace(m.name, m.value);
        if (!fresh) it->second = std::max(it->second, m.value);
    }
    for (const auto& [name, value] : worst) {
        auto& points = e.history[name];
        points.push_back({reading.mono_us, reading.wall_us, value, true});
        while (points.size() > history_points_) points.pop_front();
    }
    // A reading without a metric breaks every "held for" run of that metric.
    for (auto& [name, points] : e.history) {
        if (!worst.count(name)) {
            points.push_back({reading.mono_us, reading.wall_us, 0, false});
            while (points.size() > history_points_) points.pop_front();
        }
    }
    e.never_read = false;
    if (pending_.size() >= pending_limit_) {
        pending_.erase(pending_.begin());
        ++dropped_;
    }
    pending_.push_back(reading);
    e.last = std::move(reading);
}

namespace {

TargetView view_of(const std::string& target, bool never_read, const Reading& last, Millis deadline, std::int64_t now) {
    TargetView v;
    v.last = last;
    v.last.target = target;
    v.never_read = never_read;
    v.deadline = deadline;
    v.age_us = never_read ? 0 : now - last.mono_us;
    bool too_old = never_read || v.age_us > std::chrono::duration_cast<std::chrono::microseconds>(deadline).count();
    v.status = too_old ? ProbeStatus::stale : last.status;
    return v;
}

}  // namespace

std::map<std::string, TargetView> ReadingStore::snapshot(std::int64_t now) const {
    std::lock_guard lock(mutex_);
    std::map<std::string, TargetView> out;
    for (const auto& [target, e] : entries_) out.emplace(target, view_of(target, e.never_read, e.last, e.deadline, now));
    return out;
}

std::optional<TargetView> ReadingStore::view(const std::string& target, std::int64_t now) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(target);
    if (it == entries_.end()) return std::nullopt;
    return view_of(target, it->second.never_read, it->second.last, it->second.deadline, now);
}

std::vector<HistoryPoint> ReadingStore::history(const std::string& target, const std::string& metric) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(target);
    if (it == entries_.end()) return {};
    auto h = it->second.history.find(metric);
    if (h == it->second.history.end()) return {};
    return {h->second.begin(), h->second.end()};
}

std::vector<Reading> ReadingStore::drain(std::size_t* dropped) {
    std::lock_guard lock(mutex_);
    std::vector<Reading> out;
    out.swap(pending_);
    if (dropped) *dropped = dropped_;
    dropped_ = 0;
    return out;
}

}  // namespace drconsole
