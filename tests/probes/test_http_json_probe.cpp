// http-json targets against real HTTP servers on 127.0.0.1: pointers, states, counts, ages, a
// primary and DR pair compared, and answers that are not what they should be.
#include <mutex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/printers.h"

#include "drconsole/clock.h"
#include "drconsole/environment.h"
#include "drconsole/gate.h"
#include "drconsole/gate_eval.h"
#include "probes/probe_factory.h"
#include "support/http_server.h"

using namespace drconsole;
using test::HttpServer;

namespace {

SteadyTime in(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

// The target as the environment file would have it.
Target target(const std::string& url, const std::string& metrics, const std::string& dr_url = "") {
    std::string dr = dr_url.empty() ? "" : fmt::format(R"("dr_url": "{}", )", dr_url);
    auto r = parse_environment(fmt::format(R"({{"targets": {{"sr": {{"type": "http-json", "url": "{}", {}"metrics": {}}}}}}})", url, dr, metrics), "env");
    EXPECT_TRUE(r.env) << (r.diagnostics.empty() ? "" : r.diagnostics[0].str());
    return r.env ? *r.env->find("sr") : Target{};
}

// A server whose answer the test changes as it goes.
struct JsonServer {
    HttpServer server;
    std::mutex mutex;
    std::string body;
    int status = 200;
    JsonServer() {
        server.handle([this](const std::string&) {
            std::lock_guard lock(mutex);
            return std::pair<int, std::string>{status, body};
        });
    }
    void answer(std::string b, int s = 200) {
        std::lock_guard lock(mutex);
        body = std::move(b);
        status = s;
    }
};

GateResult gate(const std::string& text, const Reading& r) {
    ReadingStore store;
    Reading copy = r;
    copy.target = "sr";
    copy.mono_us = steady_now_us();
    store.publish(copy);
    return evaluate_gate(parse_gate(text), store, steady_now_us());
}

}  // namespace

TEST(HttpJsonProbe, PointersStateMapsCountsAndAgesReadTheAnswer) {
    JsonServer api;
    std::string thirty_s_ago = format_utc(SystemClock().wall_us() - 30'000'000);
    api.answer(R"({"connector": {"state": "RUNNING"}, "tasks": [{"state": "RUNNING"}, {"state": "FAILED"}], "lag": "42.5",
                   "paused": false, "last_sync": ")" + thirty_s_ago + R"("})");
    Target t = target(api.server.url("/connectors/s3-sink/status"), R"({
        "running": {"pointer": "/connector/state", "ok": ["RUNNING"]}, "task1_running": {"pointer": "/tasks/1/state", "ok": ["RUNNING"]},
        "tasks": {"pointer": "/tasks", "count": true}, "lag": "/lag", "paused": "/paused",
        "sync_age_s": {"pointer": "/last_sync", "age": true}})");
    Reading r = probes::make_http_json_probe(t)->read(in(2000));
    EXPECT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("up"), 1);
    EXPECT_EQ(*r.value("running"), 1);
    EXPECT_EQ(*r.value("task1_running"), 0);
    EXPECT_EQ(*r.value("tasks"), 2);
    EXPECT_EQ(*r.value("lag"), 42.5);
    EXPECT_EQ(*r.value("paused"), 0);
    EXPECT_NEAR(*r.value("sync_age_s"), 30, 2);
    EXPECT_EQ(gate("sr.task1_running == 1", r).outcome, GateOutcome::fail);
    EXPECT_EQ(gate("sr.running == 1", r).outcome, GateOutcome::pass);
}

TEST(HttpJsonProbe, APairCountsWhatTheDrSideLacksAndAGateFollowsIt) {
    JsonServer primary, dr;
    primary.answer(R"(["orders-value", "fills-value", "risk_events-value"])");
    dr.answer(R"(["orders-value", "fills-value"])");
    Target t = target(primary.server.url("/subjects"), R"({"schemas_missing_on_dr": {"pointer": "", "missing_on_dr": true},
        "subjects": {"pointer": "", "count": true}})", dr.server.url("/subjects"));
    auto probe = probes::make_http_json_probe(t);
    Reading r = probe->read(in(2000));
    EXPECT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("schemas_missing_on_dr"), 1);
    EXPECT_EQ(*r.value("subjects"), 3);
    GateResult before = gate("sr.schemas_missing_on_dr == 0", r);
    EXPECT_EQ(before.outcome, GateOutcome::fail);
    EXPECT_EQ(before.reason, "sr.schemas_missing_on_dr is 1, needs == 0");

    dr.answer(R"(["orders-value", "fills-value", "risk_events-value"])");
    r = probe->read(in(2000));
    EXPECT_EQ(*r.value("schemas_missing_on_dr"), 0);
    EXPECT_EQ(gate("sr.schemas_missing_on_dr == 0", r).outcome, GateOutcome::pass);

    // Versions compared as numbers; the DR side down leaves the pair's figures unknown, never 0.
    Target versions = target(primary.server.url("/v"), R"({"behind": {"pointer": "/version", "behind_on_dr": true}})",
                             "http://127.0.0.1:" + std::to_string(test::closed_port()) + "/v");
    primary.answer(R"({"version": 7})");
    Reading half = probes::make_http_json_probe(versions)->read(in(2000));
    EXPECT_EQ(half.status, ProbeStatus::error);
    EXPECT_FALSE(half.value("behind"));
    EXPECT_NE(half.error.find("DR side: "), std::string::npos) << half.error;
    EXPECT_EQ(gate("sr.behind == 0", half).outcome, GateOutcome::unknown);
}

