// The lab's commands, each against the real parts: idempotent, saying what they did, real lag
// that a probe reads, a refused stand-in, and nothing left behind — not even after Ctrl-C.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/temp_dir.h"

namespace drconsole::test {
namespace {

// The newest reading of `metric` on `target` in `probe --once --json` output (NaN if none).
double reading(const std::string& json_lines, const std::string& target, const std::string& metric) {
    double value = std::nan("");
    std::istringstream lines(json_lines);
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || j.value("target", "") != target || !j.contains("metrics")) continue;
        for (const auto& m : j["metrics"])
            if (m.value("name", "") == metric && m["value"].is_number()) value = m["value"].get<double>();
    }
    return value;
}

TEST(LabCommands, EachIsIdempotentSaysWhatItDidAndMakesRealLag) {
    TempDir dir;
    auto lab = dir / "lab";
    std::vector<std::string> env{"DRCONSOLE_LAB=" + lab.string(), fmt::format("DRCONSOLE_LAB_TIED_TO={}", ::getpid())};

    auto none = run_drconsole({"lab", "status"}, env);
    EXPECT_EQ(none.exit_code, 3);
    EXPECT_NE(none.err.find("no lab in " + lab.string()), std::string::npos) << none.err;
    auto nothing = run_drconsole({"lab", "down"}, env);
    EXPECT_EQ(nothing.exit_code, 0);
    EXPECT_NE(nothing.out.find("nothing to stop"), std::string::npos) << nothing.out;

    auto up = run_drconsole({"lab", "up"}, env);
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
    struct Down {
        std::vector<std::string> env;
        ~Down() { run_drconsole({"lab", "down"}, env); }
    } down_at_exit{env};
    for (const char* part : {"PostgreSQL 15 primary", "PostgreSQL 15 standby", "Kafka primary", "Kafka DR", "api-primary", "api-secondary", "Prometheus"})
        EXPECT_NE(up.out.find(part), std::string::npos) << part << " missing from:\n" << up.out;
    auto again = run_drconsole({"lab", "up"}, env);
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_NE(again.out.find("already up"), std::string::npos) << again.out;

    // The environment it wrote serves the shipped runbooks.
    auto valid = run_drconsole({"validate", "--env", (lab / "env.jsonc").string(), source_path("checklists/region-failover.md"),
                                source_path("checklists/quarterly-drill.md")});
    EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;

    // Real lag, as a probe reads it.
    ASSERT_EQ(run_drconsole({"lab", "lag", "pg", "3s"}, env).exit_code, 0);
    ASSERT_EQ(run_drconsole({"lab", "lag", "kafka", "120"}, env).exit_code, 0);
    std::this_thread::sleep_for(std::chrono::seconds(5));
    auto probe = run_drconsole({"probe", "--env", (lab / "env.jsonc").string(), "--once", "--json"});
    double pg_lag = reading(probe.out, "pg-standby", "lag_s");
    double kafka_lag = reading(probe.out, "mm2", "lag_messages");
    EXPECT_GT(pg_lag, 2.0) << probe.out;
    EXPECT_LT(pg_lag, 5.0) << probe.out;
    // The two clusters are read a moment apart: a message produced and mirrored in between
    // shows the held-back 120 as 119.
    EXPECT_GE(kafka_lag, 119) << probe.out;
    EXPECT_LE(kafka_lag, 123) << probe.out;

    auto status = run_drconsole({"lab", "status"}, env);
    EXPECT_EQ(status.exit_code, 0);
    for (const char* line : {"streaming standby", "delay 3000 ms", "holding back 120", "Changes (UTC):", "Kafka mirror holds back 120 messages"})
        EXPECT_NE(status.out.find(line), std::string::npos) << line << " missing from:\n" << status.out;

    // A stand-in the lab does not have is refused, saying what it has.
    auto unknown = run_drconsole({"lab", "tool", "kubectl", "delete", "namespace", "prod"}, env);
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("has no stand-in in the lab"), std::string::npos) << unknown.err;

    // A Kafka client of its own reaches the DR cluster.
    if (std::filesystem::exists("/usr/bin/kcat")) {
        std::ifstream in(lab / "lab.json");
        auto state = nlohmann::json::parse(in);
        auto meta = run_process({"/usr/bin/kcat", "-L", "-b", state["kafka_dr"].get<std::string>(), "-m", "5"});
        EXPECT_NE(meta.out.find("primary.orders"), std::string::npos) << meta.out << meta.err;
    }

    auto fail = run_drconsole({"lab", "fail", "primary-region"}, env);
    EXPECT_EQ(fail.exit_code, 0);
    for (const char* done : {"killed (SIGKILL)", "cut off", "stopped (connections refused)"})
        EXPECT_NE(fail.out.find(done), std::string::npos) << done << " missing from:\n" << fail.out;
    auto fail_again = run_drconsole({"lab", "fail", "primary-region"}, env);
    EXPECT_EQ(fail_again.exit_code, 0);
    EXPECT_EQ(fail_again.out, "PostgreSQL primary: already down\nKafka primary: already down\napi-primary: already down\n");

    auto down = run_drconsole({"lab", "down"}, env);
    EXPECT_EQ(down.exit_code, 0);
    EXPECT_NE(down.out.find("stopped the lab daemon"), std::string::npos) << down.out;
    EXPECT_FALSE(std::filesystem::exists(lab));
    auto down_again = run_drconsole({"lab", "down"}, env);
    EXPECT_NE(down_again.out.find("nothing to stop"), std::string::npos) << down_again.out;
}

