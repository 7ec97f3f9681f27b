// The quarterly drill walked by keys alone: the journal holds every step with the right actor, and
// the final screen matches the committed golden.
#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/journal.h"
#include "tui/console_run.h"

using namespace drconsole;

TEST(ConsoleWalk, TheScribesConsoleRecordsTheScribeEvenOnTheICsStep) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    auto keys = dir.write("keys.txt", "<Enter>\n<Enter>\n");  // start and complete the first step, the IC's
    auto r = test::run_drconsole({"open", "--clock", test::kFakeClock, "--db", (dir / "j.db").string(), "--keys", keys.string(), "--size",
                                  "120x40", "--as", "scribe:sam"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    const auto& first = j["phases"][0]["steps"][0];
    ASSERT_EQ(first["state"], "done") << first;
    EXPECT_EQ(first["started_by"], (nlohmann::json{{"role", "scribe"}, {"person", "sam"}}));
    EXPECT_EQ(first["ended_by"], (nlohmann::json{{"role", "scribe"}, {"person", "sam"}})) << "the journal names who acted";
}

TEST(ConsoleWalk, StrayEnterOrTextNeverResolvesAndARefusedDialogKeepsItsText) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    test::cleanup_done(dir);
    auto events = [&] { return test::run_process({"/usr/bin/sqlite3", (dir / "j.db").string(), "SELECT count(*) FROM events"}).out; };
    std::string before = events();
    // r then Enter: no summary, no resolve; the text typed after it stays in the dialog, and
    // Enter on it only asks.
    auto r = test::console_keys(dir, "r<Enter>old primary killed<Enter>\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("Type resolve to end the incident now (26 steps are still open)"), std::string::npos)
        << "it asks for the word first and says what is still open:\n" << screen;
    EXPECT_NE(screen.find("Summary: \"old primary killed\""), std::string::npos) << screen;
    EXPECT_EQ(events(), before) << "nothing resolved";
    // Neither y nor a stray word ends it: only the word resolve.
    ASSERT_EQ(test::console_keys(dir, "r<Enter>old primary killed<Enter>y<Enter>\n").exit_code, 0);
    EXPECT_NE(test::slurp(dir / "screen.txt").find("type resolve exactly to end the incident"), std::string::npos)
        << test::slurp(dir / "screen.txt");
    EXPECT_EQ(events(), before) << "y did not resolve";
    ASSERT_EQ(test::console_keys(dir, "r<Enter>\n").exit_code, 0);
    EXPECT_NE(test::slurp(dir / "screen.txt").find("a summary is required"), std::string::npos) << test::slurp(dir / "screen.txt");
    EXPECT_EQ(events(), before);

    // A refused skip (no reason given) keeps its dialog: what is typed next goes into it, not to
    // the main screen as commands (x would inject the fault, q quit, r resolve).
    ASSERT_EQ(test::console_keys(dir, "s<Enter>\n").exit_code, 0);
    EXPECT_NE(test::slurp(dir / "screen.txt").find("refused: a reason is required to skip a step"), std::string::npos) << test::slurp(dir / "screen.txt");
    auto refused = test::console_keys(dir, "s<Enter>xqr\n");
    ASSERT_EQ(refused.exit_code, 0) << refused.err;
    screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("xqr_"), std::string::npos) << "the keys after the refusal went into the dialog:\n" << screen;
    EXPECT_EQ(events(), before) << "no fault, no quit, no resolve leaked through";
}

TEST(ConsoleWalk, AnActionAsksBeforeAnythingIsRecorded) {
    test::TempDir dir;
    auto rb = dir.write("rb.md", "# Restart drill\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n\n## Repoint {kind=repoint}\n"
                                 "- [ ] Restart the api {#restart role=ic}\n  ```run\n  true\n  ```\n");
    ASSERT_EQ(test::run_drconsole({"start", "--clock", test::kFakeClock, "--db", (dir / "j.db").string(), "--runbook", rb.string(),
                                   "--mode", "drill", "--as", "ic:maria"}).exit_code, 0);
    ASSERT_EQ(test::console_keys(dir, "a<WaitFor Run it now?>n\n").exit_code, 0);
    ASSERT_EQ(test::console_keys(dir, "a<WaitFor Run it now?>\n").exit_code, 0);
    EXPECT_NE(test::slurp(dir / "screen.txt").find("Run it now? (run: true) (y/n)"), std::string::npos)
        << "the question shows what will run: " << test::slurp(dir / "screen.txt");
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    EXPECT_EQ(j["phases"][0]["steps"][0]["state"], "pending") << "answering n leaves nothing started";
}

