// The environment file: where the targets are (PostgreSQL, Kafka, HTTP, Prometheus), the roster, comms.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drconsole/diagnostic.h"
#include "drconsole/duration.h"

namespace drconsole {

struct Runbook;

enum class TargetType { postgres, kafka, kafka_mirror, http, prometheus, http_json, command };
std::string_view to_string(TargetType type);

// http-json: one metric read from the answer by a JSON Pointer (RFC 6901; "" is the whole answer).
struct JsonMetric {
    enum class Kind {
        value,         // a number (true/false read 1/0; a string that is a number reads as it)
        count,         // the items of an array or the members of an object
        state,         // 1 when the value is one of `ok`, else 0
        age,           // seconds since a timestamp (RFC 3339 UTC, or Unix seconds or milliseconds)
        missing_on_dr, // pair: items (or members' names) on the primary that the DR answer lacks
        behind_on_dr,  // pair: the primary's number minus the DR's
    };
    Kind kind = Kind::value;
    std::string pointer;
    std::vector<std::string> ok;  // state
    bool pair() const { return kind == Kind::missing_on_dr || kind == Kind::behind_on_dr; }
};

// Values may hold ${NAME} references; they are kept as written and expanded only at use.
struct Target {
    std::string id;
    TargetType type = TargetType::postgres;
    SourcePos pos;
    std::optional<Millis> interval, deadline;
    std::string dsn;                            // postgres
    std::string pg_role;                        // postgres: "primary", "standby" or "" (detected)
    std::string primary;                        // postgres standby: the id of its primary
    std::optional<Millis> heartbeat;            // postgres primary: write a heartbeat this often
    std::string bootstrap;                      // kafka
    std::map<std::string, std::string> config;  // kafka: librdkafka properties
    std::string source, target;                 // kafka-mirror: ids of kafka targets
    std::vector<std::string> topics;            // kafka-mirror
    std::string target_topic = "{topic}";       // kafka-mirror: name on the target cluster
    std::vector<std::string> groups;            // kafka, kafka-mirror: consumer groups to watch
    std::string url;                            // http, prometheus, http-json
    int expect_status = 200;                    // http
    std::map<std::string, std::string> queries; // prometheus: name -> PromQL
    std::string method = "GET";                 // http-json: GET, or POST with `body`
    std::string body;                           // http-json: sent with POST (JSON as written)
    std::string dr_url;                         // http-json pair: the same expressions on the DR side
    std::map<std::string, std::string> headers; // http-json: request headers (secrets as ${NAME})
    std::map<std::string, JsonMetric> json_metrics;  // http-json, command (its JSON output): name -> how it is read
    std::vector<std::string> argv;              // command: the program and its arguments (never a shell)
    std::string number_metric;                  // command: the metric the output's first number is

    // kafka-mirror: the name `topic` has on the target cluster (target_topic with {topic} filled in).
    std::string mirrored_topic(const std::string& topic) const;
    // prometheus: the query that reads a component's RPO: the only one, else the one named
    // "rpo_s"; nothing when that is ambiguous.
    std::optional<std::string> rpo_query() const;
};

struct CommsSettings {
    std::optional<Millis> cadence;
    std::string webhook;
};

struct Environment {
    std::string path;
    std::string sha256;  // of the file's bytes
    std::string source;  // the file as written (it holds no secrets in clear)
    std::string name;
    std::map<std::string, Target, std::less<>> targets;
    std::map<std::string, std::string> roster;  // role -> person
    std::map<std::string, std::string> vars;    // template values for actions
    CommsSettings comms;

    const Target* find(std::string_view id) const;
    // The process variable a template value is taken from ("DRC_TOKEN" for "${DRC_TOKEN}"): such a
    // value is a secret, expanded only at use and recorded as "<from $NAME>". Empty otherwise.
    std::string secret_source(const std::string& var) const;
};

struct EnvironmentResult {
    std::shared_ptr<const Environment> env;  // null when there are errors
    std::vector<Diagnostic> diagnostics;
};

EnvironmentResult parse_environment(std::string_view text, const std::string& file);
EnvironmentResult load_environment(const std::filesystem::path& path);

// Expands ${NAME} from the process environment. Throws InputError naming an unset variable.
std::string expand_references(std::string_view value);
// Byte offset and message of the first malformed "${" reference, if any.
std::optional<std::pair<std::size_t, std::string>> check_references(std::string_view value);

// The metrics a gate or rpo= may name on a target of this type.
std::vector<std::string> known_metrics(const Target& target);

// Runbook × environment: every gate, action and rpo= names a target that exists and a
// metric it has, except the targets in `allow_missing`. Diagnostics point into the runbook.
std::vector<Diagnostic> check_runbook_targets(const Runbook& runbook, const Environment& env,
                                              const std::set<std::string>& allow_missing = {});

// The targets a runbook's gates, actions and rpo= name.
std::set<std::string> runbook_target_ids(const Runbook& runbook);

// `start --allow-missing`: the steps whose gate or action needs one of these targets (missing
// from the environment), each with why ("its gate reads mm2, which pg-only.env.jsonc does not
// define").
// What is odd about an --allow-missing list, for a warning: a name the environment defines, or one
// the runbook never names (with the missing target it most likely meant).
std::vector<std::string> allow_missing_warnings(const Runbook& runbook, const Environment& env, const std::set<std::string>& allow_missing);
std::map<std::string, std::string> steps_needing_missing(const Runbook& runbook, const Environment& env,
                                                         const std::set<std::string>& allow_missing);

}  // namespace drconsole
