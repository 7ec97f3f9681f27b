// The command line end to end: the real binary, a real journal file, a walked drill.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;
using test::run_drconsole;
using test::source_path;

namespace {

class Cli : public ::testing::Test {
protected:
    std::string db() const { return (dir / "journal.db").string(); }
    test::ProcessResult run(std::vector<std::string> args) {
        args.insert(args.begin() + 1, {"--db", db()});
        return run_drconsole(args, {"USER=tester"});
    }
    test::TempDir dir;
};

}  // namespace

TEST_F(Cli, AWalkedDrillShowsEveryStepWithTimesAndActors) {
    auto start = run({"start", "--runbook", source_path("checklists/kafka-cluster-failover.md"), "--mode", "drill",
                      "--env", source_path("data/lab.env.jsonc"), "--roster", "ic=alice,messaging=carol", "--as", "ic:alice"});
    ASSERT_EQ(start.exit_code, 0) << start.err;
    EXPECT_EQ(start.out, "1\n") << "start prints the incident id alone on stdout";
    EXPECT_NE(start.err.find("started drill incident 1"), std::string::npos);

    ASSERT_EQ(run({"handover", "--incident", "1", "app", "dave", "--as", "ic:alice"}).exit_code, 0);
    ASSERT_EQ(run({"fault", "--incident", "1", "stopped the primary brokers", "--as", "ic:alice"}).exit_code, 0);
    ASSERT_EQ(run({"declare", "--incident", "1", "--as", "ic:alice"}).exit_code, 0);

    // Every step: started then done, by its owner role (the default actor role).
    auto status = nlohmann::json::parse(run({"status", "--incident", "1", "--json"}).out);
    std::vector<std::string> ids;
    for (const auto& phase : status["phases"])
        for (const auto& step : phase["steps"]) ids.push_back(step["id"]);
    ASSERT_EQ(ids.size(), 16u);
    const std::set<std::string> gated{"dr-cluster-healthy", "mirror-lag-ok", "mirror-drained", "verify-consumer-lag"};
    for (const auto& id : ids) {
        if (gated.count(id)) {
            // Nothing of the lab runs here, so the gate is unknown: only the IC, with a reason, goes ahead.
            ASSERT_EQ(run({"step", "--incident", "1", id, "start"}).exit_code, 0);
            if (id == "dr-cluster-healthy") {
                auto refused = run({"step", "--incident", "1", id, "done"});
                EXPECT_EQ(refused.exit_code, 2) << id;
                EXPECT_NE(refused.err.find("refused: gate fail: kafka-dr.up is 0, needs == 1"), std::string::npos) << refused.err;
                auto not_ic = run({"step", "--incident", "1", id, "done", "--override", "checked by hand", "--as", "messaging:carol"});
                EXPECT_EQ(not_ic.exit_code, 2);
                EXPECT_NE(not_ic.err.find("only the IC overrides a gate"), std::string::npos) << not_ic.err;
            }
            auto d = run({"step", "--incident", "1", id, "done", "--override", "checked on the DR dashboards", "--as", "ic:alice"});
            ASSERT_EQ(d.exit_code, 0) << id << ": " << d.err;
            continue;
        }
        if (id == "reverse-replication") {
            auto skip = run({"step", "--incident", "1", id, "skip", "--reason", "primary unreachable"});
            ASSERT_EQ(skip.exit_code, 0) << skip.err;
            continue;
        }
        auto s = run({"step", "--incident", "1", id, "start"});
        ASSERT_EQ(s.exit_code, 0) << id << ": " << s.err;
        auto d = run({"step", "--incident", "1", id, "done"});
        ASSERT_EQ(d.exit_code, 0) << id << ": " << d.err;
    }
    ASSERT_EQ(run({"comms", "--incident", "1", "serving from DR", "--as", "comms:erin"}).exit_code, 0);
    ASSERT_EQ(run({"resolve", "--incident", "1", "failed over and back", "--as", "ic:alice"}).exit_code, 0);

    auto final = run({"status", "--incident", "1", "--json"});
    ASSERT_EQ(final.exit_code, 0) << final.err;
    auto j = nlohmann::json::parse(final.out);
    EXPECT_EQ(j["incident"]["status"], "resolved");
    EXPECT_EQ(j["incident"]["mode"], "drill");
    EXPECT_EQ(j["incident"]["t0_source"], "fault injected");
    EXPECT_EQ(j["roster"]["app"], "dave");
    EXPECT_EQ(j["roster"]["ic"], "alice");
    EXPECT_EQ(j["progress"]["done"], 15);
    EXPECT_EQ(j["progress"]["skipped"], 1);
    for (const auto& phase : j["phases"]) {
        for (const auto& step : phase["steps"]) {
            ASSERT_FALSE(step["ended_at"].is_null()) << step["id"];
            ASSERT_FALSE(step["ended_by"].is_null()) << step["id"];
            if (gated.count(step["id"])) {
                EXPECT_EQ(step["ended_by"], (nlohmann::json{{"role", "ic"}, {"person", "alice"}})) << step["id"];
                EXPECT_EQ(step["gate_override"], "checked on the DR dashboards");
                continue;
            }
            EXPECT_EQ(step["ended_by"]["role"], step["role"]) << step["id"];
            EXPECT_EQ(step["ended_by"]["person"], "tester") << "the person defaults to $USER";
            if (step["id"] == "reverse-replication") {
                EXPECT_EQ(step["state"], "skipped");
                EXPECT_EQ(step["reason"], "primary unreachable");
            } else {
                EXPECT_EQ(step["state"], "done");
                EXPECT_FALSE(step["started_at"].is_null()) << step["id"];
                EXPECT_LE(step["started_at"].get<std::string>(), step["ended_at"].get<std::string>());
            }
        }
    }
    // started, 2 roster roles, handover, fault, declare, 15 × (start, done) + 1 skip, 4 gate overrides, comms, resolve
    EXPECT_EQ(j["chain"]["count"], 1 + 2 + 1 + 1 + 1 + 31 + 4 + 1 + 1);
}

