// Waiting for a step's condition: its live values, their trend and ETA, and what is recorded.
#include "drconsole/step_wait.h"

#include <chrono>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/step_run.h"

namespace drconsole {
namespace {

constexpr std::int64_t kTrendWindowUs = 15'000'000;  // the trend is read over the last 15 s

std::string seconds_text(double s) {
    if (s < 10) return fmt::format("{:.1f} s", s);
    return format_duration(Millis(std::llround(s) * 1000));
}

}  // namespace

std::set<std::string> targets_of(const GateExpr& expr) {
    std::set<std::string> ids;
    for (const auto& c : expr.all_of) ids.insert(c.target);
    return ids;
}

StepWait::StepWait(const Step& step, std::int64_t started_mono_us) : step_(step), started_us_(started_mono_us) {
    if (!step_.wait) throw std::logic_error("StepWait on a step without wait=");
}

WaitReading StepWait::observe(const ReadingStore& live, std::int64_t now) {
    WaitReading r;
    r.condition = evaluate_gate(*step_.wait, live, now);
    r.waited_us = now - started_us_;
    r.timed_out = r.condition.outcome != GateOutcome::pass && step_.wait_timeout && r.waited_us >= step_.wait_timeout->count() * 1000;
    // The trend of the first condition that does not hold (the one being waited for).
    std::size_t which = 0;
    for (std::size_t i = 0; i < r.condition.conditions.size(); ++i)
        if (r.condition.conditions[i].outcome != GateOutcome::pass) {
            which = i;
            break;
        }
    if (which >= r.condition.conditions.size() || !r.condition.conditions[which].value) return r;
    // An equality (a flag such as replay_paused == 0) has no trend to read.
    CompareOp op = step_.wait->all_of[which].op;
    if (op == CompareOp::eq || op == CompareOp::ne) {
        history_.clear();
        return r;
    }
    double value = *r.condition.conditions[which].value;
    if (which != history_of_) history_.clear();  // another condition is the one waited for now
    history_of_ = which;
    // A point every half second at most: the console looks many times a second at the same reading.
    if (history_.empty() || now - history_.back().first >= 500'000) history_.emplace_back(now, value);
    while (!history_.empty() && history_.front().first < now - kTrendWindowUs) history_.pop_front();
    if (history_.size() < 4 || history_.back().first - history_.front().first < 3'000'000) return r;
    // The least-squares slope over the window: one jump or a sawtooth (a lag read at the primary's
    // interval) does not make a trend; a value that holds is "not moving".
    double n = static_cast<double>(history_.size()), mean_t = 0, mean_v = 0;
    for (const auto& [t, v] : history_) {
        mean_t += static_cast<double>(t - history_.front().first) / 1e6 / n;
        mean_v += v / n;
    }
    double cov = 0, var = 0;
    for (const auto& [t, v] : history_) {
        double dt = static_cast<double>(t - history_.front().first) / 1e6 - mean_t;
        cov += dt * (v - mean_v);
        var += dt * dt;
    }
    double per_s = var > 0 ? cov / var : 0;
    const GateCondition& c = step_.wait->all_of[which];
    if (std::abs(per_s) < std::max(0.01, 0.02 * std::abs(mean_v))) {
        r.trend = "not moving";
        return r;
    }
    r.trend = fmt::format("{} {:.2g}/s", per_s < 0 ? "falling" : "rising", std::abs(per_s));
    bool toward = ((c.op == CompareOp::lt || c.op == CompareOp::le) && per_s < 0) || ((c.op == CompareOp::gt || c.op == CompareOp::ge) && per_s > 0);
    if (toward && r.condition.outcome != GateOutcome::pass) r.eta_s = std::max(0.0, (c.value - value) / per_s);
    return r;
}

std::string StepWait::describe(const WaitReading& r) const {
    std::string out = r.condition.outcome == GateOutcome::pass ? "holds: " + r.condition.reason : r.condition.reason;
    if (!r.trend.empty()) out += "; " + r.trend;
    if (r.eta_s) out += ", ETA " + seconds_text(*r.eta_s);
    else if (!r.trend.empty() && r.condition.outcome != GateOutcome::pass) out += ", not catching up";
    out += "; waited " + format_elapsed(r.waited_us);
    if (step_.wait_timeout) out += " of " + format_elapsed(step_.wait_timeout->count() * 1000);
    return out;
}

nlohmann::json StepWait::started_payload(const WaitReading& r) const {
    return {{"condition", step_.wait_text},
            {"timeout_ms", step_.wait_timeout ? step_.wait_timeout->count() : 0},
            {"live", gate_evidence(r.condition)}};
}

nlohmann::json StepWait::ended_payload(const std::string& outcome, const WaitReading& r, const std::string& reason) const {
    nlohmann::json p = {{"outcome", outcome}, {"condition", step_.wait_text}, {"waited_ms", r.waited_us / 1000}, {"live", gate_evidence(r.condition)}};
    if (!reason.empty()) p["reason"] = reason;
    return p;
}

LiveTargets::LiveTargets(const Environment& env, const std::set<std::string>& ids) : ids_(ids), store_(std::make_shared<ReadingStore>()) {
    // Only these targets (and a mirror's two clusters) are probed.
    Environment subset = env;
    subset.targets.clear();
    for (const auto& id : ids) {
        const Target* t = env.find(id);
        if (!t) continue;
        // Its first reading, and for a standby read before its primary, the next one.
        longest_ = std::max(longest_, t->deadline.value_or(kDefaultDeadline) + t->interval.value_or(kDefaultInterval));
        subset.targets.emplace(t->id, *t);
        // A mirror's two clusters; a standby's primary (its lag is measured against the primary's position).
        for (const std::string& dependency : {t->source, t->target, t->primary})
            if (const Target* d = dependency.empty() ? nullptr : env.find(dependency)) subset.targets.emplace(d->id, *d);
    }
    scheduler_ = std::make_unique<ProbeScheduler>(store_);
    add_environment_probes(*scheduler_, subset);
    scheduler_->start();
}

LiveTargets::~LiveTargets() { scheduler_->stop(); }

void LiveTargets::wait_first_readings() const {
    auto until = std::chrono::steady_clock::now() + longest_ + std::chrono::milliseconds(200);
    while (std::chrono::steady_clock::now() < until) {
        bool all = true;
        for (const auto& id : ids_) {
            auto v = store_->view(id, steady_now_us());
            // A standby read before its primary has no lag yet: its next reading will.
            all = all && v && !v->never_read && !v->last.provisional;
        }
        if (all) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace drconsole
