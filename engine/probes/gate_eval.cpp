// Evaluating gate expressions against the reading store, and lag levels against RPO objectives.
#include "drconsole/gate_eval.h"

#include <fmt/format.h>

namespace drconsole {
namespace {

std::string number(double v) { return fmt::format("{:g}", v); }

ConditionResult evaluate(const GateCondition& c, const ReadingStore& store, std::int64_t now) {
    ConditionResult r;
    std::string name = c.target + "." + c.metric;
    std::string needs = fmt::format("needs {} {}", to_string(c.op), c.literal);
    auto view = store.view(c.target, now);
    if (!view) {
        r.reason = fmt::format("{}: no such target is probed", name);
        return r;
    }
    if (view->never_read) {
        r.reason = fmt::format("{}: no reading yet", name);
        return r;
    }
    if (view->status == ProbeStatus::stale) {
        r.reason = fmt::format("{}: stale (last reading {} ago)", name, format_duration(Millis(view->age_us / 1000)));
        return r;
    }
    r.value = view->last.value(c.metric);
    if (!r.value) {
        r.reason = view->last.error.empty() ? fmt::format("{}: not in the latest reading", name)
                                            : fmt::format("{}: {} ({})", name, to_string(view->status), view->last.error);
        return r;
    }
    if (!compare(*r.value, c.op, c.value)) {
        r.outcome = GateOutcome::fail;
        r.reason = fmt::format("{} is {}, {}", name, number(*r.value), needs);
        return r;
    }
    if (!c.held_for) {
        r.outcome = GateOutcome::pass;
        r.reason = fmt::format("{} is {}", name, number(*r.value));
        return r;
    }
    // "for D": the condition has held at every reading since some moment at least D ago,
    // with no gap between readings longer than the target's deadline.
    auto points = store.history(c.target, c.metric);
    std::int64_t gap_limit = std::chrono::duration_cast<std::chrono::microseconds>(view->deadline).count();
    std::int64_t since = now;
    std::int64_t later = now;
    int run = 0;  // readings in the run
    for (auto it = points.rbegin(); it != points.rend(); ++it) {
        if (!it->present || !compare(it->value, c.op, c.value) || later - it->mono_us > gap_limit) break;
        since = it->mono_us;
        later = it->mono_us;
        ++run;
    }
    std::int64_t held_us = now - since;
    Millis shown(held_us / 1'000'000 * 1000);  // whole seconds, as people read them
    std::int64_t need_us = std::chrono::duration_cast<std::chrono::microseconds>(*c.held_for).count();
    if (held_us >= need_us) {
        r.outcome = GateOutcome::pass;
        r.reason = fmt::format("{} is {} (held {})", name, number(*r.value), format_duration(shown));
    } else {
        r.outcome = GateOutcome::fail;
        // The condition holds now; it has not held long enough (or not long enough in this
        // process's readings): say so, rather than a bare "fail" beside a good value.
        // One reading (a command that has just read it): it was not watched at all yet.
        if (run <= 1)
            r.reason = fmt::format("{} is {}: holds now, but has not been watched yet for the {} it needs (a 'for' condition is "
                                   "judged on the readings of the process that checks it: a console that has watched it, or the "
                                   "IC's override)", name, number(*r.value), format_duration(*c.held_for));
        else
            r.reason = fmt::format("{} is {}: holds, but only for {} of the {} it needs", name, number(*r.value), format_duration(shown),
                                   format_duration(*c.held_for));
    }
    return r;
}

}  // namespace

std::string_view to_string(GateOutcome outcome) {
    switch (outcome) {
        case GateOutcome::pass: return "pass";
        case GateOutcome::fail: return "fail";
        case GateOutcome::unknown: return "unknown";
    }
    return "?";
}

GateResult evaluate_gate(const GateExpr& gate, const ReadingStore& store, std::int64_t now) {
    GateResult result;
    result.outcome = GateOutcome::pass;
    for (const auto& c : gate.all_of) {
        ConditionResult r = evaluate(c, store, now);
        // A known failing value outranks an unknown one as the reason to show.
        if (r.outcome == GateOutcome::fail && result.outcome != GateOutcome::fail) {
            result.outcome = GateOutcome::fail;
            result.reason = r.reason;
        } else if (r.outcome == GateOutcome::unknown && result.outcome == GateOutcome::pass) {
            result.outcome = GateOutcome::unknown;
            result.reason = r.reason;
        }
        result.conditions.push_back(std::move(r));
    }
    if (result.outcome == GateOutcome::pass) {
        for (const auto& c : result.conditions) result.reason += (result.reason.empty() ? "" : "; ") + c.reason;
    }
    return result;
}

std::string_view to_string(Level level) {
    switch (level) {
        case Level::ok: return "ok";
        case Level::warn: return "warn";
        case Level::breach: return "breach";
    }
    return "?";
}

Level level_for(double lag_s, Millis rpo) {
    double objective = static_cast<double>(rpo.count()) / 1000.0;
    if (objective <= 0) return lag_s > 0 ? Level::breach : Level::ok;
    if (lag_s >= objective) return Level::breach;
    if (lag_s >= objective / 2) return Level::warn;
    return Level::ok;
}

std::map<std::string, Millis> rpo_by_target(const Runbook& runbook) {
    std::map<std::string, Millis> out;
    for (const auto& phase : runbook.phases) {
        for (const auto& step : phase.steps) {
            if (step.rpo_target.empty()) continue;
            for (const auto& component : step.restores) {
                const Objective* o = runbook.objective(component);
                if (!o || !o->rpo) continue;
                auto [it, fresh] = out.emplace(step.rpo_target, *o->rpo);
                if (!fresh && *o->rpo < it->second) it->second = *o->rpo;  // the strictest applies
            }
        }
    }
    return out;
}

}  // namespace drconsole