TEST_F(Cli, RefusalsAndBadInputExitWith2AndRecordNothing) {
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/postgres-pitr.md"), "--mode", "real"}).exit_code, 0);
    ASSERT_EQ(run({"step", "identify-corruption", "done"}).exit_code, 0);  // the only open incident
    auto twice = run({"step", "identify-corruption", "done"});
    EXPECT_EQ(twice.exit_code, 2);
    EXPECT_NE(twice.err.find("already completed"), std::string::npos) << twice.err;
    EXPECT_NE(twice.err.find("nothing recorded"), std::string::npos) << twice.err;
    EXPECT_EQ(run({"step", "declare", "skip"}).exit_code, 2);              // no reason
    EXPECT_EQ(run({"fault", "oops"}).exit_code, 2);                          // real incident
    EXPECT_EQ(run({"step", "no-such-step", "done"}).exit_code, 2);
    EXPECT_EQ(run({"step", "declare", "finish"}).exit_code, 2);             // not a step action
    EXPECT_EQ(run({"note", "x", "--as", "dba:eve"}).exit_code, 2);          // unknown role
    EXPECT_EQ(run({"status", "--incident", "9"}).exit_code, 2);
    auto bad_runbook = run({"start", "--runbook", source_path("tests/runbooks/invalid/13-duplicate-step-id.md"), "--mode", "drill"});
    EXPECT_EQ(bad_runbook.exit_code, 2);
    EXPECT_NE(bad_runbook.err.find("13-duplicate-step-id.md:9:7: error: duplicate step id 'promote'"), std::string::npos) << bad_runbook.err;
    auto j = nlohmann::json::parse(run({"status", "--json"}).out);
    EXPECT_EQ(j["chain"]["count"], 2) << "started and one completed step: the refusals recorded nothing";
}