TEST(ConsoleWalk, OpenWithoutATerminalRefusesAtOnce) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    auto started = std::chrono::steady_clock::now();
    auto r = test::run_drconsole({"open", "--db", (dir / "j.db").string(), "--as", "ic:maria"});  // stdin and stdout are pipes
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("the console needs a terminal"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "no escape codes written into the pipe";
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(ConsoleWalk, TheQuarterlyDrillByKeysAloneMatchesJournalAndGolden) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    std::string keys = test::slurp(test::source_path("tests/tui/scripts/quarterly-drill-walk.keys"));
    auto r = test::console_keys(dir, keys, "120x40", {"LANG=C.UTF-8", "LC_ALL=C.UTF-8"});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    auto status = test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--incident", "1", "--json"});
    auto j = nlohmann::json::parse(status.out);
    EXPECT_EQ(j["incident"]["status"], "resolved");
    EXPECT_EQ(j["incident"]["t0_source"], "fault injected");
    int steps = 0;
    for (const auto& phase : j["phases"])
        for (const auto& step : phase["steps"]) {
            ++steps;
            std::string id = step["id"];
            ASSERT_FALSE(step["ended_by"].is_null()) << id << " was not recorded";
            // One console, opened as ic:maria, walked every step: the journal names her, not the owners.
            EXPECT_EQ(step["ended_by"], (nlohmann::json{{"role", "ic"}, {"person", "maria"}})) << id;
            EXPECT_EQ(step["state"], id == "block-object-storage" ? "skipped" : "done") << id;
        }
    EXPECT_EQ(steps, 27);
    EXPECT_EQ(j["phases"][0]["steps"][3]["gate_override"], "replica lag checked on the Grafana board: 0.4 s");
    EXPECT_EQ(j["comms"].size(), 1u);
    EXPECT_EQ(j["roster"]["scribe"], "ana");
    // After resolve the console offered the report; 'y' wrote it beside the journal.
    std::string report = test::slurp(dir / "incident-1-report.md");
    EXPECT_NE(report.find("# Drill report: Quarterly DR drill: primary region failure"), std::string::npos) << report;
    EXPECT_TRUE(std::filesystem::exists(dir / "incident-1-report.html"));
    EXPECT_TRUE(nlohmann::json::parse(test::slurp(dir / "incident-1-report.json"))["chain"]["verified"].get<bool>());

    std::string screen = test::slurp(dir / "screen.txt");
    std::filesystem::path golden = test::source_path("tests/tui/golden/quarterly-drill-120x40.txt");
    if (std::getenv("DRCONSOLE_UPDATE_GOLDEN")) std::filesystem::copy_file(dir / "screen.txt", golden, std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(screen, test::slurp(golden)) << "the 120x40 screen changed; if that is intended, re-run with DRCONSOLE_UPDATE_GOLDEN=1 and review the diff";
}

TEST(ConsoleWalk, NothingIsRecordedWhenADialogIsCancelled) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    test::cleanup_done(dir);
    std::size_t before = Journal(dir / "j.db").events(1).size();
    auto r = test::console_keys(dir, "s\nchanged my mind<Esc>\nn\nhalf a note<Esc>\nr\n<Esc>\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Journal(dir / "j.db").events(1).size(), before);
    EXPECT_NE(test::slurp(dir / "screen.txt").find("cancelled: nothing recorded"), std::string::npos);
}

TEST(ConsoleWalk, AGateThatDoesNotPassSaysWhyAndOnlyTheIcOverrides) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    // Move to standby-caught-up (4th step), start it, try to complete it.
    auto r = test::console_keys(dir, "jjj<Enter><Enter>\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("start/done: gate: pg-standby.lag_s < 5s for 1m: no live readings (the console has no environment)"), std::string::npos) << screen;
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    EXPECT_EQ(j["phases"][0]["steps"][3]["state"], "started") << "a blocked step is not completed";

    auto scribe = test::run_drconsole({"open", "--clock", test::kFakeClock, "--db", (dir / "j.db").string(), "--keys",
                                       dir.write("k2", "jjjg\n").string(), "--size", "120x40", "--dump-screen",
                                       (dir / "scribe.txt").string(), "--as", "scribe:jun"});
    ASSERT_EQ(scribe.exit_code, 0) << scribe.err;
    EXPECT_NE(test::slurp(dir / "scribe.txt").find("override: only the IC overrides a gate (acting as scribe)"), std::string::npos)
        << test::slurp(dir / "scribe.txt");
}

TEST(ConsoleWalk, ANonUtf8LocaleDrawsAsciiAt80x24) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    auto r = test::console_keys(dir, "<Enter><Advance 1m><Enter>\n", "80x24", {"LANG=C", "LC_ALL=C"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    for (unsigned char ch : screen) ASSERT_LT(ch, 0x80) << "non-ASCII on a non-UTF-8 terminal:\n" << screen;
    EXPECT_NE(screen.find(" DRILL "), std::string::npos);
    EXPECT_NE(screen.find("> detect 01:00 -> . promote"), std::string::npos) << screen;
    // Narrow, the role column gives way to the step text; a pending step uses the status room too.
    EXPECT_NE(screen.find("  x Notify all stakeholders: pl~ done T+01:00"), std::string::npos) << screen;
    EXPECT_NE(screen.find("> . Confirm the change window is booked (2 AM ?~"), std::string::npos) << screen;
    int lines = 0;
    for (char ch : screen) lines += ch == '\n';
    EXPECT_EQ(lines, 24);
}

TEST(ConsoleWalk, TimesPhasesAndOutputReadTrue) {
    test::TempDir dir;
    auto rb = dir.write("rb.md", "# Display drill\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n\n"
                                 "## Pre-drill {kind=detect}\n- [ ] Book the window {#book role=ic}\n\n"
                                 "## Failover {kind=promote}\n- [ ] Restart the api {#restart role=ic}\n  ```run\n  printf 'orders\\tlast_id\\n'\n  ```\n\n"
                                 "## Failback {kind=failback}\n- [ ] Fail back {#back role=ic}\n");
    std::string db = (dir / "j.db").string();
    auto at = [](const char* hhmmss) { return std::string("--clock=fake:2026-01-03T") + hhmmss + "Z+0"; };
    auto run = [&](std::vector<std::string> args, const char* when) {
        args.insert(args.begin() + 1, {"--db", db, at(when)});
        return test::run_drconsole(args);
    };
    ASSERT_EQ(run({"start", "--runbook", rb.string(), "--mode", "drill", "--as", "ic:maria"}, "02:00:00").exit_code, 0);
    ASSERT_EQ(run({"step", "book", "start", "--as", "ic:maria"}, "02:00:00").exit_code, 0);
    ASSERT_EQ(run({"fault", "primary stopped", "--as", "ic:maria"}, "02:01:00").exit_code, 0);
    ASSERT_EQ(run({"step", "restart", "run", "--as", "ic:maria"}, "02:02:00").exit_code, 0);
    ASSERT_EQ(run({"step", "back", "skip", "--reason", "no failback in this drill", "--as", "ic:maria"}, "02:02:30").exit_code, 0);
    ASSERT_EQ(run({"resolve", "done", "--as", "ic:maria"}, "02:03:00").exit_code, 0);

    // Opened half an hour after resolve.
    auto keys = dir.write("keys.txt", "]\n");
    auto r = run({"open", "--incident", "1", "--keys", keys.string(), "--size", "120x40", "--dump-screen", (dir / "screen.txt").string(), "--as", "ic:maria"},
                 "02:33:00");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find(" detect 03:00 0/1"), std::string::npos) << "an open phase stops counting at resolve:\n" << screen;
    EXPECT_NE(screen.find("↷ failback"), std::string::npos) << "a phase whose steps were all skipped is not checked off:\n" << screen;
    EXPECT_EQ(screen.find("✓ failback"), std::string::npos) << screen;
    EXPECT_NE(screen.find("orders  last_id"), std::string::npos) << "psql-style tab columns read as columns:\n" << screen;
    EXPECT_EQ(screen.find("\\x09"), std::string::npos) << screen;

    auto first = dir.write("keys1.txt", "<Poll>\n");
    ASSERT_EQ(run({"open", "--incident", "1", "--keys", first.string(), "--size", "120x40", "--dump-screen", (dir / "screen1.txt").string(), "--as", "ic:maria"},
                  "02:33:00").exit_code, 0);
    screen = test::slurp(dir / "screen1.txt");
    EXPECT_NE(screen.find("started T-01:00"), std::string::npos) << "started a minute before T0, not at T+00:00:\n" << screen;
}

TEST(ConsoleWalk, SkipFailOverrideAndFaultAskForYAfterTheirText) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    auto state = [&] {
        auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
        return j["phases"][0]["steps"][0]["state"].get<std::string>();
    };
    ASSERT_EQ(test::console_keys(dir, "snot needed<Enter>\n").exit_code, 0);
    EXPECT_NE(test::slurp(dir / "screen.txt").find("Skip notify-stakeholders because \"not needed\"? (y/n)"), std::string::npos)
        << test::slurp(dir / "screen.txt");
    EXPECT_EQ(state(), "pending") << "Enter alone recorded nothing";
    ASSERT_EQ(test::console_keys(dir, "snot needed<Enter>n\n").exit_code, 0);
    EXPECT_EQ(state(), "pending");
    ASSERT_EQ(test::console_keys(dir, "snot needed<Enter>y\n").exit_code, 0);
    EXPECT_EQ(state(), "skipped");
    ASSERT_EQ(test::console_keys(dir, "xprimary stopped<Enter>\n").exit_code, 0);
    EXPECT_NE(test::slurp(dir / "screen.txt").find("Record the fault now? T0 is when x was pressed. (y/n)"), std::string::npos);
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    EXPECT_EQ(j["incident"]["t0_source"], "started") << "no fault without y";
}

