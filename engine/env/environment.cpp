// Reading and checking an environment file (JSON with comments).
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drconsole/environment.h"
#include "drconsole/files.h"
#include "drconsole/limits.h"
#include "drconsole/scan.h"
#include "drconsole/sha256.h"
#include "drconsole/text.h"
#include "env/json_metrics.h"
#include "env/json_positions.h"

namespace drconsole {
namespace {

using nlohmann::json;

struct TypeInfo {
    TargetType type;
    std::string_view name;
    std::set<std::string_view> required, optional;
};

const std::vector<TypeInfo>& target_types() {
    static const std::vector<TypeInfo> types{
        {TargetType::postgres, "postgres", {"dsn"}, {"role", "primary", "heartbeat"}},
        {TargetType::kafka, "kafka", {"bootstrap"}, {"config", "groups"}},
        {TargetType::kafka_mirror, "kafka-mirror", {"source", "target", "topics"}, {"target_topic", "groups"}},
        {TargetType::http, "http", {"url"}, {"expect"}},
        {TargetType::prometheus, "prometheus", {"url", "queries"}, {}},
        {TargetType::http_json, "http-json", {"url", "metrics"}, {"dr_url", "headers", "method", "body"}},
        {TargetType::command, "command", {"argv"}, {"metrics", "number"}},
    };
    return types;
}

// A libpq keyword DSN's "password = value" (at the start or after a space): where the keyword
// starts and the value as written (quoted or not).
std::optional<std::pair<std::size_t, std::string>> dsn_password(std::string_view dsn) {
    for (std::size_t at = dsn.find("password"); at != std::string_view::npos; at = dsn.find("password", at + 1)) {
        if (at > 0 && !is_space(dsn[at - 1])) continue;
        std::size_t i = at + 8;
        i += span(dsn, i, is_space);
        if (i >= dsn.size() || dsn[i] != '=') continue;
        ++i;
        i += span(dsn, i, is_space);
        std::size_t close = i < dsn.size() && dsn[i] == '\'' ? dsn.find('\'', i + 1) : std::string_view::npos;
        std::size_t n = close != std::string_view::npos ? close + 1 - i : span(dsn, i, [](char c) { return !is_space(c); });
        return std::pair{at, std::string(dsn.substr(i, n))};
    }
    return std::nullopt;
}

// postgres://user:password@… or postgresql://user:password@…
bool uri_has_password(std::string_view dsn) {
    std::size_t rest = dsn.rfind("postgresql://", 0) == 0 ? 13 : dsn.rfind("postgres://", 0) == 0 ? 11 : 0;
    if (rest == 0) return false;
    std::size_t authority = span(dsn, rest, [](char c) { return c != '/' && c != '@' && !is_space(c); });
    return rest + authority < dsn.size() && dsn[rest + authority] == '@' && dsn.substr(rest, authority).find(':') != std::string_view::npos;
}

bool is_target_id(std::string_view id) {
    if (id.size() > kMaxIdBytes) return false;
    auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c); };
    return !id.empty() && lower_or_digit(id[0]) &&
           span(id, 0, [&](char c) { return lower_or_digit(c) || c == '_' || c == '-'; }) == id.size();
}

bool is_secret_key(std::string_view key) {
    return key.find("password") != std::string_view::npos || key.find("secret") != std::string_view::npos ||
           key == "sasl.jaas.config" || key.find("token") != std::string_view::npos;
}

class EnvReader {
public:
    EnvReader(std::string_view text, Diagnostics& diag) : positions_(text), diag_(diag) {}