TEST_F(Cli, StartRefusesAnEnvironmentThatDoesNotMatchTheRunbook) {
    auto env = dir.write("env.jsonc", R"({"targets": {"pg-standby": {"type": "postgres", "dsn": "host=127.0.0.1"}}})");
    auto r = run({"start", "--runbook", source_path("checklists/region-failover.md"), "--mode", "drill", "--env", env.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("region-failover.md:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("gate names target 'api-primary'"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(std::filesystem::exists(db())) << "nothing was started: not even a journal file";
}

TEST_F(Cli, VerifyPrintsTheHeadAndCatchesARewrittenChain) {
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/quarterly-drill.md"), "--mode", "drill"}).exit_code, 0);
    ASSERT_EQ(run({"note", "first"}).exit_code, 0);
    auto v = run({"verify", "--incident", "1"});
    ASSERT_EQ(v.exit_code, 0) << v.out << v.err;
    auto at = v.out.find("head ");
    ASSERT_NE(at, std::string::npos) << v.out;
    std::string head = v.out.substr(at + 5, v.out.find('\n', at) - at - 5);
    EXPECT_EQ(head.substr(0, 2), "2:");  // started, note
    EXPECT_EQ(run({"verify", "--incident", "1", "--head", head}).exit_code, 0);
    ASSERT_EQ(run({"note", "second"}).exit_code, 0);
    EXPECT_EQ(run({"verify", "--incident", "1", "--head", head}).exit_code, 0) << "an old head stays valid as the chain grows";
    auto wrong = run({"verify", "--incident", "1", "--head", "2:" + std::string(64, 'a')});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.out.find("does not match"), std::string::npos) << wrong.out;
    EXPECT_EQ(run({"verify", "--incident", "1", "--head", "nonsense"}).exit_code, 2);
}

TEST_F(Cli, StatusAndReportSayWhenTheChainDoesNotVerify) {
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/quarterly-drill.md"), "--mode", "drill"}).exit_code, 0);
    ASSERT_EQ(run({"note", "the primary is down"}).exit_code, 0);
    auto intact = run({"status"});
    EXPECT_NE(intact.out.find("chain    2 events, head "), std::string::npos) << intact.out;
    EXPECT_NE(intact.out.find(", verified\n"), std::string::npos) << intact.out;
    // Someone with the file rewrites the note behind the tool's back.
    auto edit = test::run_process({"/usr/bin/sqlite3", db(), "DROP TRIGGER events_no_update; UPDATE events SET payload = "
                                                             "replace(payload, 'is down', 'is fine') WHERE seq = 2;"});
    ASSERT_EQ(edit.exit_code, 0) << edit.err;
    auto status = run({"status"});
    EXPECT_EQ(status.exit_code, 0) << "status still shows where the incident stands";
    EXPECT_NE(status.out.find("chain    NOT verified: event 2: hash mismatch"), std::string::npos) << status.out;
    EXPECT_NE(status.err.find("warning: incident 1: the journal does not verify: event 2: hash mismatch"), std::string::npos) << status.err;
    auto json = nlohmann::json::parse(run({"status", "--json"}).out);
    EXPECT_EQ(json["chain"]["verified"], false);
    EXPECT_NE(json["chain"]["problem"].get<std::string>().find("hash mismatch"), std::string::npos);
    for (const char* format : {"md", "html"}) {
        auto report = run({"report", "--format", format});
        EXPECT_NE(report.out.find("NOT verified"), std::string::npos) << format;
        EXPECT_NE(report.out.find("nothing in this report can be relied on"), std::string::npos) << format;
        EXPECT_EQ(report.out.find("Journal chain: 1 events"), std::string::npos) << "where the walk stopped is no count of the chain";
    }
}

TEST_F(Cli, VerifySaysWhenThereIsNothingToVerifyAndWhichIncidentsAreMissing) {
    // A journal whose only incident was removed holds none.
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/quarterly-drill.md"), "--mode", "drill"}).exit_code, 0);
    ASSERT_EQ(test::run_process({"/usr/bin/sqlite3", db(), "DROP TRIGGER events_no_delete; DROP TRIGGER incidents_no_delete; "
                                                           "DELETE FROM events; DELETE FROM incidents;"}).exit_code, 0);
    auto empty = run({"verify"});
    EXPECT_EQ(empty.exit_code, 0);
    EXPECT_NE(empty.out.find("journal.db: holds no incident: nothing to verify"), std::string::npos) << empty.out;
    for (int i = 0; i < 4; ++i)
        ASSERT_EQ(run({"start", "--runbook", source_path("checklists/quarterly-drill.md"), "--mode", "drill"}).exit_code, 0);
    auto removed = test::run_process({"/usr/bin/sqlite3", db(), "DROP TRIGGER IF EXISTS events_no_delete; DROP TRIGGER IF EXISTS incidents_no_delete; "
                                                                "DELETE FROM events WHERE incident_id IN (2, 3); DELETE FROM incidents WHERE id IN (2, 3);"});
    ASSERT_EQ(removed.exit_code, 0) << removed.err;
    auto v = run({"verify"});
    EXPECT_NE(v.out.find("incident 1: intact"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("incident 4: intact"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find("journal.db: incidents 2–3 are not in it: removed"), std::string::npos) << v.out;
    EXPECT_EQ(v.exit_code, 1) << "a removed incident fails verification";
    // A bundle's snapshot holds its one incident, and says so: there the gap is expected.
    ASSERT_EQ(run({"export", "--incident", "4", "--out", (dir / "bundle").string()}).exit_code, 0);
    auto snapshot = run_drconsole({"verify", "--db", (dir / "bundle" / "journal.db").string()});
    EXPECT_EQ(snapshot.exit_code, 0) << snapshot.out;
    EXPECT_NE(snapshot.out.find("journal.db: a bundle's snapshot of incident 4 alone"), std::string::npos) << snapshot.out;
    auto written = run_drconsole({"note", "--db", (dir / "bundle" / "journal.db").string(), "--incident", "4", "forged", "--as", "ic:x"});
    EXPECT_NE(written.exit_code, 0);
    EXPECT_NE(written.err.find("a bundle's snapshot (evidence of one incident): it is read, never written to"), std::string::npos) << written.err;
}

TEST_F(Cli, ValidateReportsEachFileAndChecksTargetsWithEnv) {
    auto ok = run_drconsole({"validate", source_path("checklists/region-failover.md"), source_path("checklists/postgres-pitr.md"),
                         "--env", source_path("data/lab.env.jsonc")});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("ok " + source_path("checklists/region-failover.md") + " (7 phases, 25 steps; includes " +
                          source_path("checklists/procedures/promote-postgresql.md") + ")"), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("postgres-pitr.md (6 phases, 17 steps)"), std::string::npos) << ok.out;
    auto missing = run_drconsole({"validate", (dir / "nope.md").string()});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("nope.md:1:1: error: cannot read: No such file or directory"), std::string::npos) << missing.err;
}

TEST_F(Cli, HelpAnswersOnEverySubcommand) {
    for (const char* cmd : {"validate", "start", "step", "note", "correct", "fault", "declare", "comms", "handover", "resolve",
                            "status", "list", "verify"}) {
        auto r = run_drconsole({cmd, "--help"});
        EXPECT_EQ(r.exit_code, 0) << cmd;
        EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
    }
    auto none = run_drconsole({});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_EQ(run_drconsole({"frobnicate"}).exit_code, 2);
}

TEST_F(Cli, TheDefaultJournalLivesUnderXdgDataHome) {
    std::string xdg = "XDG_DATA_HOME=" + (dir / "xdg").string();
    auto r = run_drconsole({"start", "--runbook", source_path("checklists/quarterly-drill.md"), "--mode", "drill"}, {xdg});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir / "xdg" / "drconsole" / "journal.db"));
}

