// Clocks: UTC wall time and a monotonic reading, both in microseconds. Injectable for tests.
#pragma once

#include <chrono>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace drconsole {

// A deadline or an instant on the monotonic clock.
using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::int64_t wall_us() const = 0;  // microseconds since the Unix epoch, UTC
    virtual std::int64_t mono_us() const = 0;  // CLOCK_MONOTONIC: comparable across processes of one boot
};

class SystemClock final : public Clock {
public:
    std::int64_t wall_us() const override;
    std::int64_t mono_us() const override;
};

// A clock that moves only when told: RTO timers and event times in tests.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t wall_us = 1'790'000'000'000'000, std::int64_t mono_us = 1'000'000)
        : wall_(wall_us), mono_(mono_us) {}
    std::int64_t wall_us() const override { return wall_; }
    std::int64_t mono_us() const override { return mono_; }
    void advance_us(std::int64_t us) {
        wall_ += us;
        mono_ += us;
    }
    void jump_wall_us(std::int64_t us) { wall_ += us; }

private:
    std::int64_t wall_;
    std::int64_t mono_;
};

// The test hook behind --clock fake:START[+RATE]: wall time starts at START and runs at RATE
// times real time (0: frozen); advance() moves it on explicitly.
class FakeClock final : public Clock {
public:
    FakeClock(std::int64_t start_wall_us, double rate);
    std::int64_t wall_us() const override;
    std::int64_t mono_us() const override;
    void advance_us(std::int64_t us) { advanced_ += us; }

private:
    std::int64_t start_wall_;
    double rate_;
    std::int64_t real_;
    std::int64_t advanced_ = 0;
};

// Parses "fake:2026-01-03T02:00:00Z+0"; throws InputError on anything else.
std::shared_ptr<FakeClock> parse_fake_clock(const std::string& spec);

// "2026-11-21T03:04:05.123456Z"
std::string format_utc(std::int64_t wall_us);
// Reads "2026-11-21T03:04:05Z" or with a fraction, "…05.250Z"; nullopt for anything else.
std::optional<std::int64_t> parse_utc(const std::string& text);
// A duration as people read it: "12:05", "1:02:03", and past a day "2d 03:15" (days, hours,
// minutes). Negative durations read as 0.
std::string format_elapsed(std::int64_t us);
// "T+12:05" (or "T-00:30" before T0); hours shown when needed: "T+1:02:03"; days: "T+2d 03:15".
std::string format_offset(std::int64_t delta_us);

}  // namespace drconsole
