// The console in a real terminal (tmux): resize, two consoles, keypress latency beside dead
// targets, monochrome, hostile text, and a clean exit.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/fixtures.h"
#include "support/http_server.h"
#include "support/pg_cluster.h"
#include "support/tmux.h"
#include "tui/console_run.h"

using namespace drconsole;
using namespace std::chrono_literals;

namespace {

class Terminal : public ::testing::Test {
protected:
    std::string db() const { return (dir / "j.db").string(); }
    // The console as a person starts it, in a UTF-8 locale unless told otherwise.
    std::string console(const std::string& env = "LANG=C.UTF-8", const std::string& as = "ic:maria") const {
        return env + " " + DRCONSOLE_BIN + " open --db " + db() + " --as " + as + "; echo EXIT=$?; sleep 30";
    }
    test::TempDir dir;
    test::Tmux tmux{dir.path()};
};

}  // namespace

TEST_F(Terminal, ResizesDownToTooSmallAndBack) {
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    tmux.start("ic", console(), 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "live readings"), 0ms) << tmux.screen("ic");
    tmux.resize("ic", 80, 24);
    // At 80 columns the lag pane starts at column 48: this title line (the focused checklist's heavy
    // rule, then the lag pane's) exists only in that layout.
    ASSERT_GE(tmux.wait_for("ic", "(detect) ━━━━━━━━━─ live readings"), 0ms) << "the 80x24 layout:\n" << tmux.screen("ic");
    EXPECT_NE(tmux.screen("ic").find("▶ detect 0/7 → · promote 0/3"), std::string::npos);
    std::string small = tmux.screen("ic");
    EXPECT_NE(small.find("timeline (8 events)"), std::string::npos) << "started + 7 roster roles:\n" << small;
    tmux.resize("ic", 60, 20);
    ASSERT_GE(tmux.wait_for("ic", "terminal too small: need 80x24"), 0ms) << tmux.screen("ic");
    EXPECT_NE(tmux.screen("ic").find("(now 60x20)"), std::string::npos);
    tmux.resize("ic", 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "live readings"), 0ms) << tmux.screen("ic");
    EXPECT_EQ(tmux.screen("ic").find("too small"), std::string::npos);
}

TEST_F(Terminal, TwoConsolesSeeEachOthersActionsWithinASecond) {
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    tmux.start("ic", console(), 120, 40);
    tmux.start("scribe", console("LANG=C.UTF-8", "scribe:jun"), 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "live readings"), 0ms);
    ASSERT_GE(tmux.wait_for("scribe", "live readings"), 0ms);
    tmux.keys("ic", {"Enter"});
    ASSERT_GE(tmux.wait_for("ic", "recorded: started notify-stakeholders", 2000ms), 0ms) << tmux.screen("ic");
    auto seen = tmux.wait_for("scribe", "started notify-stakeholders", 2000ms);
    ASSERT_GE(seen, 0ms) << tmux.screen("scribe");
    EXPECT_LT(seen, 1000ms) << "the scribe saw the IC's action after " << seen.count() << " ms";
    tmux.keys("scribe", {"n"});
    ASSERT_GE(tmux.wait_for("scribe", "Note:"), 0ms);
    std::this_thread::sleep_for(300ms);  // a person reads the dialog before typing into it
    tmux.keys("scribe", {"-l", "bridge is open"});
    tmux.keys("scribe", {"Enter"});
    ASSERT_GE(tmux.wait_for("scribe", "Record the note on notify-stakeholders"), 0ms) << tmux.screen("scribe");
    tmux.keys("scribe", {"y"});
    auto back = tmux.wait_for("ic", "note on notify-stakeholders: bridge is open", 2000ms);
    EXPECT_GE(back, 0ms) << tmux.screen("ic");
    EXPECT_LT(back, 1000ms);
}