TEST_F(Cli, UntrustedTextIsEscapedOnTheTerminal) {
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/quarterly-drill.md"), "--mode", "drill"}).exit_code, 0);
    ASSERT_EQ(run({"note", "lag \x1b[2J\xe2\x80\xae spoof"}).exit_code, 0);
    auto status = run({"status"});
    EXPECT_EQ(status.out.find('\x1b'), std::string::npos);
    EXPECT_NE(status.out.find("lag \\x1b[2J\\u{202e} spoof"), std::string::npos) << status.out;
}

TEST_F(Cli, BackfilledEventsKeepWhenTheyHappenedAndWhenTheyWereEntered) {
    const std::string clock = "--clock=fake:2026-01-03T02:10:00Z+0";
    ASSERT_EQ(run({"start", clock, "--runbook", source_path("checklists/kafka-cluster-failover.md"), "--mode", "drill", "--roster",
                   "ic=alice,messaging=carol", "--as", "ic:alice"}).exit_code, 0);
    // The fault happened at 02:00 and is entered ten minutes later: T0 is 02:00.
    ASSERT_EQ(run({"fault", clock, "stopped the brokers", "--at", "2026-01-03T02:00:00Z", "--as", "ic:alice"}).exit_code, 0);
    ASSERT_EQ(run({"note", clock, "bridge opened", "--at", "2026-01-03T02:03:30Z", "--as", "ic:alice"}).exit_code, 0);
    ASSERT_EQ(run({"comms", clock, "status page updated", "--at", "2026-01-03T02:05:00Z", "--as", "ic:alice"}).exit_code, 0);

    auto future = run({"note", clock, "from the future", "--at", "2026-01-03T03:00:00Z", "--as", "ic:alice"});
    EXPECT_EQ(future.exit_code, 2);
    EXPECT_NE(future.err.find("is in the future"), std::string::npos) << future.err;
    auto garbled = run({"comms", clock, "x", "--at", "yesterday", "--as", "ic:alice"});
    EXPECT_EQ(garbled.exit_code, 2);
    EXPECT_NE(garbled.err.find("--at 'yesterday': write UTC as"), std::string::npos) << garbled.err;

    auto report = run({"report", clock, "--format", "json"});
    ASSERT_EQ(report.exit_code, 0) << report.err;
    auto j = nlohmann::json::parse(report.out);
    EXPECT_EQ(j["incident"]["t0"], "2026-01-03T02:00:00.000000Z");
    std::map<std::string, nlohmann::json> by_kind;
    for (const auto& e : j["events"]) by_kind[e["kind"]] = e;
    EXPECT_EQ(by_kind["note"]["at"], "2026-01-03T02:03:30.000000Z");
    EXPECT_EQ(by_kind["note"]["entered_at"], "2026-01-03T02:10:00.000000Z");
    EXPECT_EQ(by_kind["note"]["at_source"], "backfilled");
    EXPECT_EQ(by_kind["note"]["t_plus"], "T+03:30");
    EXPECT_NE(by_kind["comms.sent"]["what"].get<std::string>().find("(backfilled: entered at 2026-01-03T02:10:00"), std::string::npos)
        << by_kind["comms.sent"]["what"];
    auto md = run({"report", clock});
    EXPECT_NE(md.out.find("bridge opened (backfilled: entered at 2026-01-03T02:10:00.000000Z)"), std::string::npos) << md.out;
}

