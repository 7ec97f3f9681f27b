// command targets: real programs run as argv, their JSON or number output read, a hanging one
// killed at the deadline, garbage and failures reported, never a crash.
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/printers.h"

#include "drconsole/environment.h"
#include "drconsole/probes.h"
#include "probes/probe_factory.h"

using namespace drconsole;

namespace {

SteadyTime in(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

EnvironmentResult env_with(const std::string& target) {
    return parse_environment("{\n  \"targets\": {\n    \"snap\": " + target + "\n  }\n}\n", "env.jsonc");
}

Reading read(const std::string& target, int deadline_ms = 3000) {
    auto r = env_with(target);
    EXPECT_TRUE(r.env) << (r.diagnostics.empty() ? "" : r.diagnostics[0].str());
    return r.env ? probes::make_command_probe(*r.env->find("snap"))->read(in(deadline_ms)) : Reading{};
}

std::string first_error(const EnvironmentResult& r) { return r.diagnostics.empty() ? "" : r.diagnostics[0].str(); }

}  // namespace

TEST(CommandProbe, JsonOutputIsReadByTheSameMetricsAsAnHttpJsonAnswer) {
    Reading r = read(R"({"type": "command", "argv": ["printf", "{\"DBSnapshots\": [{\"Status\": \"available\", \"SnapshotCreateTime\": \"2020-01-01T00:00:00Z\"}, {\"Status\": \"creating\"}]}"],
        "metrics": {"snapshots": {"pointer": "/DBSnapshots", "count": true}, "newest_ok": {"pointer": "/DBSnapshots/0/Status", "ok": ["available"]},
                    "newest_age_s": {"pointer": "/DBSnapshots/0/SnapshotCreateTime", "age": true}}})");
    EXPECT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("up"), 1);
    EXPECT_EQ(*r.value("snapshots"), 2);
    EXPECT_EQ(*r.value("newest_ok"), 1);
    EXPECT_GT(*r.value("newest_age_s"), 3600.0 * 24 * 365);
    EXPECT_GT(*r.value("duration_ms"), 0);
}

TEST(CommandProbe, ANumberOutputIsTheNamedMetric) {
    Reading r = read(R"({"type": "command", "argv": ["echo", "replication latency: 812.5 s"], "number": "replication_latency_s"})");
    EXPECT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("replication_latency_s"), 812.5);
    Reading none = read(R"({"type": "command", "argv": ["echo", "no figure today"], "number": "replication_latency_s"})");
    EXPECT_EQ(none.status, ProbeStatus::error);
    EXPECT_FALSE(none.value("replication_latency_s"));
    EXPECT_EQ(none.error, "replication_latency_s: no number in the output (no figure today\\x0a)");
}

TEST(CommandProbe, AHangingCommandIsKilledAtTheDeadlineWithItsChildren) {
    auto started = std::chrono::steady_clock::now();
    Reading r = read(R"({"type": "command", "argv": ["sh", "-c", "sleep 30 & sleep 30"], "number": "n"})", 600);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.status, ProbeStatus::down);
    EXPECT_EQ(*r.value("up"), 0);
    EXPECT_NE(r.error.find("timed out: killed with its process group"), std::string::npos) << r.error;
    EXPECT_LT(ms, 3500) << "the deadline, then at most the 2 s grace before SIGKILL";
}

TEST(CommandProbe, GarbageFailureAndAMissingProgramAreReportedNeverACrash) {
    Reading garbage = read(R"({"type": "command", "argv": ["printf", "\u0001\u00ff{not json"], "metrics": {"a": "/a"}})");
    EXPECT_EQ(garbage.status, ProbeStatus::error);
    EXPECT_EQ(garbage.error.rfind("not JSON: ", 0), 0u) << garbage.error;

    Reading failed = read(R"({"type": "command", "argv": ["sh", "-c", "echo 'An error occurred (AccessDenied)'; exit 254"], "number": "n"})");
    EXPECT_EQ(failed.status, ProbeStatus::error);
    EXPECT_EQ(*failed.value("up"), 0);
    EXPECT_EQ(failed.error, "sh exited with status 254: An error occurred (AccessDenied)");

    Reading missing = read(R"({"type": "command", "argv": ["no-such-cloud-cli"], "number": "n"})");
    EXPECT_EQ(missing.status, ProbeStatus::down);
    EXPECT_EQ(missing.error, "command not found: no-such-cloud-cli");
}

TEST(CommandProbe, TheEnvironmentRefusesSecretsInArgvAndAsksForOneWayToRead) {
    EXPECT_EQ(first_error(env_with(R"({"type": "command", "argv": ["aws", "--token", "${AWS_TOKEN}"], "number": "n"})")),
              "env.jsonc:3:60: error: a command's arguments are visible to every process (/proc/*/cmdline): no ${NAME} secrets in argv; "
              "the command reads its credentials itself (its HOME is kept)");
    EXPECT_EQ(first_error(env_with(R"({"type": "command", "argv": ["aws"]})")),
              "env.jsonc:3:13: error: command target 'snap' reads its output one way: \"metrics\" (JSON output) or \"number\"");
    auto ok = env_with(R"({"type": "command", "argv": ["aws", "s3api", "get-bucket-replication"], "number": "n"})");
    ASSERT_TRUE(ok.env) << first_error(ok);
    EXPECT_EQ(ok.env->find("snap")->interval, Millis(60'000)) << "each reading runs the command: read seldom by default";
    EXPECT_EQ(known_metrics(*ok.env->find("snap")), (std::vector<std::string>{"up", "duration_ms", "n"}));
}

TEST(CommandProbe, StoppingTheProbesEndsARunningCommandRatherThanWaitingForItsDeadline) {
    auto r = env_with(R"({"type": "command", "argv": ["sleep", "30"], "number": "n", "interval": "100ms"})");
    ASSERT_TRUE(r.env) << first_error(r);
    EXPECT_EQ(r.env->find("snap")->deadline, Millis(20'000));
    auto store = std::make_shared<ReadingStore>();
    ProbeScheduler scheduler(store);
    add_environment_probes(scheduler, *r.env);
    scheduler.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the command is running
    auto started = std::chrono::steady_clock::now();
    scheduler.stop();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    EXPECT_LT(ms, 3000) << "SIGTERM, at most 2 s of grace, not the 20 s deadline";
    auto reserved = env_with(R"({"type": "command", "argv": ["date"], "metrics": {"duration_ms": "/d"}})");
    ASSERT_EQ(reserved.diagnostics.size(), 2u);  // and so no metric is left: "reads its output one way"
    EXPECT_EQ(reserved.diagnostics[1].str(), "env.jsonc:3:78: error: 'duration_ms' is read by the probe itself: name the metric otherwise");
}
