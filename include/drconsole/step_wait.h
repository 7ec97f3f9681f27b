// Graceful or forced (wait="pg-standby.lag_s < 1s" wait_timeout=2m): wait until the condition
// holds, then run the step's action; or the IC goes now and accepts the loss, with a reason.
// One workflow for the console and the command line; each records through the incident.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "drconsole/environment.h"
#include "drconsole/gate_eval.h"
#include "drconsole/incident.h"
#include "drconsole/probes.h"
#include "drconsole/readings.h"

namespace drconsole {

// One look at the condition.
struct WaitReading {
    GateResult condition;         // pass: it holds
    std::optional<double> eta_s;  // when the values keep moving as they did: seconds until it holds
    std::string trend;            // "falling 0.8/s", "not moving", "rising 0.1/s", "" before two readings
    std::int64_t waited_us = 0;
    bool timed_out = false;       // wait_timeout has passed (and it does not hold)
};

class StepWait {
public:
    // `started_mono_us`: when the wait began (steady clock).
    StepWait(const Step& step, std::int64_t started_mono_us);
    const Step& step() const { return step_; }
    // The condition on live readings now, with its trend over the last readings.
    WaitReading observe(const ReadingStore& live, std::int64_t now_mono_us);
    // "pg-standby.lag_s is 4.2, needs < 1s; falling 0.8/s, ETA 5 s; waited 0:42 of 2:00"
    std::string describe(const WaitReading& r) const;

    // What each outcome records (payload of wait.started / wait.ended).
    nlohmann::json started_payload(const WaitReading& r) const;
    nlohmann::json ended_payload(const std::string& outcome, const WaitReading& r, const std::string& reason = {}) const;

private:
    Step step_;
    std::int64_t started_us_;
    std::deque<std::pair<std::int64_t, double>> history_;  // the waited-for condition's values, newest last
    std::size_t history_of_ = 0;                           // which condition they are of
};

// Readings of a set of targets for a front end without a console's store (the command line):
// probes them on their own schedule until destroyed.
class LiveTargets {
public:
    LiveTargets(const Environment& env, const std::set<std::string>& ids);
    ~LiveTargets();
    const ReadingStore& store() const { return *store_; }
    // Waits until each target has a reading that says what it is (a standby's needs its primary's
    // position), at most the longest deadline and interval of them.
    void wait_first_readings() const;

private:
    std::set<std::string> ids_;
    std::shared_ptr<ReadingStore> store_;
    std::unique_ptr<ProbeScheduler> scheduler_;
    Millis longest_{0};
};

// The targets a condition reads.
std::set<std::string> targets_of(const GateExpr& expr);

}  // namespace drconsole