TEST_F(Cli, AMistypedCommandOptionOrStepSaysWhatWasMeant) {
    auto command = run_drconsole({"stauts", "--help"});
    EXPECT_EQ(command.exit_code, 2) << "an unknown command with --help is an error, not the main help";
    EXPECT_NE(command.err.find("unknown command 'stauts' (did you mean status?)"), std::string::npos) << command.err;
    EXPECT_EQ(command.out, "");

    auto option = run({"status", "--incidnet", "1"});
    EXPECT_EQ(option.exit_code, 2);
    EXPECT_NE(option.err.find("unknown option '--incidnet' for status (did you mean --incident?)"), std::string::npos) << option.err;

    auto before = run_drconsole({"--incident", "1", "status"});
    EXPECT_EQ(before.exit_code, 2);
    EXPECT_NE(before.err.find("'--incident' goes after the command, e.g. drconsole status --incident"), std::string::npos) << before.err;

    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/region-failover.md"), "--mode", "drill", "--as", "ic:alice"}).exit_code, 0);
    auto step = run({"step", "pg-promot", "start"});
    EXPECT_EQ(step.exit_code, 2);
    EXPECT_NE(step.err.find("no step 'pg-promot' in runbook"), std::string::npos) << step.err;
    EXPECT_NE(step.err.find("(did you mean pg-promote?)"), std::string::npos) << step.err;
    auto verb = run({"step", "pg-promote", "dne"});
    EXPECT_EQ(verb.exit_code, 2);
    EXPECT_NE(verb.err.find("(did you mean done?)"), std::string::npos) << verb.err;
    auto far = run({"step", "zzzz", "start"});
    EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << "no guess when nothing is close: " << far.err;
    EXPECT_EQ(nlohmann::json::parse(run({"status", "--json"}).out)["chain"]["count"], 1) << "nothing was recorded (the start only)";
}

