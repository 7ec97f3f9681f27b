// Gates and levels against live readings: pass / fail (with the live value) / unknown.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drconsole/gate.h"
#include "drconsole/readings.h"
#include "drconsole/runbook.h"

namespace drconsole {

enum class GateOutcome { pass, fail, unknown };
std::string_view to_string(GateOutcome outcome);

struct ConditionResult {
    GateOutcome outcome = GateOutcome::unknown;
    std::optional<double> value;  // the live value, when there is one
    std::string reason;           // "pg-standby.lag_s is 42, needs < 30s"
};

struct GateResult {
    GateOutcome outcome = GateOutcome::unknown;  // pass only when every condition passes
    std::string reason;                          // the first condition that does not pass
    std::vector<ConditionResult> conditions;
};

// Unknown never passes: a stale target, a missing metric, or a "for" not yet held long enough
// because the history is too short are all unknown or fail, never pass.
GateResult evaluate_gate(const GateExpr& gate, const ReadingStore& store, std::int64_t now_mono_us);

enum class Level { ok, warn, breach };
std::string_view to_string(Level level);

// ok below 50% of the RPO, warn from 50%, breach from 100%. An RPO of 0 breaches on any lag.
Level level_for(double lag_s, Millis rpo);

// The RPO objective that applies to each target named by a step's rpo=TARGET.
std::map<std::string, Millis> rpo_by_target(const Runbook& runbook);

}  // namespace drconsole
