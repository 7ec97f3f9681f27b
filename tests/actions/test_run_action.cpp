// run actions with real child processes.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "drconsole/actions.h"
#include "drconsole/journal.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

const std::vector<std::string> kInjection{";", "$(id)", "`id`", "--flag", "a\r\nb", "' OR 1=1 --", "1; DROP TABLE ledger", "*"};

bool process_running(const std::string& marker) {
    return test::run_process({"/usr/bin/pgrep", "-f", marker}).exit_code == 0;
}

}  // namespace

TEST(RunAction, EveryInjectionArrivesAsLiteralData) {
    std::vector<std::string> argv{"printf", "[%s]\\n"};
    argv.insert(argv.end(), kInjection.begin(), kInjection.end());
    ActionResult r = run_commands({argv}, Millis(5000), {});
    ASSERT_TRUE(r.ok) << r.error;
    std::string want;
    for (const auto& v : kInjection) want += "[" + v + "]\n";
    EXPECT_EQ(r.output, want);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.output_sha256.size(), 64u);
}

TEST(RunAction, ATimeoutKillsTheCommandAndItsChildren) {
    // The child starts a grandchild; both must be gone after the timeout.
    ActionResult r = run_commands({{"sh", "-c", "sleep 3011 & sleep 3012; echo never"}}, Millis(500), {});
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.timed_out);
    EXPECT_NE(r.error.find("timed out: killed with its process group"), std::string::npos) << r.error;
    EXPECT_LT(r.ended_us - r.started_us, 3'000'000) << "the timeout was not kept";
    for (int i = 0; i < 50 && (process_running("sleep 3011") || process_running("sleep 3012")); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(process_running("sleep 3011")) << "the grandchild survived";
    EXPECT_FALSE(process_running("sleep 3012")) << "the child survived";
}

TEST(RunAction, TheChildSeesNoJournalDescriptorAndNoStdin) {
    test::TempDir dir;
    Journal journal(dir / "journal.db");  // open in this process while the child runs
    ActionResult r = run_commands({{"ls", "-l", "/proc/self/fd"}}, Millis(5000), {});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.output.find("journal.db"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("0 -> /dev/null"), std::string::npos) << r.output;
    int descriptors = 0;
    for (std::size_t at = r.output.find(" -> "); at != std::string::npos; at = r.output.find(" -> ", at + 1)) ++descriptors;
    EXPECT_LE(descriptors, 4) << "stdin, stdout, stderr and ls's own directory handle only:\n" << r.output;
}

TEST(RunAction, ACleanEnvironmentAndExitStatuses) {
    ::setenv("DRC_LEAK_CANARY", "should-not-pass", 1);
    ActionResult env = run_commands({{"env"}}, Millis(5000), {{"DRC_CONFIGURED", "yes"}});
    ::unsetenv("DRC_LEAK_CANARY");
    EXPECT_EQ(env.output.find("DRC_LEAK_CANARY"), std::string::npos);
    EXPECT_NE(env.output.find("DRC_CONFIGURED=yes"), std::string::npos);
    ActionResult fail = run_commands({{"true"}, {"false"}, {"echo", "not reached"}}, Millis(5000), {});
    EXPECT_FALSE(fail.ok);
    EXPECT_EQ(fail.exit_code, 1);
    EXPECT_EQ(fail.error, "false exited with status 1");
    EXPECT_EQ(fail.output.find("not reached"), std::string::npos) << "commands stop at the first failure";
    ActionResult missing = run_commands({{"no-such-command-here"}}, Millis(5000), {});
    EXPECT_EQ(missing.exit_code, 127);
    EXPECT_EQ(missing.error, "command not found: no-such-command-here");
}

TEST(RunAction, CancelStopsItAtOnce) {
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        cancel = true;
    });
    ActionResult r = run_commands({{"sleep", "3013"}}, Millis(30'000), {}, &cancel);
    canceller.join();
    EXPECT_TRUE(r.cancelled);
    EXPECT_FALSE(r.ok);
    EXPECT_LT(r.ended_us - r.started_us, 3'000'000);
    EXPECT_FALSE(process_running("sleep 3013"));
}

TEST(RunAction, OutputIsCappedButHashedWhole) {
    ActionResult r = run_commands({{"head", "-c", "200000", "/dev/zero"}}, Millis(5000), {});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.output.size(), kOutputCap);
    auto sha = test::run_process({"/bin/sh", "-c", "head -c 200000 /dev/zero | sha256sum"});
    EXPECT_EQ(sha.out.substr(0, 64), r.output_sha256);
}
