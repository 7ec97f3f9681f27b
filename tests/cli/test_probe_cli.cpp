// drconsole probe end to end: JSON lines, and samples recorded into an incident that survive reopen.
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/journal.h"
#include "support/fixtures.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

class ProbeCli : public ::testing::Test {
protected:
    void SetUp() override {
        env = dir.write("env.jsonc", R"({
          // two HTTP targets: one answers, one refuses
          "targets": {
            "api": { "type": "http", "url": ")" + server.url("/healthz") + R"(", "interval": "200ms" },
            "gone": { "type": "http", "url": "http://127.0.0.1:)" + std::to_string(test::closed_port()) + R"(/" }
          }
        })");
        runbook = dir.write("small.md", test::kSmallRunbook);
        auto start = test::run_drconsole({"start", "--db", db(), "--runbook", runbook.string(), "--mode", "drill", "--as", "ic:alice"});
        ASSERT_EQ(start.exit_code, 0) << start.err;
    }
    std::string db() const { return (dir / "j.db").string(); }

    test::TempDir dir;
    test::HttpServer server;
    std::filesystem::path env, runbook;
};

}  // namespace

TEST_F(ProbeCli, OnceGivesOneJsonReadingPerTarget) {
    auto r = test::run_drconsole({"probe", "--env", env.string(), "--once", "--json"});
    EXPECT_EQ(r.exit_code, 3) << "a target that did not answer is exit status 3 for scripts: " << r.err;
    EXPECT_NE(r.err.find("not answered: gone (down)"), std::string::npos) << r.err;
    std::map<std::string, nlohmann::json> by_target;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line);
        EXPECT_FALSE(by_target.count(j["target"])) << "two readings for " << j["target"];
        by_target[j["target"]] = j;
    }
    ASSERT_EQ(by_target.size(), 2u);
    EXPECT_EQ(by_target["api"]["status"], "ok");
    EXPECT_EQ(by_target["gone"]["status"], "down");
    EXPECT_FALSE(by_target["gone"]["error"].get<std::string>().empty());
}

TEST_F(ProbeCli, OnceExitsZeroOnlyWhenEveryTargetAnswered) {
    auto only_api = dir.write("api.jsonc", R"({"targets": {"api": {"type": "http", "url": ")" + server.url("/healthz") + R"("}}})");
    auto ok = test::run_drconsole({"probe", "--env", only_api.string(), "--once"});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("api"), std::string::npos) << ok.out;
    server.handle([](const std::string&) { return std::pair<int, std::string>{503, "overloaded"}; });
    auto failing = test::run_drconsole({"probe", "--env", only_api.string(), "--once"});
    EXPECT_EQ(failing.exit_code, 3) << "an endpoint answering 503 is down, not 'all answered': " << failing.out;
    EXPECT_NE(failing.err.find("not answered: api (down)"), std::string::npos) << failing.err;
}

TEST_F(ProbeCli, SamplesAreRecordedInBatchesAndSurviveReopen) {
    auto r = test::run_drconsole({"probe", "--env", env.string(), "--db", db(), "--incident", "1", "--for", "3s"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recorded"), std::string::npos) << r.err;
    Journal journal(db());  // a fresh open, after the probe process has exited
    std::vector<Sample> samples = journal.samples(1);
    int api_up = 0, gone_down = 0;
    std::set<std::int64_t> api_times;
    for (const auto& s : samples) {
        if (s.target == "api" && s.metric == "up" && s.value == 1 && s.status == "ok") {
            ++api_up;
            api_times.insert(s.wall_us);
        }
        if (s.target == "gone" && s.metric == "up" && s.value == 0 && s.status == "down") ++gone_down;
    }
    EXPECT_GE(api_up, 10) << "a 200 ms interval for 3 s";
    EXPECT_EQ(api_times.size(), static_cast<std::size_t>(api_up)) << "each reading has its own time";
    EXPECT_GE(gone_down, 2);
    EXPECT_TRUE(journal.verify(1).at(0).intact) << "samples never touch the event chain";
}

TEST_F(ProbeCli, SigtermWritesTheLastBatch) {
    // Stopped after 1.2 s: before the first 2 s batch, so only the flush on SIGTERM can have written.
    auto r = test::run_process({"/usr/bin/timeout", "-s", "TERM", "1.2", DRCONSOLE_BIN, "probe", "--env", env.string(), "--db", db()});
    EXPECT_EQ(r.exit_code, 124) << "timeout reports that it had to stop the probe: " << r.err;
    EXPECT_NE(r.err.find("recorded"), std::string::npos) << r.err;
    Journal journal(db());
    EXPECT_GE(journal.samples(1).size(), 4u);
}

TEST_F(ProbeCli, ABadEnvironmentIsRefusedBeforeAnythingStarts) {
    auto bad = dir.write("bad.jsonc", R"({"targets": {"x": {"type": "http"}}})");
    auto r = test::run_drconsole({"probe", "--env", bad.string(), "--once"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bad.jsonc:1:19: error: http target 'x' needs \"url\""), std::string::npos) << r.err;
}