    void read(const json& root, Environment& env) {
        if (!root.is_object()) return error("", "an environment file is a JSON object: { \"targets\": {…}, … }");
        // A reviewer reads the first, the parser keeps the last: a key named twice is refused.
        for (const auto& d : positions_.duplicates())
            diag_.error(d.again, fmt::format("'{}' is named twice in this object (first at line {}, column {}): JSON keeps only the "
                                             "last one, a reader sees the first; write it once",
                                             safe_excerpt(d.name), d.first.line, d.first.column));
        for (const auto& [key, value] : root.items()) {
            std::string p = env::pointer_child("", key);
            if (key == "name") env.name = string_at(p, value);
            else if (key == "targets") targets(p, value, env);
            else if (key == "roster") string_map(p, value, env.roster, true);
            else if (key == "vars") vars(p, value, env.vars);
            else if (key == "comms") comms(p, value, env.comms);
            else key_error(p, fmt::format("unknown setting '{}' (known: name, targets, roster, comms, vars)", safe_excerpt(key)));
        }
        for (const auto& [id, target] : env.targets) {
            std::string p = env::pointer_child("/targets", id);
            if (target.type == TargetType::postgres) postgres_links(p, target, env);
            if (target.type != TargetType::kafka_mirror) continue;
            for (const auto& [field, ref] : {std::pair{"source", target.source}, std::pair{"target", target.target}}) {
                const Target* other = env.find(ref);
                if (!other || other->type != TargetType::kafka)
                    error(env::pointer_child(p, field), fmt::format("'{}' is not a kafka target of this environment", safe_excerpt(ref)));
            }
        }
    }

private:
    void postgres_links(const std::string& p, const Target& t, const Environment& env) {
        if (!t.primary.empty()) {
            const Target* primary = env.find(t.primary);
            if (t.pg_role != "standby") error(p + "/primary", "only a \"role\": \"standby\" target names its primary");
            else if (!primary || primary->type != TargetType::postgres)
                error(p + "/primary", fmt::format("'{}' is not a postgres target of this environment", safe_excerpt(t.primary)));
        }
        if (t.heartbeat && t.pg_role != "primary") error(p + "/heartbeat", "the heartbeat is written on a \"role\": \"primary\" target");
    }

    void error(const std::string& pointer, std::string message) { diag_.error(positions_.value(pointer), std::move(message)); }
    void key_error(const std::string& pointer, std::string message) { diag_.error(positions_.key(pointer), std::move(message)); }

    std::string string_at(const std::string& p, const json& v) {
        if (!v.is_string()) {
            error(p, "expected a string");
            return {};
        }
        std::string s = v.get<std::string>();
        if (s.size() > kMaxStringBytes) {
            error(p, fmt::format("this string is {} bytes long; the limit is {}", s.size(), kMaxStringBytes));
            return {};
        }
        if (auto bad = check_references(s)) {
            SourcePos at = positions_.value(p);
            diag_.error({at.line, at.column + 1 + static_cast<int>(bad->first)}, bad->second);
        }
        return s;
    }

    std::optional<Millis> duration_at(const std::string& p, const json& v) {
        std::string s = string_at(p, v);
        try {
            return parse_duration(s);
        } catch (const TextError& e) {
            error(p, e.what());
            return std::nullopt;
        }
    }

    void string_map(const std::string& p, const json& v, std::map<std::string, std::string>& out, bool keys_are_roles) {
        if (!v.is_object()) return error(p, "expected an object of names to strings");
        for (const auto& [key, value] : v.items()) {
            std::string cp = env::pointer_child(p, key);
            if (keys_are_roles && !is_target_id(key)) key_error(cp, fmt::format("role '{}' must be an id such as 'ic' or 'db' (at most {} characters)", safe_excerpt(key), kMaxIdBytes));
            out[key] = string_at(cp, value);
        }
    }

    void vars(const std::string& p, const json& v, std::map<std::string, std::string>& out) {
        if (!v.is_object()) return error(p, "expected an object of names to values");
        for (const auto& [key, value] : v.items()) {
            std::string cp = env::pointer_child(p, key);
            if (value.is_string()) out[key] = string_at(cp, value);
            else if (value.is_number() || value.is_boolean()) out[key] = value.dump();
            else error(cp, "a template value is a string, number or boolean");
        }
    }

    void comms(const std::string& p, const json& v, CommsSettings& out) {
        if (!v.is_object()) return error(p, "expected an object: { \"cadence\": \"15m\", \"webhook\": \"…\" }");
        for (const auto& [key, value] : v.items()) {
            std::string cp = env::pointer_child(p, key);
            if (key == "cadence") out.cadence = duration_at(cp, value);
            else if (key == "webhook") out.webhook = url_at(cp, value);
            else key_error(cp, fmt::format("unknown comms setting '{}' (known: cadence, webhook)", safe_excerpt(key)));
        }
    }

