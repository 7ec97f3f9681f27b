// Signed checkpoints: what an outsider with write access to the journal file can forge without
// the private key, and what verify --pubkey then finds. Each case is tried with and without the
// key, so that the test also shows what only the key detects.
#include <sys/stat.h>

#include <functional>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "support/fixtures.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

class Signed : public ::testing::Test {
protected:
    void SetUp() override {
        generate_signing_key(dir / "ic.key");
        Journal journal(db());
        Incident incident = Incident::start(journal, test::drill_request());  // events 1-3
        Actor ic{"ic", "alice"};
        incident.inject_fault("stopped the primary", ic);                     // 4
        incident.complete_step("confirm", ic);                                // 5
        incident.skip_step("declare", "declared by phone", ic);              // 6
        incident.resolve("failed over", ic);                                  // 7
        incident.sign_checkpoint(SigningKey::load(dir / "ic.key"), ic);       // 8
    }

    std::filesystem::path db() const { return dir / "j.db"; }
    ChainReport plain() { return Journal(db()).verify(1).at(0); }
    ChainReport with_key() {
        VerifyKey key = VerifyKey::load(dir / "ic.key.pub");
        return Journal(db()).verify(1, &key).at(0);
    }
    void outsider(const std::string& sql) { ASSERT_EQ(test::outsider_sql(db(), sql), ""); }

    void recompute_from(std::int64_t seq, const std::function<void(Event&)>& edit) { ASSERT_EQ(test::recompute_chain(db(), seq, edit), ""); }

    test::TempDir dir;
};

}  // namespace

