// drconsole demo, as a newcomer meets it: in a real terminal the console opens on the live lab
// with a guide; without one, the drill is walked by its key script and measured against the truth.
#include <regex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tmux.h"

namespace drconsole::test {
namespace {

using namespace std::chrono_literals;

TEST(Demo, WithoutATerminalItWalksTheQuarterlyDrillOnTheLabAndShowsMeasuredNextToTrue) {
    TempDir dir;
    auto out = dir / "demo";
    // From the source folder, as `make demo` runs it.
    auto r = run_process({"/bin/sh", "-c", fmt::format("cd {} && USER=maria {} demo --dir {}", source_path(""), DRCONSOLE_BIN, out.string())});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("No terminal: the console walks the drill by its key script"), std::string::npos) << r.out;
    std::smatch pg, kafka;
    ASSERT_TRUE(std::regex_search(r.out, pg, std::regex(R"(PostgreSQL  RPO measured ([0-9.]+) s \(postgres-heartbeat, ±1 s\)   true: ([0-9.]+) s)")))
        << r.out;
    EXPECT_NEAR(std::stod(pg[1]), std::stod(pg[2]), 1.5);
    EXPECT_NEAR(std::stod(pg[1]), 3.0, 1.5) << "the demo delays the standby's WAL by 3 s";
    ASSERT_TRUE(std::regex_search(r.out, kafka, std::regex(R"(Kafka       RPO measured [0-9.]+ s, ([0-9]+) messages lost   true: [0-9.]+ s, ([0-9]+) messages lost)")))
        << r.out;
    EXPECT_EQ(kafka[1], kafka[2]);
    EXPECT_TRUE(std::filesystem::exists(out / "incident-1-report.html"));
    EXPECT_NE(r.out.find("stopped the lab daemon"), std::string::npos) << r.out;
    EXPECT_FALSE(std::filesystem::exists(out / "lab"));
}

TEST(Demo, InATerminalTheConsoleOpensOnTheLiveLabWithAGuideAndQuittingStopsTheLab) {
    TempDir dir;
    Tmux tmux(dir.path());
    auto out = dir / "demo";
    tmux.start("demo", fmt::format("cd {} && LANG=C.UTF-8 USER=maria {} demo --dir {}; echo EXIT=$?; sleep 60", source_path(""), DRCONSOLE_BIN, out.string()),
               160, 45);
    ASSERT_GE(tmux.wait_for("demo", "Press Enter to open it", 60s), 0ms) << tmux.screen("demo");
    tmux.keys("demo", {"Enter"});
    ASSERT_GE(tmux.wait_for("demo", "NEXT  Enter starts this step", 20s), 0ms) << tmux.screen("demo");
    // The live lab on screen: the standby 5 s behind, as the demo set it.
    ASSERT_GE(tmux.wait_for("demo", "pg-standby ok postgres RPO~", 20s), 0ms) << tmux.screen("demo");
    tmux.keys("demo", {"Enter"});
    ASSERT_GE(tmux.wait_for("demo", "NEXT  Enter marks this step done"), 0ms) << tmux.screen("demo");
    tmux.keys("demo", {"Enter"});
    ASSERT_GE(tmux.wait_for("demo", "recorded: completed notify-stakeholders"), 0ms) << tmux.screen("demo");
    tmux.keys("demo", {"q"});
    ASSERT_GE(tmux.wait_for("demo", "EXIT=0", 60s), 0ms) << tmux.screen("demo");
    std::string screen = tmux.screen("demo");
    EXPECT_NE(screen.find("The drill was not resolved, so there is no report to compare yet"), std::string::npos) << screen;
    EXPECT_NE(screen.find("stopped the lab daemon"), std::string::npos) << screen;
    EXPECT_FALSE(std::filesystem::exists(out / "lab"));
}

}  // namespace
}  // namespace drconsole::test
