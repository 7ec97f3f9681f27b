// The runbook's controls where people use them, on the real PostgreSQL pair: two consoles in real
// terminals (the DBA's and the IC's), and the command line. Four eyes before the promotion, a
// graceful promotion that waits while the standby's replay is paused and runs once it resumes, a
// forced step after its wait timed out, a value recorded on completion, a drill-only step
// hidden, an overdue step, and cleanup before resolve; then the report says each. The promotion
// comes from a procedure file the runbook includes, edited on disk once the drill has started.
#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/sha256.h"
#include "support/http_server.h"
#include "support/pg_cluster.h"
#include "support/pg_writer.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tmux.h"

using namespace drconsole;
using namespace std::chrono_literals;

namespace {

constexpr const char* kRunbook = R"(# Controls drill

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |

| Role | Owner |
|------|-------|
| ic   | SRE   |
| db   | DBRE  |

## Declare {kind=detect}
- [ ] Declare the drill and open the ticket {#declare role=ic due=T+2s requires="ticket"}
- [ ] Page the database vendor {#page-vendor role=ic when=real}

## Promote {kind=promote}
- [ ] Promote PostgreSQL with the shared procedure {include=procedures/promote.md#promote}

## Repoint {kind=repoint}
- [ ] Repoint the applications once three standbys follow {#repoint role=db wait="pg-standby.standbys >= 3" wait_timeout=8s}
  ```run
  true
  ```

## Verify {kind=verify}
- [ ] Drop the drill's marker table {#cleanup role=db always}
  ```sql target=pg-standby
  DROP TABLE IF EXISTS drill_marker
  ```
)";

// The promotion, written once in a procedure file that the runbook includes.
constexpr const char* kProcedure = R"(# Procedure: promote the standby

## Promote {kind=promote}
- [ ] Promote the standby {#pg-promote role=db restores=postgres rpo=pg-standby timeout=90s approve=ic approve_timeout=10m wait="pg-standby.replay_paused == 0 and pg-standby.lag_s < 2s" wait_timeout=2m}
  ```sql target=pg-standby
  SELECT pg_promote(wait => true, wait_seconds => 60);
  ```
)";

std::string sql_one(const std::string& db, const std::string& query) {
    auto r = test::run_process({"/usr/bin/sqlite3", db, query});
    return r.out.substr(0, r.out.find('\n'));
}

struct Drill {
    test::PgCluster cluster;
    test::TempDir dir;
    std::string db = (dir / "j.db").string();
    std::filesystem::path env, runbook;

    Drill() {
        env = dir.write("env.jsonc", fmt::format(R"({{"targets": {{
  "pg-primary": {{"type": "postgres", "dsn": "{}", "role": "primary", "heartbeat": "200ms", "interval": "200ms"}},
  "pg-standby": {{"type": "postgres", "dsn": "{}", "role": "standby", "primary": "pg-primary", "interval": "200ms"}}
}}}})", cluster.primary_dsn(), cluster.standby_dsn()));
        runbook = dir.write("controls.md", kRunbook);
        dir.write("procedures/promote.md", kProcedure);
        cluster.sql(cluster.primary_port(), "CREATE TABLE drill_marker (id int)");
    }
    // Started, the procedure is edited on disk: the incident keeps the copy it started with.
    test::ProcessResult start() {
        auto r = test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill", "--roster",
                                      "ic=maria,db=dmitri", "--as", "ic:maria"});
        dir.write("procedures/promote.md", "# Procedure: promote the standby\n\nRewritten after the start.\n");
        return r;
    }
    test::ProcessResult dr(std::vector<std::string> args) {
        args.insert(args.begin() + 1, {"--db", db});
        return test::run_drconsole(args);
    }
    int kind_count(const std::string& kind) { return std::stoi(sql_one(db, "SELECT count(*) FROM events WHERE kind = '" + kind + "'")); }
    bool marker_gone() { return cluster.sql(cluster.standby_port(), "SELECT to_regclass('drill_marker') IS NULL") == "t"; }
    nlohmann::json report() {
        auto r = test::run_drconsole({"report", "--db", db, "--format", "json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nlohmann::json::parse(r.out);
    }
};

// A dialog is read before it is answered: keys sooner than this are someone typing elsewhere.
void reads() { std::this_thread::sleep_for(350ms); }

}  // namespace

