// Reading an http-json target's "metrics" from the environment file.
#include "env/json_metrics.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "drconsole/text.h"
#include "env/json_positions.h"

namespace drconsole::env {
namespace {

using nlohmann::json;

// The flags a metric may carry, each a kind of its own.
constexpr std::pair<std::string_view, JsonMetric::Kind> kFlags[] = {
    {"count", JsonMetric::Kind::count},
    {"age", JsonMetric::Kind::age},
    {"missing_on_dr", JsonMetric::Kind::missing_on_dr},
    {"behind_on_dr", JsonMetric::Kind::behind_on_dr},
};

// RFC 6901: "" or "/…", with "~" only as "~0" or "~1".
std::optional<std::string> pointer_problem(const std::string& p) {
    if (!p.empty() && p[0] != '/') return "a JSON Pointer is \"\" (the whole answer) or starts with '/': \"/data/state\"";
    for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i] == '~' && (i + 1 >= p.size() || (p[i + 1] != '0' && p[i + 1] != '1')))
            return "'~' in a JSON Pointer is written ~0 ('~' itself) or ~1 ('/')";
    return std::nullopt;
}

}  // namespace

bool is_metric_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_secret_header(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (std::string_view word : {"authorization", "token", "secret", "password", "key"})
        if (lower.find(word) != std::string::npos) return true;
    return false;
}

void read_json_metrics(const std::string& at, const json& spec, std::map<std::string, JsonMetric>& out, const ReportError& error) {
    if (!spec.is_object() || spec.empty())
        return error(at, "\"metrics\" is an object of names to JSON Pointers: {\"state\": {\"pointer\": \"/state\", \"ok\": [\"running\"]}}");
    for (const auto& [name, m] : spec.items()) {
        std::string mp = pointer_child(at, name);
        if (!is_metric_name(name)) {
            error(mp, fmt::format("metric name '{}' is letters, digits and '_' (a gate reads it as TARGET.{})", safe_excerpt(name), "NAME"));
            continue;
        }
        if (name == "up" || name == "latency_ms" || name == "duration_ms") {
            error(mp, fmt::format("'{}' is read by the probe itself: name the metric otherwise", name));
            continue;
        }
        JsonMetric metric;
        if (m.is_string()) {
            metric.pointer = m.get<std::string>();
        } else if (m.is_object()) {
            if (!m.contains("pointer") || !m["pointer"].is_string()) {
                error(mp, "a metric needs \"pointer\": a JSON Pointer into the answer such as \"/data/state\"");
                continue;
            }
            metric.pointer = m["pointer"].get<std::string>();
            int kinds = 0;
            for (const auto& [key, value] : m.items()) {
                std::string kp = pointer_child(mp, key);
                if (key == "pointer") continue;
                if (key == "ok") {
                    ++kinds;
                    metric.kind = JsonMetric::Kind::state;
                    if (!value.is_array() || value.empty()) error(kp, "\"ok\" is a list of the values that read as 1: [\"running\"]");
                    else
                        for (const auto& v : value) metric.ok.push_back(v.is_string() ? v.get<std::string>() : v.dump());
                    continue;
                }
                auto flag = std::find_if(std::begin(kFlags), std::end(kFlags), [&](const auto& f) { return f.first == key; });
                if (flag == std::end(kFlags)) {
                    error(kp, fmt::format("unknown metric setting '{}' (known: pointer, ok, count, age, missing_on_dr, behind_on_dr)", safe_excerpt(key)));
                } else if (value != json(true)) {
                    error(kp, fmt::format("\"{}\" is true or left out", key));
                } else {
                    ++kinds;
                    metric.kind = flag->second;
                }
            }
            if (kinds > 1) {
                error(mp, "a metric is read one way: give one of ok, count, age, missing_on_dr, behind_on_dr");
                continue;
            }
        } else {
            error(mp, "a metric is a JSON Pointer (\"/data/lag\") or an object with \"pointer\"");
            continue;
        }
        if (auto problem = pointer_problem(metric.pointer)) {
            error(m.is_object() ? pointer_child(mp, "pointer") : mp, *problem);
            continue;
        }
        out[name] = std::move(metric);
    }
}

}  // namespace drconsole::env
