// Parsing and formatting runbook durations.
#include "drconsole/duration.h"

#include <array>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "drconsole/diagnostic.h"

namespace drconsole {
namespace {

struct Unit {
    std::string_view name;
    std::int64_t ms;
};
// Order matters twice: parts must come in this order, and "ms" must be tried before "m".
constexpr std::array<Unit, 4> kUnits{{{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

std::string hint(std::string_view text) {
    return fmt::format("bad duration '{}': use forms like 45s, 10m, 1h30m", text);
}

}  // namespace

Millis parse_duration(std::string_view text) {
    if (text.empty()) throw TextError(0, "empty duration: use forms like 45s, 10m, 1h30m");
    std::int64_t total = 0;
    std::size_t i = 0;
    std::size_t next_unit = 0;  // index into kUnits: units must descend
    while (i < text.size()) {
        std::size_t start = i;
        std::int64_t value = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (value > std::numeric_limits<std::int64_t>::max() / 10 / 3'600'000)
                throw TextError(start, fmt::format("duration '{}' is too large", text));
            value = value * 10 + (text[i] - '0');
            ++i;
        }
        if (i == start) throw TextError(start, hint(text));
        std::size_t unit_at = i;
        std::size_t found = kUnits.size();
        if (text.substr(i, 2) == "ms") found = 3;
        else if (i < text.size()) {
            for (std::size_t u = 0; u < 3; ++u)
                if (text[i] == kUnits[u].name[0]) found = u;
        }
        if (found == kUnits.size()) throw TextError(unit_at, hint(text));
        if (found < next_unit)
            throw TextError(unit_at, fmt::format("bad duration '{}': units must go h, m, s, ms, each once", text));
        next_unit = found + 1;
        i += kUnits[found].name.size();
        total += value * kUnits[found].ms;
    }
    return Millis(total);
}

std::string format_duration(Millis d) {
    std::int64_t ms = d.count();
    if (ms == 0) return "0s";
    std::string out;
    if (ms < 0) {
        out += '-';
        ms = -ms;
    }
    for (const auto& unit : kUnits) {
        if (ms >= unit.ms) {
            out += fmt::format("{}{}", ms / unit.ms, unit.name);
            ms %= unit.ms;
        }
    }
    return out;
}

}  // namespace drconsole
