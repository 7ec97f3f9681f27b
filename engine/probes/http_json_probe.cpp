// http-json targets: a JSON answer turned into metrics by JSON Pointer, on one endpoint or on a
// primary and its DR side compared (docs/probes.md#http-json).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drconsole/clock.h"
#include "drconsole/limits.h"
#include "drconsole/text.h"
#include "clients/http_fetch.h"
#include "probes/probe_factory.h"

namespace drconsole::probes {

using namespace clients;
using nlohmann::json;

namespace {

// What is kept of an answer: a status document, not a data export.
constexpr std::size_t kMaxAnswerBytes = 1 << 20;

// One endpoint's answer, parsed; `problem` says why there is none.
struct Answer {
    std::optional<json> doc;
    std::string problem;
    bool reached = false;
    double ms = 0;
};

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

class HttpJsonProbe final : public Probe {
public:
    explicit HttpJsonProbe(const Target& t) : t_(t) {
        for (const auto& [name, m] : t_.json_metrics) pair_ = pair_ || m.pair();
    }

    Reading read(SteadyTime deadline) override {
        Answer primary = fetch(primary_client_, t_.url, deadline);
        if (!primary.reached) {
            Reading down = Reading::down(primary.problem);
            down.set("latency_ms", primary.ms);
            return down;
        }
        Reading r;
        r.set("latency_ms", primary.ms);
        r.set("up", primary.doc || primary.problem.rfind("HTTP ", 0) != 0 ? 1 : 0);
        std::vector<std::string> problems;
        if (!primary.doc) problems.push_back(primary.problem);
        Answer dr;
        if (pair_) {
            dr = fetch(dr_client_, t_.dr_url, deadline);
            if (!dr.doc) problems.push_back("DR side: " + dr.problem);
        }
        std::int64_t now_us = SystemClock().wall_us();
        for (const auto& [name, m] : t_.json_metrics) {
            if (!primary.doc || (m.pair() && !dr.doc)) continue;
            std::string why;
            if (auto v = evaluate(m, *primary.doc, dr.doc ? &*dr.doc : nullptr, now_us, why)) r.set(name, *v);
            else problems.push_back(fmt::format("{}: {}", name, why));
        }
        if (!problems.empty()) {
            r.status = primary.problem.rfind("HTTP ", 0) == 0 ? ProbeStatus::down : ProbeStatus::error;
            for (const auto& p : problems) r.error += (r.error.empty() ? "" : "; ") + p;
        }
        return r;
    }

private:
    Answer fetch(HttpClient& client, const std::string& url, SteadyTime deadline) {
        HttpRequest req;
        req.url = expand_references(url);
        req.method = t_.method;
        req.body = t_.body;
        for (const auto& [name, value] : t_.headers) req.headers.push_back(name + ": " + expand_references(value));
        if (!t_.body.empty() && !t_.headers.count("Content-Type")) req.headers.push_back("Content-Type: application/json");
        req.max_body = kMaxAnswerBytes;
        HttpResponse resp = client.fetch(req, deadline);
        Answer a;
        a.ms = resp.total_ms;
        if (!resp.completed) {
            a.problem = resp.error;
            return a;
        }
        a.reached = true;
        if (resp.status < 200 || resp.status > 299) a.problem = fmt::format("HTTP {}", resp.status);
        else if (resp.truncated) a.problem = fmt::format("the answer is larger than {} KiB: point the URL at a status resource", kMaxAnswerBytes / 1024);
        else if (nested_too_deep(resp.body)) a.problem = fmt::format("the answer nests deeper than {} levels", kMaxJsonDepth);
        if (!a.problem.empty()) return a;
        try {
            a.doc = json::parse(resp.body);
        } catch (const json::exception& e) {
            a.problem = "not JSON: " + parser_message(e.what());
        }
        return a;
    }

    static const json* at(const json& doc, const std::string& pointer, std::string& why) {
        try {
            return &doc.at(json::json_pointer(pointer));
        } catch (const json::exception&) {
            why = fmt::format("'{}' is not in the answer", pointer);
            return nullptr;
        }
    }

    static std::optional<double> evaluate(const JsonMetric& m, const json& doc, const json* dr_doc, std::int64_t now_us, std::string& why) {
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

    Target t_;
    bool pair_ = false;
    HttpClient primary_client_, dr_client_;
};

}  // namespace

std::unique_ptr<Probe> make_http_json_probe(const Target& t) { return std::make_unique<HttpJsonProbe>(t); }

}  // namespace drconsole::probes