    std::string url_at(const std::string& p, const json& v) {
        std::string url = string_at(p, v);
        std::size_t rest = url.rfind("http://", 0) == 0 ? 7 : url.rfind("https://", 0) == 0 ? 8 : 0;
        bool no_space = span(url, rest, [](char c) { return !is_space(c); }) == url.size() - rest;
        if (!url.empty() && !(rest > 0 && url.size() > rest && no_space) && url.rfind("${", 0) != 0)
            error(p, fmt::format("'{}' is not an http:// or https:// URL", safe_text(url)));
        // user:password@ before the host.
        std::size_t authority = span(url, rest, [](char c) { return c != '/' && c != '@' && !is_space(c); });
        if (rest > 0 && rest + authority < url.size() && url[rest + authority] == '@' &&
            url.substr(rest, authority).find(':') != std::string::npos)
            error(p, "a URL with a password in it: put credentials in an environment variable and write ${NAME}");
        return url;
    }

    void targets(const std::string& p, const json& v, Environment& env) {
        if (!v.is_object()) return error(p, "\"targets\" is an object of target ids to targets");
        for (const auto& [id, spec] : v.items()) {
            std::string tp = env::pointer_child(p, id);
            if (!is_target_id(id)) {
                key_error(tp, fmt::format("target id '{}' must use lowercase letters, digits, '-' or '_' (no dots), at most {} characters", safe_excerpt(id), kMaxIdBytes));
                continue;
            }
            if (!spec.is_object()) {
                error(tp, "a target is an object with a \"type\"");
                continue;
            }
            Target t;
            t.id = id;
            t.pos = positions_.key(tp);
            if (target(tp, spec, t)) env.targets.emplace(id, std::move(t));
        }
    }

