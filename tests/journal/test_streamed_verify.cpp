// Verification reads a long incident's samples one sealed batch at a time and hashes stored
// payloads as they are: the same bytes, hashes and problems as reading and re-encoding them all.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/clock.h"
#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "journal/sample_seal.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

constexpr std::int64_t kT = 1'795'000'000'000'000;
const std::string kHolder = "test recorder";

TEST(CanonicalLine, IsTheJsonArrayTheSealWasDefinedBy) {
    std::vector<std::string> texts = {"pg-standby", "", "quote \" and \\ backslash", "tab\tnew\nline", "\x01\x1f\x7f", "ünïcødé — ✓",
                                      R"({"partition":"0","topic":"orders"})"};
    std::vector<double> values = {0.0, -0.0, 1.0, 4096.0, 0.1, 1.0 / 3, -2.5e-8, 1e300, 1767405600.123456, 123456789012345678.0,
                                  std::nan(""), INFINITY};
    for (const auto& text : texts)
        for (double value : values) {
            Sample s{1, text, "lag_s", kT, -5, value, text, text};
            std::string expected =
                nlohmann::json::array({s.target, s.metric, s.labels.empty() ? "{}" : s.labels, s.wall_us, s.mono_us, s.value, s.status}).dump();
            EXPECT_EQ(journal::canonical_line(s), expected) << text << " " << value;
        }
    Sample empty_labels{1, "t", "m", 1, 2, 3, "ok", ""};
    EXPECT_EQ(journal::canonical_line(empty_labels), R"(["t","m","{}",1,2,3.0,"ok"])");
}

TEST(SealBrief, ReadsWhatTheSealSaysOfItsBatchAndNothingNotCanonical) {
    std::vector<Sample> batch = {{1, "mm2", "lag_s", kT, 1, 4.5, "ok", R"({"partition":"0","topic":"orders"})"},
                                 {1, "pg-standby", "lag_s", kT + 7, 2, 0.25, "ok", "{}"}};
    nlohmann::json payload = journal::seal_payload(batch);
    auto brief = journal::seal_brief(payload.dump());
    ASSERT_TRUE(brief);
    EXPECT_EQ(brief->count, 2);
    EXPECT_EQ(brief->from_us, kT);
    EXPECT_EQ(brief->to_us, kT + 7);
    EXPECT_EQ(brief->sha256, payload["sha256"]);
    EXPECT_EQ(journal::batch_sha256(batch), payload["sha256"]);
    EXPECT_FALSE(journal::seal_brief(payload.dump(1))) << "indented: not the stored form";
    EXPECT_FALSE(journal::seal_brief(R"({"count":2})"));
    std::string cut = payload.dump();
    EXPECT_FALSE(journal::seal_brief(cut.substr(0, cut.size() - 1)));
}

TEST(ChainHash, OfTheStoredPayloadIsTheCanonicalHashAndAnyOtherTextIsNot) {
    Event e;
    e.incident = 3, e.seq = 12, e.wall_us = kT, e.mono_us = 99, e.kind = "note.added", e.actor = {"ic", "zoë \"z\""}, e.step = "pg-promote";
    e.payload = {{"text", "lag was 2 s\n<b>"}, {"at_us", kT - 5}, {"n", 0.1}};
    std::string prev(64, 'a');
    EXPECT_EQ(chain_hash_of_stored(prev, e, e.payload.dump()), chain_hash(prev, canonical_json(e)));
    EXPECT_NE(chain_hash_of_stored(prev, e, e.payload.dump(1)), chain_hash(prev, canonical_json(e)));
    e.step.clear();
    EXPECT_EQ(chain_hash_of_stored(prev, e, e.payload.dump()), chain_hash(prev, canonical_json(e)));
}

// An incident with sealed batches, some samples of no batch, and one seal left with no samples.
class StreamedVerify : public ::testing::Test {
protected:
    void SetUp() override {
        Journal journal(db());
        Incident incident = Incident::start(journal, test::drill_request());
        std::int64_t now = SystemClock().wall_us();
        ASSERT_TRUE(journal.hold_lease(incident.id(), kHolder, now, 60'000'000));
        for (int batch = 0; batch < 6; ++batch) {
            std::vector<Sample> samples;
            for (int i = 0; i < 50; ++i) {
                std::int64_t at = kT + (batch * 50 + i) * 1'000'000LL;
                for (const char* target : {"pg-standby", "pg-replica-001", "mm2"})
                    samples.push_back({0, target, "lag_s", at, at, 0.01 * i, "ok", "{}"});
            }
            ASSERT_TRUE(incident.record_samples(samples, {"ic", "alice"}, kHolder, now));
            incident.add_note("between batches", "", {"ic", "alice"});
        }
    }
    std::filesystem::path db() const { return dir / "j.db"; }
    void outsider(const std::string& sql) { ASSERT_EQ(test::outsider_sql(db(), sql), ""); }

