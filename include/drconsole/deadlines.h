// Time budgets of steps (due=T+5m from T0, budget=5m from the start of the step's phase): when
// each step is due and how late it is. One computation for the console and the report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drconsole/incident.h"

namespace drconsole {

struct StepDeadline {
    std::string step;
    std::int64_t due_us = 0;
    std::string basis;                     // "due=T+5m" | "budget=5m from the start of phase Promote (T+02:00)"
    std::optional<std::int64_t> ended_us;  // when the step ended (done, skipped or failed)
    // How late the step is: ended after its deadline, or still open past it at `now_us`; 0 when
    // it is not late.
    std::int64_t late_us(std::int64_t now_us) const;
};

// Every applicable step with a due= or budget= whose deadline is known: a budget's phase has
// started (a step in it started or ended).
std::vector<StepDeadline> step_deadlines(const IncidentState& state);

}  // namespace drconsole
