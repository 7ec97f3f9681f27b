// One path: the same walk through the command line and through the console records the same
// events — kinds, actors, gate evidence with the live value, preflight records — on a real
// PostgreSQL pair whose standby's replay is paused (preflight fails) and an API that is down
// (its gate fails). Fails if the front ends drift apart again.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/journal.h"
#include "support/http_server.h"
#include "support/pg_cluster.h"
#include "tui/console_run.h"

using namespace drconsole;

namespace {

constexpr const char* kRunbook = R"(# One path drill

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |

| Role | Owner |
|------|-------|
| ic   | SRE   |
| db   | DBRE  |

## Promote {kind=promote}
- [ ] Check the API {#api-up role=db gate="api.up == 1"}
  ```run
  true
  ```
- [ ] Promote the standby {#promote role=db restores=postgres rpo=pg-standby}
  ```sql target=pg-standby
  SELECT pg_promote() WHERE 1 = 0;
  ```
- [ ] Take an extra backup {#extra role=db}
)";

// What must agree between the two journals: every event people made, in order, without times.
std::vector<nlohmann::json> walk_of(const std::filesystem::path& db) {
    std::vector<nlohmann::json> out;
    for (const auto& e : Journal(db).events(1)) {
        if (e.kind == "incident.started" || e.kind == "role.assigned" || e.kind == "samples.recorded") continue;
        nlohmann::json row = {{"kind", e.kind}, {"actor", e.actor.role + ":" + e.actor.person}, {"step", e.step}};
        if (e.kind == "gate.overridden") {
            row["reason"] = e.payload["reason"];
            for (const auto& c : e.payload["live"]) row["live"].push_back({{"outcome", c["outcome"]}, {"value", c["value"]}});
        }
        if (e.kind == "preflight.checked") {
            row["failed"] = e.payload["failed"];
            row["overridden"] = e.payload.value("overridden", "");
            for (const auto& c : e.payload["checks"])
                if (c["outcome"] == "fail") row["failed_checks"].push_back(c["check"]);
        }
        if (e.kind == "action.finished") row["ok"] = e.payload["ok"];
        if (e.kind == "step.skipped" || e.kind == "incident.resolved") row["text"] = e.payload.value("reason", e.payload.value("summary", ""));
        out.push_back(row);
    }
    return out;
}

}  // namespace

TEST(OnePath, TheCommandLineAndTheConsoleRecordTheSameWalk) {
    test::PgCluster cluster;
    cluster.sql(cluster.standby_port(), "SELECT pg_wal_replay_pause()");
    test::TempDir dir;
    auto env = dir.write("env.jsonc", fmt::format(R"({{"targets": {{
  "pg-primary": {{"type": "postgres", "dsn": "{}", "role": "primary", "interval": "200ms"}},
  "pg-standby": {{"type": "postgres", "dsn": "{}", "role": "standby", "primary": "pg-primary", "interval": "200ms"}},
  "api": {{"type": "http", "url": "http://127.0.0.1:{}/healthz", "interval": "200ms", "deadline": "500ms"}}
}}}})", cluster.primary_dsn(), cluster.standby_dsn(), test::closed_port()));
    auto runbook = dir.write("rb.md", kRunbook);
    auto start = [&](const std::string& name) {
        auto r = test::run_drconsole({"start", "--db", (dir / name).string(), "--runbook", runbook.string(), "--env", env.string(),
                                      "--mode", "drill", "--roster", "ic=maria,db=dmitri", "--as", "ic:maria"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    };

    // The command line.
    start("cli.db");
    std::string db = (dir / "cli.db").string();
    auto cli = [&](std::vector<std::string> args) {
        args.insert(args.begin() + 1, {"--db", db});
        args.insert(args.end(), {"--as", "ic:maria"});
        return test::run_drconsole(args);
    };
    auto refused_gate = cli({"step", "api-up", "run"});
    EXPECT_EQ(refused_gate.exit_code, 2) << refused_gate.err;
    EXPECT_NE(refused_gate.err.find("--override"), std::string::npos) << refused_gate.err;
    EXPECT_EQ(cli({"step", "api-up", "run", "--override", "checked by hand"}).exit_code, 0);
    auto refused_preflight = cli({"step", "promote", "run"});
    EXPECT_EQ(refused_preflight.exit_code, 2) << refused_preflight.err;
    EXPECT_NE(refused_preflight.err.find("preflight failed"), std::string::npos) << refused_preflight.err;
    auto overridden = cli({"step", "promote", "run", "--override", "replay paused on purpose"});
    EXPECT_EQ(overridden.exit_code, 0) << overridden.err;
    EXPECT_EQ(cli({"step", "extra", "skip", "--reason", "no time"}).exit_code, 0);
    EXPECT_EQ(cli({"resolve", "done"}).exit_code, 0);

    // The console, by keys: the same walk.
    start("j.db");
    auto keys = "<WaitFor api.up is 0>\n"
                "g<WaitFor Reason:>checked by hand<Enter>y\n"
                "a<WaitFor Run it now>y<WaitFor action of api-up succeeded>\n"
                "a<WaitFor Type promote to run it>y<Enter><WaitFor type promote exactly>\n<Backspace>promote<Enter><WaitFor preflight failed>\n"
                "g<WaitFor Reason:>replay paused on purpose<Enter>y<WaitFor action of promote succeeded>\n"
                "s<WaitFor Reason:>no time<Enter>y\n"
                "r<WaitFor Summary:>done<Enter><WaitFor Type resolve>resolve<Enter><WaitFor Write the report>n\n";
    auto r = test::run_drconsole({"open", "--db", (dir / "j.db").string(), "--keys", dir.write("keys.txt", keys).string(), "--size",
                                  "120x40", "--dump-screen", (dir / "screen.txt").string(), "--as", "ic:maria"});
    ASSERT_EQ(r.exit_code, 0) << r.err << test::slurp(dir / "screen.txt");

    auto by_cli = walk_of(dir / "cli.db"), by_console = walk_of(dir / "j.db");
    EXPECT_EQ(nlohmann::json(by_console).dump(1), nlohmann::json(by_cli).dump(1));
    // And the walk is what was meant: the live value of the failing gate, a failed preflight on
    // record before the override, the actor who acted.
    ASSERT_GE(by_cli.size(), 12u) << nlohmann::json(by_cli).dump(1);
    EXPECT_EQ(by_cli[0]["kind"], "gate.overridden");
    EXPECT_EQ(by_cli[0]["live"][0]["value"], 0.0) << "api.up read 0 on the down API";
    EXPECT_EQ(by_cli[5]["kind"], "preflight.checked");
    EXPECT_EQ(by_cli[5]["failed"], true);
    EXPECT_EQ(by_cli[5]["overridden"], "");
    EXPECT_EQ(by_cli[6]["overridden"], "replay paused on purpose");
    for (const auto& e : by_cli) EXPECT_EQ(e["actor"], "ic:maria") << e.dump();
}