    bool target(const std::string& tp, const json& spec, Target& t) {
        if (!spec.contains("type")) {
            error(tp, fmt::format("target '{}' has no \"type\" (postgres, kafka, kafka-mirror, http, prometheus, http-json, command)", t.id));
            return false;
        }
        std::string type = string_at(tp + "/type", spec["type"]);
        const TypeInfo* info = nullptr;
        for (const auto& ti : target_types())
            if (ti.name == type) info = &ti;
        if (!info) {
            error(tp + "/type", fmt::format("unknown target type '{}' (known: postgres, kafka, kafka-mirror, http, prometheus, http-json, command)", safe_text(type)));
            return false;
        }
        t.type = info->type;
        for (auto field : info->required)
            if (!spec.contains(std::string(field))) error(tp, fmt::format("{} target '{}' needs \"{}\"", type, t.id, field));
        for (const auto& [key, value] : spec.items()) {
            std::string fp = env::pointer_child(tp, key);
            if (key == "type") continue;
            if (key == "interval") t.interval = duration_at(fp, value);
            else if (key == "deadline") t.deadline = duration_at(fp, value);
            else if (!info->required.count(key) && !info->optional.count(key))
                key_error(fp, fmt::format("unknown setting '{}' for a {} target", safe_excerpt(key), type));
            else field(fp, key, value, t);
        }
        if (!t.body.empty() && t.method != "POST") error(tp + "/body", "a body is sent with \"method\": \"POST\"");
        if (t.type == TargetType::command) {
            if (t.json_metrics.empty() == t.number_metric.empty())
                error(tp, fmt::format("command target '{}' reads its output one way: \"metrics\" (JSON output) or \"number\"", t.id));
            // Each reading runs the command: cloud CLIs are slow and cost money, so read them seldom.
            if (!t.interval) t.interval = Millis(60'000);
            if (!t.deadline) t.deadline = Millis(20'000);
        }
        for (const auto& [name, m] : t.json_metrics)
            if (m.pair() && t.dr_url.empty())
                error(env::pointer_child(tp + "/metrics", name), fmt::format("'{}' compares with the DR side: give \"dr_url\"", name));
        return true;
    }

    void field(const std::string& fp, const std::string& key, const json& value, Target& t) {
        if (key == "dsn") t.dsn = dsn_at(fp, value);
        else if (key == "role") {
            t.pg_role = string_at(fp, value);
            if (t.pg_role != "primary" && t.pg_role != "standby") error(fp, "role is \"primary\" or \"standby\"");
        } else if (key == "primary") t.primary = string_at(fp, value);
        else if (key == "heartbeat") t.heartbeat = duration_at(fp, value);
        else if (key == "bootstrap") t.bootstrap = string_at(fp, value);
        else if (key == "config") kafka_config(fp, value, t.config);
        else if (key == "source") t.source = string_at(fp, value);
        else if (key == "target") t.target = string_at(fp, value);
        else if (key == "topics") t.topics = string_list(fp, value, true);
        else if (key == "groups") t.groups = string_list(fp, value, false);
        else if (key == "target_topic") {
            t.target_topic = string_at(fp, value);
            if (t.target_topic.find("{topic}") == std::string::npos)
                error(fp, "target_topic must contain {topic}, e.g. \"primary.{topic}\"");
        } else if (key == "url") t.url = url_at(fp, value);
        else if (key == "expect") {
            if (!value.is_number_integer() || value.get<int>() < 100 || value.get<int>() > 599) error(fp, "expect is an HTTP status code such as 200");
            else t.expect_status = value.get<int>();
        } else if (key == "queries") string_map(fp, value, t.queries, false);
        else if (key == "dr_url") t.dr_url = url_at(fp, value);
        else if (key == "argv") {
            t.argv = string_list(fp, value, true);
            for (std::size_t i = 0; i < t.argv.size(); ++i)
                if (t.argv[i].find("${") != std::string::npos)
                    error(fp + "/" + std::to_string(i), "a command's arguments are visible to every process (/proc/*/cmdline): no ${NAME} "
                                                        "secrets in argv; the command reads its credentials itself (its HOME is kept)");
        } else if (key == "number") {
            t.number_metric = string_at(fp, value);
            if (!env::is_metric_name(t.number_metric)) error(fp, "\"number\" names the metric the output's first number is: letters, digits and '_'");
        }
        else if (key == "method") {
            t.method = string_at(fp, value);
            if (t.method != "GET" && t.method != "POST") error(fp, "method is \"GET\" or \"POST\" (a probe only reads)");
        } else if (key == "body") {
            t.body = value.is_string() ? string_at(fp, value) : value.dump();
        }
        else if (key == "headers") {
            string_map(fp, value, t.headers, false);
            for (const auto& [name, text] : t.headers)
                if (env::is_secret_header(name) && text.find("${") == std::string::npos)
                    error(env::pointer_child(fp, name), fmt::format("header '{}' holds a secret in clear: write it with ${{NAME}}", safe_excerpt(name)));
        } else if (key == "metrics") {
            env::read_json_metrics(fp, value, t.json_metrics, [&](const std::string& at, const std::string& message) { error(at, message); });
        }
    }

    std::vector<std::string> string_list(const std::string& p, const json& v, bool non_empty) {
        std::vector<std::string> out;
        if (!v.is_array()) {
            error(p, "expected a list of strings");
            return out;
        }
        for (std::size_t i = 0; i < v.size(); ++i) out.push_back(string_at(p + "/" + std::to_string(i), v[i]));
        if (non_empty && out.empty()) error(p, "the list is empty");
        return out;
    }

    std::string dsn_at(const std::string& p, const json& v) {
        std::string dsn = string_at(p, v);
        if (auto pw = dsn_password(dsn)) {
            if (!is_whole_reference(pw->second)) {
                SourcePos at = positions_.value(p);
                int offset = static_cast<int>(pw->first);
                diag_.error({at.line, at.column + 1 + offset},
                            "a DSN with a password in clear: put it in ~/.pgpass or a file named by PGPASSFILE "
                            "(or write password=${NAME})");
            }
        } else if (uri_has_password(dsn)) {
            error(p, "a connection URI with a password in clear: put it in ~/.pgpass or a file named by PGPASSFILE");
        }
        return dsn;
    }

    void kafka_config(const std::string& p, const json& v, std::map<std::string, std::string>& out) {
        string_map(p, v, out, false);
        for (const auto& [key, value] : out) {
            if (is_secret_key(key) && !is_whole_reference(value))
                error(env::pointer_child(p, key), fmt::format("'{}' holds a secret in clear: set it in an environment variable and write \"${{NAME}}\"", safe_excerpt(key)));
        }
    }

    env::JsonPositions positions_;
    Diagnostics& diag_;
};

// Where objects and arrays first nest deeper than kMaxJsonDepth (strings and comments skipped),
// so that nothing that walks the document can exhaust the stack.
std::optional<std::size_t> nested_too_deep(std::string_view text) {
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i)
                if (text[i] == '\\') ++i;
        } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
            i = std::min(text.find('\n', i), text.size());
        } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            i = std::min(text.find("*/", i + 2), text.size()) + 1;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth) return i;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return std::nullopt;
}

