// verify finds every kind of tampering an outsider with the file could do.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

class Tamper : public ::testing::Test {
protected:
    void SetUp() override {
        Journal journal(db());
        Incident incident = Incident::start(journal, test::drill_request());  // events 1-3
        Actor ic{"ic", "alice"};
        incident.inject_fault("stopped the primary", ic);                     // 4
        incident.complete_step("confirm", ic);                                // 5
        incident.skip_step("declare", "declared by phone", ic);              // 6
        incident.add_note("standby lag 2 s", "", ic);                         // 7
        auto report = journal.verify(1).at(0);
        ASSERT_TRUE(report.intact) << report.problem;
        head_count = report.count;
        head_hash = report.head;
    }

    std::filesystem::path db() const { return dir / "j.db"; }

    // What someone with write access to the file could run, triggers dropped first.
    void outsider(const std::string& sql) { ASSERT_EQ(test::outsider_sql(db(), sql), ""); }

    ChainReport verify() { return Journal(db()).verify(1).at(0); }

    test::TempDir dir;
    std::int64_t head_count = 0;
    std::string head_hash;
};

}  // namespace

TEST_F(Tamper, AnIntactChainVerifiesAndMatchesItsHead) {
    EXPECT_EQ(head_count, 7);
    EXPECT_EQ(Journal(db()).check_head(1, head_count, head_hash), "");
    EXPECT_EQ(Journal(db()).check_head(1, 5, Journal(db()).events(1).at(4).hash), "");
}

TEST_F(Tamper, AnEditedPayloadIsAHashMismatch) {
    outsider("UPDATE events SET payload = '{\"reason\":\"it was fine\"}' WHERE seq = 6");
    ChainReport r = verify();
    EXPECT_FALSE(r.intact);
    EXPECT_EQ(r.problem, "event 6: hash mismatch: its content was changed");
}

TEST_F(Tamper, AnEditedActorOrTimeIsAHashMismatch) {
    outsider("UPDATE events SET person = 'mallory' WHERE seq = 5");
    EXPECT_EQ(verify().problem, "event 5: hash mismatch: its content was changed");
}

TEST_F(Tamper, ADeletedMiddleEventIsFound) {
    outsider("DELETE FROM events WHERE seq = 5");
    ChainReport r = verify();
    EXPECT_FALSE(r.intact);
    EXPECT_EQ(r.problem, "event 5: missing (found event 6 next): an event was removed");
}

TEST_F(Tamper, AReorderedPairIsFound) {
    outsider("UPDATE events SET seq = -1 WHERE seq = 5; UPDATE events SET seq = 5 WHERE seq = 6; "
             "UPDATE events SET seq = 6 WHERE seq = -1;");
    ChainReport r = verify();
    EXPECT_FALSE(r.intact);
    EXPECT_EQ(r.problem, "event 5: prev_hash does not match event 4's hash: events removed or reordered");
}

TEST_F(Tamper, ARecomputedChainIsCaughtByAPreviouslyPrintedHead) {
    // Rewrite event 6 and recompute every later hash with the published algorithm.
    Journal before(db());
    std::vector<Event> events = before.events(1);
    std::string sql = "UPDATE events SET payload = '{\"reason\":\"rewritten\"}' WHERE seq = 6;";
    std::string prev = events[4].hash;
    for (std::size_t i = 5; i < events.size(); ++i) {
        Event e = events[i];
        if (e.seq == 6) e.payload = {{"reason", "rewritten"}};
        e.prev_hash = prev;
        e.hash = chain_hash(prev, canonical_json(e));
        sql += "UPDATE events SET prev_hash = '" + e.prev_hash + "', hash = '" + e.hash + "' WHERE seq = " + std::to_string(e.seq) + ";";
        prev = e.hash;
    }
    outsider(sql);
    ChainReport r = verify();
    EXPECT_TRUE(r.intact) << "a consistently recomputed chain verifies on its own";
    EXPECT_NE(r.head, head_hash);
    std::string problem = Journal(db()).check_head(1, head_count, head_hash);
    EXPECT_NE(problem.find("the chain was rewritten"), std::string::npos) << problem;
}

TEST_F(Tamper, ATruncatedChainIsCaughtByAPreviouslyPrintedHead) {
    outsider("DELETE FROM events WHERE seq = 7");
    EXPECT_TRUE(verify().intact);
    EXPECT_EQ(Journal(db()).check_head(1, head_count, head_hash), "event 7 is missing");
}

TEST_F(Tamper, AChangedRunbookDocumentIsFound) {
    outsider("DROP TRIGGER documents_no_update; UPDATE documents SET content = 'x'");
    EXPECT_EQ(verify().problem, "runbook document was changed: its SHA-256 no longer matches");
}