TEST(ConsoleWalk, AStepStartedByMistakeIsPutBackAndIShowsItWhole) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    // Enter alone does not put it back (nor close the question); y does. Then i shows the step
    // whole, over the screen.
    auto r = test::console_keys(dir, "<Enter>u<WaitFor Put notify-stakeholders back><Enter><WaitFor y records it; n or Esc cancels>y\ni\n", "80x24");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto events = Journal(dir / "j.db").events(1);
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events[events.size() - 2].kind, "step.started");
    EXPECT_EQ(events.back().kind, "step.unstarted");
    EXPECT_EQ(events.back().actor, (Actor{"ic", "maria"}));
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    EXPECT_EQ(j["phases"][0]["steps"][0]["state"], "pending");
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("step notify-stakeholders (any key closes)"), std::string::npos) << screen;
    EXPECT_NE(screen.find("Notify all stakeholders: platform team, SRE, management"), std::string::npos)
        << "the full text, which the 80-column checklist cuts:\n" << screen;
    EXPECT_NE(screen.find("put back notify-stakeholders"), std::string::npos) << "the timeline says so:\n" << screen;
}

TEST(ConsoleWalk, TheHeaderCountsAComponentRestoredOnlyWhenEveryRestoringStepIsDone) {
    test::TempDir dir;
    auto rb = dir.write("rb.md", "# Two step restore\n\n| Component | RPO | RTO |\n|---|---|---|\n| postgres | - | 10m |\n| kafka | - | 20m |\n\n"
                                 "| Role | Owner |\n|---|---|\n| ic | SRE |\n\n## Promote {kind=promote}\n"
                                 "- [ ] Promote the standby {#promote role=ic restores=postgres}\n"
                                 "- [ ] Repoint the writers {#repoint role=ic restores=postgres}\n"
                                 "- [ ] Start the mirror {#mirror role=ic restores=kafka}\n");
    std::string db = (dir / "j.db").string();
    auto open_at = [&](const char* hhmmss, const std::string& keys) {
        return test::run_drconsole({"open", std::string("--clock=fake:2026-01-03T") + hhmmss + "Z+0", "--db", db, "--incident", "1", "--keys",
                                    dir.write("keys.txt", keys).string(), "--size", "120x40", "--dump-screen",
                                    (dir / "screen.txt").string(), "--as", "ic:maria"});
    };
    ASSERT_EQ(test::run_drconsole({"start", "--clock", test::kFakeClock, "--db", db, "--runbook", rb.string(), "--mode", "drill",
                                   "--as", "ic:maria"}).exit_code, 0);
    // Before the fault a drill has no T0: nothing counts down yet.
    ASSERT_EQ(open_at("02:05:00", "\n").exit_code, 0);
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("RTO starts at T0 (the fault)"), std::string::npos) << screen;
    ASSERT_EQ(test::run_drconsole({"fault", "--clock=fake:2026-01-03T02:10:00Z+0", "--db", db, "primary stopped", "--as", "ic:maria"}).exit_code, 0);
    ASSERT_EQ(open_at("02:10:00", "<Enter><Enter>\n").exit_code, 0);
    screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("RTO postgres 10:00 left"), std::string::npos) << "one of two restoring steps done is not restored:\n" << screen;
    // A minute later, the second restoring step (the console opens on the first open step).
    ASSERT_EQ(open_at("02:11:00", "<Enter><Enter>\n").exit_code, 0);
    screen = test::slurp(dir / "screen.txt");
    EXPECT_EQ(screen.find("postgres 10:00 left"), std::string::npos) << screen;
    EXPECT_NE(screen.find("RTO kafka 19:00 left"), std::string::npos) << screen;
    // Resolved with kafka never restored: the header says so rather than a time left.
    ASSERT_EQ(test::run_drconsole({"resolve", "--clock=fake:2026-01-03T02:12:00Z+0", "--db", db, "stopped early", "--as", "ic:maria"}).exit_code, 0);
    ASSERT_EQ(open_at("02:30:00", "\n").exit_code, 0);
    screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("RTO kafka NOT restored"), std::string::npos) << screen;
    auto report = nlohmann::json::parse(test::run_drconsole({"report", "--db", db, "--format", "json"}).out);
    EXPECT_EQ(report["achieved"][0]["restored_by"], "repoint") << report["achieved"].dump(1);
}

