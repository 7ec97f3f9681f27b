// The system clock and time formatting.
#include "drconsole/clock.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "drconsole/scan.h"

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
    // YYYY-MM-DDTHH:MM:SS[.ffffff]Z, exactly.
    auto field = [&](std::size_t at, std::size_t n) { return at + n <= text.size() ? small_number(std::string_view(text).substr(at, n), n) : std::nullopt; };
    auto is = [&](std::size_t at, char c) { return at < text.size() && text[at] == c; };
    auto year = field(0, 4), mon = field(5, 2), day = field(8, 2), hour = field(11, 2), min = field(14, 2), sec = field(17, 2);
    if (!year || !mon || !day || !hour || !min || !sec || !is(4, '-') || !is(7, '-') || !is(10, 'T') || !is(13, ':') || !is(16, ':'))
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = static_cast<int>(*year) - 1900;
    tm.tm_mon = static_cast<int>(*mon) - 1;
    tm.tm_mday = static_cast<int>(*day);
    tm.tm_hour = static_cast<int>(*hour);
    tm.tm_min = static_cast<int>(*min);
    tm.tm_sec = static_cast<int>(*sec);
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) return std::nullopt;
    std::int64_t micros = 0;
    std::size_t end = 19;
    if (is(19, '.')) {
        std::size_t n = span(text, 20, is_digit);
        if (n < 1 || n > 6) return std::nullopt;
        std::string digits = text.substr(20, n);
        digits.resize(6, '0');
        micros = *small_number(digits, 6);
        end = 20 + n;
    }
    if (end + 1 != text.size() || text[end] != 'Z') return std::nullopt;
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
