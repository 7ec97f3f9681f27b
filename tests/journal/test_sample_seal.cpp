// Recorded samples are sealed in the chain: verify names an edited, deleted or inserted sample,
// the lease lets one recorder write at a time, and the report says when the evidence fails.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "drconsole/clock.h"
#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "drconsole/report.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

constexpr std::int64_t kT = 1'795'000'000'000'000;  // 2026-11-18T… UTC, in µs
const std::string kHolder = "test recorder";

Sample sample(const std::string& target, const std::string& metric, std::int64_t wall_us, double value) {
    return {0, target, metric, wall_us, wall_us, value, "ok", "{}"};
}

class SampleSeal : public ::testing::Test {
protected:
    void SetUp() override {
        Journal journal(db());
        Incident incident = Incident::start(journal, test::drill_request());
        std::int64_t now = SystemClock().wall_us();
        ASSERT_TRUE(journal.hold_lease(incident.id(), kHolder, now, 60'000'000));
        for (int batch = 0; batch < 3; ++batch) {
            std::vector<Sample> samples;
            for (int i = 0; i < 2; ++i) {
                std::int64_t at = kT + (batch * 2 + i) * 1'000'000;
                samples.push_back(sample("pg-primary", "heartbeat_ts", at, static_cast<double>(at) / 1e6));
                samples.push_back(sample("pg-standby", "lag_s", at + 500, 0.25 * i));
            }
            ASSERT_TRUE(incident.record_samples(samples, {"ic", "alice"}, kHolder, now));
        }
        auto report = journal.verify(1).at(0);
        ASSERT_TRUE(report.intact) << report.problem;
        ASSERT_EQ(report.sealed_batches, 3);
    }

    std::filesystem::path db() const { return dir / "j.db"; }

    // What someone with write access to the file could run, triggers dropped first.
    void outsider(const std::string& sql) { ASSERT_EQ(test::outsider_sql(db(), sql), ""); }

    ChainReport verify() { return Journal(db()).verify(1).at(0); }

    static std::string all(const ChainReport& r) {
        std::string out;
        for (const auto& p : r.sample_problems) out += p.text + "\n";
        return out;
    }

    test::TempDir dir;
};

}  // namespace

TEST_F(SampleSeal, TheTriggersRefuseEditsThroughSqlite) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db().c_str(), &h), SQLITE_OK);
    char* msg = nullptr;
    int rc = sqlite3_exec(h, "UPDATE samples SET value = value - 3600 WHERE metric = 'heartbeat_ts'", nullptr, nullptr, &msg);
    std::string error = msg ? msg : "";
    sqlite3_free(msg);
    sqlite3_close(h);
    EXPECT_NE(rc, SQLITE_OK);
    EXPECT_NE(error.find("append-only"), std::string::npos) << error;
}

TEST_F(SampleSeal, AnEditedSampleIsNamedByTargetMetricAndTime) {
    outsider("UPDATE samples SET value = value - 3600 WHERE metric = 'heartbeat_ts' AND wall_us = " + std::to_string(kT + 2'000'000));
    ChainReport r = verify();
    EXPECT_FALSE(r.intact);
    ASSERT_EQ(r.sample_problems.size(), 1u) << all(r);
    EXPECT_EQ(r.sample_problems[0].text.find("pg-primary heartbeat_ts at " + format_utc(kT + 2'000'000) + ": edited"), 0u) << all(r);
    EXPECT_EQ(r.sample_problems[0].target, "pg-primary");
    EXPECT_EQ(r.sample_problems[0].metric, "heartbeat_ts");
    EXPECT_EQ(r.sample_problems[0].wall_us, kT + 2'000'000);
}

TEST_F(SampleSeal, ADeletedSampleIsNamed) {
    outsider("DELETE FROM samples WHERE metric = 'lag_s' AND wall_us = " + std::to_string(kT + 1'000'500));
    ChainReport r = verify();
    EXPECT_FALSE(r.intact);
    ASSERT_EQ(r.sample_problems.size(), 1u) << all(r);
    EXPECT_EQ(r.sample_problems[0].text.find("pg-standby lag_s at " + format_utc(kT + 1'000'500) + ": deleted"), 0u) << all(r);
}