TEST_F(Cli, AfterResolveCommandsNameTheIncidentAndTheIcCanReopenIt) {
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/region-failover.md"), "--mode", "drill", "--roster", "ic=alice,scribe=sam",
                   "--as", "ic:alice"}).exit_code, 0);
    auto not_ic_resolve = run({"resolve", "closed by the scribe", "--as", "scribe:sam"});
    EXPECT_EQ(not_ic_resolve.exit_code, 2) << "only the IC resolves";
    EXPECT_NE(not_ic_resolve.err.find("only the IC resolves the incident"), std::string::npos) << not_ic_resolve.err;
    ASSERT_EQ(run({"resolve", "closed by mistake", "--as", "ic:alice"}).exit_code, 0);

    auto note = run({"note", "the failback is still to do"});
    EXPECT_EQ(note.exit_code, 2);
    EXPECT_NE(note.err.find("no open incident"), std::string::npos) << note.err;
    EXPECT_NE(note.err.find("   1  drill  started"), std::string::npos) << "the resolved incident is listed: " << note.err;
    EXPECT_NE(note.err.find("--incident N"), std::string::npos) << note.err;
    EXPECT_EQ(note.err.find("start one, e.g."), std::string::npos) << "not told to start a new one first: " << note.err;
    EXPECT_EQ(run({"note", "--incident", "1", "the failback is still to do"}).exit_code, 0);

    auto not_ic = run({"reopen", "--incident", "1", "not over", "--as", "scribe:sam"});
    EXPECT_EQ(not_ic.exit_code, 2);
    EXPECT_NE(not_ic.err.find("only the IC reopens a resolved incident"), std::string::npos) << not_ic.err;
    EXPECT_EQ(run({"reopen", "--incident", "1", "", "--as", "ic:alice"}).exit_code, 2) << "a reason is required";
    auto reopened = run({"reopen", "--incident", "1", "resolved by mistake: failback still to do", "--as", "ic:alice"});
    ASSERT_EQ(reopened.exit_code, 0) << reopened.err;
    EXPECT_NE(reopened.err.find("incident.reopened as ic:alice"), std::string::npos) << reopened.err;
    EXPECT_EQ(run({"reopen", "--incident", "1", "again", "--as", "ic:alice"}).exit_code, 2) << "an open incident is not reopened";

    auto status = nlohmann::json::parse(run({"status", "--json"}).out);
    EXPECT_EQ(status["incident"]["status"], "open") << "commands find it again without --incident";
    EXPECT_EQ(run({"step", "declare-sev1", "start", "--as", "ic:alice"}).exit_code, 0) << "steps are recorded again";
    auto report = run({"report", "--incident", "1", "--format", "md"});
    EXPECT_NE(report.out.find("REOPENED (resolution #"), std::string::npos) << "the reopen is on the timeline";
}

TEST_F(Cli, WithoutUserThePersonIsTheLoginNameOrSaidAloud) {
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/region-failover.md"), "--mode", "drill", "--as", "ic:alice"}).exit_code, 0);
    auto login = run_drconsole({"note", "--db", db(), "from the login name"}, {"USER=", "LOGNAME=dana", "SUDO_USER="});
    ASSERT_EQ(login.exit_code, 0) << login.err;
    EXPECT_NE(login.err.find(" as ic:dana"), std::string::npos) << "every confirmation names who acted: " << login.err;

    auto nobody = run_drconsole({"note", "--db", db(), "nobody named"}, {"USER=", "LOGNAME=", "SUDO_USER="});
    ASSERT_EQ(nobody.exit_code, 0) << nobody.err;
    EXPECT_NE(nobody.err.find("warning: $USER is not set and no login name is known"), std::string::npos) << nobody.err;
    EXPECT_EQ(nobody.err.find("warning", nobody.err.find("warning") + 1), std::string::npos) << "said once: " << nobody.err;
}

