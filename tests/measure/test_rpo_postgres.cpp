// Achieved RPO measured on a real PostgreSQL 15 pair: a writer logs every acknowledged commit,
// the standby stops receiving WAL for a known time, the primary is killed with SIGKILL, the
// standby is promoted by the runbook's action, and the report's figure is compared with the
// writer's true loss (last acknowledged − newest present on the promoted standby).
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include "support/pg_cluster.h"
#include "support/pg_writer.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;
using namespace std::chrono_literals;

namespace {

constexpr double kHeartbeatS = 0.2;

struct Outcome {
    double true_loss_s = 0, measured_s = 0, uncertainty_s = 0;
    std::string method;
};

Outcome drill_with_lag(double lag_s) {
    test::PgCluster cluster;
    test::TempDir dir;
    cluster.sql(cluster.primary_port(), "CREATE TABLE writes (id bigserial PRIMARY KEY, ts timestamptz NOT NULL)");
    auto env = dir.write("env.jsonc", fmt::format(R"({{"targets": {{
  "pg-primary": {{"type": "postgres", "dsn": "{}", "role": "primary", "heartbeat": "200ms", "interval": "200ms"}},
  "pg-standby": {{"type": "postgres", "dsn": "{}", "role": "standby", "primary": "pg-primary", "interval": "200ms"}}
}}}})", cluster.primary_dsn(), cluster.standby_dsn()));
    auto runbook = dir.write("failover.md", R"(# Failover drill

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |

## Promote {kind=promote}
- [ ] Promote the standby {#pg-promote role=db restores=postgres rpo=pg-standby timeout=90s}
  ```sql target=pg-standby
  SELECT pg_promote(wait => true, wait_seconds => 60);
  ```
)");
    std::string db = (dir / "j.db").string();
    auto started = test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill", "--as", "db:dmitri"});
    if (started.exit_code != 0) throw std::runtime_error(started.err);

    // The probe records samples for the whole drill, then is stopped with SIGTERM (last batch flushed).
    double probe_for = 2.5 + lag_s + 5.0;
    std::thread probe([&] {
        test::run_process({"/usr/bin/timeout", "-s", "TERM", fmt::format("{:.1f}", probe_for), DRCONSOLE_BIN, "probe", "--env", env.string(),
                           "--db", db, "--incident", "1"});
    });
    auto t_start = std::chrono::steady_clock::now();
    Outcome out;
    double last_acknowledged = 0;
    {
        test::PgWriter writer(cluster.primary_dsn());
        std::this_thread::sleep_for(2s);  // heartbeats and writes flowing, standby streaming
        if (lag_s > 0) {
            // The standby stops receiving WAL: everything written from now on is at risk.
            cluster.sql(cluster.standby_port(), "ALTER SYSTEM SET primary_conninfo = ''");
            cluster.sql(cluster.standby_port(), "SELECT pg_reload_conf()");
            for (int i = 0; i < 50 && cluster.sql(cluster.standby_port(), "SELECT count(*) FROM pg_stat_wal_receiver") != "0"; ++i)
                std::this_thread::sleep_for(50ms);
            std::this_thread::sleep_for(std::chrono::duration<double>(lag_s));
        }
        test::run_drconsole({"fault", "--db", db, "SIGKILL of the primary", "--as", "db:dmitri"});
        cluster.kill_primary();
        writer.join();  // its connection died with the primary
        last_acknowledged = writer.last_acknowledged();
        if (writer.acknowledged() < 100) throw std::runtime_error("the writer barely wrote");
    }
    auto promote = test::run_drconsole({"step", "--db", db, "pg-promote", "run", "--as", "db:dmitri"});
    if (promote.exit_code != 0) throw std::runtime_error("promote: " + promote.err);
    std::this_thread::sleep_until(t_start + std::chrono::duration<double>(probe_for + 0.5));
    probe.join();

    double present = std::stod(cluster.sql(cluster.standby_port(), "SELECT EXTRACT(EPOCH FROM max(ts)) FROM writes"));
    out.true_loss_s = last_acknowledged - present;
    auto report = test::run_drconsole({"report", "--db", db, "--incident", "1", "--format", "json"});
    if (report.exit_code != 0) throw std::runtime_error("report: " + report.err);
    auto j = nlohmann::json::parse(report.out);
    const auto& pg = j["achieved"].at(0);
    if (!pg["rpo_s"].is_number()) throw std::runtime_error("RPO not measured: " + pg["rpo_note"].get<std::string>());
    out.measured_s = pg["rpo_s"].get<double>();
    out.uncertainty_s = pg["rpo_uncertainty_s"].get<double>();
    out.method = pg["rpo_method"].get<std::string>();
    std::printf("injected lag %.1f s: writer's true loss %.3f s, reported RPO %.3f s ± %.3f s (%s)\n", lag_s, out.true_loss_s,
                out.measured_s, out.uncertainty_s, out.method.c_str());
    return out;
}

}  // namespace

class PostgresRpo : public ::testing::TestWithParam<double> {};

TEST_P(PostgresRpo, TheReportedRpoIsTheWritersTrueLossWithinTheHeartbeat) {
    Outcome o = drill_with_lag(GetParam());
    EXPECT_EQ(o.method, "postgres-heartbeat");
    EXPECT_DOUBLE_EQ(o.uncertainty_s, kHeartbeatS);
    EXPECT_GE(o.true_loss_s, 0);
    EXPECT_NEAR(o.measured_s, o.true_loss_s, kHeartbeatS + 0.5);
    if (GetParam() > 0) EXPECT_GT(o.true_loss_s, GetParam() * 0.8) << "the injected lag was really lost";
    else EXPECT_LT(o.measured_s, 0.7) << "a streaming standby loses (almost) nothing";
}

INSTANTIATE_TEST_SUITE_P(InjectedLag, PostgresRpo, ::testing::Values(0.0, 5.0, 20.0),
                         [](const auto& info) { return fmt::format("lag_{}s", static_cast<int>(info.param)); });
