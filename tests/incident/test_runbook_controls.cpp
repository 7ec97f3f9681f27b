// The runbook's controls as rules: approvals by another person, values recorded on completion,
// steps of one mode only, cleanup before resolve, time budgets. Each test fails if its rule goes.
#include <gtest/gtest.h>

#include "drconsole/deadlines.h"
#include "drconsole/incident.h"
#include "drconsole/measure.h"
#include "drconsole/report.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

constexpr const char* kControls = R"(# Controls

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |

| Role   | Who  |
|--------|------|
| ic     | IC   |
| db     | DBA  |
| scribe | Notes|

## Detect
- [ ] Declare SEV-1 {#declare role=ic due=T+5m}
- [ ] Break the primary {#break-primary role=ic when=drill}
- [ ] Page the database vendor {#page-vendor role=ic when=real}

## Promote
- [ ] Promote the standby {#promote role=db restores=postgres approve=ic approve_timeout=10m requires="lsn, ticket" budget=2m}

## Repoint
- [ ] Repoint the apps once the standby caught up {#repoint role=db wait="pg.lag_s < 1s" wait_timeout=2m}
  ```run
  true
  ```

## Verify
- [ ] Drop the drill's test tables {#drop-drill-state role=db always}
)";

std::shared_ptr<const Runbook> controls_runbook() {
    auto r = parse_runbook(kControls, "controls.md");
    if (!r.runbook)
        for (const auto& d : r.diagnostics) ADD_FAILURE() << d.str();
    return r.runbook;
}

class Controls : public ::testing::Test {
protected:
    explicit Controls(const std::string& mode = "drill") : journal(dir / "j.db", clock), incident(start(mode)) {}

    Incident start(const std::string& mode) {
        StartRequest req;
        req.runbook = controls_runbook();
        req.mode = mode;
        req.actor = ic;
        req.roster = {{"ic", "alice"}, {"db", "bob"}, {"scribe", "carol"}};
        return Incident::start(journal, req);
    }

    template <typename F>
    std::string refused(F&& command) {
        std::size_t before = journal.events(incident.id()).size();
        try {
            command();
        } catch (const RuleViolation& e) {
            EXPECT_EQ(journal.events(incident.id()).size(), before) << "a refusal recorded something";
            return e.what();
        }
        ADD_FAILURE() << "the command was allowed";
        return "";
    }

    const std::map<std::string, std::string> kValues{{"lsn", "0/3000060"}, {"ticket", "INC-42"}};
    test::TempDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    Journal journal;
    Actor ic{"ic", "alice"};
    Actor db{"db", "bob"};
    Incident incident;
};

class RealControls : public Controls {
protected:
    RealControls() : Controls("real") {}
};

}  // namespace

TEST_F(Controls, AStepThatAsksForApprovalCompletesOnlyOnceAnotherPersonApproved) {
    incident.start_step("promote", db);
    std::string why = refused([&] { incident.complete_step("promote", db, kValues); });
    EXPECT_NE(why.find("waits for the approval of ic"), std::string::npos) << why;
    incident.approve_step("promote", "lag 0.2 s, go", ic);
    EXPECT_EQ(incident.state().step("promote").approved_by->person, "alice");
    incident.complete_step("promote", db, kValues);
    EXPECT_EQ(incident.state().step("promote").status, StepStatus::done);
}

TEST_F(Controls, TheApproverHoldsTheRoleAndIsNotWhoAsked) {
    incident.start_step("promote", db);
    EXPECT_NE(refused([&] { incident.approve_step("promote", "", Actor{"db", "bob"}); }).find("only the ic approves"), std::string::npos);
    EXPECT_NE(refused([&] { incident.approve_step("promote", "", Actor{"ic", "dave"}); }).find("the ic is alice now, not dave"), std::string::npos);
    // The IC who started the step on the DBA's behalf cannot approve it too.
    incident.unstart_step("promote", "", db);
    incident.start_step("promote", Actor{"ic", "alice"});
    std::string why = refused([&] { incident.approve_step("promote", "", ic); });
    EXPECT_NE(why.find("alice asked for this approval"), std::string::npos) << why;
}

TEST_F(Controls, ThePersonWhoCarriesTheStepOutCannotApproveIt) {
    incident.assign_role("db", "alice", ic);  // alice now holds both roles
    incident.start_step("promote", Actor{"db", "alice"});
    incident.assign_role("db", "bob", ic);
    incident.assign_role("ic", "bob", Actor{"ic", "alice"});  // bob is IC and DBA
    std::string why = refused([&] { incident.approve_step("promote", "", Actor{"ic", "bob"}); });
    EXPECT_NE(why.find("bob holds db, the role that carries out 'promote'"), std::string::npos) << why;
}

TEST_F(Controls, AnApprovalIsAskedForByStartingTheStep) {
    EXPECT_NE(refused([&] { incident.approve_step("promote", "", ic); }).find("not started: its start asks for the approval"), std::string::npos);
    EXPECT_NE(refused([&] { incident.approve_step("declare", "", ic); }).find("asks for no approval"), std::string::npos);
}

TEST_F(Controls, AnApprovalThatDoesNotComeInTimeIsRecordedAsTimedOut) {
    incident.start_step("promote", db);
    clock->advance_us(9LL * 60 * 1'000'000);
    EXPECT_TRUE(incident.expire_approvals(ic).empty()) << "not yet due";
    clock->advance_us(2LL * 60 * 1'000'000);
    std::string why = refused([&] { incident.approve_step("promote", "", ic); });
    EXPECT_NE(why.find("timed out"), std::string::npos) << why;
    auto expired = incident.expire_approvals(ic);
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0].kind, "approval.expired");
    const StepState& st = incident.state().step("promote");
    EXPECT_EQ(st.status, StepStatus::failed);
    EXPECT_TRUE(st.approval_expired);
    EXPECT_EQ(st.reason, "no approval by ic within 10m");
    // Reopening asks again, with a fresh clock.
    incident.reopen_step("promote", "the IC was on the bridge", db);
    incident.start_step("promote", db);
    incident.approve_step("promote", "", ic);
    EXPECT_TRUE(incident.expire_approvals(ic).empty());
}

TEST_F(Controls, CompletingAStepRecordsTheValuesItRequires) {
    incident.start_step("promote", db);
    incident.approve_step("promote", "", ic);
    std::string why = refused([&] { incident.complete_step("promote", db, {{"lsn", "0/3000060"}}); });
    EXPECT_NE(why.find("records lsn and ticket: give it"), std::string::npos) << why;
    why = refused([&] { incident.complete_step("promote", db, {{"lsn", "0/3000060"}, {"ticket", " "}}); });
    EXPECT_NE(why.find("ticket"), std::string::npos) << why;
    why = refused([&] { incident.complete_step("promote", db, {{"lsn", "1"}, {"ticket", "2"}, {"colour", "red"}}); });
    EXPECT_NE(why.find("does not record a value 'colour'"), std::string::npos) << why;
    Event e = incident.complete_step("promote", db, kValues);
    EXPECT_EQ(e.payload["values"]["lsn"], "0/3000060");
    EXPECT_EQ(incident.state().step("promote").values.at("ticket"), "INC-42");
    EXPECT_EQ(describe(e), "completed promote (lsn=0/3000060, ticket=INC-42)");
}

TEST_F(Controls, AStepOfTheOtherModeIsNotPartOfTheIncident) {
    EXPECT_EQ(incident.state().step("page-vendor").status, StepStatus::not_applicable);
    EXPECT_EQ(incident.state().step("break-primary").status, StepStatus::pending);
    EXPECT_NE(refused([&] { incident.start_step("page-vendor", ic); }).find("a real-incident step"), std::string::npos);
}

TEST_F(RealControls, ADrillOnlyStepIsNotPartOfARealIncident) {
    EXPECT_EQ(incident.state().step("break-primary").status, StepStatus::not_applicable);
    EXPECT_EQ(incident.state().step("page-vendor").status, StepStatus::pending);
    EXPECT_NE(refused([&] { incident.complete_step("break-primary", ic); }).find("a drill-only step (when=drill)"), std::string::npos);
}

TEST_F(Controls, CleanupRunsBeforeTheIncidentIsResolved) {
    std::string why = refused([&] { incident.resolve("done", ic); });
    EXPECT_NE(why.find("cleanup step drop-drill-state has not run yet"), std::string::npos) << why;
    incident.complete_step("drop-drill-state", db);
    incident.resolve("done", ic);
    EXPECT_TRUE(incident.state().resolved());
}

TEST_F(Controls, CleanupThatFailedLetsItResolveOnlyWithTheICsReason) {
    incident.fail_step("drop-drill-state", "the test tables are locked", db);
    std::string why = refused([&] { incident.resolve("done", ic); });
    EXPECT_NE(why.find("cleanup did not complete (drop-drill-state failed)"), std::string::npos) << why;
    incident.resolve("done", ic, std::nullopt, "tables dropped by hand after the drill, ticket DBA-7");
    EXPECT_EQ(incident.state().cleanup_reason, "tables dropped by hand after the drill, ticket DBA-7");
}

TEST_F(Controls, AStepPastItsDeadlineIsOverdueAndAReportDeviation) {
    // due=T+5m: T0 is the start until the fault is injected.
    clock->advance_us(7LL * 60 * 1'000'000);
    auto deadlines = step_deadlines(incident.state());
    auto declare = std::find_if(deadlines.begin(), deadlines.end(), [](const StepDeadline& d) { return d.step == "declare"; });
    ASSERT_NE(declare, deadlines.end());
    EXPECT_EQ(declare->late_us(clock->wall_us()), 2LL * 60 * 1'000'000);
    EXPECT_EQ(declare->basis, "due=T+5m");
    // budget=2m from the phase's start: unknown until a step of the phase starts.
    EXPECT_EQ(std::count_if(deadlines.begin(), deadlines.end(), [](const StepDeadline& d) { return d.step == "promote"; }), 0);
    incident.complete_step("declare", ic);
    incident.start_step("promote", db);
    clock->advance_us(3LL * 60 * 1'000'000);
    incident.approve_step("promote", "", ic);
    incident.complete_step("promote", db, kValues);
    incident.complete_step("drop-drill-state", db);
    incident.resolve("done", ic);
    nlohmann::json report = build_report(journal, incident.id());
    std::vector<std::string> overdue;
    for (const auto& d : report["deviations"])
        if (d["kind"] == "overdue") overdue.push_back(d["step"].get<std::string>() + ": " + d["detail"].get<std::string>());
    ASSERT_EQ(overdue.size(), 2u) << report["deviations"].dump(2);
    EXPECT_EQ(overdue[0], "declare: ended 2m00s late (due=T+5m)");
    EXPECT_EQ(overdue[1].rfind("promote: ended 1m00s late (budget=2m from the start of phase Promote", 0), 0u) << overdue[1];
}

TEST_F(Controls, TheReportListsApprovalsValuesAndCleanup) {
    incident.start_step("promote", db);
    clock->advance_us(30'000'000);
    incident.approve_step("promote", "lag 0.2 s", ic);
    incident.complete_step("promote", db, kValues);
    incident.fail_step("drop-drill-state", "locked", db);
    incident.resolve("done", ic, std::nullopt, "dropped by hand");
    nlohmann::json r = build_report(journal, incident.id());
    ASSERT_EQ(r["approvals"].size(), 1u);
    EXPECT_EQ(r["approvals"][0]["state"], "approved");
    EXPECT_EQ(r["approvals"][0]["approved_by"], "alice");
    EXPECT_EQ(r["approvals"][0]["requested_by"], "bob");
    EXPECT_EQ(r["approvals"][0]["waited_s"], 30.0);
    ASSERT_EQ(r["values"].size(), 2u);
    EXPECT_EQ(r["values"][0]["value"], "0/3000060");
    ASSERT_EQ(r["cleanup"].size(), 1u);
    EXPECT_EQ(r["cleanup"][0]["state"], "failed");
    std::string md = render_markdown(r);
    EXPECT_NE(md.find("## Approvals"), std::string::npos);
    EXPECT_NE(md.find("| `promote` | lsn | 0/3000060 | bob |"), std::string::npos) << md;
    EXPECT_NE(md.find("Resolved with cleanup incomplete: dropped by hand"), std::string::npos);
    std::string html = render_html(r);
    EXPECT_NE(html.find("<h2>Cleanup</h2>"), std::string::npos);
}

TEST_F(Controls, AStepThatWaitsRunsItsActionOnlyOnceTheConditionHeldOrTheICForcedIt) {
    incident.start_step("repoint", db);
    auto why = incident.why_not({std::string(event_kind::action_started), db, "repoint", {}});
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("runs once pg.lag_s < 1s holds (graceful)"), std::string::npos) << *why;
    incident.wait_started("repoint", {{"condition", "pg.lag_s < 1s"}}, db);
    EXPECT_TRUE(incident.state().step("repoint").waiting);
    // A wait whose console died is taken over by a new one.
    incident.wait_started("repoint", {{"condition", "pg.lag_s < 1s"}}, db);
    EXPECT_TRUE(incident.state().step("repoint").waiting);
    incident.wait_ended("repoint", {{"outcome", "timed_out"}, {"live", nlohmann::json::array({{{"reason", "pg.lag_s is 4, needs < 1s"}}})}}, db);
    EXPECT_TRUE(incident.why_not({std::string(event_kind::action_started), db, "repoint", {}})) << "a timed-out wait runs nothing";
    // Forced: the IC only, with a reason; then the action may start.
    EXPECT_NE(refused([&] { incident.wait_ended("repoint", {{"outcome", "forced"}, {"reason", "go"}}, db); }).find("only the IC"),
              std::string::npos);
    EXPECT_NE(refused([&] { incident.wait_ended("repoint", {{"outcome", "forced"}}, ic); }).find("a reason is required to force it"),
              std::string::npos);
    EXPECT_NE(refused([&] { incident.wait_ended("repoint", {{"outcome", "held"}}, db); }).find("not waiting"), std::string::npos);
    incident.wait_ended("repoint", {{"outcome", "forced"}, {"reason", "the region is gone: accept the loss"}, {"condition", "pg.lag_s < 1s"},
                                    {"live", nlohmann::json::array({{{"reason", "pg.lag_s is 4, needs < 1s"}}})}},
                        ic);
    EXPECT_FALSE(incident.why_not({std::string(event_kind::action_started), db, "repoint", {}}));
    incident.action_started("repoint", {{"kind", "run"}}, db);
    incident.action_finished("repoint", {{"ok", false}, {"error", "exit 1"}}, db);
    EXPECT_TRUE(incident.why_not({std::string(event_kind::action_started), db, "repoint", {}})) << "a second run waits again";
    incident.complete_step("drop-drill-state", db);
    incident.fail_step("repoint", "apps did not restart", db);
    incident.resolve("done", ic);
    nlohmann::json r = build_report(journal, incident.id());
    ASSERT_EQ(r["waits"].size(), 2u) << r["waits"].dump(2);
    EXPECT_EQ(r["waits"][0]["mode"], "timed out");
    EXPECT_EQ(r["waits"][1]["mode"], "forced");
    EXPECT_EQ(r["waits"][1]["values"], "pg.lag_s is 4, needs < 1s");
    bool forced = false;
    for (const auto& d : r["deviations"]) forced = forced || (d["kind"] == "forced" && d["detail"].get<std::string>().find("accept the loss") != std::string::npos);
    EXPECT_TRUE(forced) << r["deviations"].dump(2);
    EXPECT_NE(render_markdown(r).find("## Graceful or forced"), std::string::npos);
}