TEST_F(Cli, ACorrectedResolveSummaryIsShownWithTheSummaryItCorrects) {
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/region-failover.md"), "--mode", "drill", "--as", "ic:alice"}).exit_code, 0);
    auto resolved = run({"resolve", "failed over, RPO 0", "--as", "ic:alice"});
    ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
    std::string seq = resolved.out.substr(0, resolved.out.find('\n'));
    ASSERT_EQ(run({"correct", "--incident", "1", seq, "RPO was 4 s: the standby had stopped receiving", "--as", "ic:alice"}).exit_code, 0);

    auto md = run({"report", "--incident", "1", "--format", "md"});
    std::size_t row = md.out.find("| Resolved |");
    ASSERT_NE(row, std::string::npos) << md.out;
    std::string line = md.out.substr(row, md.out.find('\n', row) - row);
    EXPECT_NE(line.find("failed over, RPO 0"), std::string::npos) << line;
    EXPECT_NE(line.find("corrected (#" + std::to_string(std::stoi(seq) + 1) + ", ic:alice):* RPO was 4 s"), std::string::npos)
        << "the correction sits beside the summary: " << line;
    auto html = run({"report", "--incident", "1", "--format", "html"});
    EXPECT_NE(html.out.find("<em>corrected (#"), std::string::npos);
    auto status = run({"status", "--incident", "1"});
    EXPECT_NE(status.out.find("corrected (#"), std::string::npos) << status.out;
}

TEST_F(Cli, AllowMissingRunsAPartialEnvironmentWithTheStepsThatNeedItNotApplicable) {
    // The lab environment without the Kafka mirror: a PostgreSQL-and-HTTP drill of the region runbook.
    std::ifstream in(source_path("data/lab.env.jsonc"));
    std::string lab{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::size_t mm2 = lab.find("\"mm2\": {");
    ASSERT_NE(mm2, std::string::npos);
    lab.erase(mm2, lab.find("},", mm2) + 2 - mm2);
    auto env = dir.write("partial.env.jsonc", lab);
    std::vector<std::string> start{"start", "--runbook", source_path("checklists/region-failover.md"), "--env", env.string(), "--mode", "drill",
                                   "--roster", "ic=alice,messaging=carol", "--as", "ic:alice"};

    auto refused = run(start);
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("start with --allow-missing mm2"), std::string::npos) << "the refusal offers the way out: " << refused.err;
    auto typo = start;
    typo.insert(typo.end(), {"--allow-missing", "mm3"});
    auto mistyped = run(typo);
    EXPECT_EQ(mistyped.exit_code, 2) << "mm2 is still missing";
    EXPECT_NE(mistyped.err.find("warning: --allow-missing mm3:"), std::string::npos) << mistyped.err;
    EXPECT_NE(mistyped.err.find("(did you mean mm2?)"), std::string::npos) << mistyped.err;
    auto extra = start;
    extra.insert(extra.end(), {"--allow-missing", "mm2,kafka-dr"});  // kafka-dr: gone from this environment, never named by the runbook
    auto harmless = run(extra);
    EXPECT_EQ(harmless.exit_code, 0) << "a removed target the runbook never names is harmless: " << harmless.err;
    EXPECT_NE(harmless.err.find("warning: --allow-missing kafka-dr:"), std::string::npos) << harmless.err;
    ASSERT_EQ(run({"resolve", "--incident", "1", "started to check the warning", "--as", "ic:alice"}).exit_code, 0);

    start.insert(start.end(), {"--allow-missing", "mm2"});
    auto started = run(start);
    ASSERT_EQ(started.exit_code, 0) << started.err;
    EXPECT_NE(started.err.find("not applicable here: confirm-mirror-lag (its gate reads mm2"), std::string::npos) << started.err;

    auto step = run({"step", "confirm-mirror-lag", "start", "--as", "messaging:carol"});
    EXPECT_EQ(step.exit_code, 2);
    EXPECT_NE(step.err.find("step 'confirm-mirror-lag' is not applicable here"), std::string::npos) << step.err;
    auto count = [&] { return nlohmann::json::parse(run({"status", "--json"}).out)["chain"]["count"].get<int>(); };
    int before = count();
    for (std::vector<std::string> verb : {std::vector<std::string>{"done", "--override", "no mirror in this lab"}, {"run"}, {"reopen", "--reason", "x"}}) {
        std::vector<std::string> args{"step", "confirm-mirror-lag"};
        args.insert(args.end(), verb.begin(), verb.end());
        args.insert(args.end(), {"--as", "ic:alice"});
        auto r = run(args);
        EXPECT_EQ(r.exit_code, 2) << verb[0];
        EXPECT_NE(r.err.find("is not applicable here"), std::string::npos) << verb[0] << ": " << r.err;
        EXPECT_EQ(r.err.find("recorded #"), std::string::npos) << verb[0] << ": an override of a step that does not apply is not recorded: " << r.err;
    }
    EXPECT_EQ(count(), before) << "nothing recorded";
    EXPECT_EQ(run({"step", "declare-sev1", "start", "--as", "ic:alice"}).exit_code, 0) << "everything else runs";

    auto status = nlohmann::json::parse(run({"status", "--json"}).out);
    std::string state;
    for (const auto& phase : status["phases"])
        for (const auto& s : phase["steps"])
            if (s["id"] == "confirm-mirror-lag") state = s["state"];
    EXPECT_EQ(state, "not applicable");
    auto md = run({"report", "--incident", "2", "--format", "md"});
    EXPECT_NE(md.out.find("## Not applicable here"), std::string::npos) << md.out;
    EXPECT_NE(md.out.find("- `confirm-mirror-lag` (Stabilise data streams): its gate reads mm2"), std::string::npos) << md.out;
    EXPECT_EQ(md.out.find("skipped `confirm-mirror-lag`"), std::string::npos) << "not a deviation: it was never applicable";
}

