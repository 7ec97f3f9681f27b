// A step's action, from its block and the environment: which executor, which target, what to record.
#include <fmt/format.h>

#include "actions/output.h"
#include "drconsole/actions.h"
#include "drconsole/diagnostic.h"

namespace drconsole {
namespace {

const Target& target_of(const Step& step, const Environment* env, TargetType wanted) {
    const Target* t = env ? env->find(step.action->target) : nullptr;
    if (!t) throw InputError(fmt::format("step {}: its action's target '{}' is not in the environment", step.id, step.action->target));
    if (t->type != wanted && !(wanted == TargetType::http && t->type == TargetType::prometheus))
        throw InputError(fmt::format("step {}: target '{}' is {}, not {}", step.id, t->id, to_string(t->type), to_string(wanted)));
    return *t;
}

ActionResult execute_unredacted(const Step& step, const Environment* env, const TemplateValues& values, const std::atomic<bool>* cancel) {
    Millis timeout = step.timeout.value_or(kDefaultActionTimeout);
    const Action& a = *step.action;
    switch (a.kind) {
        case ActionKind::run: {
            std::vector<std::vector<std::string>> commands;
            try {
                for (const auto& words : parse_run_block(a.body)) commands.push_back(fill_argv(words, values));
            } catch (const TextError& e) {
                throw InputError(fmt::format("step {}: {}", step.id, e.what()));
            }
            // Only the secrets this block names reach its environment.
            std::map<std::string, std::string> secrets;
            for (const auto& name : template_names(a.body))
                if (auto it = values.secret_env.find(name); it != values.secret_env.end()) secrets.insert(it->second);
            return run_commands(commands, timeout, secrets, cancel);
        }
        case ActionKind::sql: {
            const Target& t = target_of(step, env, TargetType::postgres);
            BoundSql sql;
            try {
                sql = bind_sql(a.body, values);
            } catch (const TextError& e) {
                throw InputError(fmt::format("step {}: {}", step.id, e.what()));
            }
            return run_sql(t.dsn, sql, timeout, cancel);
        }
        case ActionKind::http: {
            const Target& t = target_of(step, env, TargetType::http);
            return run_http(t.url, a.body, values, timeout, cancel);
        }
    }
    throw InputError("unknown action kind");
}

}  // namespace

ActionResult execute_action(const Step& step, const Environment* env, const TemplateValues& values, const std::atomic<bool>* cancel) {
    if (!step.action) throw InputError(fmt::format("step {} has no action to run", step.id));
    ActionResult r = execute_unredacted(step, env, values, cancel);
    redact_secrets(r, values.redactions);
    return r;
}

nlohmann::json plan_action(const Step& step, const Environment* env, const TemplateValues& values) {
    if (!step.action) throw InputError(fmt::format("step {} has no action", step.id));
    TemplateValues shown;
    shown.values = values.recorded;
    shown.recorded = values.recorded;
    const Action& a = *step.action;
    nlohmann::json plan = {{"kind", to_string(a.kind)}};
    try {
        switch (a.kind) {
            case ActionKind::run: {
                nlohmann::json commands = nlohmann::json::array();
                for (const auto& words : parse_run_block(a.body)) {
                    for (const auto& w : words)
                        if (w.is_template && values.secret_names.count(w.text))
                            throw InputError(fmt::format("{{{{{}}}}} is a secret and cannot be an argument", w.text));
                    commands.push_back(fill_argv(words, shown));
                }
                plan["commands"] = commands;
                break;
            }
            case ActionKind::sql: {
                const Target& t = target_of(step, env, TargetType::postgres);
                BoundSql sql = bind_sql(a.body, shown);
                plan["target"] = t.id;
                plan["sql"] = sql.text;
                plan["params"] = sql.params;
                break;
            }
            case ActionKind::http: {
                const Target& t = target_of(step, env, TargetType::http);
                plan["target"] = t.id;
                plan["request"] = a.body;
                plan["values"] = describe_action(step, values)["values"];
                break;
            }
        }
    } catch (const TextError& e) {
        throw InputError(fmt::format("step {}: {}", step.id, e.what()));
    }
    return plan;
}

nlohmann::json evidence_of(const ActionResult& r) {
    return {
        {"ok", r.ok}, {"exit", r.exit_code}, {"timed_out", r.timed_out}, {"cancelled", r.cancelled}, {"error", r.error},
        {"output", r.output}, {"output_truncated", r.truncated}, {"output_sha256", r.output_sha256}, {"started_us", r.started_us},
        {"ended_us", r.ended_us}, {"ran_s", static_cast<double>(r.ended_us - r.started_us) / 1e6}, {"detail", r.detail},
    };
}

nlohmann::json describe_action(const Step& step, const TemplateValues& values) {
    nlohmann::json j = {{"kind", to_string(step.action->kind)}, {"body", step.action->body}};
    if (!step.action->target.empty()) j["target"] = step.action->target;
    nlohmann::json used = nlohmann::json::object();
    for (const auto& name : template_names(step.action->body)) {
        auto shown = values.recorded.find(name);
        used[name] = shown == values.recorded.end() ? nlohmann::json(nullptr) : nlohmann::json(shown->second);
    }
    j["values"] = used;
    j["timeout_s"] = static_cast<double>(step.timeout.value_or(kDefaultActionTimeout).count()) / 1000.0;
    return j;
}

}  // namespace drconsole
