// Step deadlines from due= and budget=, measured against T0 and each phase's start.
#include "drconsole/deadlines.h"

#include <algorithm>

#include <fmt/format.h>

#include "drconsole/clock.h"

namespace drconsole {
namespace {

// A phase starts when the first of its steps starts or ends (a step completed without a start counts).
std::optional<std::int64_t> phase_start(const IncidentState& s, const Phase& phase) {
    std::optional<std::int64_t> first;
    for (const auto& step : phase.steps) {
        const StepState& st = s.step(step.id);
        if (st.status == StepStatus::not_applicable) continue;
        for (auto at : {st.started_us, st.ended_us})
            if (at && (!first || *at < *first)) first = at;
    }
    return first;
}

}  // namespace

std::int64_t StepDeadline::late_us(std::int64_t now_us) const {
    std::int64_t at = ended_us.value_or(now_us);
    return std::max<std::int64_t>(0, at - due_us);
}

std::vector<StepDeadline> step_deadlines(const IncidentState& s) {
    std::vector<StepDeadline> out;
    const std::int64_t t0 = s.t0_us();
    for (const auto& phase : s.runbook->phases) {
        std::optional<std::int64_t> started = phase_start(s, phase);
        for (const auto& step : phase.steps) {
            const StepState& st = s.step(step.id);
            if (st.status == StepStatus::not_applicable) continue;
            StepDeadline d;
            d.step = step.id;
            if (!st.open()) d.ended_us = st.ended_us;
            if (step.due) {
                d.due_us = t0 + step.due->count() * 1000;
                d.basis = fmt::format("due=T+{}", format_duration(*step.due));
            } else if (step.budget && started) {
                d.due_us = *started + step.budget->count() * 1000;
                d.basis = fmt::format("budget={} from the start of phase {} ({})", format_duration(*step.budget), phase.name,
                                      format_offset(*started - t0));
            } else {
                continue;
            }
            out.push_back(std::move(d));
        }
    }
    return out;
}

}  // namespace drconsole
