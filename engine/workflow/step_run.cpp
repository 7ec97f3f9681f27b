// One run of a step's action: refused early, checked on live readings, recorded in order.
#include <stdexcept>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/runner.h"
#include "drconsole/step_run.h"

namespace drconsole {
namespace {

void refuse_if(const Incident& incident, EventDraft draft) {
    if (auto why = incident.why_not(draft)) throw RuleViolation(*why);
}

}  // namespace

StepRun::StepRun(const Incident& incident, std::shared_ptr<const Environment> env, const std::string& step_id, Actor actor,
                 std::string override_reason)
    : env_(std::move(env)), actor_(std::move(actor)), override_(std::move(override_reason)) {
    const IncidentState& s = incident.state();
    const Step* step = s.runbook->find_step(step_id);
    if (!step) throw RuleViolation(s.runbook->no_such_step(step_id));
    if (!step->action) throw RuleViolation(fmt::format("step '{}' has no action to run", step_id));
    step_ = *step;
    namespace k = event_kind;
    const StepState& st = s.step(step_id);
    // The rules answer for the first event this run records.
    if (st.status == StepStatus::pending) refuse_if(incident, {std::string(k::step_started), actor_, step_id, {}});
    else refuse_if(incident, {std::string(k::action_started), actor_, step_id, {}});
    gate_overridden_already_ = s.gate_overrides.count(step_id) > 0;
    // An override the rules would refuse (not the IC, no reason) is refused before any probing.
    if (!override_.empty()) {
        if (step_.gate && !gate_overridden_already_) refuse_gate_override_early(incident, step_, actor_, override_);
        else refuse_if(incident, {std::string(k::preflight_checked), actor_, step_id, {{"overridden", override_}}});
    }
    values_ = template_values(env_.get(), s, step_, actor_);
    if (promotes_standby(step_) && step_.action->kind == ActionKind::sql && env_)
        if (const Target* target = env_->find(step_.action->target)) {
            preflight_target_ = target->id;
            auto rpo = rpo_by_target(*s.runbook);
            if (auto o = rpo.find(target->id); o != rpo.end()) rpo_ = o->second;
        }
}

nlohmann::json StepRun::plan() const { return plan_action(step_, env_.get(), values_); }

void StepRun::check(const ReadingStore* live) {
    if (step_.gate && !gate_overridden_already_) gate_ = read_gate(step_, env_.get(), live);
    if (!preflight_target_.empty()) preflight_ = preflight(*env_, *env_->find(preflight_target_), rpo_, Millis(5000), live);
    checked_ = true;
}

std::string StepRun::preflight_warnings() const {
    std::string out;
    for (const auto& c : preflight_)
        if (c.outcome == CheckOutcome::warn) out += (out.empty() ? "" : "; ") + c.name + ": " + c.value;
    return out;
}

Event StepRun::begin(Incident& incident, const OnRecorded& recorded) {
    if (!checked_) throw std::logic_error("StepRun::begin before check");
    if (step_.fault && incident.state().mode != "drill")
        throw RuleViolation(fmt::format("step '{}' injects a fault: it runs only in a drill, and this incident is real", step_.id));
    auto shown = [&](Event e) {
        if (recorded) recorded(e);
        return e;
    };
    if (gate_)
        if (auto e = clear_gate(incident, step_, actor_, *gate_, override_)) shown(*e);
    if (!preflight_target_.empty()) {
        bool failed = any_failed(preflight_);
        nlohmann::json result = {{"target", preflight_target_}, {"checks", to_json(preflight_)}, {"failed", failed}};
        if (failed && !override_.empty()) result["overridden"] = override_;
        shown(incident.preflight_checked(step_.id, result, actor_));
        if (failed && override_.empty())
            throw NeedsOverride(fmt::format("preflight failed: the standby is not safe to promote: {}", failed_checks(preflight_)));
    }
    if (incident.state().step(step_.id).status == StepStatus::pending) shown(incident.start_step(step_.id, actor_));
    // Which process runs it, kept beside the chain: if this process dies, the next command knows.
    incident.journal().set_action_runner(incident.id(), step_.id, this_runner().to_json().dump());
    return shown(incident.action_started(step_.id, describe_action(step_, values_), actor_));
}

ActionResult StepRun::execute(const std::atomic<bool>* cancel) const {
    ActionResult result;
    try {
        result = execute_action(step_, env_.get(), values_, cancel);
    } catch (const std::exception& e) {
        result = ActionResult{};
        result.error = e.what();
        result.started_us = result.ended_us = SystemClock().wall_us();
    }
    return result;
}

Event StepRun::finish(Incident& incident, const ActionResult& result, const OnRecorded& recorded) {
    Event last = incident.action_finished(step_.id, evidence_of(result), actor_);
    if (recorded) recorded(last);
    if (!result.ok) return last;
    // A fault step's action is the drill's fault: T0 is the moment it returned.
    if (step_.fault && !incident.state().fault_us) {
        last = incident.inject_fault(fmt::format("{} (step {})", step_.text, step_.id), actor_);
        if (recorded) recorded(last);
    }
    if (!completes_with_values()) return last;  // the step waits for the values it records
    last = incident.complete_step(step_.id, actor_, completion_values_);
    if (recorded) recorded(last);
    return last;
}

bool StepRun::completes_with_values() const {
    for (const auto& name : step_.requires_values)
        if (auto v = completion_values_.find(name); v == completion_values_.end() || v->second.empty()) return false;
    return true;
}

std::vector<Event> reap_abandoned_actions(Incident& incident, const Actor& actor) {
    std::vector<Event> out;
    std::vector<std::pair<std::string, Runner>> dead;
    for (const auto& [id, st] : incident.state().steps) {
        if (!st.action_running) continue;
        auto recorded = incident.journal().action_runner(incident.id(), id);
        Runner runner = Runner::from_json(recorded ? nlohmann::json::parse(*recorded, nullptr, false) : nlohmann::json());
        if (!may_be_alive(runner)) dead.emplace_back(id, runner);
    }
    for (const auto& [id, runner] : dead) {
        std::vector<int> killed = kill_left_behind(runner);
        nlohmann::json what = {{"runner", runner.to_json()},
                               {"error", fmt::format("its process (pid {}) ended without recording how the action ended{}", runner.pid,
                                                     killed.empty() ? "" : "; the commands it left running were ended")},
                               {"killed", killed}};
        try {
            out.push_back(incident.action_abandoned(id, std::move(what), actor));
        } catch (const RuleViolation&) {
            // Another command recorded it first.
        }
    }
    return out;
}

}  // namespace drconsole