// Mid-drill, at the three sizes people use: the fault injected, a gate overridden, a step
// skipped, the promotion started. Golden screens; DRCONSOLE_UPDATE_GOLDEN=1 rewrites them.
class MidDrill : public ::testing::TestWithParam<const char*> {};

TEST_P(MidDrill, ScreenMatchesGolden) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    std::string keys = "<Enter><Advance 30s><Enter>\n<Enter><Advance 30s><Enter>\n<Enter><Advance 2m><Enter>\n"
                       "<Enter>g\nreplica lag checked on the Grafana board: 0.4 s<Enter>y\n<Enter>\n"
                       "<Advance 1m><Enter>x\npg_ctlcluster 15 main stop --mode=immediate<Enter>y\n<Advance 5s><Enter>y\n"
                       "<Enter><Advance 20s><Enter>\ns\nno object storage in the lab<Enter>y\n<Advance 4m><Enter><Advance 35s>\n";
    std::string size = GetParam();
    auto r = test::console_keys(dir, keys, size, {"LANG=C.UTF-8", "LC_ALL=C.UTF-8"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("#pg-promote"), std::string::npos) << "the cursor moved on into the promote phase:\n" << screen;
    std::filesystem::path golden = test::source_path("tests/tui/golden/mid-drill-" + size + ".txt");
    if (std::getenv("DRCONSOLE_UPDATE_GOLDEN")) std::filesystem::copy_file(dir / "screen.txt", golden, std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(screen, test::slurp(golden)) << "the " << size << " screen changed; if intended, re-run with DRCONSOLE_UPDATE_GOLDEN=1 and review";
}

INSTANTIATE_TEST_SUITE_P(Sizes, MidDrill, ::testing::Values("80x24", "120x40", "200x60"),
                         [](const auto& info) { return std::string("at_") + info.param; });

TEST(ConsoleWalk, WordsTypedOnTheMainScreenRecordNothing) {
    test::TempDir dir;
    auto rb = dir.write("rb.md", "# Typing drill\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n| scribe | Scribe |\n\n## Repoint {kind=repoint}\n"
                                 "- [ ] Restart the api {#restart role=ic}\n  ```run\n  touch " + (dir / "ran").string() + "\n  ```\n");
    ASSERT_EQ(test::run_drconsole({"start", "--clock", test::kFakeClock, "--db", (dir / "j.db").string(), "--runbook", rb.string(),
                                   "--mode", "drill", "--roster", "ic=maria", "--as", "ic:maria"}).exit_code, 0);
    std::size_t before = Journal(dir / "j.db").events(1).size();
    // "away": a opens the run question, w is no answer, so a and y that follow are text, not commands.
    // "check the standby", "hic bob" and "nothing works": c, h and n take text, and Enter alone
    // records nothing (the note would have been "othing works").
    auto r = test::console_keys(dir, "away<Enter>check the standby<Enter><Esc>hic bob<Enter><Esc>lol wut<Enter>nothing works<Enter>\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Journal(dir / "j.db").events(1).size(), before) << test::slurp(dir / "screen.txt");
    EXPECT_NE(test::slurp(dir / "screen.txt").find("Record the note on restart: \"othing works\"? (y/n)"), std::string::npos)
        << "a note asks before it is recorded:\n" << test::slurp(dir / "screen.txt");
    EXPECT_FALSE(std::filesystem::exists(dir / "ran")) << "the action did not run";
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    EXPECT_EQ(j["roster"]["ic"], "maria");
    EXPECT_EQ(j["comms"].size(), 0u);
}

TEST(ConsoleWalk, AtEightyColumnsTheFooterPointsToTheRestAndTheTimelineSaysWhatIsBelow) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    auto r = test::console_keys(dir, "<Tab><Tab>k\n", "80x24");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("1 newer below (Down shows them)"), std::string::npos) << screen;
    // The pane that has the keys shows it without colour: its rule is the heavy one.
    EXPECT_NE(screen.find("━ timeline ("), std::string::npos) << screen;
    EXPECT_EQ(screen.find("━ • 1/7"), std::string::npos) << "the checklist no longer has the keys:\n" << screen;
    EXPECT_NE(screen.find("? all keys"), std::string::npos) << "the keys that do not fit are behind ?:\n" << screen;
}

