// A long incident's report: figures from the RPO targets' samples alone are the figures from all
// of them, the lag chart says how many readings it shows, and every sample is counted.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "drconsole/measure.h"
#include "drconsole/report.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

const char* kRunbook = R"(# Failover drill

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |

## Detect {kind=detect}
- [ ] Stop the primary {#stop-primary role=ic}

## Promote {kind=promote}
- [ ] Promote the standby {#pg-promote role=db restores=postgres rpo=pg-standby}
)";

const char* kEnv = R"({"targets": {
  "pg-primary": {"type": "postgres", "dsn": "host=127.0.0.1 port=1", "role": "primary", "heartbeat": "1s"},
  "pg-standby": {"type": "postgres", "dsn": "host=127.0.0.1 port=2", "role": "standby", "primary": "pg-primary"},
  "pg-replica": {"type": "postgres", "dsn": "host=127.0.0.1 port=3", "role": "standby", "primary": "pg-primary"}}})";

constexpr int kReadings = 1500;

class LongIncident : public ::testing::Test {
protected:
    void SetUp() override {
        auto clock = std::make_shared<ManualClock>(1'767'405'600'000'000);
        Journal journal(dir / "j.db", clock);
        StartRequest req;
        req.runbook = parse_runbook(kRunbook, "failover.md").runbook;
        env = parse_environment(kEnv, "lab.env.jsonc").env;
        req.env = env;
        req.mode = "drill";
        req.actor = {"ic", "alice"};
        req.roster = {{"ic", "alice"}, {"db", "bob"}};
        Incident i = Incident::start(journal, req);
        ASSERT_TRUE(journal.hold_lease(i.id(), "rec", clock->wall_us(), 3'600'000'000LL));
        std::vector<Sample> batch;
        for (int s = 0; s < kReadings; ++s) {
            std::int64_t at = clock->wall_us() + s * 1'000'000LL;
            double lag = s == 777 ? 99.0 : 0.2 + (s % 10) * 0.1;  // one peak the chart must keep
            batch.push_back({0, "pg-primary", "heartbeat_ts", at, at, static_cast<double>(at) / 1e6, "ok", "{}"});
            batch.push_back({0, "pg-standby", "heartbeat_lag_s", at, at, lag, "ok", "{}"});
            batch.push_back({0, "pg-standby", "in_recovery", at, at, 1, "ok", "{}"});
            batch.push_back({0, "pg-replica", "lag_s", at, at, 0.5, "ok", "{}"});
            if (batch.size() >= 400) {
                ASSERT_TRUE(i.record_samples(batch, {"ic", "alice"}, "rec", clock->wall_us()));
                batch.clear();
            }
        }
        clock->advance_us(kReadings * 1'000'000LL);
        i.inject_fault("stopped the primary", {"ic", "alice"});
        i.complete_step("stop-primary", {"ic", "alice"});
        clock->advance_us(30'000'000);
        i.complete_step("pg-promote", {"db", "bob"});
        std::int64_t after = clock->wall_us();
        batch.push_back({0, "pg-standby", "in_recovery", after, after, 0, "ok", "{}"});
        batch.push_back({0, "pg-standby", "heartbeat_ts", after, after, static_cast<double>(after - 40'000'000) / 1e6, "ok", "{}"});
        ASSERT_TRUE(i.record_samples(batch, {"ic", "alice"}, "rec", clock->wall_us()));
        boundary = after;
        i.resolve("done", {"ic", "alice"});
        report = build_report(journal, i.id());
        all = journal.samples(i.id());
    }
    test::TempDir dir;
    std::shared_ptr<const Environment> env;
    nlohmann::json report;
    std::vector<Sample> all;
    std::int64_t boundary = 0;
};

TEST_F(LongIncident, TheRpoIsTheOneMeasuredFromEverySample) {
    RpoFigure whole = measure_rpo("pg-standby", env.get(), all, boundary);
    ASSERT_TRUE(whole.rpo_s);
    const auto& pg = report["achieved"].at(0);
    EXPECT_EQ(pg["component"], "postgres");
    EXPECT_EQ(pg["rpo_s"], *whole.rpo_s);
    EXPECT_EQ(pg["rpo_method"], whole.method);
    EXPECT_EQ(pg["rpo_uncertainty_s"], *whole.uncertainty_s);
    EXPECT_EQ(pg["rpo_detail"], whole.detail);
    EXPECT_EQ(pg["rpo_note"], whole.reason);
}

TEST_F(LongIncident, OnlyTheRpoTargetsSamplesAreNeededAndNoneIsMissedWhenThereAreNone) {
    std::vector<Sample> some;
    for (const auto& s : all)
        if (s.target != "pg-replica") some.push_back(s);
    EXPECT_EQ(measure_rpo("pg-standby", env.get(), some, boundary, true).detail, measure_rpo("pg-standby", env.get(), all, boundary).detail);
    // Samples of other targets only: not "no readings were recorded", as with all of them.
    std::vector<Sample> others;
    for (const auto& s : all)
        if (s.target == "pg-replica") others.push_back(s);
    EXPECT_EQ(measure_rpo("pg-standby", env.get(), {}, boundary, true).reason, measure_rpo("pg-standby", env.get(), others, boundary).reason);
}

TEST_F(LongIncident, TheLagChartSaysHowManyReadingsItShowsAndKeepsThePeak) {
    ASSERT_EQ(report["lag_series"].size(), 1u);
    const auto& lag = report["lag_series"][0];
    EXPECT_EQ(lag["readings"], kReadings);
    EXPECT_LE(lag["points"].size(), 600u);
    EXPECT_EQ(lag["points_shown"], fmt::format("{} of {} readings shown: the largest of each run of 3 kept, so no peak is lost",
                                               lag["points"].size(), kReadings));
    double top = 0;
    for (const auto& p : lag["points"]) top = std::max(top, p[1].get<double>());
    EXPECT_EQ(top, 99.0);
    std::string html = render_html(report);
    EXPECT_NE(html.find("500 of 1500 readings shown"), std::string::npos);
}

TEST_F(LongIncident, EverySampleIsVerifiedAndCounted) {
    EXPECT_EQ(report["chain"]["samples"], static_cast<std::int64_t>(all.size()));
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kReadings * 4 + 2));
    EXPECT_EQ(report["chain"]["verified"], true);
    EXPECT_EQ(report["chain"]["sealed_sample_batches"], kReadings * 4 / 400 + 1);
}

}  // namespace
