// sql actions against the real PostgreSQL pair; http actions against a real server; and the
// headless `step ID run` end to end.
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/actions.h"
#include "support/template_values.h"
#include "drconsole/incident.h"
#include "support/http_server.h"
#include "support/pg_cluster.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

using test::values;

class SqlAction : public ::testing::Test {
protected:
    static void SetUpTestSuite() { cluster = new test::PgCluster(); }
    static void TearDownTestSuite() { delete cluster; }
    static test::PgCluster* cluster;
};
test::PgCluster* SqlAction::cluster = nullptr;

}  // namespace

TEST_F(SqlAction, InjectionThroughTemplatesIsOnlyData) {
    cluster->sql(cluster->primary_port(), "CREATE TABLE IF NOT EXISTS ledger (id int)");
    for (const std::string evil : {"1; DROP TABLE ledger", "' OR 1=1 --", "$(id)", "`id`"}) {
        BoundSql sql = bind_sql("SELECT {{v}}::text AS v, (SELECT count(*) FROM ledger) AS n", values({{"v", evil}}));
        ActionResult r = run_sql(cluster->primary_dsn(), sql, Millis(5000));
        ASSERT_TRUE(r.ok) << r.error;
        EXPECT_EQ(r.detail["result"]["rows"][0][0], evil) << "the server received the value as data";
    }
    EXPECT_EQ(cluster->sql(cluster->primary_port(), "SELECT to_regclass('ledger') IS NOT NULL"), "t") << "the table is still there";
}

TEST_F(SqlAction, OneStatementPerBlock) {
    cluster->sql(cluster->primary_port(), "CREATE TABLE IF NOT EXISTS ledger (id int)");
    ActionResult r = run_sql(cluster->primary_dsn(), bind_sql("SELECT 1; DROP TABLE ledger", {}), Millis(5000));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("cannot insert multiple commands into a prepared statement"), std::string::npos) << r.error;
    EXPECT_EQ(cluster->sql(cluster->primary_port(), "SELECT to_regclass('ledger') IS NOT NULL"), "t");
}

TEST_F(SqlAction, StepRunPromotesTheStandbyThenReportsTheServersError) {
    test::TempDir dir;
    auto env = dir.write("env.jsonc", R"({"targets": {"pg-standby": {"type": "postgres", "dsn": ")" + cluster->standby_dsn() + R"("}}})");
    auto runbook = dir.write("promote.md", R"(# Promote drill

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |

## Promote
- [ ] Promote the standby {#pg-promote role=db restores=postgres timeout=90s}
  ```sql target=pg-standby
  SELECT pg_promote(wait => true, wait_seconds => 60);
  ```
)");
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill",
                                   "--as", "db:dmitri"}).exit_code, 0);
    ASSERT_EQ(cluster->sql(cluster->standby_port(), "SELECT pg_is_in_recovery()"), "t");
    auto run = test::run_drconsole({"step", "--db", db, "pg-promote", "run", "--as", "db:dmitri"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out, "pg_promote\nt\n");
    EXPECT_EQ(cluster->sql(cluster->standby_port(), "SELECT pg_is_in_recovery()"), "f") << "the standby left recovery";

    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", db, "--json"}).out);
    const auto& step = j["phases"][0]["steps"][0];
    EXPECT_EQ(step["state"], "done");
    EXPECT_GT(step["ran_s"].get<double>(), 0);
    EXPECT_LT(step["ran_s"].get<double>(), 60);
    EXPECT_FALSE(step["waited_s"].is_null());
    EXPECT_EQ(step["action_run"]["ok"], true);
    EXPECT_EQ(step["action_run"]["output_sha256"].get<std::string>().size(), 64u);
}

