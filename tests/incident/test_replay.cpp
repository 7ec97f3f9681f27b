// State is a pure fold over the journal: replay, in this process or a fresh one, gives the same state.
#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "support/fixtures.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

void walk(Incident& incident, ManualClock& clock) {
    Actor ic{"ic", "alice"}, db{"db", "bob"}, mq{"messaging", "carol"};
    clock.advance_us(1'000'000);
    incident.inject_fault("stopped the primary", ic);
    clock.advance_us(45'000'000);
    incident.complete_step("confirm", ic);
    incident.declare(ic);
    incident.skip_step("declare", "declared on the bridge", ic);
    clock.advance_us(30'000'000);
    incident.start_step("pg-promote", db);
    clock.advance_us(12'000'000);
    incident.fail_step("pg-promote", "timeout", db);
    incident.reopen_step("pg-promote", "retry with wait_seconds=120", db);
    incident.complete_step("pg-promote", db);
    incident.assign_role("messaging", "carol", ic);
    incident.complete_step("kafka-promote", mq);
    incident.comms_sent("status page updated", {"ic", "alice"});
    incident.add_note("lag was 2 s at promotion", "pg-promote", db);
    incident.resolve("served from secondary", ic);
    incident.correct(5, "the fault was at 03:04", ic);
}

}  // namespace

TEST(Replay, FoldingTheJournalGivesTheLiveState) {
    test::TempDir dir;
    auto clock = std::make_shared<ManualClock>();
    Journal journal(dir / "j.db", clock);
    Incident live = Incident::start(journal, test::drill_request());
    walk(live, *clock);
    Incident replayed = Incident::attach(journal, live.id());
    EXPECT_EQ(to_json(replayed.state()).dump(), to_json(live.state()).dump());
    EXPECT_EQ(replayed.state().head_hash, live.state().head_hash);
    EXPECT_EQ(replayed.state().step("pg-promote").attempts, 2);
    EXPECT_TRUE(replayed.state().resolved());
}

TEST(Replay, AFreshProcessSeesTheSameState) {
    test::TempDir dir;
    auto clock = std::make_shared<ManualClock>();
    Journal journal(dir / "j.db", clock);
    Incident live = Incident::start(journal, test::drill_request());
    walk(live, *clock);
    auto r = test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--incident", "1", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json shown = nlohmann::json::parse(r.out);
    // status adds what it found of the chain; the rest is the state itself.
    EXPECT_EQ(shown["chain"]["verified"], true) << shown["chain"];
    shown["chain"].erase("verified");
    shown["chain"].erase("problem");
    EXPECT_EQ(shown, to_json(live.state()));
}

TEST(Replay, RefreshPicksUpWhatAnotherWriterRecorded) {
    test::TempDir dir;
    Journal a(dir / "j.db");
    Incident first = Incident::start(a, test::drill_request());
    Journal b(dir / "j.db");
    Incident second = Incident::attach(b, first.id());
    second.complete_step("confirm", {"ic", "alice"});
    EXPECT_EQ(first.state().step("confirm").status, StepStatus::pending);
    EXPECT_EQ(first.refresh(), 1u);
    EXPECT_EQ(first.state().step("confirm").status, StepStatus::done);
    // A writer that has not refreshed is still checked against the newest state.
    Incident stale = Incident::attach(a, first.id());
    second.complete_step("declare", {"ic", "alice"});
    EXPECT_THROW(stale.complete_step("declare", {"ic", "alice"}), RuleViolation);
    EXPECT_EQ(stale.state().step("declare").status, StepStatus::done);
}
