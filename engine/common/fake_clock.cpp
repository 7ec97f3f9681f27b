// The test hook --clock fake:START[+RATE]: wall time starts at START and runs at RATE × real time.
#include <ctime>
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
    static const std::regex re(R"(fake:(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z(?:\+([0-9.]+))?)");
    std::smatch m;
    if (!std::regex_match(spec, m, re))
        throw InputError(fmt::format("--clock '{}': write fake:YYYY-MM-DDTHH:MM:SSZ[+RATE], e.g. fake:2026-01-03T02:00:00Z+0", spec));
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    tm.tm_hour = std::stoi(m[4]);
    tm.tm_min = std::stoi(m[5]);
    tm.tm_sec = std::stoi(m[6]);
    std::int64_t seconds = timegm(&tm);
    double rate = m[7].matched ? std::stod(m[7]) : 1.0;
    return std::make_shared<FakeClock>(seconds * 1'000'000, rate);
}

}  // namespace drconsole
