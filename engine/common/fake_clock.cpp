// The test hook --clock fake:START[+RATE]: wall time starts at START and runs at RATE × real time.
#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/diagnostic.h"
#include "drconsole/scan.h"
#include "drconsole/text.h"

namespace drconsole {

FakeClock::FakeClock(std::int64_t start_wall_us, double rate) : start_wall_(start_wall_us), rate_(rate), real_(SystemClock().mono_us()) {}

// The monotonic reading equals the wall time, so that a timeline scripted over several
// processes (each with its own --clock) reads as one clock without jumps.
std::int64_t FakeClock::mono_us() const {
    std::int64_t elapsed = SystemClock().mono_us() - real_;
    return start_wall_ + static_cast<std::int64_t>(static_cast<double>(elapsed) * rate_) + advanced_;
}

std::int64_t FakeClock::wall_us() const { return mono_us(); }

namespace {

// "+RATE": a short decimal such as +0, +60 or +0.5.
std::optional<double> parse_rate(std::string_view text) {
    if (text.size() < 2 || text.size() > 16 || text[0] != '+') return std::nullopt;
    std::string_view digits = text.substr(1);
    std::size_t dot = digits.find('.');
    auto whole = small_number(digits.substr(0, dot), 9);
    if (!whole) return std::nullopt;
    if (dot == std::string_view::npos) return static_cast<double>(*whole);
    std::string_view frac = digits.substr(dot + 1);
    auto f = small_number(frac, 6);
    if (!f) return std::nullopt;
    double scale = 1;
    for (std::size_t i = 0; i < frac.size(); ++i) scale *= 10;
    return static_cast<double>(*whole) + static_cast<double>(*f) / scale;
}

}  // namespace

std::shared_ptr<FakeClock> parse_fake_clock(const std::string& spec) {
    // fake:YYYY-MM-DDTHH:MM:SSZ, then +RATE (digits and one '.') if any.
    std::string_view rest = spec;
    std::optional<std::int64_t> start;
    std::optional<double> rate = 1.0;
    if (rest.substr(0, 5) == "fake:" && rest.size() >= 25) {
        start = parse_utc(std::string(rest.substr(5, 20)));
        rest.remove_prefix(25);
        if (!rest.empty()) rate = parse_rate(rest);
    }
    if (!start || !rate)
        throw InputError(fmt::format("--clock '{}': write fake:YYYY-MM-DDTHH:MM:SSZ[+RATE], e.g. fake:2026-01-03T02:00:00Z+0",
                                     safe_excerpt(spec, 60)));
    return std::make_shared<FakeClock>(*start, *rate);
}

}  // namespace drconsole
