// The test hook --clock fake:START[+RATE]: wall time starts at START and runs at RATE × real time.
#include <regex>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/diagnostic.h"

namespace drconsole {

FakeClock::FakeClock(std::int64_t start_wall_us, double rate) : start_wall_(start_wall_us), rate_(rate), real_(SystemClock().mono_us()) {}

// The monotonic reading equals the wall time, so that a timeline scripted over several
// processes (each with its own --clock) reads as one clock without jumps.
std::int64_t FakeClock::mono_us() const {
    std::int64_t elapsed = SystemClock().mono_us() - real_;
    return start_wall_ + static_cast<std::int64_t>(static_cast<double>(elapsed) * rate_) + advanced_;
}

std::int64_t FakeClock::wall_us() const { return mono_us(); }

std::shared_ptr<FakeClock> parse_fake_clock(const std::string& spec) {
    static const std::regex re(R"(fake:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)(?:\+([0-9.]+))?)");
    std::smatch m;
    std::optional<std::int64_t> start;
    if (std::regex_match(spec, m, re)) start = parse_utc(m[1].str());
    if (!start)
        throw InputError(fmt::format("--clock '{}': write fake:YYYY-MM-DDTHH:MM:SSZ[+RATE], e.g. fake:2026-01-03T02:00:00Z+0", spec));
    double rate = m[2].matched ? std::stod(m[2]) : 1.0;
    return std::make_shared<FakeClock>(*start, rate);
}

}  // namespace drconsole
