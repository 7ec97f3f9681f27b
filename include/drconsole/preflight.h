// Preflight before promoting a PostgreSQL standby, in the spirit of repmgr's switchover --dry-run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/duration.h"
#include "drconsole/environment.h"

namespace drconsole {

enum class CheckOutcome { pass, warn, fail };
std::string_view to_string(CheckOutcome outcome);

struct PreflightCheck {
    std::string name;   // "standby reachable", "in recovery", …
    CheckOutcome outcome = CheckOutcome::pass;
    std::string value;  // what was seen: "paused", "12.5 s", "timeline 3"
};

// Checks the standby `target` (and its primary, when the environment names one): reachable,
// in recovery, replay not paused, WAL receiver streaming, lag against `rpo`, the primary's
// reachability and whether this standby is its most advanced, timelines, and WAL senders and
// replication slots free for the reverse direction.
std::vector<PreflightCheck> preflight(const Environment& env, const Target& standby, std::optional<Millis> rpo,
                                      Millis timeout = Millis(5000));
bool any_failed(const std::vector<PreflightCheck>& checks);
nlohmann::json to_json(const std::vector<PreflightCheck>& checks);

// True when an action promotes a PostgreSQL standby (pg_promote, pg_ctl promote, patronictl failover).
bool promotes_standby(const struct Step& step);

}  // namespace drconsole
