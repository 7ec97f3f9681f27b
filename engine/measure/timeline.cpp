// The incident's events on one clock: durations from monotonic readings, wall-clock jumps found.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "drconsole/measure.h"

namespace drconsole {

Timeline::Timeline(const std::vector<Event>& events) {
    const Event* prev = nullptr;
    for (const auto& e : events) {
        if (!prev) {
            points_.emplace_back(e.wall_us, e.wall_us);
        } else {
            std::int64_t d_wall = e.wall_us - prev->wall_us;
            std::int64_t d_mono = e.mono_us - prev->mono_us;
            std::int64_t step = d_wall;
            if (d_mono < 0) {
                ++reboots_;  // CLOCK_MONOTONIC restarted: the host rebooted; only the wall clock spans it
            } else {
                step = d_mono;
                if (std::llabs(d_wall - d_mono) > kJumpThresholdUs) jumps_.push_back({e.seq, e.wall_us, d_wall - d_mono});
            }
            points_.emplace_back(e.wall_us, points_.back().second + step);
        }
        if (prev && e.wall_us < prev->wall_us) wall_ordered_ = false;
        prev = &e;
    }
}

std::int64_t Timeline::at(std::int64_t wall_us) const {
    if (points_.empty()) return wall_us;
    // The event recorded at exactly this wall time, else the newest event recorded before it.
    const std::pair<std::int64_t, std::int64_t>* base = nullptr;
    if (wall_ordered_) {
        // Wall times never went back: the same answer found by halving, not by a walk of every event.
        auto after = std::upper_bound(points_.begin(), points_.end(), wall_us, [](std::int64_t w, const auto& p) { return w < p.first; });
        if (after == points_.begin()) base = &points_.front();
        else {
            auto first_equal = std::lower_bound(points_.begin(), after, wall_us, [](const auto& p, std::int64_t w) { return p.first < w; });
            if (first_equal != after) return first_equal->second;
            base = &*(after - 1);
        }
        return base->second + (wall_us - base->first);
    }
    for (const auto& p : points_) {
        if (p.first == wall_us) return p.second;
        if (p.first <= wall_us) base = &p;
    }
    if (!base) base = &points_.front();
    return base->second + (wall_us - base->first);
}

const ComponentResult* Measurement::service() const {
    for (const auto& c : components)
        if (c.component == kServiceComponent) return &c;
    return nullptr;
}

std::string format_seconds(std::optional<double> seconds) {
    if (!seconds) return "not measured";
    double s = *seconds;
    std::string sign = s < 0 ? "-" : "";
    s = std::fabs(s);
    if (s < 60) return fmt::format("{}{:.3g}s", sign, s < 0.0005 ? 0.0 : s);
    auto total_ms = static_cast<std::int64_t>(std::llround(s * 1000));
    std::int64_t h = total_ms / 3'600'000, m = total_ms / 60'000 % 60, sec = total_ms / 1000 % 60, ms = total_ms % 1000;
    std::string frac = ms ? fmt::format(".{:03}", ms) : "";
    if (h) return fmt::format("{}{}h{:02}m{:02}{}s", sign, h, m, sec, frac);
    return fmt::format("{}{}m{:02}{}s", sign, m, sec, frac);
}

}  // namespace drconsole
