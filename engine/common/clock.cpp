// The system clock and time formatting.
#include "drconsole/clock.h"

#include <algorithm>
#include <ctime>
#include <regex>

#include <fmt/format.h>

namespace drconsole {

std::int64_t SystemClock::wall_us() const {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

std::int64_t SystemClock::mono_us() const {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

std::string format_utc(std::int64_t wall_us) {
    std::int64_t seconds = wall_us / 1'000'000;
    std::int64_t micros = wall_us % 1'000'000;
    if (micros < 0) {
        micros += 1'000'000;
        --seconds;
    }
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

std::optional<std::int64_t> parse_utc(const std::string& text) {
    static const std::regex re(R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?Z)");
    std::smatch m;
    if (!std::regex_match(text, m, re)) return std::nullopt;
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    tm.tm_hour = std::stoi(m[4]);
    tm.tm_min = std::stoi(m[5]);
    tm.tm_sec = std::stoi(m[6]);
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) return std::nullopt;
    std::int64_t micros = 0;
    if (m[7].matched) {
        std::string digits = m[7].str();
        digits.resize(6, '0');
        micros = std::stoll(digits);
    }
    return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000 + micros;
}

std::string format_elapsed(std::int64_t us) {
    std::int64_t s = std::max<std::int64_t>(us, 0) / 1'000'000;
    if (s >= 86'400) return fmt::format("{}d {:02}:{:02}", s / 86'400, s / 3600 % 24, s / 60 % 60);
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

std::string format_offset(std::int64_t delta_us) {
    return fmt::format("T{}{}", delta_us < 0 ? '-' : '+', format_elapsed(delta_us < 0 ? -delta_us : delta_us));
}

}  // namespace drconsole
