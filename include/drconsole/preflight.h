// Preflight before promoting a PostgreSQL standby, in the spirit of repmgr's switchover --dry-run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/duration.h"
#include "drconsole/environment.h"
#include "drconsole/readings.h"

namespace drconsole {

enum class CheckOutcome { pass, warn, fail };
std::string_view to_string(CheckOutcome outcome);

struct PreflightCheck {
    std::string name;   // "standby reachable", "in recovery", …
    CheckOutcome outcome = CheckOutcome::pass;
    std::string value;  // what was seen: "paused", "12.5 s", "timeline 3"
};

// Checks the standby `target` (and its primary, when the environment names one): reachable,
// in recovery, replay not paused, receiving WAL, lag against `rpo`, the primary's
// reachability and whether this standby is its most advanced, timelines, and WAL senders and
// replication slots free for the reverse direction. The lag is the standby lag of
// docs/probes.md: from `live` readings when this process has them (the primary's history
// behind them), else one reading of both servers (seconds from the replay timestamp).
std::vector<PreflightCheck> preflight(const Environment& env, const Target& standby, std::optional<Millis> rpo,
                                      Millis timeout = Millis(5000), const ReadingStore* live = nullptr);
bool any_failed(const std::vector<PreflightCheck>& checks);
// "receiving WAL: not receiving for 8 s; lag within the RPO: …": the failed checks, for a refusal.
std::string failed_checks(const std::vector<PreflightCheck>& checks);
nlohmann::json to_json(const std::vector<PreflightCheck>& checks);

// True when an action promotes a PostgreSQL standby (pg_promote, pg_ctl promote, patronictl failover).
bool promotes_standby(const struct Step& step);

}  // namespace drconsole