TEST_F(Cli, AFaultStepsActionStampsT0InADrillAndIsRefusedInARealIncident) {
    auto runbook = dir.write("fault.md", "# Drill\n\n| Component | RPO | RTO |\n|---|---|---|\n| postgres | 60s | 10m |\n\n## Detect\n"
                                         "- [ ] Stop the primary {#stop role=ic fault}\n  ```run\n  /bin/true\n  ```\n"
                                         "- [ ] Promote {#promote role=ic restores=postgres}\n");
    auto real_db = (dir / "real.db").string();
    ASSERT_EQ(run_drconsole({"start", "--db", real_db, "--runbook", runbook.string(), "--mode", "real", "--as", "ic:alice"}).exit_code, 0);
    auto refused = run_drconsole({"step", "--db", real_db, "stop", "run", "--as", "ic:alice"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("step 'stop' injects a fault: it runs only in a drill, and this incident is real"), std::string::npos) << refused.err;

    ASSERT_EQ(run({"start", "--runbook", runbook.string(), "--mode", "drill", "--as", "ic:alice"}).exit_code, 0);
    auto ran = run({"step", "stop", "run", "--as", "ic:alice"});
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    auto status = run({"status", "--json"});
    auto s = nlohmann::json::parse(status.out);
    EXPECT_TRUE(s["incident"]["fault_at"].is_string()) << status.out;
    EXPECT_EQ(s["incident"]["t0_source"], "fault injected") << status.out;
}

// `-o /dev/null` or a FIFO is written into, never replaced by a regular file through a rename.
TEST_F(Cli, AReportToADeviceOrFifoIsWrittenIntoNotRenamedOver) {
    ASSERT_EQ(run({"start", "--runbook", source_path("checklists/kafka-cluster-failover.md"), "--mode", "drill", "--as", "ic:alice"}).exit_code, 0);
    auto fifo = dir / "report.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::string received;
    std::thread reader([&] {
        std::ifstream in(fifo);
        received.assign(std::istreambuf_iterator<char>(in), {});
    });
    auto report = run({"report", "--format", "md", "-o", fifo.string()});
    reader.join();
    EXPECT_EQ(report.exit_code, 0) << report.err;
    EXPECT_TRUE(std::filesystem::is_fifo(fifo)) << "the FIFO was replaced by a regular file";
    EXPECT_NE(received.find("afka"), std::string::npos) << "the report did not come through the FIFO";
    auto into_dir = run({"report", "--format", "md", "-o", dir.path().string()});
    EXPECT_EQ(into_dir.exit_code, 2);
    EXPECT_NE(into_dir.err.find("a directory"), std::string::npos) << into_dir.err;
}