TEST_F(Terminal, KeysRepaintFastBesideABlackHoledDatabaseAndADownKafka) {
    test::HttpServer hole(test::HttpServer::Mode::black_hole);
    std::string dead_kafka = "127.0.0.1:" + std::to_string(test::closed_port());
    auto env = dir.write("env.jsonc", R"({"targets": {
        "pg-standby": {"type": "postgres", "dsn": "host=127.0.0.1 port=)" + std::to_string(hole.port()) + R"( dbname=ledger user=drconsole"},
        "kafka-primary": {"type": "kafka", "bootstrap": ")" + dead_kafka + R"("},
        "kafka-dr": {"type": "kafka", "bootstrap": ")" + dead_kafka + R"("},
        "mm2": {"type": "kafka-mirror", "source": "kafka-primary", "target": "kafka-dr", "topics": ["orders"]},
        "api-secondary": {"type": "http", "url": "http://127.0.0.1:)" + std::to_string(test::closed_port()) + R"(/healthz"}}, )" +
                                           test::kShippedRunbookVars + "}");
    auto start = test::run_drconsole({"start", "--db", db(), "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode",
                                      "drill", "--env", env.string(), "--roster", test::kFullRoster, "--as", "ic:maria"});
    ASSERT_EQ(start.exit_code, 0) << start.err;
    tmux.start("ic", console(), 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "kafka-dr"), 0ms) << tmux.screen("ic");
    ASSERT_GE(tmux.wait_for("ic", "down ("), 0ms) << "the dead targets show as down:\n" << tmux.screen("ic");
    std::chrono::microseconds worst{0};
    for (int i = 0; i < 12; ++i) {
        std::string before = tmux.screen("ic");
        tmux.keys("ic", {i % 4 < 2 ? "j" : "k"});
        auto took = tmux.wait_change("ic", before);
        ASSERT_GE(took.count(), 0) << "key " << i << " never repainted";
        worst = std::max(worst, took);
    }
    std::printf("keypress -> repaint, worst of 12 beside dead targets: %.1f ms (limit 100 ms)\n", static_cast<double>(worst.count()) / 1000.0);
    EXPECT_LT(worst, std::chrono::microseconds(100'000));
}

TEST_F(Terminal, KeysDoNothingWhileTheTerminalIsTooSmallAndCtrlLRedraws) {
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    auto count = [&] { return test::run_process({"/usr/bin/sqlite3", db(), "SELECT count(*) FROM events"}).out; };
    std::string before = count();
    tmux.start("ic", console(), 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "live readings"), 0ms) << tmux.screen("ic");
    tmux.resize("ic", 60, 20);
    ASSERT_GE(tmux.wait_for("ic", "terminal too small"), 0ms) << tmux.screen("ic");
    // Typed blind: a note, Enter, the fault key, Enter on the selected step. None of it may act.
    tmux.keys("ic", {"n"});
    tmux.keys("ic", {"-l", "typed blind"});
    tmux.keys("ic", {"Enter", "x", "Enter", "Enter"});
    std::this_thread::sleep_for(500ms);
    tmux.resize("ic", 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "live readings"), 0ms) << tmux.screen("ic");
    EXPECT_EQ(count(), before) << "nothing was recorded while nobody could see it:\n" << tmux.screen("ic");
    EXPECT_EQ(tmux.screen("ic").find("typed blind"), std::string::npos) << "no dialog kept the blind text";
    // Something else scribbles on the terminal; Ctrl-L puts the screen back.
    std::string tty = test::run_process({"/usr/bin/tmux", "-S", (dir / "tmux.sock").string(), "display-message", "-p", "-t", "ic",
                                         "#{pane_tty}"}).out;
    tty = tty.substr(0, tty.find('\n'));
    ASSERT_FALSE(tty.empty());
    { std::ofstream(tty) << "\x1b[5;5HGARBAGE-ON-SCREEN" << std::flush; }
    ASSERT_GE(tmux.wait_for("ic", "GARBAGE-ON-SCREEN", 2000ms), 0ms) << "the scribble landed";
    std::this_thread::sleep_for(1s);
    ASSERT_NE(tmux.screen("ic").find("GARBAGE-ON-SCREEN"), std::string::npos) << "curses alone does not know it is there";
    tmux.keys("ic", {"C-l"});
    auto gone = std::chrono::steady_clock::now() + 3s;
    while (tmux.screen("ic").find("GARBAGE-ON-SCREEN") != std::string::npos && std::chrono::steady_clock::now() < gone)
        std::this_thread::sleep_for(50ms);
    EXPECT_EQ(tmux.screen("ic").find("GARBAGE-ON-SCREEN"), std::string::npos) << tmux.screen("ic");
}