TEST(ConsoleControls, TwoConsolesApproveWaitGracefullyForceRecordAValueAndCleanUp) {
    Drill d;
    ASSERT_EQ(d.start().exit_code, 0);
    test::PgWriter writer(d.cluster.primary_dsn());
    test::Tmux tmux(d.dir.path());
    auto console = [&](const std::string& as) {
        return fmt::format("LANG=C.UTF-8 {} open --db {} --as {}; echo EXIT=$?; sleep 30", DRCONSOLE_BIN, d.db, as);
    };
    tmux.start("ic", console("ic:maria"), 160, 50);
    tmux.start("db", console("db:dmitri"), 160, 50);
    ASSERT_GE(tmux.wait_for("ic", "Declare the drill"), 0ms) << tmux.screen("ic");
    EXPECT_EQ(tmux.screen("ic").find("Page the database vendor"), std::string::npos) << "a real-incident step is not shown in a drill";

    // due=T+2s: the IC's first step goes late on the screen.
    ASSERT_GE(tmux.wait_for("ic", "LATE +"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"Enter"});
    ASSERT_GE(tmux.wait_for("ic", "started declare"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"Enter"});
    ASSERT_GE(tmux.wait_for("ic", "ticket (1 of 1)"), 0ms) << tmux.screen("ic");
    reads();
    tmux.keys("ic", {"-l", "INC-7"});
    tmux.keys("ic", {"Enter"});
    ASSERT_GE(tmux.wait_for("ic", "completed declare (ticket=INC-7)"), 0ms) << tmux.screen("ic");

    // The DBA asks for the promotion; it waits for the IC's approval, and a cannot run it yet.
    d.cluster.sql(d.cluster.standby_port(), "SELECT pg_wal_replay_pause()");
    tmux.keys("db", {"]"});
    ASSERT_GE(tmux.wait_for("db", "Promote the standby"), 0ms) << tmux.screen("db");
    // Its details name the procedure it comes from; the text is the one taken at the start.
    ASSERT_GE(tmux.wait_for("db", "promote.md:4 (a shared procedure"), 0ms) << tmux.screen("db");
    tmux.keys("db", {"Enter"});
    ASSERT_GE(tmux.wait_for("db", "awaiting approval: ic"), 0ms) << tmux.screen("db");
    tmux.keys("db", {"a"});
    ASSERT_GE(tmux.wait_for("db", "waits for the approval of ic"), 0ms) << tmux.screen("db");
    tmux.keys("db", {"p"});  // the DBA cannot approve it
    ASSERT_GE(tmux.wait_for("db", "approve: only the ic approves"), 0ms) << tmux.screen("db");

    // The IC's console moved on to the next open step by itself: the promotion.
    ASSERT_GE(tmux.wait_for("ic", "awaiting approval: ic"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"p"});
    ASSERT_GE(tmux.wait_for("ic", "it was asked by dmitri"), 0ms) << tmux.screen("ic");
    reads();
    tmux.keys("ic", {"-l", "standby checked, go"});
    tmux.keys("ic", {"Enter"});
    ASSERT_GE(tmux.wait_for("ic", "Approve pg-promote as ic maria"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"y"});
    ASSERT_GE(tmux.wait_for("ic", "approved pg-promote (as ic): standby checked, go"), 0ms) << tmux.screen("ic");

    // Graceful: with replay paused the promotion waits, and runs once replay resumes.
    ASSERT_GE(tmux.wait_for("db", "approved by maria"), 0ms) << tmux.screen("db");
    tmux.keys("db", {"a"});
    ASSERT_GE(tmux.wait_for("db", "Type pg-promote to run it"), 0ms) << tmux.screen("db");
    reads();
    tmux.keys("db", {"-l", "pg-promote"});
    tmux.keys("db", {"Enter"});
    ASSERT_GE(tmux.wait_for("db", "waiting: pg-standby.replay_paused is 1"), 0ms) << tmux.screen("db");
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(d.kind_count("action.started"), 0) << "nothing ran while the standby had not caught up";
    EXPECT_EQ(d.cluster.sql(d.cluster.standby_port(), "SELECT pg_is_in_recovery()"), "t");
    d.cluster.sql(d.cluster.standby_port(), "SELECT pg_wal_replay_resume()");
    ASSERT_TRUE(test::wait_until([&] { return sql_one(d.db, "SELECT count(*) FROM events WHERE kind = 'step.completed' AND step_id = 'pg-promote'") == "1"; },
                                 60s))
        << tmux.screen("db");
    EXPECT_EQ(d.cluster.sql(d.cluster.standby_port(), "SELECT pg_is_in_recovery()"), "f") << "promoted";
    writer.stop();
    writer.join();

    // Forced: the repoint's condition never holds. The DBA's console waits; the IC's console sees
    // the wait and forces it with a reason; the DBA's console, which was asked to run it, runs it.
    // (The DBA's console moved on to it when the promotion succeeded.)
    ASSERT_GE(tmux.wait_for("db", "Repoint the applications"), 0ms) << tmux.screen("db");
    tmux.keys("db", {"a"});
    ASSERT_GE(tmux.wait_for("db", "Run it now?"), 0ms) << tmux.screen("db");
    reads();
    tmux.keys("db", {"y"});
    ASSERT_GE(tmux.wait_for("db", "waiting: pg-standby.standbys"), 0ms) << tmux.screen("db");
    tmux.keys("db", {"g"});  // only the IC forces
    ASSERT_GE(tmux.wait_for("db", "only the IC forces an action"), 0ms) << tmux.screen("db");
    tmux.keys("ic", {"]"});
    ASSERT_GE(tmux.wait_for("ic", "another console waits: pg-standby.standbys"), 0ms) << "the IC sees the wait:\n" << tmux.screen("ic");
    tmux.keys("ic", {"g"});
    ASSERT_GE(tmux.wait_for("ic", "Go now without waiting for pg-standby.standbys >= 3"), 0ms) << tmux.screen("ic");
    reads();
    tmux.keys("ic", {"-l", "one standby is all this drill has"});
    tmux.keys("ic", {"Enter"});
    ASSERT_GE(tmux.wait_for("ic", "\"one standby is all this drill has\"? (y/n)"), 0ms) << tmux.screen("ic");
    reads();
    tmux.keys("ic", {"y"});
    ASSERT_TRUE(test::wait_until([&] { return sql_one(d.db, "SELECT count(*) FROM events WHERE kind = 'step.completed' AND step_id = 'repoint'") == "1"; },
                                 30s))
        << tmux.screen("ic") << tmux.screen("db");
    EXPECT_EQ(sql_one(d.db, "SELECT person FROM events WHERE kind = 'action.started' AND step_id = 'repoint'"), "dmitri")
        << "the console that waited ran it";

    // Cleanup before resolve: r says what has not run; the DBA runs it; then the IC resolves.
    tmux.keys("ic", {"r"});
    ASSERT_GE(tmux.wait_for("ic", "cleanup step cleanup has not run yet"), 0ms) << tmux.screen("ic");
    tmux.keys("db", {"]"});
    ASSERT_GE(tmux.wait_for("db", "Drop the drill's marker table"), 0ms) << tmux.screen("db");
    tmux.keys("db", {"a"});
    ASSERT_GE(tmux.wait_for("db", "Run it now?"), 0ms) << tmux.screen("db");
    reads();
    tmux.keys("db", {"y"});
    ASSERT_TRUE(test::wait_until([&] { return sql_one(d.db, "SELECT count(*) FROM events WHERE kind = 'step.completed' AND step_id = 'cleanup'") == "1"; },
                                 30s))
        << tmux.screen("db");
    EXPECT_TRUE(d.marker_gone());
    ASSERT_GE(tmux.wait_for("ic", "completed cleanup"), 0ms) << "the IC's console sees it:\n" << tmux.screen("ic");
    tmux.keys("ic", {"r"});
    ASSERT_GE(tmux.wait_for("ic", "Summary:"), 0ms) << tmux.screen("ic");
    reads();
    tmux.keys("ic", {"-l", "promoted gracefully"});
    tmux.keys("ic", {"Enter"});
    ASSERT_GE(tmux.wait_for("ic", "Type resolve to end the incident"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"-l", "resolve"});
    tmux.keys("ic", {"Enter"});
    ASSERT_GE(tmux.wait_for("ic", "Write incident-1-report"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"n"});
    for (const char* who : {"ic", "db"}) {
        tmux.keys(who, {"q"});
        ASSERT_GE(tmux.wait_for(who, "EXIT=0"), 0ms) << tmux.screen(who);
    }

    nlohmann::json r = d.report();
    ASSERT_EQ(r["approvals"].size(), 1u);
    EXPECT_EQ(r["approvals"][0]["state"], "approved");
    EXPECT_EQ(r["approvals"][0]["approved_by"], "maria");
    EXPECT_EQ(r["approvals"][0]["requested_by"], "dmitri");
    ASSERT_EQ(r["waits"].size(), 2u) << r["waits"].dump(2);
    EXPECT_EQ(r["waits"][0]["mode"], "graceful");
    EXPECT_GE(r["waits"][0]["waited_s"].get<double>(), 3.0) << "it waited while replay was paused";
    EXPECT_NE(r["waits"][0]["values"].get<std::string>().find("pg-standby.lag_s is"), std::string::npos) << r["waits"][0];
    EXPECT_EQ(r["waits"][1]["mode"], "forced");
    EXPECT_EQ(r["waits"][1]["by"], "maria");
    EXPECT_GT(r["waits"][1]["waited_s"].get<double>(), 0.5) << "the time the DBA's console waited, not 0";
    EXPECT_EQ(r["waits"][1]["reason"], "one standby is all this drill has");
    ASSERT_EQ(r["values"].size(), 1u);
    EXPECT_EQ(r["values"][0]["value"], "INC-7");
    ASSERT_EQ(r["cleanup"].size(), 1u);
    EXPECT_EQ(r["cleanup"][0]["state"], "done");
    std::map<std::string, std::string> deviations;
    for (const auto& dev : r["deviations"]) deviations[dev["kind"].get<std::string>() + " " + dev["step"].get<std::string>()] = dev["detail"];
    ASSERT_TRUE(deviations.count("overdue declare")) << r["deviations"].dump(2);
    EXPECT_NE(deviations["overdue declare"].find("late (due=T+2s)"), std::string::npos);
    EXPECT_TRUE(deviations.count("forced repoint"));
    ASSERT_EQ(r["not_applicable"].size(), 1u);
    EXPECT_EQ(r["not_applicable"][0]["step"], "page-vendor");
    EXPECT_EQ(test::run_drconsole({"verify", "--db", d.db}).exit_code, 0);
}

