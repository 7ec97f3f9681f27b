// What the runbook's controls recorded, for the report: approvals (approve=), the values steps
// required (requires=) and the cleanup steps (always) with their results.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/incident.h"

namespace drconsole::report {

// "approvals", "values", "cleanup" and "waits" (graceful or forced, from the wait.ended events),
// each an array (empty when the runbook has none); `t_plus` turns a wall-clock time into "T+…".
nlohmann::json controls_json(const IncidentState& state, const std::vector<Event>& events,
                             const std::function<std::string(std::int64_t)>& t_plus);

}  // namespace drconsole::report