TEST_F(Terminal, SentencesTypedIntoTheMainScreenRecordNothingEvenWhenTheyStartWithACommandKey) {
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    auto count = [&] { return test::run_process({"/usr/bin/sqlite3", db(), "SELECT count(*) FROM events"}).out; };
    std::string before = count();
    tmux.start("ic", console(), 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "live readings"), 0ms) << tmux.screen("ic");
    // c opens comms, s skip, r resolve: the letters after them come as fast as typing does, so
    // the dialog closes and what follows (the y of "yes", the second "resolve") is plain text.
    tmux.keys("ic", {"-l", "check the standby"});
    ASSERT_GE(tmux.wait_for("ic", "\"Comms update sent\" closed: typed too fast to be meant for it; nothing recorded"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"Enter"});
    for (const char* sentence : {"yes", "resolve", "resolve", "skip, failback in the next window", "y"}) {
        tmux.keys("ic", {"-l", sentence});
        tmux.keys("ic", {"Enter"});
    }
    std::this_thread::sleep_for(700ms);
    EXPECT_EQ(count(), before) << tmux.screen("ic");

    // Typed slowly enough to get into the note dialog, "yes" at its question is still a word:
    // its y is held, the e that follows at once means nothing is recorded.
    // n, a pause to read the dialog, the text, Enter: up to the note's question.
    auto note_until_asked = [&](const std::string& text) {
        tmux.keys("ic", {"n"});
        ASSERT_GE(tmux.wait_for("ic", "Note:"), 0ms) << tmux.screen("ic");
        std::this_thread::sleep_for(300ms);
        tmux.keys("ic", {"-l", text});
        tmux.keys("ic", {"Enter"});
        ASSERT_GE(tmux.wait_for("ic", "Record the note on notify-stakeholders: \"" + text + "\"?"), 0ms) << tmux.screen("ic");
    };
    note_until_asked("othing works");
    tmux.keys("ic", {"Enter"});  // Enter at the question neither records nor drops the text
    ASSERT_GE(tmux.wait_for("ic", "y records it; n or Esc cancels"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"-l", "yes"});
    ASSERT_GE(tmux.wait_for("ic", "the y was followed at once by more typing"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"Enter"});
    std::this_thread::sleep_for(700ms);
    EXPECT_EQ(count(), before) << tmux.screen("ic");

    // Someone who reads the dialog before typing is not slowed down: the note is recorded.
    note_until_asked("bridge is open");
    tmux.keys("ic", {"y"});
    ASSERT_GE(tmux.wait_for("ic", "note on notify-stakeholders: bridge is open"), 0ms) << tmux.screen("ic");

    // A dialog open while the terminal is too small takes nothing: q and ? neither quit nor type.
    tmux.keys("ic", {"n"});
    ASSERT_GE(tmux.wait_for("ic", "Note:"), 0ms) << tmux.screen("ic");
    tmux.resize("ic", 60, 20);
    ASSERT_GE(tmux.wait_for("ic", "terminal too small"), 0ms) << tmux.screen("ic");
    tmux.keys("ic", {"-l", "sql query ok"});
    std::this_thread::sleep_for(300ms);
    tmux.resize("ic", 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "Note:"), 0ms) << tmux.screen("ic");
    EXPECT_EQ(tmux.screen("ic").find("EXIT="), std::string::npos) << "q did not quit";
    EXPECT_EQ(tmux.screen("ic").find("qq"), std::string::npos) << "nothing typed blind reached the dialog:\n" << tmux.screen("ic");
    EXPECT_EQ(tmux.screen("ic").find("q_"), std::string::npos) << tmux.screen("ic");
}

TEST_F(Terminal, OpenAsksWhoIsThereAndANameWithOneRoleIsEnough) {
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    tmux.start("who", "env -u DRCONSOLE_AS LANG=C.UTF-8 " + std::string(DRCONSOLE_BIN) + " open --db " + db() + "; echo EXIT=$?; sleep 30", 120, 40);
    ASSERT_GE(tmux.wait_for("who", "Who is at this console? ROLE:PERSON"), 0ms) << tmux.screen("who");
    EXPECT_NE(tmux.screen("who").find("ic=maria"), std::string::npos) << "the question lists who holds each role:\n" << tmux.screen("who");
    tmux.keys("who", {"Enter"});  // no default: Enter makes nobody the IC
    ASSERT_GE(tmux.wait_for("who", "write ROLE:PERSON"), 0ms) << tmux.screen("who");
    tmux.keys("who", {"-l", "jun"});
    tmux.keys("who", {"Enter"});
    ASSERT_GE(tmux.wait_for("who", "you: scribe:jun"), 0ms) << "jun holds one role, scribe:\n" << tmux.screen("who");
}

TEST_F(Terminal, NothingButTheConsoleWritesOnItsScreen) {
    // The heartbeat's schema already exists: the server answers CREATE SCHEMA IF NOT EXISTS
    // with a NOTICE, which libpq would print on stderr, over the screen.
    test::PgCluster cluster;
    cluster.sql(cluster.primary_port(), "CREATE SCHEMA IF NOT EXISTS drconsole");
    auto env = dir.write("env.jsonc", "{\"targets\": {\"pg-primary\": {\"type\": \"postgres\", \"dsn\": \"" + cluster.primary_dsn() +
                                          "\", \"role\": \"primary\", \"heartbeat\": \"200ms\", \"interval\": \"200ms\"}}}");
    auto rb = dir.write("rb.md", "# Notice drill\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n\n## Detect {kind=detect}\n- [ ] Look {#look role=ic}\n");
    auto start = test::run_drconsole({"start", "--db", db(), "--runbook", rb.string(), "--env", env.string(), "--mode", "drill", "--as", "ic:maria"});
    ASSERT_EQ(start.exit_code, 0) << start.err;
    tmux.start("ic", console(), 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "pg-primary"), 0ms) << tmux.screen("ic");
    std::this_thread::sleep_for(1500ms);  // several heartbeats
    std::string screen = tmux.screen("ic");
    EXPECT_EQ(screen.find("NOTICE"), std::string::npos) << screen;
    EXPECT_EQ(screen.find("already exists"), std::string::npos) << screen;
    // Standard error went to the log beside the journal, which says who opened the console.
    std::string log = test::slurp(dir / "drconsole-console.log");
    EXPECT_NE(log.find("console opened by ic:maria"), std::string::npos) << log;
    tmux.keys("ic", {"q"});
    ASSERT_GE(tmux.wait_for("ic", "EXIT=0"), 0ms) << tmux.screen("ic");
    auto help = test::run_drconsole({"open", "--help"});
    EXPECT_NE(help.out.find("drconsole-console.log"), std::string::npos) << "--help names the log";
}

