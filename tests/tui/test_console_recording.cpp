// Two consoles and a probe --db on one incident, in real terminals: the readings are recorded
// once, and when the recorder is killed another takes over within 5 s.
#include <signal.h>

#include <algorithm>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "drconsole/clock.h"
#include "support/fixtures.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tmux.h"

using namespace drconsole;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> rows(const std::string& db, const std::string& query) {
    std::vector<std::string> out;
    std::istringstream in(test::run_process({"/usr/bin/sqlite3", db, query}).out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

// The pid in a lease holder's name: "console ic:maria (pid 1234 on host, #00af)".
int holder_pid(const std::string& holder) {
    auto at = holder.find("(pid ");
    return at == std::string::npos ? 0 : std::stoi(holder.substr(at + 5));
}

}  // namespace

TEST(Recording, TwoConsolesAndAProbeRecordEachReadingOnceAndAnotherTakesOver) {
    test::TempDir dir;
    test::Tmux tmux(dir.path());
    test::HttpServer api;
    auto runbook = dir.write("small.md", test::kSmallRunbook);
    auto env = dir.write("env.jsonc", R"({"targets": {"api": {"type": "http", "url": ")" + api.url("/health") + R"(", "interval": "200ms"}}})");
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill",
                                   "--roster", "ic=maria,db=dmitri", "--as", "ic:maria"}).exit_code, 0);
    auto console = [&](const std::string& as) {
        return fmt::format("LANG=C.UTF-8 {} open --db {} --as {}; echo EXIT=$?; sleep 60", DRCONSOLE_BIN, db, as);
    };
    tmux.start("ic", console("ic:maria"), 120, 40);
    tmux.start("db", console("db:dmitri"), 120, 40);
    tmux.start("probe", fmt::format("{} probe --env {} --db {} --as db:dmitri > /dev/null; echo EXIT=$?; sleep 60", DRCONSOLE_BIN,
                                    env.string(), db), 120, 10);
    ASSERT_GE(tmux.wait_for("ic", "REC"), 0ms) << tmux.screen("ic");
    ASSERT_GE(tmux.wait_for("db", "REC"), 0ms) << tmux.screen("db");
    std::this_thread::sleep_for(30s);

    // Exactly one recorder: the other console says who does.
    std::string ic = tmux.screen("ic"), other = tmux.screen("db");
    int recording_here = (ic.find("REC by another console") == std::string::npos) + (other.find("REC by another console") == std::string::npos);
    EXPECT_LE(recording_here, 1) << ic << other;

    // Recorded once: no two samples of a target at the same time, and no more readings than one
    // recorder takes at the probe's interval (its schedule skips missed slots, it never catches
    // up). Three recorders interleaved would store two to three times as many; a loaded machine
    // stores fewer, never more.
    EXPECT_TRUE(rows(db, "SELECT target, metric, labels, wall_us FROM samples GROUP BY 1, 2, 3, 4 HAVING count(*) > 1").empty());
    auto times = rows(db, "SELECT wall_us FROM samples WHERE target = 'api' AND metric = 'up' ORDER BY wall_us");
    ASSERT_GE(times.size(), 100u) << "about 5 readings a second for 30 s";
    double span_s = static_cast<double>(std::stoll(times.back()) - std::stoll(times.front())) / 1e6;
    EXPECT_LE(static_cast<double>(times.size()), span_s / 0.2 * 1.15 + 2)
        << times.size() << " readings in " << span_s << " s at one per 200 ms: two recorders' readings interleaved";

    // Kill the recorder where it stands; another takes over.
    auto holder = rows(db, "SELECT holder FROM recorder_leases WHERE incident_id = 1");
    ASSERT_EQ(holder.size(), 1u);
    int pid = holder_pid(holder[0]);
    ASSERT_GT(pid, 0) << holder[0];
    std::int64_t killed_us = SystemClock().wall_us();
    ASSERT_EQ(::kill(pid, SIGKILL), 0) << holder[0];
    std::this_thread::sleep_for(9s);
    auto now_holder = rows(db, "SELECT holder FROM recorder_leases WHERE incident_id = 1");
    ASSERT_EQ(now_holder.size(), 1u);
    EXPECT_NE(now_holder[0], holder[0]);
    auto after = rows(db, fmt::format("SELECT min(wall_us) FROM samples WHERE target = 'api' AND wall_us > {}", killed_us));
    ASSERT_EQ(after.size(), 1u);
    double gap_s = static_cast<double>(std::stoll(after[0]) - killed_us) / 1e6;
    std::printf("recorder %s killed; %s took over; first reading recorded %.2f s later\n", holder[0].c_str(), now_holder[0].c_str(), gap_s);
    EXPECT_LT(gap_s, 5.0);
    EXPECT_TRUE(rows(db, "SELECT target, metric, labels, wall_us FROM samples GROUP BY 1, 2, 3, 4 HAVING count(*) > 1").empty());

    for (const char* session : {"ic", "db"}) tmux.keys(session, {"q"});
    auto verify = test::run_drconsole({"verify", "--db", db});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}