TEST_F(SqlAction, ASecondPromoteReportsTheServersErrorEscaped) {
    cluster->sql(cluster->standby_port(), "SELECT 1");
    BoundSql sql = bind_sql("SELECT pg_promote(wait => true, wait_seconds => 60)", {});
    ActionResult first = run_sql(cluster->standby_dsn(), sql, Millis(90'000));
    ActionResult second = run_sql(cluster->standby_dsn(), sql, Millis(90'000));
    EXPECT_FALSE(second.ok);
    EXPECT_NE(second.error.find("recovery is not in progress"), std::string::npos) << second.error;
    EXPECT_EQ(second.output, second.error);
}

TEST_F(SqlAction, CancelReallyCancelsTheStatementOnTheServer) {
    // A statement the server would run for a minute; cancelled after 0.7 s.
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        cancel = true;
    });
    auto started = std::chrono::steady_clock::now();
    ActionResult r = run_sql(cluster->primary_dsn(), bind_sql("SELECT pg_sleep(60) AS drc_cancel_probe", values({})), Millis(120'000), &cancel);
    canceller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.cancelled) << r.error;
    EXPECT_NE(r.error.find("cancelled"), std::string::npos) << r.error;
    // The server: no backend runs it any more (without PQcancel it would sleep on for a minute,
    // a dropped connection unnoticed until it tried to send).
    std::string active;
    for (int i = 0; i < 30; ++i) {
        active = cluster->sql(cluster->primary_port(),
                              "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%drc_cancel_probe%' AND pid <> pg_backend_pid()");
        if (active == "0") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(active, "0") << "the statement still runs on the server";
}

TEST(HttpAction, CancelAbandonsARequestThatNeverAnswers) {
    test::HttpServer server(test::HttpServer::Mode::never_answer);
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel = true;
    });
    auto started = std::chrono::steady_clock::now();
    ActionResult r = run_http(server.url(""), "POST /failover", values({}), Millis(60'000), &cancel);
    canceller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.cancelled) << r.error;
    EXPECT_FALSE(r.timed_out);
}

TEST(HttpAction, ValuesAreEncodedNeverSpliced) {
    test::HttpServer server;
    auto t = values({{"evil", "a b/../?x=1&y=\"\r\n"}, {"incident.id", "7"}});
    ActionResult r = run_http(server.url(""), "POST /admin/strategies/{{evil}}/disable\nContent-Type: application/json\n\n"
                                              "{\"reason\": \"{{evil}}\", \"incident\": \"{{incident.id}}\"}\n",
                              t, Millis(5000));
    ASSERT_TRUE(r.ok) << r.error;
    std::string got = server.last_request();
    EXPECT_EQ(got.rfind("POST /admin/strategies/a%20b%2F..%2F%3Fx%3D1%26y%3D%22%0D%0A/disable HTTP/1.1\r\n", 0), 0u) << got;
    std::string body = got.substr(got.find("\r\n\r\n") + 4);
    auto json = nlohmann::json::parse(body);
    EXPECT_EQ(json["reason"], "a b/../?x=1&y=\"\r\n") << "the value is a JSON string, whole";
    EXPECT_EQ(json["incident"], "7");
    EXPECT_THROW(run_http(server.url(""), "GET /\nX-Value: {{evil}}\n", t, Millis(5000)), InputError) << "no header injection";
}

TEST_F(SqlAction, ABehindStandbyBlocksTheStepUntilTheIcOverrides) {
    test::TempDir dir;
    auto env = dir.write("env.jsonc", R"({"targets": {"pg-standby": {"type": "postgres", "dsn": ")" + cluster->standby_dsn() +
                                          R"(", "role": "standby", "interval": "200ms"}}})");
    auto runbook = dir.write("gate.md", R"(# Gate drill

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 1s  | 10m |

| Role | Owner |
|------|-------|
| ic   | SRE   |
| db   | DBRE  |

## Promote
- [ ] Read the replay position {#replay-position role=db restores=postgres rpo=pg-standby gate="pg-standby.lag_s < 1s"}
  ```sql target=pg-standby
  SELECT pg_is_in_recovery();
  ```
)");
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill",
                                   "--roster", "ic=maria,db=dmitri", "--as", "ic:maria"}).exit_code, 0);
    cluster->sql(cluster->primary_port(), "CREATE TABLE IF NOT EXISTS t (v int)");
    cluster->sql(cluster->primary_port(), "INSERT INTO t VALUES (0)");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_pause()");
    for (int i = 0; i < 8; ++i) {
        cluster->sql(cluster->primary_port(), "INSERT INTO t VALUES (1)");
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    auto blocked = test::run_drconsole({"step", "--db", db, "replay-position", "run", "--as", "db:dmitri"});
    EXPECT_EQ(blocked.exit_code, 2);
    EXPECT_NE(blocked.err.find("refused: gate fail: pg-standby.lag_s is "), std::string::npos) << blocked.err;
    EXPECT_NE(blocked.err.find(", needs < 1s"), std::string::npos) << blocked.err;
    auto not_ic = test::run_drconsole({"step", "--db", db, "replay-position", "run", "--override", "looks fine", "--as", "db:dmitri"});
    EXPECT_EQ(not_ic.exit_code, 2);
    EXPECT_NE(not_ic.err.find("only the IC overrides a gate"), std::string::npos) << not_ic.err;

    auto ic = test::run_drconsole({"step", "--db", db, "replay-position", "run", "--override", "RPO accepted by the business owner", "--as", "ic:maria"});
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_resume()");
    ASSERT_EQ(ic.exit_code, 0) << ic.err;
    EXPECT_EQ(ic.out, "pg_is_in_recovery\nt\n");
    auto events = test::run_process({"/usr/bin/sqlite3", db, "SELECT payload FROM events WHERE kind = 'gate.overridden'"});
    ASSERT_EQ(events.exit_code, 0) << events.err;
    auto payload = nlohmann::json::parse(events.out);
    EXPECT_EQ(payload["reason"], "RPO accepted by the business owner");
    ASSERT_EQ(payload["live"].size(), 1u);
    EXPECT_EQ(payload["live"][0]["outcome"], "fail");
    EXPECT_GE(payload["live"][0]["value"].get<double>(), 1.0) << "the live lag at the moment of the override";
}