TEST_F(Signed, AnIntactSignedChainVerifiesWithItsKeyOnly) {
    ChainReport r = with_key();
    EXPECT_TRUE(r.intact) << r.problem;
    EXPECT_EQ(r.checkpoints, 1);
    EXPECT_EQ(r.signed_through, 8);
    struct stat st{};
    ASSERT_EQ(::stat((dir / "ic.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "the private key is the owner's alone";

    generate_signing_key(dir / "other.key");
    VerifyKey other = VerifyKey::load(dir / "other.key.pub");
    ChainReport wrong = Journal(db()).verify(1, &other).at(0);
    EXPECT_FALSE(wrong.intact);
    EXPECT_NE(wrong.problem.find("no checkpoint signed with " + other.fingerprint()), std::string::npos) << wrong.problem;
    EXPECT_THROW(generate_signing_key(dir / "ic.key"), InputError) << "a key is never overwritten";
}

TEST_F(Signed, ARecomputedChainPassesAloneAndFailsWithTheKey) {
    recompute_from(5, [](Event& e) { e.actor.person = "mallory"; });
    // The checkpoint names the hash it covered: even without the key, a chain recomputed under it shows.
    ChainReport r = plain();
    EXPECT_FALSE(r.intact);
    EXPECT_EQ(r.problem.find("event 8: a checkpoint (naming ed25519:"), 0u) << r.problem;
    EXPECT_NE(r.problem.find("covered event 7 with another hash than the chain has now"), std::string::npos) << r.problem;
    EXPECT_FALSE(with_key().intact);
    // A forger who also rewrites the hash the checkpoint names passes the chain alone, but cannot
    // make its signature match.
    std::string seventh = Journal(db()).events(1).at(6).hash;
    recompute_from(8, [&](Event& e) { e.payload["covers_hash"] = seventh; });
    EXPECT_TRUE(plain().intact) << plain().problem;
    r = with_key();
    EXPECT_EQ(r.problem.find("event 8: its checkpoint's signature does not verify"), 0u) << r.problem;
}

TEST_F(Signed, AForgedAppendAfterTheLastCheckpointIsNotCovered) {
    {
        Journal journal(db());
        Incident::attach(journal, 1).add_note("the standby was never behind", "", {"ic", "alice"});  // 9, by a writer without the key
    }
    EXPECT_TRUE(plain().intact);
    ChainReport r = with_key();
    EXPECT_FALSE(r.intact);
    EXPECT_NE(r.problem.find("event 9 comes after the last checkpoint signed with"), std::string::npos) << r.problem;
    // Signing again covers it.
    {
        Journal journal(db());
        Incident::attach(journal, 1).sign_checkpoint(SigningKey::load(dir / "ic.key"), {"ic", "alice"});
    }
    EXPECT_TRUE(with_key().intact) << with_key().problem;
}

TEST_F(Signed, ATruncatedTailIsFoundWhenItTakesTheCheckpointWithIt) {
    outsider("DELETE FROM events WHERE incident_id = 1 AND seq >= 7");
    EXPECT_TRUE(plain().intact) << "without the key (and without a head kept elsewhere) a truncated tail verifies";
    ChainReport r = with_key();
    EXPECT_FALSE(r.intact);
    EXPECT_NE(r.problem.find("no checkpoint signed with"), std::string::npos) << r.problem;
}

TEST_F(Signed, TheCommandLineSignsAtResolveAndExportAndVerifiesBundles) {
    test::TempDir cli;
    std::string db = (cli.path() / "j.db").string(), key = (cli.path() / "ic.key").string();
    auto keygen = test::run_drconsole({"keygen", "--out", key});
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    EXPECT_NE(keygen.out.find("key ed25519:"), std::string::npos) << keygen.out;
    EXPECT_EQ(test::run_drconsole({"keygen", "--out", key}).exit_code, 2) << "never overwrites";
    // A runbook without cleanup steps: it resolves at once.
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/region-failover.md"), "--mode", "drill",
                                   "--roster", "ic=maria", "--as", "ic:maria"}).exit_code, 0);
    auto resolve = test::run_drconsole({"resolve", "--db", db, "drill over", "--as", "ic:maria"}, {"DRCONSOLE_SIGNING_KEY=" + key});
    ASSERT_EQ(resolve.exit_code, 0) << resolve.err;
    EXPECT_NE(resolve.err.find("recorded #4 checkpoint.signed as ic:maria"), std::string::npos) << resolve.err;
    EXPECT_NE(resolve.err.find("3 events not signed by it before:\n  #1 "), std::string::npos) << "what it vouches for, said: " << resolve.err;
    auto verify = test::run_drconsole({"verify", "--db", db, "--pubkey", key + ".pub"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("signed: 1 checkpoint with ed25519:"), std::string::npos) << verify.out;

    // A note after the final checkpoint: the key does not sign it into a bundle, and nothing is left behind.
    ASSERT_EQ(test::run_drconsole({"note", "--db", db, "--incident", "1", "the report was read out", "--as", "ic:maria"}).exit_code, 0);
    std::string bundle = (cli.path() / "bundle").string();
    auto refused = test::run_drconsole({"export", "--db", db, "--incident", "1", "--out", bundle, "--key", key});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("not signing the bundle: event 5 comes after the last checkpoint"), std::string::npos) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(bundle)) << "a refused export leaves no half bundle";
    // The key holder is shown what a checkpoint would vouch for, and asked: without a terminal, --yes.
    auto unasked = test::run_drconsole({"checkpoint", "--db", db, "--incident", "1", "--key", key, "--as", "ic:maria"});
    EXPECT_EQ(unasked.exit_code, 2) << unasked.err;
    EXPECT_NE(unasked.err.find("1 event not signed by it before:\n  #5 "), std::string::npos) << unasked.err;
    EXPECT_NE(unasked.err.find("ic:maria note: the report was read out"), std::string::npos) << unasked.err;
    EXPECT_NE(unasked.err.find("sign them with --yes (nothing was signed)"), std::string::npos) << unasked.err;
    ASSERT_EQ(test::run_drconsole({"checkpoint", "--db", db, "--incident", "1", "--key", key, "--as", "ic:maria", "--yes"}).exit_code, 0);
    ASSERT_EQ(test::run_drconsole({"export", "--db", db, "--incident", "1", "--out", bundle, "--key", key}).exit_code, 0);
    auto ok = test::run_drconsole({"verify", "--bundle", bundle, "--pubkey", key + ".pub"});
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    // A forger rewrites a file and SHA256SUMS: the signature no longer matches.
    test::run_process({"/bin/sh", "-c", "cd \"$0\" && sed -i 's/maria/mallory/' report.md && sha256sum $(cut -c67- SHA256SUMS) > S && mv S SHA256SUMS", bundle});
    auto forged = test::run_drconsole({"verify", "--bundle", bundle, "--pubkey", key + ".pub"});
    EXPECT_EQ(forged.exit_code, 1);
    EXPECT_NE(forged.out.find("SHA256SUMS.sig: the signature does not verify"), std::string::npos) << forged.out;

    // The wrong public key: the refusal names the key that did sign.
    std::string other = (cli.path() / "other.key").string();
    ASSERT_EQ(test::run_drconsole({"keygen", "--out", other}).exit_code, 0);
    std::string fingerprint = keygen.out.substr(keygen.out.find("key ed25519:") + 4);
    fingerprint.pop_back();  // the newline
    auto wrong = test::run_drconsole({"verify", "--db", db, "--pubkey", other + ".pub"});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.out.find("nothing of it is covered by that key (its checkpoints name " + fingerprint + ")"), std::string::npos) << wrong.out;
    // The report lists the checkpoints as claims: it holds no public key to check them with.
    auto report = test::run_drconsole({"report", "--db", db, "--incident", "1"});
    EXPECT_NE(report.out.find("- Signed checkpoints: 2, the last at event 6 over events 1–5 after the resolution, naming key " + fingerprint +
                              "; the signatures are checked by 'drconsole verify --pubkey KEY.pub', not by this report"),
              std::string::npos) << report.out;
    EXPECT_NE(report.out.find("checkpoint over events 1–3, signed with " + fingerprint + " by its own account"), std::string::npos) << report.out;
}

