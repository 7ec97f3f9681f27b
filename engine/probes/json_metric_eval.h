// Reading one configured metric (environment.h's JsonMetric) from a JSON document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "drconsole/environment.h"

namespace drconsole::probes {

// An answer (an HTTP body, a command's output) parsed; nothing, with `why`, when it is not JSON
// (the parser's message) or nests deeper than kMaxJsonDepth.
std::optional<nlohmann::json> parse_answer(std::string_view text, std::string& why);

// The metric's value in `doc` (and, for a pair metric, `dr_doc`); nothing, with `why`, when the
// document does not hold it as the metric reads it. `now_us`: wall time, for ages.
std::optional<double> evaluate_json_metric(const JsonMetric& m, const nlohmann::json& doc, const nlohmann::json* dr_doc, std::int64_t now_us,
                                           std::string& why);

}  // namespace drconsole::probes