TEST(CliControls, TheSameRunbookFromTheCommandLine) {
    Drill d;
    ASSERT_EQ(d.start().exit_code, 0);
    test::PgWriter writer(d.cluster.primary_dsn());
    auto refused = d.dr({"step", "declare", "done", "--as", "ic:maria"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("completing 'declare' records ticket: give it (--set NAME=VALUE)"), std::string::npos) << refused.err;
    ASSERT_EQ(d.dr({"step", "declare", "done", "--set", "ticket=INC-8", "--as", "ic:maria"}).exit_code, 0);
    EXPECT_NE(d.dr({"step", "page-vendor", "start", "--as", "ic:maria"}).err.find("a real-incident step (when=real)"), std::string::npos);

    ASSERT_EQ(d.dr({"step", "pg-promote", "start", "--as", "db:dmitri"}).exit_code, 0);
    auto early = d.dr({"step", "pg-promote", "run", "--as", "db:dmitri"});
    EXPECT_EQ(early.exit_code, 2);
    EXPECT_NE(early.err.find("waits for the approval of ic"), std::string::npos) << early.err;
    auto self = d.dr({"approve", "pg-promote", "--as", "ic:dmitri"});
    EXPECT_EQ(self.exit_code, 2);
    EXPECT_NE(self.err.find("the ic is maria now, not dmitri"), std::string::npos) << self.err;
    ASSERT_EQ(d.dr({"approve", "pg-promote", "--comment", "go", "--as", "ic:maria"}).exit_code, 0);

    // Graceful from the command line: it waits while replay is paused and prints the catch-up.
    d.cluster.sql(d.cluster.standby_port(), "SELECT pg_wal_replay_pause()");
    std::this_thread::sleep_for(1s);
    test::ProcessResult run;
    std::thread runner([&] { run = d.dr({"step", "pg-promote", "run", "--as", "db:dmitri"}); });
    ASSERT_TRUE(test::wait_until([&] { return d.kind_count("wait.started") == 1; }, 20s));
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(d.kind_count("action.started"), 0);
    d.cluster.sql(d.cluster.standby_port(), "SELECT pg_wal_replay_resume()");
    runner.join();
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("waiting (graceful): pg-standby.replay_paused is 1"), std::string::npos) << run.err;
    EXPECT_EQ(d.cluster.sql(d.cluster.standby_port(), "SELECT pg_is_in_recovery()"), "f");
    writer.stop();
    writer.join();

    // The repoint's wait times out (exit status 3, nothing ran); the IC forces it.
    auto timed_out = d.dr({"step", "repoint", "run", "--as", "db:dmitri"});
    EXPECT_EQ(timed_out.exit_code, 3) << timed_out.err;
    EXPECT_NE(timed_out.err.find("did not hold within 8s"), std::string::npos) << timed_out.err;
    EXPECT_EQ(d.dr({"step", "repoint", "run", "--force", "no", "--as", "db:dmitri"}).exit_code, 2) << "only the IC forces";
    auto forced = d.dr({"step", "repoint", "run", "--force", "one standby is all this drill has", "--as", "ic:maria"});
    EXPECT_EQ(forced.exit_code, 0) << forced.err;

    auto early_resolve = d.dr({"resolve", "done", "--as", "ic:maria"});
    EXPECT_EQ(early_resolve.exit_code, 2);
    EXPECT_NE(early_resolve.err.find("cleanup step cleanup has not run yet"), std::string::npos) << early_resolve.err;
    ASSERT_EQ(d.dr({"step", "cleanup", "run", "--as", "db:dmitri"}).exit_code, 0);
    EXPECT_TRUE(d.marker_gone());
    ASSERT_EQ(d.dr({"resolve", "done", "--as", "ic:maria"}).exit_code, 0);

    nlohmann::json r = d.report();
    EXPECT_EQ(r["approvals"][0]["comment"], "go");
    ASSERT_EQ(r["waits"].size(), 3u);
    EXPECT_EQ(r["waits"][0]["mode"], "graceful");
    EXPECT_EQ(r["waits"][2]["mode"], "forced");
    EXPECT_EQ(r["values"][0]["value"], "INC-8");
    auto md = test::run_drconsole({"report", "--db", d.db, "--format", "md"});
    for (const char* section : {"## Approvals", "## Graceful or forced", "## Recorded values", "## Cleanup"})
        EXPECT_NE(md.out.find(section), std::string::npos) << section;
    ASSERT_EQ(r["incident"]["includes"].size(), 1u);
    EXPECT_EQ(r["incident"]["includes"][0]["sha256"], sha256_hex(kProcedure)) << "the procedure as it was at the start";
    EXPECT_NE(md.out.find("- Included: " + (d.dir / "procedures/promote.md").string()), std::string::npos) << md.out;
}