TEST(LabCommands, CtrlCWhileStartingLeavesNothingBehind) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);  // PostgreSQL's user must reach the data under it
    auto tmp = dir / "tmp";
    std::filesystem::create_directory(tmp);
    ::chmod(tmp.c_str(), 01777);
    auto lab = dir / "lab";
    std::string bin = DRCONSOLE_BIN, dir_arg = lab.string(), tmpdir = "TMPDIR=" + tmp.string(),
                tied = fmt::format("DRCONSOLE_LAB_TIED_TO={}", ::getpid());
    pid_t pid = ::fork();
    if (pid == 0) {
        ::putenv(tmpdir.data());
        ::putenv(tied.data());
        int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execl(bin.c_str(), bin.c_str(), "lab", "up", "--dir", dir_arg.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Interrupt once PostgreSQL is on its way (its data directory exists), as a person pressing Ctrl-C would.
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::filesystem::is_empty(tmp) && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_FALSE(std::filesystem::is_empty(tmp)) << "lab up never created its PostgreSQL directory";
    ::kill(pid, SIGINT);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_TRUE(std::filesystem::is_empty(tmp)) << "PostgreSQL data left in " << tmp;
    EXPECT_FALSE(std::filesystem::exists(lab)) << "the lab directory is left";
}

}  // namespace
}  // namespace drconsole::test

namespace drconsole::test {
namespace {

TEST(LabCommands, ALabTiedToAProcessEndsWhenThatProcessDiesWithoutLabDown) {
    // As a test or a demo killed with SIGKILL: nobody says `lab down`.
    TempDir dir;
    auto lab = dir / "lab";
    pid_t owner = ::fork();
    if (owner == 0) {
        ::execl("/bin/sleep", "sleep", "600", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    auto up = run_drconsole({"lab", "up", "--dir", lab.string()}, {fmt::format("DRCONSOLE_LAB_TIED_TO={}", owner)});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    std::ifstream in(lab / "lab.json");
    auto state = nlohmann::json::parse(in);
    ::kill(owner, SIGKILL);
    ::waitpid(owner, nullptr, 0);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::filesystem::exists(lab) && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(std::filesystem::exists(lab)) << "the lab outlived the process it was tied to";
    EXPECT_FALSE(std::filesystem::exists(state["pg_root"].get<std::string>()));
}

}  // namespace
}  // namespace drconsole::test
