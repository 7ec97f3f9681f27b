// Reading one configured metric from a JSON document (http-json answers, command output).
#include "probes/json_metric_eval.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/limits.h"
#include "drconsole/text.h"

namespace drconsole::probes {

using nlohmann::json;

namespace {

// Nesting deeper than this is refused before parsing, as an environment file's is.
bool nested_too_deep(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth) return true;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return false;
}

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error …" → "line 1, column 5: syntax error …"
std::string parser_message(const std::string& what) {
    std::size_t at = what.find("parse error at ");
    return at == std::string::npos ? what : what.substr(at + 15);
}

std::string describe(const json& v) {
    if (v.is_string()) return "the string '" + safe_excerpt(v.get<std::string>(), 40) + "'";
    if (v.is_array()) return fmt::format("an array of {}", v.size());
    if (v.is_object()) return fmt::format("an object of {}", v.size());
    return safe_excerpt(v.dump(), 40);
}

// A number the value reads as: numbers, true/false (1/0), and strings that are numbers.
std::optional<double> number_of(const json& v) {
    if (v.is_number()) return v.get<double>();
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) return d;
    }
    return std::nullopt;
}

// The items an array holds, or the names an object has, as text to compare across sides.
std::set<std::string> members(const json& v) {
    std::set<std::string> out;
    if (v.is_array())
        for (const auto& item : v) out.insert(item.is_string() ? item.get<std::string>() : item.dump());
    else if (v.is_object())
        for (const auto& [key, item] : v.items()) out.insert(key);
    return out;
}

const json* at(const json& doc, const std::string& pointer, std::string& why) {
    try {
        return &doc.at(json::json_pointer(pointer));
    } catch (const json::exception&) {
        why = fmt::format("'{}' is not in the answer", pointer);
        return nullptr;
    }
}

}  // namespace

std::optional<json> parse_answer(std::string_view text, std::string& why) {
    if (nested_too_deep(text)) {
        why = fmt::format("the answer nests deeper than {} levels", kMaxJsonDepth);
        return std::nullopt;
    }
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        why = "not JSON: " + parser_message(e.what());
        return std::nullopt;
    }
}

std::optional<double> evaluate_json_metric(const JsonMetric& m, const json& doc, const json* dr_doc, std::int64_t now_us, std::string& why) {
    const json* v = at(doc, m.pointer, why);
    if (!v) return std::nullopt;
    switch (m.kind) {
        case JsonMetric::Kind::value:
            if (auto n = number_of(*v)) return n;
            why = fmt::format("{} is {}, not a number (map states with \"ok\")", m.pointer, describe(*v));
            return std::nullopt;
        case JsonMetric::Kind::count:
            if (v->is_array() || v->is_object()) return static_cast<double>(v->size());
            why = fmt::format("{} is {}: count takes an array or an object", m.pointer, describe(*v));
            return std::nullopt;
        case JsonMetric::Kind::state: {
            std::string text = v->is_string() ? v->get<std::string>() : v->dump();
            return std::find(m.ok.begin(), m.ok.end(), text) != m.ok.end() ? 1.0 : 0.0;
        }
        case JsonMetric::Kind::age: {
            std::optional<std::int64_t> ts_us;
            if (v->is_string()) ts_us = parse_utc(v->get<std::string>());
            else if (v->is_number()) ts_us = v->get<double>() > 1e11 ? static_cast<std::int64_t>(v->get<double>() * 1000)   // milliseconds
                                                                     : static_cast<std::int64_t>(v->get<double>() * 1e6);  // seconds
            if (!ts_us) {
                why = fmt::format("{} is {}, not a time (RFC 3339 UTC such as 2026-11-29T03:00:00Z, or Unix seconds)", m.pointer, describe(*v));
                return std::nullopt;
            }
            return static_cast<double>(now_us - *ts_us) / 1e6;
        }
        case JsonMetric::Kind::missing_on_dr:
        case JsonMetric::Kind::behind_on_dr: {
            const json* other = dr_doc ? at(*dr_doc, m.pointer, why) : nullptr;
            if (!other) {
                why = "DR side: " + why;
                return std::nullopt;
            }
            if (m.kind == JsonMetric::Kind::behind_on_dr) {
                auto a = number_of(*v), b = number_of(*other);
                if (a && b) return *a - *b;
                why = fmt::format("{} is {} here and {} on the DR side: behind_on_dr compares numbers", m.pointer, describe(*v), describe(*other));
                return std::nullopt;
            }
            if (!(v->is_array() || v->is_object()) || !(other->is_array() || other->is_object())) {
                why = fmt::format("{} is {} here and {} on the DR side: missing_on_dr compares arrays or objects", m.pointer, describe(*v),
                                  describe(*other));
                return std::nullopt;
            }
            std::set<std::string> theirs = members(*other);
            double missing = 0;
            for (const auto& item : members(*v)) missing += theirs.count(item) ? 0 : 1;
            return missing;
        }
    }
    return std::nullopt;
}


}  // namespace drconsole::probes
