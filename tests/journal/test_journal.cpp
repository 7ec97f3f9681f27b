// The journal keeps what it acknowledged: reopen, append-only triggers, samples.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

// Runs SQL on the journal file through a separate raw connection, as an outsider would.
int raw_exec(const std::filesystem::path& db, const std::string& sql, std::string* error = nullptr) {
    sqlite3* h = nullptr;
    sqlite3_open(db.c_str(), &h);
    char* msg = nullptr;
    int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &msg);
    if (error && msg) *error = msg;
    sqlite3_free(msg);
    sqlite3_close(h);
    return rc;
}

}  // namespace

TEST(Journal, EventsSurviveReopen) {
    test::TempDir dir;
    std::vector<Event> written;
    {
        Journal journal(dir / "j.db");
        Incident incident = Incident::start(journal, test::drill_request());
        incident.inject_fault("stopped the primary", {"ic", "alice"});
        incident.complete_step("confirm", {"ic", "alice"});
        written = journal.events(incident.id());
    }
    Journal reopened(dir / "j.db");
    std::vector<Event> read = reopened.events(1);
    ASSERT_EQ(read.size(), written.size());
    ASSERT_EQ(read.size(), 5u);  // started, 2 roles, fault, step
    for (std::size_t i = 0; i < read.size(); ++i) {
        EXPECT_EQ(read[i].hash, written[i].hash);
        EXPECT_EQ(read[i].payload, written[i].payload);
        EXPECT_EQ(read[i].prev_hash, i == 0 ? kGenesisHash : written[i - 1].hash);
    }
    EXPECT_EQ(read[4].kind, "step.completed");
    EXPECT_EQ(read[4].step, "confirm");
    EXPECT_EQ(read[4].actor, (Actor{"ic", "alice"}));
}

TEST(Journal, UpdateAndDeleteOfEventsAreRefused) {
    test::TempDir dir;
    {
        Journal journal(dir / "j.db");
        Incident::start(journal, test::drill_request());
    }
    std::string error;
    EXPECT_NE(raw_exec(dir / "j.db", "UPDATE events SET payload = '{}' WHERE seq = 1", &error), SQLITE_OK);
    EXPECT_NE(error.find("append-only"), std::string::npos) << error;
    EXPECT_NE(raw_exec(dir / "j.db", "DELETE FROM events WHERE seq = 1", &error), SQLITE_OK);
    EXPECT_NE(error.find("append-only"), std::string::npos) << error;
    EXPECT_NE(raw_exec(dir / "j.db", "UPDATE incidents SET title = 'x'"), SQLITE_OK);
    EXPECT_NE(raw_exec(dir / "j.db", "DELETE FROM documents"), SQLITE_OK);
    Journal journal(dir / "j.db");
    EXPECT_EQ(journal.events(1).size(), 3u);
    EXPECT_TRUE(journal.verify().at(0).intact);
}

TEST(Journal, StoresTheRunbookSoStateNeedsNoOtherFile) {
    test::TempDir dir;
    Journal journal(dir / "j.db");
    Incident started = Incident::start(journal, test::drill_request());
    auto doc = journal.document(started.state().runbook_sha256);
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->content, test::kSmallRunbook);
    EXPECT_EQ(doc->kind, "runbook");
}

TEST(Journal, RefusesAJournalFromANewerSchema) {
    test::TempDir dir;
    { Journal journal(dir / "j.db"); }
    raw_exec(dir / "j.db", "PRAGMA user_version = 99");
    EXPECT_THROW(Journal(dir / "j.db"), JournalError);
}

TEST(Journal, SamplesAreStoredInBatches) {
    test::TempDir dir;
    Journal journal(dir / "j.db");
    std::vector<Sample> batch;
    for (int i = 0; i < 100; ++i) batch.push_back({7, "pg-standby", "lag_s", 1000 + i, 10 + i, i * 0.5, "ok", ""});
    journal.add_samples(batch);
    auto read = journal.samples(7);
    ASSERT_EQ(read.size(), 100u);
    EXPECT_EQ(read[99].value, 49.5);
    EXPECT_EQ(read[0].labels, "{}");
}
