// The evidence bundle: sha256sum -c accepts it, verify --bundle accepts it, and tampering with any
// file, or with the snapshot and its checksum together, is caught.
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "support/fixtures.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

class Bundle : public ::testing::Test {
protected:
    // A resolved drill with its environment, recorded as the commands would; exported by the CLI.
    void SetUp() override {
        std::filesystem::create_directories(dir / "demo");
        {
            auto clock = std::make_shared<ManualClock>();
            Journal journal(dir / "demo" / "journal.db", clock);
            StartRequest req = test::drill_request();
            req.env = parse_environment(R"({"targets": {"pg": {"type": "postgres", "dsn": "host=127.0.0.1 password=${PGPASSWORD}"}}})", "lab.env.jsonc").env;
            Incident i = Incident::start(journal, req);
            i.inject_fault("stopped the primary", {"ic", "alice"});
            std::int64_t now = clock->wall_us();
            ASSERT_TRUE(journal.hold_lease(i.id(), "test recorder", now, 60'000'000));
            ASSERT_TRUE(i.record_samples({{0, "pg", "lag_s", now, now, 0.5, "ok", "{}"}}, {"ic", "alice"}, "test recorder", now));
            clock->advance_us(90'000'000);
            i.complete_step("pg-promote", {"db", "dmitri"});
            i.resolve("done", {"ic", "alice"});
        }
        bundle = dir / "bundle";
        auto r = test::run_drconsole({"export", "--db", (dir / "demo" / "journal.db").string(), "--incident", "1", "--out", bundle.string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    test::ProcessResult verify() { return test::run_drconsole({"verify", "--bundle", bundle.string()}); }
    test::ProcessResult sha256sum_c() {
        return test::run_process({"/bin/sh", "-c", "cd \"$0\" && sha256sum -c SHA256SUMS", bundle.string()});
    }
    void append(const std::string& name, const std::string& bytes) { std::ofstream(bundle / name, std::ios::app | std::ios::binary) << bytes; }
    void reseal() {  // what a careful forger does after an edit: recompute SHA256SUMS
        auto r = test::run_process({"/bin/sh", "-c", "cd \"$0\" && sha256sum $(cut -c67- SHA256SUMS) > SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS",
                                    bundle.string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    test::TempDir dir;
    std::filesystem::path bundle;
};

}  // namespace

TEST_F(Bundle, HoldsEverythingAndBothCheckersAcceptIt) {
    for (const char* name : {"report.json", "report.md", "report.html", "events.jsonl", "journal.db", "runbook.md", "environment.jsonc",
                             "chain-head.txt", "SHA256SUMS"})
        EXPECT_TRUE(std::filesystem::exists(bundle / name)) << name;
    auto sums = sha256sum_c();
    EXPECT_EQ(sums.exit_code, 0) << sums.out << sums.err;
    EXPECT_NE(sums.out.find("journal.db: OK"), std::string::npos) << sums.out;
    auto r = verify();
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("intact"), std::string::npos);
    auto head = test::run_drconsole({"verify", "--db", (dir / "demo" / "journal.db").string(), "--incident", "1"});
    std::string printed = head.out.substr(head.out.find("head ") + 5);
    printed.pop_back();
    EXPECT_EQ(test::run_drconsole({"verify", "--bundle", bundle.string(), "--head", printed}).exit_code, 0) << printed;
    EXPECT_EQ(test::run_drconsole({"verify", "--bundle", bundle.string(), "--head", "5:" + std::string(64, 'a')}).exit_code, 1);
    std::ifstream env(bundle / "environment.jsonc");
    std::string env_text((std::istreambuf_iterator<char>(env)), {});
    EXPECT_NE(env_text.find("password=${PGPASSWORD}"), std::string::npos) << "secrets stay references: " << env_text;
}

TEST_F(Bundle, ChangingAnyFileIsCaught) {
    for (const char* name : {"report.json", "report.md", "report.html", "events.jsonl", "journal.db", "runbook.md", "environment.jsonc", "chain-head.txt"}) {
        std::filesystem::copy_file(bundle / name, dir / "saved");
        append(name, " ");
        auto r = verify();
        EXPECT_EQ(r.exit_code, 1) << name;
        EXPECT_NE(r.out.find(std::string(name) + ": SHA-256 differs from SHA256SUMS"), std::string::npos) << r.out;
        EXPECT_NE(sha256sum_c().exit_code, 0) << name;
        std::filesystem::copy_file(dir / "saved", bundle / name, std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove(dir / "saved");
    }
    EXPECT_EQ(verify().exit_code, 0) << "restored";
    append("extra.txt", "slipped in");
    EXPECT_NE(verify().out.find("extra.txt: in the bundle but not covered by SHA256SUMS"), std::string::npos);
}

TEST_F(Bundle, AnEditedSnapshotIsCaughtEvenWithRecomputedChecksums) {
    // Change who promoted the database, in the snapshot, past the append-only triggers.
    auto r = test::run_process({"/usr/bin/sqlite3", (bundle / "journal.db").string(),
                                "DROP TRIGGER IF EXISTS events_no_update; "
                                "UPDATE events SET person = 'someone-else' WHERE step_id = 'pg-promote';"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    reseal();
    ASSERT_EQ(sha256sum_c().exit_code, 0) << "the checksums alone are fooled";
    auto v = verify();
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_NE(v.out.find("journal.db: the chain of incident 1 does not verify"), std::string::npos) << v.out;
}

TEST_F(Bundle, EditedEventsAreCaughtByTheChainHead) {
    auto r = test::run_process({"/bin/sh", "-c", "cd \"$0\" && sed -i 's/dmitri/someone-else/' events.jsonl", bundle.string()});
    ASSERT_EQ(r.exit_code, 0);
    reseal();
    auto v = verify();
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_NE(v.out.find("events.jsonl chains to"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("events.jsonl: differs from the one made from journal.db"), std::string::npos) << v.out;
}

TEST_F(Bundle, EveryFileEditedAndResealedIsCaughtAgainstTheSnapshot) {
    // A forger who edits a file and recomputes SHA256SUMS: each file is made again from the
    // snapshot's chain and compared byte for byte.
    const std::vector<std::pair<std::string, std::string>> edits{
        {"report.json", "s/alice/mallory/"},
        {"report.md", "s/dmitri/someone-else/"},
        {"report.html", "s/dmitri/someone-else/"},
        {"runbook.md", "s/Promote/Skip/"},
        {"environment.jsonc", "s/127.0.0.1/10.0.0.9/"},
    };
    for (const auto& [name, sed] : edits) {
        std::filesystem::copy_file(bundle / name, dir / "saved");
        auto r = test::run_process({"/bin/sed", "-i", sed, (bundle / name).string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        ASSERT_NE(test::run_process({"/usr/bin/cmp", "-s", (bundle / name).string(), (dir / "saved").string()}).exit_code, 0) << name << " unchanged by " << sed;
        reseal();
        auto v = verify();
        EXPECT_EQ(v.exit_code, 1) << name;
        EXPECT_NE(v.out.find(name + ": differs from the one made from journal.db"), std::string::npos) << name << ":\n" << v.out;
        std::filesystem::copy_file(dir / "saved", bundle / name, std::filesystem::copy_options::overwrite_existing);
        std::filesystem::remove(dir / "saved");
        reseal();
    }
    EXPECT_EQ(verify().exit_code, 0) << "restored";
}

TEST_F(Bundle, AnEditedStoredEnvironmentIsCaughtAndNeverUsed) {
    // In the live journal: point the environment's target elsewhere, past the triggers.
    std::string db = (dir / "demo" / "journal.db").string();
    auto r = test::run_process({"/usr/bin/sqlite3", db,
                                "DROP TRIGGER documents_no_update; "
                                "UPDATE documents SET content = replace(content, '127.0.0.1', '10.0.0.9') WHERE kind = 'environment';"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto v = test::run_drconsole({"verify", "--db", db, "--incident", "1"});
    EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
    EXPECT_NE((v.out + v.err).find("environment document was changed"), std::string::npos) << v.out << v.err;
    // Gates and actions read the environment through document(): a changed one is refused there.
    Journal journal(db);
    std::string sha = Incident::attach(journal, 1).state().env_sha256;
    ASSERT_FALSE(sha.empty());
    EXPECT_THROW(journal.document(sha), JournalError);
}

TEST_F(Bundle, HoldsItsOwnIncidentOnly) {
    std::string db = (dir / "demo" / "journal.db").string();
    {
        Journal journal(db);
        StartRequest req = test::drill_request();
        req.mode = "real";
        Incident other = Incident::start(journal, req);
        other.add_note("payroll-db password rotated by hand, ticket SEC-4471", "", {"ic", "alice"});
    }
    auto second = dir / "second";
    auto r = test::run_drconsole({"export", "--db", db, "--incident", "1", "--out", second.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto bytes = test::run_process({"/bin/grep", "-c", "SEC-4471", (second / "journal.db").string()});
    EXPECT_EQ(bytes.out, "0\n") << "another incident's note is in the bundle";
    auto tables = test::run_process({"/usr/bin/sqlite3", (second / "journal.db").string(), "SELECT count(*) FROM incidents; SELECT count(DISTINCT incident_id) FROM events;"});
    EXPECT_EQ(tables.out, "1\n1\n");
    EXPECT_EQ(test::run_drconsole({"verify", "--bundle", second.string()}).exit_code, 0);
}

TEST_F(Bundle, AnEditedSampleInTheSnapshotIsCaughtEvenWhenResealed) {
    auto r = test::run_process({"/usr/bin/sqlite3", (bundle / "journal.db").string(),
                                "DROP TRIGGER samples_no_update; UPDATE samples SET value = 0 WHERE target = 'pg';"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    reseal();
    auto v = verify();
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_NE(v.out.find("journal.db: the chain of incident 1 does not verify: 1 sample problem: pg lag_s"), std::string::npos) << v.out;
}

TEST_F(Bundle, VerifyWritesNothingThroughAPlantedSymlink) {
    // The name an earlier version used for its copy (TMPDIR/drconsole-verify-PID.db), planted as
    // a symlink to a victim file by another user; exec keeps the shell's PID for drconsole.
    std::filesystem::create_directories(dir / "tmp");
    std::ofstream(dir / "victim") << "precious";
    auto r = test::run_process({"/bin/sh", "-c", "ln -s \"$1\" \"$TMPDIR/drconsole-verify-$$.db\" && exec \"$2\" verify --bundle \"$3\"", "sh",
                                (dir / "victim").string(), DRCONSOLE_BIN, bundle.string()},
                               {"TMPDIR=" + (dir / "tmp").string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    std::ifstream victim(dir / "victim");
    std::string content((std::istreambuf_iterator<char>(victim)), {});
    EXPECT_EQ(content, "precious") << "verify wrote through the planted symlink";
    std::size_t left = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir / "tmp")) left += e.path().filename().string().rfind("drconsole-verify-", 0) == 0 && !e.is_symlink();
    EXPECT_EQ(left, 0u) << "its private folder is removed";
}