TEST_F(Terminal, NoColorDrawsWithAttributesOnly) {
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    tmux.start("mono", console("LANG=C.UTF-8 NO_COLOR=1"), 120, 40);
    tmux.start("colour", console(), 120, 40);
    ASSERT_GE(tmux.wait_for("mono", "live readings"), 0ms);
    ASSERT_GE(tmux.wait_for("colour", "live readings"), 0ms);
    // A colour is an SGR parameter 30-38, 40-48, 90-97 or 100-107 (39 and 49 only reset to the default).
    auto has_colour = [](const std::string& s) {
        for (std::size_t at = s.find("\x1b["); at != std::string::npos; at = s.find("\x1b[", at + 1)) {
            std::size_t end = s.find('m', at);
            if (end == std::string::npos) break;
            std::string params = s.substr(at + 2, end - at - 2);
            for (std::size_t p = 0; p <= params.size();) {
                std::size_t semi = params.find(';', p);
                if (semi == std::string::npos) semi = params.size();
                int n = std::atoi(params.substr(p, semi - p).c_str());
                if ((n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107)) return true;
                p = semi + 1;
            }
        }
        return false;
    };
    std::string mono = tmux.screen("mono", true), colour = tmux.screen("colour", true);
    EXPECT_TRUE(has_colour(colour)) << "the coloured console should use colours";
    EXPECT_FALSE(has_colour(mono)) << "NO_COLOR must draw without colours";
    EXPECT_NE(tmux.screen("mono").find("DRILL"), std::string::npos);
}

TEST_F(Terminal, HostileTextIsEscapedOnTheRealTerminal) {
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    ASSERT_EQ(test::run_drconsole({"note", "--db", db(), "--as", "scribe:jun", "x\x1b[2J\x1b[Hwiped\r\xe2\x80\xae"}).exit_code, 0);
    tmux.start("ic", console(), 120, 40);
    ASSERT_GE(tmux.wait_for("ic", "wiped"), 0ms) << tmux.screen("ic");
    std::string screen = tmux.screen("ic");
    EXPECT_NE(screen.find("x\\x1b[2J\\x1b[Hwiped\\x0d\\u{202e}"), std::string::npos) << screen;
    EXPECT_NE(screen.find("DRILL"), std::string::npos) << "nothing cleared the screen";
}

TEST_F(Terminal, QuitAndSigtermGiveTheTerminalBack) {
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    tmux.start("q", console(), 100, 30);
    ASSERT_GE(tmux.wait_for("q", "live readings"), 0ms);
    tmux.keys("q", {"q"});
    ASSERT_GE(tmux.wait_for("q", "EXIT=0"), 0ms) << tmux.screen("q");
    EXPECT_EQ(tmux.screen("q").find("live readings"), std::string::npos) << "the console's screen is gone";

    tmux.start("term", console("LANG=C.UTF-8 exec"), 100, 30);  // exec: the console is the pane's process
    ASSERT_GE(tmux.wait_for("term", "live readings"), 0ms);
    auto pid = test::run_process({"/usr/bin/tmux", "-S", (dir / "tmux.sock").string(), "display-message", "-p", "-t", "term", "#{pane_pid}"});
    ASSERT_EQ(pid.exit_code, 0);
    ASSERT_EQ(test::run_process({"/bin/kill", "-TERM", pid.out.substr(0, pid.out.find('\n'))}).exit_code, 0);
    auto gone = std::chrono::steady_clock::now() + 5s;
    bool alive = true;
    while (alive && std::chrono::steady_clock::now() < gone) {
        alive = test::run_process({"/usr/bin/tmux", "-S", (dir / "tmux.sock").string(), "has-session", "-t", "term"}).exit_code == 0;
        if (alive) std::this_thread::sleep_for(20ms);
    }
    EXPECT_FALSE(alive) << "SIGTERM ends the console";
}