std::string parse_error_message(const std::string& what) {
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error …" → "syntax error …"
    // "[json.exception.out_of_range.406] number overflow parsing '1e99999'" → "number overflow …"
    std::size_t colon = what.find(": ", what.find("parse error"));
    if (colon != std::string::npos) return what.substr(colon + 2);
    std::size_t tag = what.rfind("] ", what.find(' '));
    return tag == std::string::npos ? what : what.substr(tag + 2);
}

}  // namespace

std::string_view to_string(TargetType type) {
    for (const auto& ti : target_types())
        if (ti.type == type) return ti.name;
    return "?";
}

std::string Target::mirrored_topic(const std::string& topic) const {
    std::string name = target_topic;
    if (auto at = name.find("{topic}"); at != std::string::npos) name.replace(at, 7, topic);
    return name;
}

std::optional<std::string> Target::rpo_query() const {
    if (queries.size() == 1) return queries.begin()->first;
    if (queries.count("rpo_s")) return std::string("rpo_s");
    return std::nullopt;
}

const Target* Environment::find(std::string_view id) const {
    auto it = targets.find(id);
    return it == targets.end() ? nullptr : &it->second;
}

std::string Environment::secret_source(const std::string& var) const {
    auto v = vars.find(var);
    if (v == vars.end()) return {};
    auto ref = find_reference(v->second);
    return ref ? std::string(ref->name) : std::string();
}

EnvironmentResult parse_environment(std::string_view text, const std::string& file) {
    Diagnostics diag(file);
    if (auto bad = first_invalid_utf8(text)) {
        diag.error(position_of(text, *bad), "not valid UTF-8");
        return {nullptr, diag.sorted()};
    }
    if (auto bad = find_deceptive_character(text)) {
        diag.error(position_of(text, bad->offset), bad->message);
        return {nullptr, diag.sorted()};
    }
    if (text.size() > kMaxFileBytes) {
        diag.error({1, 1}, fmt::format("the environment file is {} bytes; the limit is {} (1 MiB)", text.size(), kMaxFileBytes));
        return {nullptr, diag.sorted()};
    }
    if (auto deep = nested_too_deep(text)) {
        diag.error(position_of(text, *deep), fmt::format("objects and arrays nest more than {} deep here", kMaxJsonDepth));
        return {nullptr, diag.sorted()};
    }
    json root;
    try {
        root = json::parse(text.begin(), text.end(), nullptr, true, true);
    } catch (const json::parse_error& e) {
        std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        diag.error(position_of(text, std::min(at, text.size())), parse_error_message(e.what()));
        return {nullptr, diag.sorted()};
    } catch (const json::exception& e) {
        // A number too large for a double ("1e99999"): the library names it but not where it is.
        std::string message = parse_error_message(e.what());
        std::size_t quote = message.find('\'');
        std::string literal = quote == std::string::npos ? "" : message.substr(quote + 1, message.rfind('\'') - quote - 1);
        std::size_t at = literal.empty() ? 0 : text.find(literal);
        diag.error(position_of(text, at == std::string_view::npos ? 0 : at), message);
        return {nullptr, diag.sorted()};
    }
    auto env = std::make_shared<Environment>();
    env->path = file;
    env->source = std::string(text);
    env->sha256 = sha256_hex(text);
    EnvReader(text, diag).read(root, *env);
    if (diag.has_errors()) return {nullptr, diag.sorted()};
    return {std::move(env), diag.sorted()};
}

EnvironmentResult load_environment(const std::filesystem::path& path) {
    std::vector<Diagnostic> unreadable;
    std::optional<std::string> text = read_input(path, unreadable);
    if (!text) return {nullptr, unreadable};
    return parse_environment(*text, path.string());
}

}  // namespace drconsole
