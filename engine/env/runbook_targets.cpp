// Checking a runbook against an environment: gates, actions and rpo= name real targets and metrics.
#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "drconsole/action_text.h"
#include "drconsole/environment.h"
#include "drconsole/runbook.h"
#include "drconsole/text.h"

namespace drconsole {

std::vector<std::string> known_metrics(const Target& target) {
    switch (target.type) {
        case TargetType::postgres:
            return {"up", "in_recovery", "lag_s", "lag_bytes", "replay_paused", "heartbeat_lag_s", "standbys", "promoted"};
        case TargetType::kafka: return {"up", "group_lag"};
        case TargetType::kafka_mirror: return {"up", "lag_s", "lag_messages", "stalled"};
        case TargetType::http: return {"up", "status", "latency_ms"};
        case TargetType::prometheus: {
            std::vector<std::string> names{"up"};
            for (const auto& [name, query] : target.queries) names.push_back(name);
            return names;
        }
        case TargetType::http_json:
        case TargetType::command: {
            std::vector<std::string> names{"up", target.type == TargetType::command ? "duration_ms" : "latency_ms"};
            for (const auto& [name, metric] : target.json_metrics) names.push_back(name);
            if (!target.number_metric.empty()) names.push_back(target.number_metric);
            return names;
        }
    }
    return {};
}

std::vector<Diagnostic> check_runbook_targets(const Runbook& runbook, const Environment& env, const std::set<std::string>& allow_missing) {
    Diagnostics diag(runbook.path);
    auto target_ids = [&] {
        std::string ids;
        for (const auto& [id, t] : env.targets) ids += (ids.empty() ? "" : ", ") + id;
        return ids.empty() ? std::string("none") : ids;
    };
    std::string all_missing;  // every missing target, for one flag to copy
    for (const auto& id : runbook_target_ids(runbook))
        if (!env.find(id) && !allow_missing.count(id)) all_missing += (all_missing.empty() ? "" : ",") + id;
    auto allow_hint = [&](const std::string&) {
        return fmt::format("; to run without it, start with --allow-missing {} (the steps that need them are then not applicable here)", all_missing);
    };
    for (const auto& phase : runbook.phases) {
        for (const auto& step : phase.steps) {
            // Where the step is written, with the include that brought it.
            auto error = [&](SourcePos pos, const std::string& message) { diag.error_in(step.file, pos, message + step.included_note()); };
            // A gate and a wait condition name targets and metrics the same way.
            for (const auto& [expr, pos, what] : {std::tuple{&step.gate, step.gate_pos, "gate"}, std::tuple{&step.wait, step.wait_pos, "wait"}}) {
                if (!*expr) continue;
                for (const auto& c : (*expr)->all_of) {
                    SourcePos at{pos.line, pos.column + static_cast<int>(c.offset)};
                    const Target* t = env.find(c.target);
                    if (!t && allow_missing.count(c.target)) continue;
                    if (!t) {
                        error(at, fmt::format("{} names target '{}', which {} does not define (targets: {}){}", what, c.target, env.path, target_ids(), allow_hint(c.target)));
                        continue;
                    }
                    auto metrics = known_metrics(*t);
                    if (std::find(metrics.begin(), metrics.end(), c.metric) == metrics.end()) {
                        std::string list;
                        for (const auto& m : metrics) list += (list.empty() ? "" : ", ") + m;
                        error({at.line, at.column + static_cast<int>(c.target.size()) + 1},
                                   fmt::format("a {} target has no metric '{}' (metrics: {})", to_string(t->type), c.metric, list));
                    }
                }
            }
            if (step.action && step.action->kind != ActionKind::run && !(allow_missing.count(step.action->target) && !env.find(step.action->target))) {
                const Target* t = env.find(step.action->target);
                TargetType wanted = step.action->kind == ActionKind::sql ? TargetType::postgres : TargetType::http;
                if (!t)
                    error(step.action->target_pos, fmt::format("action target '{}' is not defined in {} (targets: {}){}", step.action->target, env.path, target_ids(), allow_hint(step.action->target)));
                else if (t->type != wanted && !(wanted == TargetType::http && t->type == TargetType::prometheus))
                    error(step.action->target_pos, fmt::format("a {} action needs a {} target; '{}' is {}", to_string(step.action->kind), to_string(wanted), t->id, to_string(t->type)));
            }
            if (step.action) {
                const auto& builtin = builtin_template_names();
                for (const auto& name : template_names(step.action->body))
                    if (!env.vars.count(name) && std::find(builtin.begin(), builtin.end(), name) == builtin.end())
                        error(step.action->pos, fmt::format("unknown template value {{{{{}}}}}: define it under \"vars\" in {} "
                                                                 "(or use incident.id, incident.mode, step.id, actor.role, actor.person)", name, env.path));
                // A secret as a run argument would show in /proc/*/cmdline: refused before anything starts.
                if (step.action->kind == ActionKind::run) {
                    try {
                        for (const auto& words : parse_run_block(step.action->body))
                            for (const auto& w : words)
                                if (std::string from = w.is_template ? env.secret_source(w.text) : ""; !from.empty())
                                    error(step.action->pos, fmt::format("{{{{{}}}}} is a secret (from ${}) and cannot be a command's argument: "
                                                                             "name it in a comment (# uses {{{{{}}}}}) and read ${} in the command",
                                                                             w.text, from, w.text, from));
                    } catch (const TextError&) {
                        // The runbook's own check reports a run line that does not split.
                    }
                }
            }
            if (!step.rpo_target.empty() && !env.find(step.rpo_target) && !allow_missing.count(step.rpo_target))
                error(step.rpo_pos, fmt::format("rpo names target '{}', which {} does not define (targets: {}){}", step.rpo_target, env.path, target_ids(), allow_hint(step.rpo_target)));
        }
    }
    return diag.sorted();
}

std::set<std::string> runbook_target_ids(const Runbook& runbook) {
    std::set<std::string> ids;
    for (const auto& phase : runbook.phases)
        for (const auto& step : phase.steps) {
            if (step.gate)
                for (const auto& c : step.gate->all_of) ids.insert(c.target);
            if (step.wait)
                for (const auto& c : step.wait->all_of) ids.insert(c.target);
            if (step.action && step.action->kind != ActionKind::run) ids.insert(step.action->target);
            if (!step.rpo_target.empty()) ids.insert(step.rpo_target);
        }
    return ids;
}

std::vector<std::string> allow_missing_warnings(const Runbook& runbook, const Environment& env, const std::set<std::string>& allow_missing) {
    std::set<std::string> named = runbook_target_ids(runbook);
    std::vector<std::string> missing;
    for (const auto& id : named)
        if (!env.find(id)) missing.push_back(id);
    std::vector<std::string> out;
    for (const auto& id : allow_missing) {
        if (env.find(id)) out.push_back(fmt::format("--allow-missing {}: {} defines it, so its steps run", id, env.path));
        else if (!named.count(id))
            out.push_back(fmt::format("--allow-missing {}: {} names no such target, so nothing is marked for it{}", id, runbook.path,
                                      did_you_mean(id, missing)));
    }
    return out;
}

std::map<std::string, std::string> steps_needing_missing(const Runbook& runbook, const Environment& env,
                                                         const std::set<std::string>& allow_missing) {
    std::map<std::string, std::string> out;
    for (const auto& phase : runbook.phases)
        for (const auto& step : phase.steps) {
            std::string why;
            if (step.gate)
                for (const auto& c : step.gate->all_of)
                    if (allow_missing.count(c.target) && !env.find(c.target) && why.empty()) why = fmt::format("its gate reads {}", c.target);
            if (step.wait)
                for (const auto& c : step.wait->all_of)
                    if (allow_missing.count(c.target) && !env.find(c.target) && why.empty()) why = fmt::format("it waits on {}", c.target);
            if (step.action && step.action->kind != ActionKind::run && allow_missing.count(step.action->target) && !env.find(step.action->target))
                why += (why.empty() ? "" : ", ") + fmt::format("its action needs {}", step.action->target);
            if (!why.empty()) out[step.id] = fmt::format("{}, which {} does not define", why, env.path);
        }
    return out;
}

}  // namespace drconsole
