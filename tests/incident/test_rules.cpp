// Each rule of the incident engine: a test that fails if the rule is removed.
#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

class Rules : public ::testing::Test {
protected:
    Rules() : journal(dir / "j.db", clock), incident(Incident::start(journal, test::drill_request())) {}

    // A refused command records nothing.
    template <typename F>
    std::string refused(F&& command) {
        std::int64_t before = journal.events(incident.id()).size();
        try {
            command();
        } catch (const RuleViolation& e) {
            EXPECT_EQ(static_cast<std::int64_t>(journal.events(incident.id()).size()), before) << "a refusal recorded something";
            return e.what();
        }
        ADD_FAILURE() << "the command was allowed";
        return "";
    }

    test::TempDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    Journal journal;
    Incident incident;
    Actor ic{"ic", "alice"};
    Actor db{"db", "bob"};
};

}  // namespace

TEST_F(Rules, AStepCannotBeCompletedTwice) {
    incident.complete_step("confirm", ic);
    std::string why = refused([&] { incident.complete_step("confirm", ic); });
    EXPECT_NE(why.find("step 'confirm' is already completed"), std::string::npos) << why;
    EXPECT_NE(why.find("ic:alice"), std::string::npos) << why;
}

TEST_F(Rules, AStepCannotBeStartedTwiceButAStartedStepCanComplete) {
    incident.start_step("pg-promote", db);
    refused([&] { incident.start_step("pg-promote", db); });
    EXPECT_TRUE(incident.why_not({"samples.recorded", db, "", {{"count", 1}}})) << "its console no longer seals readings as db either";
    incident.complete_step("pg-promote", db);
    EXPECT_EQ(incident.state().step("pg-promote").status, StepStatus::done);
}

TEST_F(Rules, SkipAndFailNeedAReason) {
    EXPECT_NE(refused([&] { incident.skip_step("declare", "", ic); }).find("reason is required"), std::string::npos);
    EXPECT_NE(refused([&] { incident.fail_step("declare", "", ic); }).find("reason is required"), std::string::npos);
    incident.skip_step("declare", "declared by phone", ic);
    EXPECT_EQ(incident.state().step("declare").reason, "declared by phone");
}

TEST_F(Rules, ASkippedStepIsRetriedOnlyAfterReopen) {
    incident.skip_step("confirm", "alarm already confirmed", ic);
    EXPECT_NE(refused([&] { incident.complete_step("confirm", ic); }).find("reopen it first"), std::string::npos);
    refused([&] { incident.start_step("confirm", ic); });
    incident.reopen_step("confirm", "need the evidence", ic);
    EXPECT_EQ(incident.state().step("confirm").status, StepStatus::pending);
    EXPECT_EQ(incident.state().step("confirm").attempts, 2);
    incident.complete_step("confirm", ic);
    EXPECT_EQ(incident.state().step("confirm").status, StepStatus::done);
}

TEST_F(Rules, AFailedStepIsRetriedOnlyAfterReopen) {
    incident.fail_step("pg-promote", "pg_promote timed out", db);
    EXPECT_NE(refused([&] { incident.complete_step("pg-promote", db); }).find("failed"), std::string::npos);
    incident.reopen_step("pg-promote", "", db);
    incident.complete_step("pg-promote", db);
    EXPECT_EQ(incident.state().step("pg-promote").status, StepStatus::done);
}

TEST_F(Rules, OnlySkippedOrFailedStepsCanBeReopened) {
    refused([&] { incident.reopen_step("confirm", "", ic); });
    incident.complete_step("confirm", ic);
    EXPECT_NE(refused([&] { incident.reopen_step("confirm", "", ic); }).find("correction"), std::string::npos);
}

TEST_F(Rules, NothingButNotesAndCorrectionsAfterResolve) {
    incident.resolve("service restored", ic);
    EXPECT_NE(refused([&] { incident.complete_step("confirm", ic); }).find("resolved"), std::string::npos);
    refused([&] { incident.comms_sent("update", ic); });
    refused([&] { incident.resolve("again", ic); });
    refused([&] { incident.assign_role("db", "carol", ic); });
    refused([&] { incident.inject_fault("late", ic); });
    incident.add_note("post-mortem on Tuesday", "", ic);
    incident.correct(2, "bob joined at 03:10, not 03:05", ic);
    EXPECT_EQ(incident.state().notes.size(), 2u);
    EXPECT_EQ(*incident.state().notes[1].corrects, 2);
}

