// Running and cancelling a step's action from the console, headless.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/journal.h"
#include "tui/console_run.h"

using namespace drconsole;

namespace {

std::string runbook_with(const std::string& command) {
    return "# Action drill\n\n| Component | RPO | RTO |\n|---|---|---|\n| app | - | 5m |\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n"
           "| app | TL |\n\n## Repoint\n- [ ] Restart the workloads {#restart role=app restores=app}\n  ```run\n  " + command + "\n  ```\n";
}

std::vector<std::string> kinds(const std::filesystem::path& db) {
    std::vector<std::string> out;
    for (const auto& e : Journal(db).events(1)) out.push_back(e.kind);
    return out;
}

}  // namespace

TEST(ConsoleActions, ARunActionRunsRecordsAndCompletesTheStep) {
    test::TempDir dir;
    auto rb = dir.write("rb.md", runbook_with("sh -c 'sleep 0.3; echo restarted deployment/api'"));
    ASSERT_EQ(test::run_drconsole({"start", "--clock", test::kFakeClock, "--db", (dir / "j.db").string(), "--runbook", rb.string(),
                                   "--mode", "drill", "--roster", "ic=maria,app=kwame", "--as", "ic:maria"}).exit_code, 0);
    auto r = test::console_keys(dir, "a<WaitFor Run it now>y<WaitFor running 00:>\n<WaitFor action of restart succeeded>\n");
    ASSERT_EQ(r.exit_code, 0) << r.err << test::slurp(dir / "screen.txt");
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("last run: ok"), std::string::npos) << screen;
    EXPECT_NE(screen.find("restarted deployment/api"), std::string::npos) << "the output is in the details pane";
    auto k = kinds(dir / "j.db");
    EXPECT_EQ(std::vector<std::string>(k.end() - 4, k.end()),
              (std::vector<std::string>{"step.started", "action.started", "action.finished", "step.completed"}));
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    EXPECT_EQ(j["phases"][0]["steps"][0]["ended_by"], (nlohmann::json{{"role", "ic"}, {"person", "maria"}})) << "who ran it, at the console";
    EXPECT_GE(j["phases"][0]["steps"][0]["ran_s"].get<double>(), 0.3);
}

TEST(ConsoleActions, TheOwnerCancelsARunningActionAndItsProcessesDie) {
    test::TempDir dir;
    auto rb = dir.write("rb.md", runbook_with("sleep 3021"));
    ASSERT_EQ(test::run_drconsole({"start", "--clock", test::kFakeClock, "--db", (dir / "j.db").string(), "--runbook", rb.string(),
                                   "--mode", "drill", "--roster", "ic=maria,app=kwame", "--as", "ic:maria"}).exit_code, 0);
    auto r = test::console_keys(dir, "a<WaitFor Run it now>y<WaitFor recorded: running the run action>\nq<WaitFor the action of restart is running>\na<WaitFor Kill it>\ny<WaitFor FAILED>\n");
    ASSERT_EQ(r.exit_code, 0) << r.err << test::slurp(dir / "screen.txt");
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("cancelled: killed with its process group"), std::string::npos) << screen;
    EXPECT_NE(test::run_process({"/usr/bin/pgrep", "-f", "sleep 3021"}).exit_code, 0) << "the command was killed";
    auto events = Journal(dir / "j.db").events(1);
    ASSERT_EQ(events.back().kind, "action.finished");
    EXPECT_EQ(events.back().payload["cancelled"], true);
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    EXPECT_EQ(j["phases"][0]["steps"][0]["state"], "started") << "a cancelled action does not complete its step";
}