// One command reads the gate once: a standby read before its primary has no lag yet, so the
// command waits for the reading that has one, and a healthy pair passes without an override.
TEST(CliControls, AGateOnTheStandbysLagPassesFromTheCommandLineOnAHealthyPair) {
    Drill d;
    std::string steps;
    for (int i = 1; i <= 3; ++i) steps += fmt::format("- [ ] Check the standby {} {{#check-{} role=db gate=\"pg-standby.lag_s < 60s\"}}\n", i, i);
    auto rb = d.dir.write("gate.md", "# Gate\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n| db | DBRE |\n\n## Promote\n" + steps +
                                         "- [ ] Check it has caught up {#caught-up role=db gate=\"pg-standby.lag_s < 0s\"}\n");
    ASSERT_EQ(test::run_drconsole({"start", "--db", d.db, "--runbook", rb.string(), "--env", d.env.string(), "--mode", "drill", "--roster",
                                   "ic=maria,db=dmitri", "--as", "ic:maria"}).exit_code, 0);
    for (int i = 1; i <= 3; ++i) {
        auto done = d.dr({"step", fmt::format("check-{}", i), "done", "--as", "db:dmitri"});
        EXPECT_EQ(done.exit_code, 0) << done.err;
    }
    // A gate that cannot hold is refused with the lag read, not with "unknown".
    auto refused = d.dr({"step", "caught-up", "done", "--as", "db:dmitri"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("gate fail: pg-standby.lag_s is "), std::string::npos) << refused.err;
}

TEST(ConsoleControls, AConfirmedStepReadsItsGateAgainWhenTheAnswerComesNotWhenTheQuestionOpened) {
    test::HttpServer api;
    std::atomic<int> status{200};
    api.handle([&](const std::string&) { return std::pair{status.load(), std::string("ok")}; });
    test::TempDir dir;
    auto env = dir.write("env.jsonc", R"({"targets": {"api": {"type": "http", "url": ")" + api.url("/healthz") + R"(", "interval": "200ms"}}})");
    auto rb = dir.write("rb.md", R"(# Gate at the instant

| Role | Owner |
|------|-------|
| ic   | SRE   |
| app  | TL    |

## Resume {kind=verify}
- [ ] Lift the order freeze {#lift role=app gate="api.status == 200" confirm="Lift the freeze now?"}
)");
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", rb.string(), "--env", env.string(), "--mode", "drill", "--roster",
                                   "ic=maria,app=kwame", "--as", "ic:maria"}).exit_code, 0);
    test::Tmux tmux(dir.path());
    tmux.start("app", fmt::format("LANG=C.UTF-8 {} open --db {} --as app:kwame; echo EXIT=$?; sleep 30", DRCONSOLE_BIN, db), 140, 40);
    ASSERT_GE(tmux.wait_for("app", "gate ok"), 0ms) << tmux.screen("app");
    tmux.keys("app", {"Enter"});
    ASSERT_GE(tmux.wait_for("app", "started lift"), 0ms) << tmux.screen("app");
    tmux.keys("app", {"Enter"});
    ASSERT_GE(tmux.wait_for("app", "Lift the freeze now?"), 0ms) << "the gate passed when the question opened:\n" << tmux.screen("app");
    status = 503;  // the API goes down while the question is on the screen
    ASSERT_GE(tmux.wait_for("app", "HTTP 503"), 0ms) << tmux.screen("app");
    reads();
    tmux.keys("app", {"y"});
    ASSERT_GE(tmux.wait_for("app", "refused: gate fail: api.status is 503"), 0ms) << tmux.screen("app");
    EXPECT_EQ(sql_one(db, "SELECT count(*) FROM events WHERE kind = 'step.completed'"), "0") << "nothing completed on a gate that no longer holds";
    status = 200;
    ASSERT_GE(tmux.wait_for("app", "pass: api.status is 200"), 0ms) << tmux.screen("app");
    tmux.keys("app", {"Enter"});
    ASSERT_GE(tmux.wait_for("app", "Lift the freeze now?"), 0ms) << tmux.screen("app");
    reads();
    tmux.keys("app", {"y"});
    ASSERT_TRUE(test::wait_until([&] { return sql_one(db, "SELECT count(*) FROM events WHERE kind = 'step.completed'") == "1"; }, 10s))
        << tmux.screen("app");
}