TEST(HttpJsonProbe, WhatTheAnswerLacksIsNamedAndTheRestIsStillRead) {
    JsonServer api;
    api.answer(R"({"state": "degraded", "lag": 3})");
    Target t = target(api.server.url("/"), R"({"lag": "/lag", "state": "/state", "gone": "/nope"})");
    Reading r = probes::make_http_json_probe(t)->read(in(2000));
    EXPECT_EQ(r.status, ProbeStatus::error);
    EXPECT_EQ(*r.value("lag"), 3);
    EXPECT_FALSE(r.value("state"));
    EXPECT_FALSE(r.value("gone"));
    EXPECT_NE(r.error.find("gone: '/nope' is not in the answer"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("state: /state is the string 'degraded', not a number (map states with \"ok\")"), std::string::npos) << r.error;
}

TEST(HttpJsonProbe, MalformedOversizedOrFailingAnswersAreErrorsNeverACrash) {
    JsonServer api;
    Target t = target(api.server.url("/"), R"({"lag": "/lag"})");
    auto probe = probes::make_http_json_probe(t);
    api.answer(R"({"lag": 3,)");
    Reading bad = probe->read(in(2000));
    EXPECT_EQ(bad.status, ProbeStatus::error);
    EXPECT_EQ(*bad.value("up"), 1) << "it answered";
    EXPECT_NE(bad.error.find("not JSON: line 1, column 11: syntax error"), std::string::npos) << bad.error;

    api.answer("{\"lag\": \"" + std::string(10 << 20, 'x') + "\"}");
    Reading big = probe->read(in(5000));
    EXPECT_EQ(big.status, ProbeStatus::error);
    EXPECT_NE(big.error.find("the answer is larger than 1024 KiB"), std::string::npos) << big.error;

    api.answer(std::string(100, '[') + std::string(100, ']'));
    EXPECT_NE(probe->read(in(2000)).error.find("nests deeper than 32 levels"), std::string::npos);

    api.answer(R"({"lag": 3})", 503);
    Reading down = probe->read(in(2000));
    EXPECT_EQ(down.status, ProbeStatus::down);
    EXPECT_EQ(*down.value("up"), 0);
    EXPECT_FALSE(down.value("lag"));
}

TEST(HttpJsonProbe, APostSendsItsBodyAndHeaders) {
    JsonServer api;
    api.answer(R"({"data": {"result": [{"value": [0, "3"]}]}})");
    ::setenv("DRC_TEST_TOKEN", "t0ken", 1);
    auto r = parse_environment(fmt::format(R"({{"targets": {{"sr": {{"type": "http-json", "url": "{}", "method": "POST",
        "body": {{"query": "up"}}, "headers": {{"Authorization": "Bearer ${{DRC_TEST_TOKEN}}"}}, "metrics": {{"v": "/data/result/0/value/1"}}}}}}}})",
                                           api.server.url("/q")), "env");
    ASSERT_TRUE(r.env) << r.diagnostics[0].str();
    Reading reading = probes::make_http_json_probe(*r.env->find("sr"))->read(in(2000));
    ::unsetenv("DRC_TEST_TOKEN");
    EXPECT_EQ(*reading.value("v"), 3) << reading.error;
    std::string sent = api.server.last_request();
    EXPECT_EQ(sent.rfind("POST /q ", 0), 0u) << sent;
    EXPECT_NE(sent.find("Authorization: Bearer t0ken"), std::string::npos) << sent;
    EXPECT_NE(sent.find("Content-Type: application/json"), std::string::npos) << sent;
    EXPECT_NE(sent.find(R"({"query":"up"})"), std::string::npos) << sent;
}

TEST(HttpJsonProbe, AServerThatNeverAnswersIsDownAtTheDeadline) {
    HttpServer silent(HttpServer::Mode::never_answer);
    Target t = target(silent.url("/"), R"({"lag": "/lag"})");
    auto started = std::chrono::steady_clock::now();
    Reading r = probes::make_http_json_probe(t)->read(in(800));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.status, ProbeStatus::down);
    EXPECT_EQ(*r.value("up"), 0);
    EXPECT_LT(ms, 1500);
}