TEST(SignedCut, ATailCutBackToACheckpointBeforeTheResolutionIsFound) {
    test::TempDir dir;
    generate_signing_key(dir / "ic.key");
    SigningKey key = SigningKey::load(dir / "ic.key");
    Actor ic{"ic", "alice"};
    {
        Journal journal(dir / "j.db");
        Incident incident = Incident::start(journal, test::drill_request());  // 1-3
        incident.inject_fault("stopped the primary", ic);                     // 4
        incident.sign_checkpoint(key, ic);                                    // 5: not final
        incident.complete_step("confirm", ic);                                // 6
        incident.resolve("failed over", ic);                                  // 7
        incident.sign_checkpoint(key, ic);                                    // 8: final
    }
    VerifyKey pub = VerifyKey::load(dir / "ic.key.pub");
    EXPECT_TRUE(Journal(dir / "j.db").verify(1, &pub).at(0).intact);
    ASSERT_EQ(test::outsider_sql(dir / "j.db", "DELETE FROM events WHERE incident_id = 1 AND seq >= 6"), "");
    EXPECT_TRUE(Journal(dir / "j.db").verify(1).at(0).intact) << "the chain alone cannot tell";
    ChainReport r = Journal(dir / "j.db").verify(1, &pub).at(0);
    EXPECT_FALSE(r.intact);
    EXPECT_NE(r.problem.find("(event 5) was made before the incident was resolved"), std::string::npos) << r.problem;
}

TEST(SignedEvery, ALongIncidentIsSignedEveryFiftyEventsWhereverItIsRecorded) {
    test::TempDir dir;
    std::string db = (dir.path() / "j.db").string(), key = (dir.path() / "ic.key").string();
    ASSERT_EQ(test::run_drconsole({"keygen", "--out", key}).exit_code, 0);
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                                   "--roster", "ic=maria", "--as", "ic:maria"}).exit_code, 0);
    // The start and its roster (events 1-2), 47 notes through the engine: 49 events, not due; the
    // note through the command line is event 50, and the checkpoint follows it.
    {
        Journal journal(db);
        Incident incident = Incident::attach(journal, 1);
        for (int i = 0; i < 47; ++i) incident.add_note(fmt::format("note {}", i), "", {"ic", "maria"});
        EXPECT_FALSE(incident.sign_if_due(SigningKey::load(key), {"ic", "maria"})) << "49 events: not due";
    }
    const std::vector<std::string> env{"DRCONSOLE_SIGNING_KEY=" + key};
    auto fiftieth = test::run_drconsole({"note", "--db", db, "the fiftieth", "--as", "ic:maria"}, env);
    ASSERT_EQ(fiftieth.exit_code, 0) << fiftieth.err;
    EXPECT_NE(fiftieth.err.find("recorded #51 checkpoint.signed as ic:maria"), std::string::npos) << fiftieth.err;
    auto next = test::run_drconsole({"note", "--db", db, "one more", "--as", "ic:maria"}, env);
    EXPECT_EQ(next.err.find("checkpoint.signed"), std::string::npos) << "one event after a checkpoint is not due: " << next.err;
    // A key that cannot be read: the note is recorded, the missing signature is said.
    auto broken = test::run_drconsole({"note", "--db", db, "with a broken key", "--as", "ic:maria"},
                                      {"DRCONSOLE_SIGNING_KEY=" + (dir.path() / "missing.key").string()});
    EXPECT_EQ(broken.exit_code, 0) << broken.err;
    EXPECT_NE(broken.out, "") << "the note's seq";
    auto count = test::run_process({"/usr/bin/sqlite3", db, "SELECT count(*) FROM events WHERE kind = 'note'"});
    EXPECT_EQ(count.out, "50\n");
}