TEST(DryRun, ShowsThePlanWithValuesAndRunsNothing) {
    test::TempDir dir;
    std::string marker = (dir / "would-be-created").string();
    auto env = dir.write("env.jsonc", R"({"targets": {}, "vars": {"target_time": "2026-01-15T10:30:00Z"}})");
    auto runbook = dir.write("dry.md", "# Dry\n\n| Component | RPO | RTO |\n|---|---|---|\n| app | - | 5m |\n\n## Repoint\n"
                                       "- [ ] Touch a file {#touch role=app restores=app}\n  ```run\n  touch " + marker +
                                       "\n  echo {{target_time}} {{incident.id}}\n  ```\n");
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill",
                                   "--as", "app:kim"}).exit_code, 0);
    auto r = test::run_drconsole({"step", "--db", db, "touch", "run", "--dry-run", "--as", "app:kim"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto plan = nlohmann::json::parse(r.out);
    EXPECT_EQ(plan["commands"][0], (nlohmann::json{"touch", marker}));
    EXPECT_EQ(plan["commands"][1], (nlohmann::json{"echo", "2026-01-15T10:30:00Z", "1"}));
    EXPECT_FALSE(std::filesystem::exists(marker)) << "a dry run runs nothing";
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", db, "--json"}).out);
    EXPECT_EQ(j["phases"][0]["steps"][0]["state"], "pending");
    auto events = test::run_process({"/usr/bin/sqlite3", db, "SELECT payload FROM events WHERE kind = 'action.dry_run'"});
    EXPECT_EQ(nlohmann::json::parse(events.out)["executed"], false);
}
