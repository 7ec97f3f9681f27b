// Durations as runbooks write them: 0s, 45s, 10m, 1h30m, 250ms.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace drconsole {

using Millis = std::chrono::milliseconds;

// Parses one or more <digits><unit> parts with units h, m, s, ms in that order,
// each at most once ("1h30m", "90s"). Throws TextError pointing at the bad part.
Millis parse_duration(std::string_view text);

// The shortest form parse_duration reads back: 90000ms -> "1m30s", 0 -> "0s".
std::string format_duration(Millis d);

}  // namespace drconsole
