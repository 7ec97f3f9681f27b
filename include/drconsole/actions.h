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
#include "drconsole/action_text.h"
#include "drconsole/runbook.h"

namespace drconsole {

struct IncidentState;

// The values {{name}} takes for one step and actor, from the environment's vars and the incident.
TemplateValues template_values(const Environment* env, const IncidentState& state, const Step& step, const Actor& actor);

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