TEST_F(Rules, EveryCommandNamesAKnownRoleAndAPerson) {
    EXPECT_NE(refused([&] { incident.add_note("x", "", {"", "alice"}); }).find("acting role"), std::string::npos);
    EXPECT_NE(refused([&] { incident.add_note("x", "", {"ic", ""}); }).find("acting person"), std::string::npos);
    EXPECT_NE(refused([&] { incident.add_note("x", "", {"dba", "alice"}); }).find("unknown role 'dba'"), std::string::npos);
    Event e = incident.add_note("x", "", {"messaging", "carol"});
    EXPECT_EQ(e.actor, (Actor{"messaging", "carol"}));
}

TEST_F(Rules, StepsAndNotesMustNameARunbookStep) {
    EXPECT_NE(refused([&] { incident.complete_step("no-such-step", ic); }).find("no step 'no-such-step'"), std::string::npos);
    refused([&] { incident.add_note("x", "no-such-step", ic); });
    refused([&] { incident.add_note("", "", ic); });
}

TEST_F(Rules, FaultsBelongToDrillsAndHappenOnce) {
    incident.inject_fault("stopped the primary", ic);
    refused([&] { incident.inject_fault("again", ic); });
    test::TempDir other;
    Journal real_journal(other / "r.db");
    Incident real = Incident::start(real_journal, test::drill_request("real"));
    EXPECT_NE(refused([&] { real.inject_fault("x", ic); }).find("only in a drill"), std::string::npos);
}

TEST_F(Rules, DeclaredOnce) {
    incident.declare(ic);
    refused([&] { incident.declare(ic); });
}

TEST_F(Rules, CorrectionsReferenceAnEarlierEventAndNeverEdit) {
    refused([&] { incident.correct(0, "x", ic); });
    refused([&] { incident.correct(99, "x", ic); });
    refused([&] { incident.correct(1, "", ic); });
    Event first_before = journal.events(incident.id()).at(0);
    incident.correct(1, "severity was SEV-2", ic);
    EXPECT_EQ(journal.events(incident.id()).at(0).hash, first_before.hash);
}

TEST_F(Rules, RolesAreAssignedAndHandedOver) {
    EXPECT_EQ(incident.state().roster.at("db"), "bob");
    Event e = incident.assign_role("db", "carol", ic);
    EXPECT_EQ(e.kind, "role.handed_over");
    EXPECT_EQ(e.payload["from"], "bob");
    EXPECT_EQ(incident.state().roster.at("db"), "carol");
    refused([&] { incident.assign_role("db", "carol", ic); });
    refused([&] { incident.assign_role("dba", "dave", ic); });
    EXPECT_EQ(incident.assign_role("messaging", "erin", ic).kind, "role.assigned");
    const auto& history = incident.state().role_history;
    ASSERT_EQ(history.size(), 4u);
    for (const auto& spell : history) {
        if (spell.person == "bob") EXPECT_TRUE(spell.to_us) << "bob's spell as db ended at the hand-over";
        else EXPECT_FALSE(spell.to_us) << spell.person << " still holds " << spell.role;
    }
    // bob handed db on: a console still open as db:bob records nothing more as db, a note included.
    EXPECT_EQ(refused([&] { incident.add_note("signing off", "", db); }), "carol is the db now, not bob: act in the role you hold now (--as ROLE:bob)");
    refused([&] { incident.start_step("pg-promote", db); });
    EXPECT_EQ(incident.add_note("db is mine now", "", {"db", "carol"}).actor.person, "carol");
}

TEST_F(Rules, T0IsTheFaultInADrill) {
    clock->advance_us(5'000'000);
    incident.declare(ic);
    clock->advance_us(60'000'000);
    Event fault = incident.inject_fault("stopped the primary", ic);
    EXPECT_EQ(incident.state().t0_us(), fault.wall_us);
    clock->advance_us(90'000'000);
    incident.complete_step("confirm", ic);
    nlohmann::json j = to_json(incident.state());
    EXPECT_EQ(j["incident"]["t0_source"], "fault injected");
    EXPECT_EQ(j["phases"][0]["steps"][0]["t_plus"], "T+01:30");
}