TEST(ConsoleWalk, TheCommsClockCountsFromT0LikeTheReport) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    // An update sent during the pre-drill phase, then the fault ten minutes later: the next
    // update is due one cadence after T0, as the report's "comms late" counts it.
    auto r = test::console_keys(dir, "c<WaitFor Summary>drill starts soon<Enter>y<Advance 10m>x<WaitFor What was broken>primary stopped<Enter>y\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("comms in 30:00"), std::string::npos) << screen;
}

TEST(ConsoleWalk, TheCommsCadenceIsTheStricterOneAndSaysWhereItCameFrom) {
    test::TempDir dir;
    // The runbook says every 30 min, this environment every 15 min: the stricter applies.
    std::string lab = test::slurp(test::source_path("data/lab.env.jsonc"));
    std::size_t cadence = lab.find("\"cadence\": \"30m\"");
    ASSERT_NE(cadence, std::string::npos);
    auto env = dir.write("env.jsonc", lab.replace(cadence, 17, "\"cadence\": \"15m\""));
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md", {"--env", env.string()}).exit_code, 0);
    auto r = test::console_keys(dir, "x<WaitFor What was broken>primary stopped<Enter>y\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("comms in 15:00 (15m, environment)"), std::string::npos) << screen;
    auto md = test::run_drconsole({"report", "--db", (dir / "j.db").string(), "--incident", "1"});
    EXPECT_NE(md.out.find("| Comms | every 15m (environment; the runbook's 30m is overruled: the stricter applies) |"), std::string::npos)
        << md.out;

    test::TempDir runbook_only;
    ASSERT_EQ(test::start_drill(runbook_only, "checklists/quarterly-drill.md").exit_code, 0);
    ASSERT_EQ(test::console_keys(runbook_only, "x<WaitFor What was broken>primary stopped<Enter>y\n").exit_code, 0);
    EXPECT_NE(test::slurp(runbook_only / "screen.txt").find("comms in 30:00 (30m, runbook)"), std::string::npos)
        << test::slurp(runbook_only / "screen.txt");
}

TEST(ConsoleWalk, AfterHandingOverTheIcRoleTheOldIcsConsoleNoLongerActsAsIc) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    auto r = test::console_keys(dir, "h<WaitFor ROLE PERSON>ic bob<Enter><WaitFor Hand ic over from maria to bob>y<Enter>r\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("bob is the ic now, not maria"), std::string::npos) << screen;
    auto events = Journal(dir / "j.db").events(1);
    EXPECT_EQ(events.back().kind, "role.handed_over") << "nothing after the handover was recorded as ic:maria";
    // n is refused at the key, before anyone types a note that could not be recorded.
    ASSERT_EQ(test::console_keys(dir, "n\n").exit_code, 0);
    EXPECT_NE(test::slurp(dir / "screen.txt").find("note: bob is the ic now, not maria"), std::string::npos) << test::slurp(dir / "screen.txt");
}

TEST(ConsoleWalk, AFailedStepKeepsTheCursorForItsDecisionAndEndsItsPhasesClock) {
    test::TempDir dir;
    auto rb = dir.write("rb.md", "# Fail drill\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n\n## Promote {kind=promote}\n"
                                 "- [ ] Promote the standby {#promote role=ic}\n- [ ] Start the mirror {#mirror role=ic}\n\n"
                                 "## Verify {kind=verify}\n- [ ] Check the api {#check role=ic}\n");
    ASSERT_EQ(test::run_drconsole({"start", "--clock", test::kFakeClock, "--db", (dir / "j.db").string(), "--runbook", rb.string(),
                                   "--mode", "drill", "--as", "ic:maria"}).exit_code, 0);
    // Promote done at once; the mirror fails a minute later; five minutes on, the phase's clock
    // still reads 01:00 (it ended with its last step), and the note lands on the failed step.
    auto r = test::console_keys(dir, "<Enter><Enter><Advance 1m>f<WaitFor Reason:>would not start<Enter>y<Advance 5m>"
                                     "n<WaitFor Note on mirror>decided: start it after the drill<Enter>y\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("✗ promote 01:00 1/2"), std::string::npos) << screen;
    auto events = Journal(dir / "j.db").events(1);
    EXPECT_EQ(events.back().kind, "note");
    EXPECT_EQ(events.back().step, "mirror") << "the decision is noted on the failed step";
}

TEST(ConsoleWalk, AnIncidentPastADayReadsInDaysAndItsTimelineHasDates) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);  // 2026-01-03T02:00:00Z
    ASSERT_EQ(test::run_drconsole({"fault", "--clock", "fake:2026-01-03T02:10:00Z+0", "--db", (dir / "j.db").string(), "primary stopped",
                                   "--as", "ic:maria"}).exit_code, 0);
    ASSERT_EQ(test::run_drconsole({"open", "--clock", "fake:2026-01-05T05:25:00Z+0", "--db", (dir / "j.db").string(), "--keys",
                                   dir.write("k", "\n").string(), "--size", "120x40", "--dump-screen", (dir / "screen.txt").string(),
                                   "--as", "ic:maria"}).exit_code, 0);
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("T+2d 03:15 since fault"), std::string::npos) << screen;
    EXPECT_NE(screen.find("01-03 02:10:00 ic:maria FAULT INJECTED"), std::string::npos) << "the timeline shows dates:\n" << screen;
}

