// The evidence bundle: sha256sum -c accepts it, verify --bundle accepts it, and tampering with any
// file, or with the snapshot and its checksum together, is caught.
#include <fstream>

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
    EXPECT_NE(v.out.find("journal.db: its events differ from events.jsonl"), std::string::npos) << v.out;
}
