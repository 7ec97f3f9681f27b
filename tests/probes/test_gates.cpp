// Gates against live readings: pass, fail with the live value, unknown when stale or missing; levels.
#include <gtest/gtest.h>

#include "support/printers.h"

#include "drconsole/gate_eval.h"
#include "support/process.h"

using namespace drconsole;

namespace {

constexpr std::int64_t kSecond = 1'000'000;

class Gates : public ::testing::Test {
protected:
    void SetUp() override {
        store.declare("pg-standby", Millis(2000));
        store.declare("pg-primary", Millis(2000));
    }
    void publish(const std::string& target, std::int64_t at, std::map<std::string, double> metrics,
                 ProbeStatus status = ProbeStatus::ok) {
        Reading r;
        r.target = target;
        r.mono_us = at;
        r.status = status;
        for (const auto& [name, value] : metrics) r.set(name, value);
        store.publish(r);
    }
    GateResult gate(const std::string& text) { return evaluate_gate(parse_gate(text), store, now); }

    ReadingStore store;
    std::int64_t now = 1000 * kSecond;
};

}  // namespace

TEST_F(Gates, PassAndFailCarryTheLiveValue) {
    publish("pg-standby", now - kSecond / 2, {{"lag_s", 42}});
    GateResult fail = gate("pg-standby.lag_s < 30s");
    EXPECT_EQ(fail.outcome, GateOutcome::fail);
    EXPECT_EQ(fail.reason, "pg-standby.lag_s is 42, needs < 30s");
    ASSERT_TRUE(fail.conditions[0].value);
    EXPECT_EQ(*fail.conditions[0].value, 42);
    GateResult pass = gate("pg-standby.lag_s < 60s");
    EXPECT_EQ(pass.outcome, GateOutcome::pass);
    EXPECT_EQ(pass.reason, "pg-standby.lag_s is 42");
}

TEST_F(Gates, UnknownWhenNeverReadStaleOrMissing) {
    GateResult none = gate("pg-standby.lag_s < 30s");
    EXPECT_EQ(none.outcome, GateOutcome::unknown);
    EXPECT_EQ(none.reason, "pg-standby.lag_s: no reading yet");
    publish("pg-standby", now - 5 * kSecond, {{"lag_s", 1}});
    GateResult stale = gate("pg-standby.lag_s < 30s");
    EXPECT_EQ(stale.outcome, GateOutcome::unknown) << "a stale value never passes, however good it was";
    EXPECT_EQ(stale.reason, "pg-standby.lag_s: stale (last reading 5s ago)");
    publish("pg-standby", now, {{"up", 1}});
    EXPECT_EQ(gate("pg-standby.lag_s < 30s").outcome, GateOutcome::unknown);
    EXPECT_EQ(gate("nowhere.lag_s < 30s").reason, "nowhere.lag_s: no such target is probed");
}

TEST_F(Gates, ADownServerStillAnswersUpEqualsZero) {
    Reading r;
    r.target = "pg-primary";
    r.mono_us = now;
    r.status = ProbeStatus::down;
    r.error = "connection refused";
    r.set("up", 0);
    store.publish(r);
    EXPECT_EQ(gate("pg-primary.up == 0").outcome, GateOutcome::pass);
    GateResult lag = gate("pg-primary.lag_bytes < 1MiB");
    EXPECT_EQ(lag.outcome, GateOutcome::unknown);
    EXPECT_EQ(lag.reason, "pg-primary.lag_bytes: down (connection refused)");
}

TEST_F(Gates, ForNeedsTheConditionHeldContinuously) {
    for (int i = 10; i >= 0; --i) publish("pg-primary", now - i * kSecond, {{"up", 0}}, ProbeStatus::down);
    EXPECT_EQ(gate("pg-primary.up == 0 for 10s").outcome, GateOutcome::pass);
    GateResult longer = gate("pg-primary.up == 0 for 3m");
    EXPECT_EQ(longer.outcome, GateOutcome::fail);
    EXPECT_EQ(longer.reason, "pg-primary.up is 0: holds, but only for 10s of the 3m it needs");
}

TEST_F(Gates, ForWithOneReadingSaysItWasNotWatchedYetRatherThanHeldForNoTime) {
    publish("pg-primary", now, {{"up", 0}}, ProbeStatus::down);
    GateResult once = gate("pg-primary.up == 0 for 3m");
    EXPECT_EQ(once.outcome, GateOutcome::fail);
    EXPECT_EQ(once.reason.rfind("pg-primary.up is 0: holds now, but has not been watched yet for the 3m it needs", 0), 0u) << once.reason;
}

TEST_F(Gates, ABreakInTheRunRestartsTheHold) {
    for (int i = 10; i >= 6; --i) publish("pg-primary", now - i * kSecond, {{"up", 0}});
    publish("pg-primary", now - 5 * kSecond, {{"up", 1}});  // came back for one reading
    for (int i = 4; i >= 0; --i) publish("pg-primary", now - i * kSecond, {{"up", 0}});
    EXPECT_EQ(gate("pg-primary.up == 0 for 8s").outcome, GateOutcome::fail);
    EXPECT_EQ(gate("pg-primary.up == 0 for 4s").outcome, GateOutcome::pass);
}

TEST_F(Gates, AGapLongerThanTheDeadlineRestartsTheHold) {
    for (int i = 20; i >= 15; --i) publish("pg-primary", now - i * kSecond, {{"up", 0}});
    for (int i = 1; i >= 0; --i) publish("pg-primary", now - i * kSecond, {{"up", 0}});  // 14 s with no reading
    EXPECT_EQ(gate("pg-primary.up == 0 for 10s").outcome, GateOutcome::fail);
}

TEST_F(Gates, AllConditionsMustPassAndAFailureIsTheReason) {
    publish("pg-standby", now, {{"lag_s", 2}});
    publish("pg-primary", now, {{"lag_bytes", 5e6}});
    GateResult g = gate("pg-standby.lag_s < 30s and missing.x < 1 and pg-primary.lag_bytes < 1MB");
    EXPECT_EQ(g.outcome, GateOutcome::fail);
    EXPECT_EQ(g.reason, "pg-primary.lag_bytes is 5e+06, needs < 1MB");
    ASSERT_EQ(g.conditions.size(), 3u);
    EXPECT_EQ(g.conditions[0].outcome, GateOutcome::pass);
    EXPECT_EQ(g.conditions[1].outcome, GateOutcome::unknown);
    EXPECT_EQ(gate("pg-standby.lag_s < 30s and missing.x < 1").outcome, GateOutcome::unknown);
}

TEST(Levels, HalfTheObjectiveWarnsAndTheObjectiveBreaches) {
    EXPECT_EQ(level_for(14.9, Millis(30'000)), Level::ok);
    EXPECT_EQ(level_for(15, Millis(30'000)), Level::warn);
    EXPECT_EQ(level_for(29.9, Millis(30'000)), Level::warn);
    EXPECT_EQ(level_for(30, Millis(30'000)), Level::breach);
    EXPECT_EQ(level_for(0, Millis(0)), Level::ok);
    EXPECT_EQ(level_for(0.001, Millis(0)), Level::breach);
}

TEST(Levels, EachRpoTargetGetsItsComponentsObjective) {
    auto rb = load_runbook(test::source_path("checklists/region-failover.md"));
    ASSERT_TRUE(rb.runbook);
    auto rpo = rpo_by_target(*rb.runbook);
    ASSERT_EQ(rpo.size(), 2u);
    EXPECT_EQ(rpo.at("pg-standby"), Millis(60'000));
    EXPECT_EQ(rpo.at("mm2"), Millis(30'000));
}
