// An action whose process is killed (-9) mid-run: the next command finds it, ends the commands
// it left running, records it abandoned, and the step can run again. Real processes throughout.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "drconsole/journal.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;
using namespace std::chrono_literals;

extern char** environ;

namespace {

bool process_running(const std::string& marker) { return test::run_process({"/usr/bin/pgrep", "-f", marker}).exit_code == 0; }

}  // namespace

TEST(AbandonedAction, ARunKilledMidActionIsFoundAbandonedItsCommandsEndedAndItRunsAgain) {
    test::TempDir dir;
    std::string flag = (dir / "second-time").string();
    auto rb = dir.write("rb.md", "# Kill drill\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n| app | TL |\n\n## Repoint {kind=repoint}\n"
                                 "- [ ] Restart the api {#restart role=app timeout=60s}\n  ```run\n"
                                 "  sh -c 'if [ -e " + flag + " ]; then echo restarted; else sleep 3023; fi'\n  ```\n");
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", rb.string(), "--mode", "drill", "--roster", "ic=maria,app=kwame",
                                   "--as", "ic:maria"}).exit_code, 0);

    std::vector<std::string> args{DRCONSOLE_BIN, "step", "--db", db, "restart", "run", "--as", "app:kwame"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0);
    pid_t runner = 0;
    ASSERT_EQ(posix_spawn(&runner, argv[0], &files, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&files);
    ASSERT_TRUE(test::wait_until([] { return process_running("sleep 3023"); }, 10s)) << "the action did not start";
    kill(runner, SIGKILL);
    waitpid(runner, nullptr, 0);
    ASSERT_TRUE(process_running("sleep 3023")) << "the action's command outlives its runner (the orphan this test is about)";
    EXPECT_EQ(Journal(dir / "j.db").events(1).back().kind, "action.started");

    auto again_refused = test::run_drconsole({"note", "--db", db, "the runner died", "--as", "ic:maria"});
    EXPECT_EQ(again_refused.exit_code, 0) << again_refused.err;
    EXPECT_NE(again_refused.err.find("action of restart ABANDONED"), std::string::npos) << again_refused.err;
    EXPECT_TRUE(test::wait_until([] { return !process_running("sleep 3023"); }, 3s)) << "the orphaned command was ended";
    auto events = Journal(dir / "j.db").events(1);
    auto abandoned = std::find_if(events.begin(), events.end(), [](const Event& e) { return e.kind == "action.abandoned"; });
    ASSERT_NE(abandoned, events.end());
    EXPECT_EQ(abandoned->step, "restart");
    EXPECT_EQ(abandoned->actor, (Actor{"ic", "maria"})) << "recorded by who found it";
    EXPECT_EQ(abandoned->payload["killed"].size(), 1u) << abandoned->payload.dump();
    EXPECT_EQ(abandoned->payload["runner"]["pid"], runner);

    // The step runs again: no "already running".
    std::ofstream(flag) << "x";
    auto rerun = test::run_drconsole({"step", "--db", db, "restart", "run", "--as", "app:kwame"});
    EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_NE(rerun.out.find("restarted"), std::string::npos) << rerun.out;
    EXPECT_EQ(Journal(dir / "j.db").events(1).back().kind, "step.completed");
}

TEST(AbandonedAction, AnActionWhoseRunnerLivesIsLeftAlone) {
    test::TempDir dir;
    auto rb = dir.write("rb.md", "# Live drill\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n\n## Repoint {kind=repoint}\n"
                                 "- [ ] Restart the api {#restart role=ic timeout=60s}\n  ```run\n  sleep 3024\n  ```\n");
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", rb.string(), "--mode", "drill", "--as", "ic:maria"}).exit_code, 0);
    std::thread run([&] { test::run_drconsole({"step", "--db", db, "restart", "run", "--as", "ic:maria"}); });
    ASSERT_TRUE(test::wait_until([] { return process_running("sleep 3024"); }, 10s));
    auto note = test::run_drconsole({"note", "--db", db, "still running", "--as", "ic:maria"});
    EXPECT_EQ(note.exit_code, 0) << note.err;
    EXPECT_EQ(note.err.find("ABANDONED"), std::string::npos) << note.err;
    EXPECT_TRUE(process_running("sleep 3024")) << "a live runner's action is not touched";
    test::run_process({"/usr/bin/pkill", "-f", "sleep 3024"});
    run.join();
}
