// Reading valid runbooks: the model the engine runs must be what a reviewer sees.
#include <filesystem>

#include <gtest/gtest.h>

#include "drconsole/runbook.h"
#include "support/process.h"

using namespace drconsole;

namespace {

const char* kRunbook = R"(# Region failover: primary → secondary

Scenario: loss of the primary region. Severity: SEV-1. Comms every 15 min.

| Component | RPO | RTO   |
|-----------|-----|-------|
| postgres  | 60s | 10m   |
| kafka     | 30s | 1h30m |
| service   | -   | 15m   |

## Detect
- [ ] Confirm primary health checks failing {#confirm-outage role=ic gate="pg-primary.up == 0 for 3m"}
- [x] Declare SEV-1, open the bridge {role=ic}
  Use the **bridge** in #inc-dr.
  - page the DB lead

  Keep the timeline.

## Stabilise {kind=promote}
- [ ] Promote the PostgreSQL standby {#pg-promote role=db restores=postgres rpo=pg-standby timeout=90s confirm="Sure?"}
  ```sql target=pg-standby
  SELECT pg_promote(wait => true, wait_seconds => 60);
  ```
- [ ] Stop the mirror {role=messaging restores=kafka,service}
  ```run
  kubectl scale deployment/mirrormaker2 --replicas=0
  ```
- [ ] Call the admin API {role=db}
  ```http target=api
  POST /admin/freeze
  ```
- plain bullet note
)";

RunbookResult parse(const std::string& text) { return parse_runbook(text, "test.md"); }

}  // namespace

TEST(RunbookParser, ReadsTitleSummaryAndObjectives) {
    auto r = parse(kRunbook);
    ASSERT_TRUE(r.runbook) << (r.diagnostics.empty() ? "" : r.diagnostics[0].str());
    const Runbook& rb = *r.runbook;
    EXPECT_EQ(rb.title, "Region failover: primary → secondary");
    EXPECT_EQ(rb.severity, "SEV-1");
    ASSERT_TRUE(rb.comms_every);
    EXPECT_EQ(*rb.comms_every, Millis(900'000));
    ASSERT_EQ(rb.objectives.size(), 3u);
    EXPECT_EQ(rb.objectives[0].component, "postgres");
    EXPECT_EQ(*rb.objectives[0].rpo, Millis(60'000));
    EXPECT_EQ(*rb.objectives[1].rto, Millis(5'400'000));
    EXPECT_FALSE(rb.objectives[2].rpo);  // "-": no data objective for the service
    EXPECT_EQ(rb.objectives[2].pos.line, 9);
    EXPECT_EQ(rb.sha256.size(), 64u);
}

TEST(RunbookParser, ReadsPhasesWithTheirKinds) {
    auto r = parse(kRunbook);
    ASSERT_TRUE(r.runbook);
    ASSERT_EQ(r.runbook->phases.size(), 2u);
    EXPECT_EQ(r.runbook->phases[0].name, "Detect");
    EXPECT_EQ(r.runbook->phases[0].kind, PhaseKind::detect);
    EXPECT_EQ(r.runbook->phases[1].name, "Stabilise");
    EXPECT_EQ(r.runbook->phases[1].kind, PhaseKind::promote);
    EXPECT_EQ(r.runbook->step_count(), 5u);
}

TEST(RunbookParser, ReadsStepAttributesDetailsAndActions) {
    auto r = parse(kRunbook);
    ASSERT_TRUE(r.runbook);
    const Step* outage = r.runbook->find_step("confirm-outage");
    ASSERT_TRUE(outage);
    EXPECT_EQ(outage->text, "Confirm primary health checks failing");
    EXPECT_EQ(outage->role, "ic");
    ASSERT_TRUE(outage->gate);
    EXPECT_EQ(outage->gate->all_of[0].target, "pg-primary");
    EXPECT_EQ(outage->pos.line, 12);
    EXPECT_EQ(outage->pos.column, 7);

    const Step* declare = r.runbook->find_step("declare-sev-1-open-the-bridge");
    ASSERT_TRUE(declare);
    EXPECT_TRUE(declare->checked);
    std::vector<std::string> details{"Use the **bridge** in #inc-dr.", "", "- page the DB lead", "", "Keep the timeline."};
    EXPECT_EQ(declare->details, details);

    const Step* promote = r.runbook->find_step("pg-promote");
    ASSERT_TRUE(promote);
    EXPECT_EQ(promote->restores, std::vector<std::string>{"postgres"});
    EXPECT_EQ(promote->rpo_target, "pg-standby");
    EXPECT_EQ(*promote->timeout, Millis(90'000));
    EXPECT_EQ(promote->confirm, "Sure?");
    ASSERT_TRUE(promote->action);
    EXPECT_EQ(promote->action->kind, ActionKind::sql);
    EXPECT_EQ(promote->action->target, "pg-standby");
    EXPECT_EQ(promote->action->body, "SELECT pg_promote(wait => true, wait_seconds => 60);\n");

    const Step* mirror = r.runbook->find_step("stop-the-mirror");
    ASSERT_TRUE(mirror);
    EXPECT_EQ(mirror->restores, (std::vector<std::string>{"kafka", "service"}));
    EXPECT_EQ(mirror->action->kind, ActionKind::run);
    EXPECT_EQ(r.runbook->find_step("call-the-admin-api")->action->kind, ActionKind::http);
}

TEST(RunbookParser, RolesComeFromStepsWhenNoRolesTable) {
    auto r = parse(kRunbook);
    ASSERT_TRUE(r.runbook);
    EXPECT_EQ(r.runbook->roles, (std::vector<std::string>{"ic", "db", "messaging"}));
    EXPECT_FALSE(r.runbook->roles_declared);
}

TEST(RunbookParser, SoftProblemsAreWarningsNotErrors) {
    auto r = parse("# T\n\n## Verify\n- [ ] Look at the dashboards\n- a plain bullet\n");
    ASSERT_TRUE(r.runbook);
    std::vector<std::string> lines;
    for (const auto& d : r.diagnostics) lines.push_back(d.str());
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "test.md:1:1: warning: no objectives table ('Component | RPO | RTO'): achieved RPO/RTO will not be judged",
                         "test.md:4:7: warning: step 'look-at-the-dashboards' has no owner role: add {role=…}",
                         "test.md:5:1: warning: list item is not a task ('- [ ] …'), so it is not a step",
                     }));
}

TEST(StepIds, DerivedIdsAreStableAndReadable) {
    EXPECT_EQ(derive_step_id("Promote the PostgreSQL standby"), "promote-the-postgresql-standby");
    EXPECT_EQ(derive_step_id("Declare SEV-1, open the bridge"), "declare-sev-1-open-the-bridge");
    EXPECT_EQ(derive_step_id("Run `pg_ctl promote` now!"), "run-pg-ctl-promote-now");
    EXPECT_EQ(derive_step_id("Promote the PostgreSQL standby"), derive_step_id("Promote the PostgreSQL standby"));
    std::string longer = derive_step_id("Confirm that the primary region health checks have been failing for at least three minutes");
    EXPECT_LE(longer.size(), 48u);
    EXPECT_EQ(longer, "confirm-that-the-primary-region-health-checks");
    std::string unicode = derive_step_id("→ ✓");
    EXPECT_EQ(unicode.rfind("step-", 0), 0u);
    EXPECT_EQ(unicode.size(), 13u);
    EXPECT_NE(unicode, derive_step_id("✓ →"));
}

TEST(ShippedRunbooks, AllValidateWithoutErrorsOrWarnings) {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(test::source_path("checklists"))) {
        if (entry.path().extension() != ".md") continue;
        RunbookResult r = load_runbook(entry.path());
        ASSERT_TRUE(r.runbook) << entry.path() << ": " << (r.diagnostics.empty() ? "" : r.diagnostics[0].str());
        EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics[0].str();
        EXPECT_GE(r.runbook->phases.size(), 4u) << entry.path();
        EXPECT_FALSE(r.runbook->objectives.empty()) << entry.path();
        EXPECT_TRUE(r.runbook->roles_declared) << entry.path();
        ++count;
    }
    EXPECT_GE(count, 4u);
}

TEST(ShippedRunbooks, RegionFailoverHasTheIssuedObjectives) {
    RunbookResult r = load_runbook(test::source_path("checklists/region-failover.md"));
    ASSERT_TRUE(r.runbook);
    EXPECT_EQ(*r.runbook->objective("postgres")->rpo, Millis(60'000));
    EXPECT_EQ(*r.runbook->objective("postgres")->rto, Millis(600'000));
    EXPECT_EQ(*r.runbook->objective("kafka")->rpo, Millis(30'000));
    EXPECT_EQ(*r.runbook->objective("kafka")->rto, Millis(480'000));
    EXPECT_EQ(*r.runbook->objective("service")->rto, Millis(900'000));
    std::vector<PhaseKind> kinds;
    for (const auto& p : r.runbook->phases) kinds.push_back(p.kind);
    for (PhaseKind k : {PhaseKind::detect, PhaseKind::promote, PhaseKind::repoint, PhaseKind::verify, PhaseKind::failback})
        EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << to_string(k);
}

TEST(Parser, AFaultStepNeedsAnActionAndARunbookHasOne) {
    auto doc = [](const std::string& steps) {
        return "# Drill\n\n| Component | RPO | RTO |\n|---|---|---|\n| postgres | 60s | 10m |\n\n## Detect\n" + steps +
               "- [ ] Promote {#promote role=db restores=postgres}\n";
    };
    auto ok = parse_runbook(doc("- [ ] Stop the primary {#stop role=ic fault}\n  ```run\n  /bin/true\n  ```\n"), "ok.md");
    ASSERT_TRUE(ok.runbook);
    EXPECT_TRUE(ok.runbook->find_step("stop")->fault);
    EXPECT_FALSE(ok.runbook->find_step("promote")->fault);

    auto no_action = parse_runbook(doc("- [ ] Stop the primary {#stop role=ic fault}\n"), "no-action.md");
    ASSERT_FALSE(no_action.runbook);
    EXPECT_NE(no_action.diagnostics.front().message.find("this step has no action"), std::string::npos);

    auto two = parse_runbook(doc("- [ ] Stop one {#one role=ic fault}\n  ```run\n  /bin/true\n  ```\n"
                                 "- [ ] Stop two {#two role=ic fault}\n  ```run\n  /bin/true\n  ```\n"),
                             "two.md");
    ASSERT_FALSE(two.runbook);
    EXPECT_NE(two.diagnostics.front().message.find("a drill has one fault: step 'one' already has 'fault'"), std::string::npos);

    auto valued = parse_runbook(doc("- [ ] Stop {#stop role=ic fault=yes}\n  ```run\n  /bin/true\n  ```\n"), "valued.md");
    ASSERT_FALSE(valued.runbook);
    EXPECT_NE(valued.diagnostics.front().message.find("'fault' takes no value"), std::string::npos);
}
