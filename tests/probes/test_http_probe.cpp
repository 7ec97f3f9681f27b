// HTTP and Prometheus probes against real servers on 127.0.0.1, including ones that never answer.
#include <gtest/gtest.h>

#include "support/printers.h"

#include "probes/probe_factory.h"
#include "support/http_server.h"
#include "support/prometheus_server.h"

using namespace drconsole;
using test::HttpServer;

namespace {

Target http_target(const std::string& url, int expect = 200) {
    Target t;
    t.id = "api";
    t.type = TargetType::http;
    t.url = url;
    t.expect_status = expect;
    return t;
}

SteadyTime in(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

double elapsed_ms(SteadyTime since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

TEST(HttpProbe, AHealthyEndpointIsUpWithItsStatusAndLatency) {
    HttpServer server;
    auto probe = probes::make_http_probe(http_target(server.url("/healthz")));
    Reading r = probe->read(in(2000));
    EXPECT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("up"), 1);
    EXPECT_EQ(*r.value("status"), 200);
    EXPECT_GT(*r.value("latency_ms"), 0);
    EXPECT_EQ(server.requests(), 1);
}

TEST(HttpProbe, AnUnexpectedStatusIsDown) {
    HttpServer server;
    server.handle([](const std::string&) { return std::pair<int, std::string>{503, "overloaded"}; });
    Reading r = probes::make_http_probe(http_target(server.url("/healthz")))->read(in(2000));
    EXPECT_EQ(r.status, ProbeStatus::down);
    EXPECT_EQ(r.error, "HTTP 503, expected 200");
    EXPECT_EQ(*r.value("up"), 0);
    EXPECT_EQ(*r.value("status"), 503);
}

TEST(HttpProbe, ARefusedConnectionIsDownAtOnce) {
    auto started = std::chrono::steady_clock::now();
    Reading r = probes::make_http_probe(http_target("http://127.0.0.1:" + std::to_string(test::closed_port()) + "/"))->read(in(2000));
    EXPECT_EQ(r.status, ProbeStatus::down);
    EXPECT_LT(elapsed_ms(started), 500);
}

TEST(HttpProbe, AServerThatNeverAnswersIsDownAtTheDeadline) {
    for (auto mode : {HttpServer::Mode::never_answer, HttpServer::Mode::black_hole}) {
        HttpServer server(mode);
        auto started = std::chrono::steady_clock::now();
        Reading r = probes::make_http_probe(http_target(server.url("/healthz")))->read(in(300));
        double took = elapsed_ms(started);
        EXPECT_EQ(r.status, ProbeStatus::down);
        EXPECT_NE(r.error.find("no answer within"), std::string::npos) << r.error;
        EXPECT_GE(took, 250);
        EXPECT_LT(took, 400) << "the probe returned late";
    }
}

TEST(PrometheusProbe, ScalarAndVectorResultsBecomeMetricsWithLabels) {
    HttpServer server;
    server.handle([](const std::string& target) {
        if (target.find("query=max%28rpo_lag_seconds%29") != std::string::npos)
            return std::pair<int, std::string>{200, R"({"status":"success","data":{"resultType":"scalar","result":[1790000000.1,"12.5"]}})"};
        return std::pair<int, std::string>{200, R"({"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"topic":"orders"},"value":[1790000000.1,"3"]},
            {"metric":{"topic":"fills"},"value":[1790000000.1,"7"]}]}})"};
    });
    Target t;
    t.id = "prom";
    t.type = TargetType::prometheus;
    t.url = server.url("");
    t.queries = {{"rpo_lag", "max(rpo_lag_seconds)"}, {"mirror_lag", "kafka_mirrormaker_lag_seconds"}};
    Reading r = probes::make_prometheus_probe(t)->read(in(2000));
    EXPECT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("rpo_lag"), 12.5);
    EXPECT_EQ(*r.value("mirror_lag"), 7);  // the worst series
    int series = 0;
    for (const auto& m : r.metrics)
        if (m.name == "mirror_lag") {
            ++series;
            EXPECT_TRUE(m.labels.count("topic"));
        }
    EXPECT_EQ(series, 2);
}

TEST(PrometheusProbe, AQueryErrorIsAnErrorWithPrometheusWords) {
    HttpServer server;
    server.handle([](const std::string&) {
        return std::pair<int, std::string>{400, R"({"status":"error","errorType":"bad_data","error":"parse error at char 4"})"};
    });
    Target t;
    t.id = "prom";
    t.type = TargetType::prometheus;
    t.url = server.url("");
    t.queries = {{"bad", "max(("}};
    Reading r = probes::make_prometheus_probe(t)->read(in(2000));
    EXPECT_EQ(r.status, ProbeStatus::error);
    EXPECT_EQ(r.error, "bad: HTTP 400: parse error at char 4");
}

TEST(PrometheusProbe, AgainstARealPrometheus) {
    test::PrometheusServer prometheus;
    Target t;
    t.id = "prom";
    t.type = TargetType::prometheus;
    t.url = prometheus.url();
    t.queries = {{"rpo_lag", "vector(12.5)"},
                 {"mirror_lag", R"(label_replace(vector(3), "topic", "orders", "", ""))"},
                 {"budget", "scalar(vector(42))"}};
    Reading r = probes::make_prometheus_probe(t)->read(in(5000));
    ASSERT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("rpo_lag"), 12.5);
    EXPECT_EQ(*r.value("budget"), 42);
    bool labelled = false;
    for (const auto& m : r.metrics)
        if (m.name == "mirror_lag" && m.labels.count("topic") && m.labels.at("topic") == "orders") labelled = m.value == 3;
    EXPECT_TRUE(labelled) << "vector elements keep their labels";

    t.queries = {{"bad", "max(("}};
    Reading bad = probes::make_prometheus_probe(t)->read(in(5000));
    EXPECT_EQ(bad.status, ProbeStatus::error);
    EXPECT_NE(bad.error.find("bad: HTTP 400: invalid parameter \"query\""), std::string::npos) << bad.error;
}