TEST_F(SampleSeal, AnInsertedSampleIsNamedWhateverBatchItClaims) {
    std::int64_t at = kT + 4'500'000;
    outsider("INSERT INTO samples (incident_id, target, metric, wall_us, mono_us, value, status, labels, batch) "
             "SELECT 1, 'pg-primary', 'heartbeat_ts', " + std::to_string(at) + ", 0, 1, 'ok', '{}', max(batch) FROM samples");
    outsider("INSERT INTO samples (incident_id, target, metric, wall_us, mono_us, value, status, labels) "
             "VALUES (1, 'pg-standby', 'lag_s', " + std::to_string(at) + ", 0, 0, 'ok', '{}')");
    ChainReport r = verify();
    EXPECT_FALSE(r.intact);
    ASSERT_EQ(r.sample_problems.size(), 2u) << all(r);
    EXPECT_NE(all(r).find("pg-primary heartbeat_ts at " + format_utc(at) + ": inserted"), std::string::npos) << all(r);
    EXPECT_NE(all(r).find("pg-standby lag_s at " + format_utc(at) + ": not sealed by any event"), std::string::npos) << all(r);
}

TEST_F(SampleSeal, TheReportSaysTheEvidenceDoesNotVerify) {
    outsider("UPDATE samples SET value = value - 3600 WHERE metric = 'heartbeat_ts'");
    Journal journal(db());
    auto report = build_report(journal, 1);
    EXPECT_FALSE(report["chain"]["verified"].get<bool>());
    EXPECT_EQ(report["chain"]["sample_problems"].size(), 6u) << "two heartbeats in each of three batches";
    std::string md = render_markdown(report);
    EXPECT_NE(md.find("NOT verified ✗"), std::string::npos);
    EXPECT_NE(md.find("6 do NOT verify ✗"), std::string::npos) << md;
}

TEST_F(SampleSeal, OnlyTheLeaseHolderWritesAndAnExpiredLeaseIsTakenOver) {
    Journal journal(db());
    Incident incident = Incident::attach(journal, 1);
    std::int64_t now = SystemClock().wall_us();
    std::string current;
    EXPECT_FALSE(journal.hold_lease(1, "second console", now, 3'000'000, &current));
    EXPECT_EQ(current, kHolder);
    EXPECT_FALSE(incident.record_samples({sample("pg-primary", "up", kT, 1)}, {"ic", "bob"}, "second console", now))
        << "a recorder without the lease writes nothing";
    // The holder died: its lease runs out, and the next one takes it.
    std::int64_t later = now + 61'000'000;
    EXPECT_TRUE(journal.hold_lease(1, "second console", later, 3'000'000, &current));
    EXPECT_FALSE(incident.record_samples({sample("pg-primary", "up", kT, 1)}, {"ic", "alice"}, kHolder, later))
        << "the old holder, back from a pause, no longer writes";
    EXPECT_TRUE(incident.record_samples({sample("pg-primary", "up", kT + 9'000'000, 1)}, {"ic", "bob"}, "second console", later));
    journal.release_lease(1, "second console");
    EXPECT_TRUE(journal.hold_lease(1, kHolder, later, 3'000'000)) << "released: free at once";
    EXPECT_TRUE(verify().intact) << verify().problem;
}

TEST_F(SampleSeal, SealsStayOutOfTheTimelineButInTheChain) {
    Journal journal(db());
    auto report = build_report(journal, 1);
    for (const auto& e : report["events"]) EXPECT_NE(e["kind"], "samples.recorded");
    EXPECT_EQ(report["chain"]["sealed_sample_batches"], 3);
    EXPECT_EQ(report["chain"]["samples"], 12);
    EXPECT_EQ(report["chain"]["count"], 3 + 3) << "the start and two roles, then three seals";
}

TEST_F(SampleSeal, WhoeverSitsAtTheConsoleRecordsEvenARoleTheRunbookDoesNotName) {
    Journal journal(db());
    Incident incident = Incident::attach(journal, 1);
    std::int64_t now = SystemClock().wall_us();
    auto e = incident.record_samples({sample("pg-primary", "up", kT + 9'000'000, 1)}, {"scribe", "li"}, kHolder, now);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->actor.role, "scribe");
    EXPECT_THROW(incident.record_samples({sample("pg-primary", "up", kT + 9'500'000, 1)}, {"scribe", ""}, kHolder, now), RuleViolation)
        << "but someone is named";
}