    // The problems as check_samples() finds them over every sample and every whole seal.
    std::vector<std::string> whole_check() {
        Journal journal(db());
        std::vector<Event> seals;
        for (auto& e : journal.events(1))
            if (e.kind == event_kind::samples_recorded) seals.push_back(e);
        std::vector<std::string> out;
        for (const auto& p : journal::check_samples(seals, journal.samples(1))) out.push_back(p.text);
        return out;
    }
    std::vector<std::string> streamed() {
        std::vector<std::string> out;
        ChainReport r = Journal(db()).verify(1).at(0);
        for (const auto& p : r.sample_problems) out.push_back(p.text);
        return out;
    }
    test::TempDir dir;
};

TEST_F(StreamedVerify, AnIntactIncidentVerifiesAndCountsEverySample) {
    auto r = Journal(db()).verify(1).at(0);
    EXPECT_TRUE(r.intact) << r.problem;
    EXPECT_EQ(r.sealed_batches, 6);
    EXPECT_EQ(r.samples, 6 * 50 * 3);
    EXPECT_EQ(Journal(db()).sample_count(1), 6 * 50 * 3);
}

TEST_F(StreamedVerify, NamesTheSameProblemsInTheSameOrderAsTheWholeCheck) {
    outsider("UPDATE samples SET value = 9 WHERE target = 'mm2' AND wall_us = " + std::to_string(kT + 60'000'000));
    outsider("DELETE FROM samples WHERE target = 'pg-standby' AND wall_us = " + std::to_string(kT + 3'000'000));
    outsider("DELETE FROM samples WHERE batch = (SELECT seq FROM events WHERE kind = 'samples.recorded' ORDER BY seq LIMIT 1 OFFSET 3)");
    outsider("INSERT INTO samples (incident_id, target, metric, wall_us, mono_us, value, status, labels, batch) VALUES "
             "(1, 'pg-standby', 'lag_s', " + std::to_string(kT + 5) + ", 1, 7, 'ok', '{}', NULL), "
             "(1, 'mm2', 'lag_s', " + std::to_string(kT + 1) + ", 1, 7, 'ok', '{}', 0), "
             "(1, 'mm2', 'lag_s', " + std::to_string(kT + 2) + ", 1, 7, 'ok', '{}', 3), "
             "(1, 'pg-standby', 'lag_s', " + std::to_string(kT + 4) + ", 1, 7, 'ok', '{}', (SELECT max(batch) FROM samples))");
    auto expected = whole_check();
    ASSERT_GE(expected.size(), 50u + 5u);
    EXPECT_EQ(streamed(), expected);
    auto r = Journal(db()).verify(1).at(0);
    EXPECT_FALSE(r.intact);
    EXPECT_EQ(r.samples, 6 * 50 * 3 - 1 - 150 + 4);
}

TEST_F(StreamedVerify, ASealStoredInAnotherJsonFormIsStillReadWhole) {
    // Whitespace in a seal's stored payload: the chain still verifies (the same JSON), and its
    // samples are checked against the whole seal, sample by sample.
    outsider("UPDATE events SET payload = replace(payload, '\"count\":', '\"count\": ') WHERE kind = 'samples.recorded'");
    outsider("UPDATE samples SET value = 5 WHERE target = 'pg-replica-001' AND wall_us = " + std::to_string(kT + 10'000'000));
    auto r = Journal(db()).verify(1).at(0);
    EXPECT_EQ(streamed(), whole_check());
    ASSERT_EQ(r.sample_problems.size(), 1u);
    EXPECT_NE(r.sample_problems[0].text.find("edited"), std::string::npos) << r.sample_problems[0].text;
}

TEST_F(StreamedVerify, EventsInBriefKeepWhatASealSaysButItsSeries) {
    Journal journal(db());
    auto full = journal.events(1);
    auto brief = journal.events(1, 0, Journal::SealDetail::brief);
    ASSERT_EQ(full.size(), brief.size());
    int seals = 0;
    for (std::size_t i = 0; i < full.size(); ++i) {
        nlohmann::json expected = full[i].payload;
        if (full[i].kind == event_kind::samples_recorded) {
            expected.erase("series");
            ++seals;
        }
        EXPECT_EQ(brief[i].payload, expected) << full[i].seq;
        EXPECT_EQ(brief[i].hash, full[i].hash);
    }
    EXPECT_EQ(seals, 6);
}

TEST_F(StreamedVerify, SamplesOfSomeTargetsAreThoseOfAllInTheSameOrder) {
    Journal journal(db());
    std::vector<Sample> all = journal.samples(1), some = journal.samples(1, {"mm2", "pg-standby"});
    std::vector<Sample> expected;
    for (const auto& s : all)
        if (s.target != "pg-replica-001") expected.push_back(s);
    ASSERT_EQ(some.size(), expected.size());
    for (std::size_t i = 0; i < some.size(); ++i) EXPECT_EQ(journal::canonical_line(some[i]), journal::canonical_line(expected[i])) << i;
    EXPECT_TRUE(journal.samples(1, {}).empty());
}

}  // namespace
