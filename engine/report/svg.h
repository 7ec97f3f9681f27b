// Inline SVG charts for the HTML report and trend (no scripts, no external resources).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace drconsole::report {

// Phases and steps against time from T0, with T0, the service's RTO objective and its restore marked.
std::string gantt_svg(const nlohmann::json& report);
// One entry of report["lag_series"]: lag over time, the RPO objective line and the failure (T0).
std::string lag_svg(const nlohmann::json& series);
// Service RTO per drill, with the objective line.
std::string trend_svg(const nlohmann::json& trend);

}  // namespace drconsole::report
