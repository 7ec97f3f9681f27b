// Achieved RTO and RPO, measured from the journal alone: the events, the samples, and the
// runbook and environment the incident ran with. A figure that cannot be measured says why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/environment.h"
#include "drconsole/event.h"
#include "drconsole/incident.h"
#include "drconsole/journal.h"

namespace drconsole {

// A wall-clock step between two consecutive events that the monotonic clock did not see.
struct ClockJump {
    std::int64_t seq = 0;       // the event after the step
    std::int64_t wall_us = 0;   // its wall time as recorded
    std::int64_t jump_us = 0;   // how far the wall clock moved beyond the monotonic one (+ ahead)
};

// The incident's events on one clock: the first event's wall time, then the monotonic time
// between consecutive events (the wall time where the monotonic clock restarted: a reboot).
class Timeline {
public:
    explicit Timeline(const std::vector<Event>& events);
    // A wall time as recorded (an event's, or a time carried in an event) on the timeline.
    std::int64_t at(std::int64_t wall_us) const;
    const std::vector<ClockJump>& jumps() const { return jumps_; }
    int reboots() const { return reboots_; }

    // A step of more than this between wall and monotonic time is a jump, not drift.
    static constexpr std::int64_t kJumpThresholdUs = 1'000'000;

private:
    std::vector<std::pair<std::int64_t, std::int64_t>> points_;  // (wall as recorded, on the timeline), seq order
    std::vector<ClockJump> jumps_;
    int reboots_ = 0;
    bool wall_ordered_ = true;  // no event's wall time is before its predecessor's
};

struct RpoFigure {
    std::string target;                  // the environment target it was read from
    std::string method;                  // postgres-heartbeat | postgres-replay-timestamp | kafka-mirror | prometheus
    std::optional<double> rpo_s;         // nullopt: not measured, and `reason` says why
    std::optional<double> uncertainty_s;
    std::optional<std::int64_t> messages_lost;
    std::string reason;                  // why not measured, or what the method could not see
    nlohmann::json detail = nlohmann::json::object();  // the readings the figure came from
};

struct ComponentResult {
    std::string component;
    std::optional<double> rto_objective_s, rpo_objective_s;
    std::optional<double> rto_s;         // nullopt: not restored
    std::string restored_by;             // the restoring step (the last one to complete)
    std::optional<std::int64_t> restored_us;
    RpoFigure rpo;
    bool pass = false;
    std::string reason;                  // why it passes or fails, in words
    bool not_applicable = false;         // not exercised here: its steps need missing targets
};

struct PhaseTiming {
    std::string name, kind;
    std::optional<std::int64_t> started_us, ended_us;  // first step started, last step ended
    std::optional<double> duration_s;
};

// One of the drill's success criteria; `pass` is nullopt when it does not apply.
struct Criterion {
    std::string name;
    std::optional<bool> pass;
    std::string detail;
};

struct Deviation {
    std::string kind;  // skipped | failed | not done | overdue | gate overridden | preflight overridden | comms late
    std::string step;
    std::int64_t at_us = 0;
    std::string detail;
};

struct Measurement {
    std::int64_t t0_us = 0;
    std::string t0_source;
    std::vector<ComponentResult> components;  // the objectives table's order; the service last
    std::vector<PhaseTiming> phases;
    std::vector<Criterion> criteria;
    std::vector<Deviation> deviations;
    std::vector<ClockJump> clock_jumps;
    int clock_restarts = 0;
    bool pass = false;            // every criterion that applies holds
    // Met objectives are not a complete drill: what was never exercised or evidenced is said.
    bool objectives_met = false;  // the RTO and RPO criteria hold
    std::vector<std::string> not_exercised;  // phases none of whose steps was done (all skipped or left open)
    std::vector<std::string> not_evidenced;  // criteria nothing in the incident could decide
    std::string headline;         // "objectives met — failback not exercised", "PASS: …", "FAIL: …"

    const ComponentResult* service() const;
};

// Whether a component is restored, by the one rule the header and the report share: when every
// step that restores it is done, at the last one's completion. The service: its own restoring
// steps where the runbook names them, and every other component of the objectives table.
struct Restoration {
    std::optional<std::int64_t> at_us;  // wall time; nullopt: not restored, and `why_not` says why
    std::string by;                     // the step that completed last
    std::string why_not;
    // Every step that restores it is not applicable here (start --allow-missing): nothing to
    // restore or judge in this environment.
    bool not_applicable = false;
};
Restoration restoration(const IncidentState& state, const std::string& component);

// When the next stakeholder update is due, by the report's rule: one cadence after T0, then one
// cadence after the latest update sent since T0 (updates before T0 do not count). Nothing when
// no cadence applies (IncidentState::comms: the stricter of runbook and environment). The header
// counts down to it; the report's "comms late" agrees.
std::optional<std::int64_t> next_comms_due_us(const IncidentState& state);

// What is left of each RTO objective at a moment, as the header shows it: counted from T0 and
// stopped at resolve; a component restored by restoration()'s rule stops counting. Before a
// drill's fault there is no T0 yet, so nothing counts (`left_us` is nullopt).
struct RtoBudget {
    std::string component;
    std::int64_t budget_us = 0;
    std::optional<std::int64_t> left_us;  // negative: over; nullopt: T0 has not happened yet
    bool restored = false;
};
std::vector<RtoBudget> rto_budgets(const IncidentState& state, std::int64_t now_us);

// Everything a measurement reads.
struct MeasureInput {
    const IncidentState* state = nullptr;
    const std::vector<Event>* events = nullptr;
    const std::vector<Sample>* samples = nullptr;
    const Environment* env = nullptr;  // null: the incident ran without one
    bool chain_verified = false;
    // When `samples` holds only the RPO targets' samples (and their primaries'): how many the
    // incident has in all. -1: `samples` holds them all.
    std::int64_t samples_recorded = -1;
};

Measurement measure(const MeasureInput& input);

// The RPO of one component restored at `boundary_us` (its restoring step's completion; the
// failover), from the samples of the step's rpo= target.
RpoFigure measure_rpo(const std::string& rpo_target, const Environment* env, const std::vector<Sample>& samples,
                      std::int64_t boundary_us);
// The same, from the samples of the RPO target and its primary only (`any_recorded`: whether
// the incident has samples of any target).
RpoFigure measure_rpo(const std::string& rpo_target, const Environment* env, const std::vector<Sample>& samples,
                      std::int64_t boundary_us, bool any_recorded);
// The targets measure_rpo() reads for a component restored by steps naming `rpo_target`.
std::vector<std::string> rpo_sources(const std::string& rpo_target, const Environment* env);

// "4m05.250s", "0.8s", "not measured"
std::string format_seconds(std::optional<double> seconds);

}  // namespace drconsole
