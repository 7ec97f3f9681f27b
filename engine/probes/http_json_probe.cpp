// http-json targets: a JSON answer turned into metrics by JSON Pointer, on one endpoint or on a
// primary and its DR side compared (docs/probes.md#http-json).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drconsole/clock.h"
#include "clients/http_fetch.h"
#include "probes/json_metric_eval.h"
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
    bool reached = false;  // an HTTP answer came
    bool success = false;  // … with a 2xx status
    double ms = 0;
};

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
        r.set("up", primary.success ? 1 : 0);
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
            if (auto v = evaluate_json_metric(m, *primary.doc, dr.doc ? &*dr.doc : nullptr, now_us, why)) r.set(name, *v);
            else problems.push_back(fmt::format("{}: {}", name, why));
        }
        if (!problems.empty()) {
            r.status = primary.success ? ProbeStatus::error : ProbeStatus::down;
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
        a.success = resp.status >= 200 && resp.status <= 299;
        if (!a.success) a.problem = fmt::format("HTTP {}", resp.status);
        else if (resp.truncated) a.problem = fmt::format("the answer is larger than {} KiB: point the URL at a status resource", kMaxAnswerBytes / 1024);
        if (!a.problem.empty()) return a;
        a.doc = parse_answer(resp.body, a.problem);
        return a;
    }

    Target t_;
    bool pair_ = false;
    HttpClient primary_client_, dr_client_;
};

}  // namespace

std::unique_ptr<Probe> make_http_json_probe(const Target& t) { return std::make_unique<HttpJsonProbe>(t); }

}  // namespace drconsole::probes
