// HTTP health and Prometheus instant-query probes.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drconsole/text.h"
#include "clients/http_fetch.h"
#include "probes/probe_factory.h"

namespace drconsole::probes {

using namespace clients;  // the client wrappers (engine/clients/)
namespace {

class HttpHealthProbe final : public Probe {
public:
    HttpHealthProbe(std::string url, int expect) : url_(std::move(url)), expect_(expect) {}

    Reading read(SteadyTime deadline) override {
        HttpRequest req;
        req.url = expand_references(url_);
        req.max_body = 4096;
        HttpResponse resp = client_.fetch(req, deadline);
        if (!resp.completed) {
            Reading down = Reading::down(resp.error);
            down.set("latency_ms", resp.total_ms);
            return down;
        }
        Reading r;
        r.set("latency_ms", resp.total_ms);
        r.set("status", static_cast<double>(resp.status));
        bool up = resp.status == expect_;
        r.set("up", up ? 1 : 0);
        if (!up) {
            r.status = ProbeStatus::down;
            r.error = fmt::format("HTTP {}, expected {}", resp.status, expect_);
        }
        return r;
    }

private:
    std::string url_;
    int expect_;
    HttpClient client_;  // kept: one multi handle for the probe's life, the connection where the server allows
};

double prometheus_number(const nlohmann::json& pair) {
    // [ <unix time>, "<value>" ]; "NaN", "+Inf" parse with strtod as well.
    std::string text = pair.at(1).get<std::string>();
    return std::strtod(text.c_str(), nullptr);
}

class PrometheusProbe final : public Probe {
public:
    PrometheusProbe(std::string url, std::map<std::string, std::string> queries)
        : url_(std::move(url)), queries_(std::move(queries)) {}

    Reading read(SteadyTime deadline) override {
        Reading r;
        std::string base = expand_references(url_);
        while (!base.empty() && base.back() == '/') base.pop_back();
        std::vector<std::string> failures;
        bool reached = false;
        for (const auto& [name, promql] : queries_) {
            HttpRequest req;
            req.url = base + "/api/v1/query?query=" + url_encode(promql);
            HttpResponse resp = client_.fetch(req, deadline);
            if (!resp.completed) {
                failures.push_back(fmt::format("{}: {}", name, resp.error));
                continue;
            }
            reached = true;
            try {
                auto j = nlohmann::json::parse(resp.body);
                if (j.value("status", "") != "success")
                    throw std::runtime_error(fmt::format("HTTP {}: {}", resp.status, j.value("error", "query failed")));
                const auto& data = j.at("data");
                std::string type = data.at("resultType");
                if (type == "scalar") {
                    r.set(name, prometheus_number(data.at("result")));
                } else if (type == "vector") {
                    for (const auto& sample : data.at("result")) {
                        Labels labels;
                        for (const auto& [k, v] : sample.at("metric").items()) labels[k] = v.get<std::string>();
                        r.set(name, prometheus_number(sample.at("value")), std::move(labels));
                    }
                } else {
                    throw std::runtime_error(fmt::format("result type '{}' is not a scalar or vector", type));
                }
            } catch (const std::exception& e) {
                failures.push_back(fmt::format("{}: {}", name, e.what()));
            }
        }
        r.set("up", reached ? 1 : 0);
        if (!failures.empty()) {
            r.status = reached ? ProbeStatus::error : ProbeStatus::down;
            for (const auto& f : failures) r.error += (r.error.empty() ? "" : "; ") + f;
        }
        return r;
    }

private:
    std::string url_;
    std::map<std::string, std::string> queries_;
    HttpClient client_;
};

}  // namespace

std::unique_ptr<Probe> make_http_probe(const Target& t) { return std::make_unique<HttpHealthProbe>(t.url, t.expect_status); }
std::unique_ptr<Probe> make_prometheus_probe(const Target& t) { return std::make_unique<PrometheusProbe>(t.url, t.queries); }

}  // namespace drconsole::probes
