// Step actions: run blocks as argv (never a shell), SQL with bound parameters, HTTP requests;
// each with a timeout, cancellable, output captured and capped.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/duration.h"
#include "drconsole/environment.h"
#include "drconsole/event.h"
#include "drconsole/runbook.h"

namespace drconsole {

struct IncidentState;

// Template values for {{name}}: the environment's vars (expanded only here, at use) and
// incident.id, incident.mode, step.id, actor.role, actor.person.
struct TemplateValues {
    std::map<std::string, std::string> values;
    std::map<std::string, std::string> recorded;  // what the journal may show: vars holding ${…} appear as "<from $NAME>"
    // Secrets (vars written as ${NAME}): never an argument of a run command, where /proc/*/cmdline
    // would show them; run commands get them as environment variables NAME=value instead.
    std::map<std::string, std::string> secret_env;  // NAME -> value
    std::set<std::string> secret_names;             // template names whose value is a secret
};
// The values every action may use besides the environment's vars.
const std::vector<std::string>& builtin_template_names();  // incident.id, incident.mode, step.id, actor.role, actor.person
TemplateValues template_values(const Environment* env, const IncidentState& state, const Step& step, const Actor& actor);
// The names of the {{…}} values an action uses, in order of first use.
std::vector<std::string> template_names(std::string_view body);

// One word of a run line: literal text, or a whole-argument template.
struct Word {
    std::string text;       // literal text, or the template's name
    bool is_template = false;
    bool allow_dash = false;  // {{name:flag}}: the value may start with '-'
};
// Splits a run block: one command per non-empty line not starting with '#', words split as a
// POSIX shell would (quotes, backslashes) with no expansion; unquoted $ ` * ? [ | & ; < > ( )
// are refused. Throws TextError with the byte offset in `body`.
std::vector<std::vector<Word>> parse_run_block(std::string_view body);
// Fills templates; throws InputError for an unknown name or a value starting with '-'.
std::vector<std::string> fill_argv(const std::vector<Word>& words, const TemplateValues& values);

// SQL with {{name}} replaced by $1, $2, … and the values to bind, in order.
struct BoundSql {
    std::string text;
    std::vector<std::string> params;
};
// Throws TextError for a template inside a quoted literal or comment (it would not be bound).
BoundSql bind_sql(std::string_view sql, const TemplateValues& values);

struct ActionResult {
    bool ok = false;
    int exit_code = -1;        // run: the failing (or last) command's status; sql/http: 0 or 1
    bool timed_out = false;
    bool cancelled = false;
    std::string output;        // captured, capped at kOutputCap bytes, valid UTF-8
    bool truncated = false;
    std::string output_sha256; // of everything captured before the cap
    std::int64_t started_us = 0, ended_us = 0;  // wall clock
    std::string error;         // why it failed, for people
    nlohmann::json detail = nlohmann::json::object();  // http status, sql rows, …
};
inline constexpr std::size_t kOutputCap = 64 * 1024;

// Runs each argv in order (stdin closed, a clean environment plus `extra_env`, no inherited
// descriptors, its own process group), stopping at the first failure; on timeout or cancel the
// whole process group is killed.
ActionResult run_commands(const std::vector<std::vector<std::string>>& commands, Millis timeout,
                          const std::map<std::string, std::string>& extra_env, const std::atomic<bool>* cancel = nullptr);
// On cancel or timeout the server is asked to cancel the statement (PQcancel): it does not run on.
ActionResult run_sql(const std::string& dsn, const BoundSql& sql, Millis timeout, const std::atomic<bool>* cancel = nullptr);
// `block` is the http action's text: "METHOD /path", headers, blank line, body.
ActionResult run_http(const std::string& base_url, std::string_view block, const TemplateValues& values, Millis timeout,
                      const std::atomic<bool>* cancel = nullptr);

inline constexpr Millis kDefaultActionTimeout{60'000};

// Everything about running a step's action, from its block and the environment.
ActionResult execute_action(const Step& step, const Environment* env, const TemplateValues& values,
                            const std::atomic<bool>* cancel = nullptr);
// What the journal records when an action has ended: the action.finished payload.
nlohmann::json evidence_of(const ActionResult& result);

// What the journal records of an action before it runs (no secret values).
nlohmann::json describe_action(const Step& step, const TemplateValues& values);
// What the action would run, with the recordable values filled in (secrets as "<from $NAME>"):
// argv per command, SQL with its parameters, or the HTTP request. Throws InputError like a run would.
nlohmann::json plan_action(const Step& step, const Environment* env, const TemplateValues& values);

}  // namespace drconsole