TEST(ConsoleWalk, WithASigningKeyTheConsoleSignsAsItGoesAndAtTheResolution) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    std::string key = (dir / "ic.key").string();
    ASSERT_EQ(test::run_drconsole({"keygen", "--out", key}).exit_code, 0);
    std::string keys = test::slurp(test::source_path("tests/tui/scripts/quarterly-drill-walk.keys"));
    auto r = test::console_keys(dir, keys, "120x40", {"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "DRCONSOLE_SIGNING_KEY=" + key});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto checkpoints = test::run_process({"/usr/bin/sqlite3", (dir / "j.db").string(),
                                          "SELECT group_concat(seq || ':' || json_extract(payload, '$.resolved'), ' ') FROM events "
                                          "WHERE kind = 'checkpoint.signed'"});
    // One once 50 events had gone unsigned, one right after the resolution (a final one).
    EXPECT_EQ(checkpoints.out.substr(0, 5), "51:0 ") << checkpoints.out;
    EXPECT_NE(checkpoints.out.find(":1\n"), std::string::npos) << checkpoints.out;
    auto verify = test::run_drconsole({"verify", "--db", (dir / "j.db").string(), "--pubkey", key + ".pub"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("signed: 2 checkpoints with ed25519:"), std::string::npos) << verify.out;
}
