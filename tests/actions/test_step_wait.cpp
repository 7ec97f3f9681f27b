// A wait's trend and ETA from live readings: a value that holds is not moving, a sawtooth is no
// trend, a falling lag gets an ETA that tracks it.
#include <cmath>

#include <gtest/gtest.h>

#include "drconsole/step_wait.h"

using namespace drconsole;

namespace {

constexpr std::int64_t kSecond = 1'000'000;

class Wait : public ::testing::Test {
protected:
    Wait() {
        auto r = parse_runbook(R"(# W

## Promote
- [ ] Promote {#promote role=db wait="pg-standby.lag_s < 1s" wait_timeout=2m}
  ```run
  true
  ```
)", "w.md");
        EXPECT_TRUE(r.runbook);
        step = *r.runbook->find_step("promote");
        store.declare("pg-standby", Millis(2000));
    }
    // Readings every 200 ms for `seconds`, the value given by `lag(t)`; returns the last look.
    WaitReading feed(StepWait& wait, double seconds, const std::function<double(double)>& lag) {
        WaitReading last;
        for (double t = 0; t < seconds; t += 0.2) {
            now += kSecond / 5;
            Reading r;
            r.target = "pg-standby";
            r.mono_us = now;
            r.set("lag_s", lag(clock_s += 0.2));
            store.publish(r);
            for (int look = 0; look < 4; ++look) last = wait.observe(store, now);  // the console looks often
        }
        return last;
    }
    Step step;
    ReadingStore store;
    std::int64_t now = 1000 * kSecond;
    double clock_s = 0;
};

}  // namespace

TEST_F(Wait, AValueThatHoldsIsNotMoving) {
    StepWait wait(step, now);
    WaitReading r = feed(wait, 10, [](double) { return 5.0; });
    EXPECT_EQ(r.trend, "not moving");
    EXPECT_FALSE(r.eta_s);
    EXPECT_NE(wait.describe(r).find("not catching up"), std::string::npos) << wait.describe(r);
}

TEST_F(Wait, ALagReadAsASawtoothHasNoTrend) {
    // A lag that climbs for a second and drops back, around 20 s (a link that holds back 20 s).
    StepWait wait(step, now);
    WaitReading r = feed(wait, 12, [](double t) { return 20.0 + std::fmod(t, 1.0); });
    EXPECT_EQ(r.trend, "not moving");
    EXPECT_FALSE(r.eta_s);
}

TEST_F(Wait, AFallingLagGetsAnEtaThatTracksIt) {
    StepWait wait(step, now);
    WaitReading r = feed(wait, 6, [](double t) { return 30.0 - 2.0 * t; });  // 2 s of lag gone each second
    ASSERT_TRUE(r.eta_s);
    EXPECT_NEAR(*r.eta_s, (30.0 - 2.0 * clock_s - 1.0) / 2.0, 0.5);
    EXPECT_EQ(r.trend.rfind("falling 2", 0), 0u) << r.trend;
    EXPECT_FALSE(r.timed_out);
    // Until wait_timeout: then it says so.
    r = feed(wait, 120, [](double) { return 9.0; });
    EXPECT_TRUE(r.timed_out);
}
