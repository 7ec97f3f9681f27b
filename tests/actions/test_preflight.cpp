// Preflight before promotion, against the real PostgreSQL pair; each failure produced for real.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/pg_cluster.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

class Preflight : public ::testing::Test {
protected:
    static void SetUpTestSuite() { cluster = new test::PgCluster(); }
    static void TearDownTestSuite() { delete cluster; }

    void SetUp() override {
        env = dir.write("env.jsonc", R"({"targets": {
            "pg-primary": {"type": "postgres", "dsn": ")" + cluster->primary_dsn() + R"(", "role": "primary"},
            "pg-standby": {"type": "postgres", "dsn": ")" + cluster->standby_dsn() + R"(", "role": "standby", "primary": "pg-primary"}}})");
    }
    // Runs `drconsole preflight --json` and returns outcome by check name, and the exit status.
    std::pair<std::map<std::string, std::string>, int> check() {
        auto r = test::run_drconsole({"preflight", "--env", env.string(), "pg-standby", "--json"});
        std::map<std::string, std::string> outcome;
        last_err = r.err;
        auto j = nlohmann::json::parse(r.out);
        for (const auto& c : j["checks"]) {
            outcome[c["check"]] = c["outcome"].get<std::string>() + ": " + c["value"].get<std::string>();
        }
        return {outcome, r.exit_code};
    }

    static test::PgCluster* cluster;
    test::TempDir dir;
    std::filesystem::path env;
    std::string last_err;  // stderr of the last check()
};
test::PgCluster* Preflight::cluster = nullptr;

}  // namespace

TEST_F(Preflight, AHealthyStreamingStandbyPasses) {
    auto [outcome, status] = check();
    EXPECT_EQ(status, 0);
    EXPECT_EQ(last_err, "") << "no warning line when every check passed";
    for (const char* name : {"standby reachable", "in recovery", "replay not paused", "receiving WAL", "primary reachable",
                             "most advanced standby", "timeline", "WAL senders for the reverse direction", "replication slots free"})
        EXPECT_EQ(outcome[name].substr(0, 4), "pass") << name << " → " << outcome[name];
}

TEST_F(Preflight, PausedReplayFails) {
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_pause()");
    auto [outcome, status] = check();
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_resume()");
    EXPECT_EQ(status, 1);
    EXPECT_EQ(outcome["replay not paused"].substr(0, 4), "fail") << outcome["replay not paused"];
    EXPECT_NE(last_err.find("preflight failed: replay not paused (exit status 1)"), std::string::npos) << last_err;
}

TEST_F(Preflight, ADeadPrimaryIsAWarningNotABlock) {
    cluster->kill_primary();
    auto [outcome, status] = check();
    EXPECT_EQ(status, 0) << "a failover promotes precisely because the primary is gone";
    EXPECT_EQ(outcome["primary reachable"].substr(0, 4), "warn");
    EXPECT_NE(outcome["primary reachable"].find("expected when the primary failed"), std::string::npos) << outcome["primary reachable"];
    EXPECT_EQ(outcome["standby reachable"].substr(0, 4), "pass");
    // Once the standby notices it receives nothing, "nothing left to replay" is not "0 s behind".
    if (outcome["receiving WAL"].substr(0, 4) == "warn") {
        EXPECT_EQ(outcome["lag"].substr(0, 13), "warn: unknown") << outcome["lag"];
    }
    EXPECT_NE(last_err.find("warning: preflight passed with warnings: "), std::string::npos) << last_err;
    EXPECT_NE(last_err.find("primary reachable"), std::string::npos)
        << "a warning exits 0 but says so: " << last_err;
}

TEST_F(Preflight, AStandbyNotInRecoveryFailsAndBlocksThePromoteStep) {
    cluster->sql(cluster->standby_port(), "SELECT pg_promote(wait => true)");
    auto [outcome, status] = check();
    EXPECT_EQ(status, 1);
    EXPECT_EQ(outcome["in recovery"], "fail: no: it is already a primary");

    auto runbook = dir.write("promote.md", R"(# Promote drill

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |

| Role | Owner |
|------|-------|
| ic   | SRE   |
| db   | DBRE  |

## Promote
- [ ] Promote the standby {#pg-promote role=db restores=postgres rpo=pg-standby}
  ```sql target=pg-standby
  SELECT pg_promote(wait => true, wait_seconds => 60);
  ```
)");
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill",
                                   "--roster", "ic=maria,db=dmitri", "--as", "ic:maria"}).exit_code, 0);
    auto blocked = test::run_drconsole({"step", "--db", db, "pg-promote", "run", "--as", "db:dmitri"});
    EXPECT_EQ(blocked.exit_code, 2);
    EXPECT_NE(blocked.err.find("preflight in recovery"), std::string::npos) << blocked.err;
    EXPECT_NE(blocked.err.find("refused: preflight failed"), std::string::npos) << blocked.err;
    auto events = test::run_process({"/usr/bin/sqlite3", db, "SELECT kind FROM events ORDER BY seq"});
    EXPECT_NE(events.out.find("preflight.checked"), std::string::npos) << "the failed preflight is on record";
    EXPECT_EQ(events.out.find("action.started"), std::string::npos) << "and nothing ran";
}
