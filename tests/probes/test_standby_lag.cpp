// Standby lag, one definition: the pure figures, then a real primary + standby under a writer
// with a frozen walsender, a stopped WAL receiver and paused replay.
#include <regex>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

#include "support/printers.h"

#include "drconsole/gate_eval.h"
#include "drconsole/preflight.h"
#include "drconsole/probes.h"
#include "probes/standby_lag.h"
#include "support/pg_cluster.h"
#include "support/pg_writer.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "tui/console_run.h"

using namespace drconsole;
using namespace drconsole::probes;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kS = 1'000'000;

// The primary read every second at 100, 200, 300, … bytes.
std::vector<WalPoint> every_second(int n, double from = 100) {
    std::vector<WalPoint> out;
    for (int i = 0; i < n; ++i) out.push_back({i * kS, from + 100 * i});
    return out;
}

}  // namespace

TEST(StandbyLag, CaughtUpIsZeroEvenWhenThePrimaryWasIdleForLong) {
    std::vector<WalPoint> idle{{0, 500}, {3600 * kS, 500}};
    LagFigure f = behind_primary(500, 3600 * kS + 10, idle, true);
    EXPECT_EQ(f.seconds, 0.0);
    EXPECT_EQ(f.bytes, 0.0);
    EXPECT_EQ(f.method, kMethodWalPosition);
}

TEST(StandbyLag, AStalledStandbyGrowsFromTheFirstPrimaryReadingItLacks) {
    auto primary = every_second(10);  // 100 … 1000
    // Replayed up to 350: the reading at 3 s (400) is the first it lacks.
    LagFigure f = behind_primary(350, 9 * kS + kS / 2, primary, true);
    EXPECT_DOUBLE_EQ(*f.seconds, 6.5);
    EXPECT_DOUBLE_EQ(*f.bytes, 1000 - 350);
    EXPECT_FALSE(f.at_least);
    LagFigure later = behind_primary(350, 9 * kS + kS / 2 + kS, primary, true);
    EXPECT_DOUBLE_EQ(*later.seconds, 7.5) << "it grows while the primary is reachable";
}

TEST(StandbyLag, APrimaryReadAfterTheStandbyIsNotCounted) {
    auto primary = every_second(3);  // 100, 200, 300 at 0, 1, 2 s
    LagFigure f = behind_primary(200, kS + kS / 2, primary, true);
    EXPECT_EQ(f.seconds, 0.0) << "the 300 read at 2 s came after the standby's reading at 1.5 s";
}

TEST(StandbyLag, WithThePrimaryGoneTheSpanIsFrozenAtItsLastKnownPosition) {
    auto primary = every_second(10);
    LagFigure f = behind_primary(650, 60 * kS, primary, false);
    EXPECT_EQ(f.method, kMethodLastKnown);
    EXPECT_DOUBLE_EQ(*f.seconds, 3.0) << "readings at 6 … 9 s hold WAL it lacks";
    EXPECT_DOUBLE_EQ(*f.bytes, 350);
}

TEST(StandbyLag, AHistoryThatDoesNotReachBackSaysAtLeast) {
    auto primary = every_second(5, 1000);
    LagFigure f = behind_primary(10, 4 * kS, primary, true);
    EXPECT_TRUE(f.at_least);
    EXPECT_DOUBLE_EQ(*f.seconds, 4.0);
}

TEST(StandbyLag, NoPrimaryReadingYetIsUnknownNeverZero) {
    LagFigure f = behind_primary(10, kS, {}, true);
    EXPECT_FALSE(f.seconds);
    EXPECT_FALSE(f.bytes);
    LagFigure early = behind_primary(10, kS, {{2 * kS, 500}}, true);
    EXPECT_FALSE(early.seconds) << "only a primary reading after the standby's";
}

TEST(StandbyLag, OneShotUsesThePrimaryPositionAndTheReplayAge) {
    LagFigure behind = one_shot_lag(1000, 900, 800, 7.5);
    EXPECT_DOUBLE_EQ(*behind.bytes, 200);
    EXPECT_DOUBLE_EQ(*behind.seconds, 7.5);
    LagFigure caught_up = one_shot_lag(800, 800, 800, 3600);
    EXPECT_EQ(caught_up.seconds, 0.0) << "an idle primary's old last transaction is not lag";
    LagFigure standby_only = one_shot_lag(std::nullopt, 900, 800, std::nullopt);
    EXPECT_DOUBLE_EQ(*standby_only.bytes, 100);
    EXPECT_FALSE(standby_only.seconds);
}

TEST(StandbyLag, NotReceivingNamesTheSecondsAndTheCause) {
    ReceiverState gone;
    EXPECT_EQ(not_receiving(gone, 500, 12.4, 2), "not receiving for 12 s: no WAL receiver running");
    ReceiverState silent{true, "streaming", 8.2};
    EXPECT_EQ(not_receiving(silent, 500, 7.0, 2), "not receiving for 8 s: nothing from the primary");
    EXPECT_EQ(not_receiving(silent, 0, 0, 2), "") << "silence with nothing to receive is an idle pair";
    ReceiverState busy{true, "streaming", 0.01};
    EXPECT_EQ(not_receiving(busy, 4096, 0.3, 2), "");
    ReceiverState hidden{true, "", std::nullopt};  // a role without pg_read_all_stats
    EXPECT_EQ(not_receiving(hidden, 4096, 5.0, 2), "not receiving for 5 s");
    ReceiverState waiting{true, "waiting", std::nullopt};
    EXPECT_EQ(not_receiving(waiting, std::nullopt, std::nullopt, 2), "not receiving: WAL receiver is waiting");
}

TEST(StandbyFigures, AFreshHistoryIsBoundedByTheReplayAgeNotUnderstated) {
    StandbyReading in;
    in.at_mono_us = kS;
    in.replay_lsn = in.receive_lsn = 100;
    in.replay_age_s = 6.2;  // the standby stopped 6 s ago; the probe started 1 s ago
    in.has_primary = true;
    in.primary = {{0, 900}};
    in.primary_reachable = true;
    in.primary_never_read = false;
    in.receiver = {true, "streaming", 6.1};
    StandbyFigures f = standby_figures(in);
    EXPECT_DOUBLE_EQ(*f.lag.seconds, 6.2);
    EXPECT_EQ(f.lag.method, kMethodReplayTimestamp);
    EXPECT_EQ(f.bytes_method, kMethodWalPosition);
    EXPECT_DOUBLE_EQ(*f.lag.bytes, 800);
    ASSERT_EQ(f.notes.size(), 1u);
    EXPECT_EQ(f.notes[0], "lag at most 6 s (the last replayed transaction's age)");
    ASSERT_EQ(f.problems.size(), 1u);
    EXPECT_EQ(f.problems[0], "not receiving for 6 s: nothing from the primary");
    EXPECT_FALSE(f.receiving);
}

TEST(StandbyFigures, BeforeThePrimaryIsReadTheLagIsUnknownAndProvisional) {
    StandbyReading in;
    in.has_primary = true;
    in.receiver = {true, "streaming", 0.1};
    StandbyFigures f = standby_figures(in);
    EXPECT_FALSE(f.lag.seconds);
    EXPECT_TRUE(f.provisional);
    EXPECT_EQ(f.problems, std::vector<std::string>{"lag unknown until the primary's WAL position is read"});
}

TEST(StandbyFigures, WithoutAPrimaryASilentStandbyIsUnknownNotCaughtUp) {
    StandbyReading in;
    in.replay_lsn = in.receive_lsn = 500;
    in.receiver.present = false;
    StandbyFigures f = standby_figures(in);
    EXPECT_FALSE(f.lag.seconds) << "nothing to replay proves nothing while nothing arrives";
    EXPECT_EQ(f.lag.method, kMethodReplayTimestamp);
    EXPECT_NE(f.problems.at(0).find("no WAL receiver running"), std::string::npos);
    in.receiver = {true, "streaming", 0.2};
    EXPECT_EQ(standby_figures(in).lag.seconds, 0.0);
}

namespace {

// The real pair, probed as the console probes it: every target on its own worker, 250 ms apart.
class TruthfulLag : public ::testing::Test {
protected:
    static void SetUpTestSuite() { cluster = new test::PgCluster(); }
    static void TearDownTestSuite() {
        delete cluster;
        cluster = nullptr;
    }

    void SetUp() override {
        env.path = "lag.env.jsonc";
        Target p;
        p.id = "pg-primary";
        p.type = TargetType::postgres;
        p.dsn = cluster->primary_dsn();
        p.pg_role = "primary";
        p.interval = 250ms;
        Target s = p;
        s.id = "pg-standby";
        s.dsn = cluster->standby_dsn();
        s.pg_role = "standby";
        s.primary = "pg-primary";
        env.targets.emplace(p.id, p);
        env.targets.emplace(s.id, s);
        store = std::make_shared<ReadingStore>();
        scheduler = std::make_unique<ProbeScheduler>(store);
        add_environment_probes(*scheduler, env);
        scheduler->start();
        wait_until([&] { return lag().has_value(); }, 5s);
    }
    void TearDown() override { scheduler->stop(); }

    TargetView standby() const { return *store->view("pg-standby", steady_now_us()); }
    TargetView primary() const { return *store->view("pg-primary", steady_now_us()); }
    std::optional<double> lag() const { return standby().last.value("lag_s"); }

    static bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
        auto until = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() > until) return false;
            std::this_thread::sleep_for(50ms);
        }
        return true;
    }

    GateResult gate(const std::string& text) const {
        GateExpr g = parse_gate(text);
        return evaluate_gate(g, *store, steady_now_us());
    }

    // Holds the fault for `seconds` under a writer, then checks every consumer's figure near its end.
    struct Seen {
        std::vector<double> lags;   // the standby's lag_s, one per reading, during the fault
        std::string error, method;
        ProbeStatus status = ProbeStatus::ok;
        GateResult gate;
        std::vector<PreflightCheck> preflight;
        std::string primary_error;
        std::optional<double> standbys, primary_replay_lag;
    };
    Seen hold(double seconds) {
        Seen seen;
        std::int64_t last_reading = 0;
        auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < until) {
            TargetView v = standby();
            if (v.last.mono_us != last_reading && v.last.value("lag_s")) {
                seen.lags.push_back(*v.last.value("lag_s"));
                last_reading = v.last.mono_us;
            }
            std::this_thread::sleep_for(20ms);
        }
        TargetView v = standby();
        seen.error = v.last.error;
        seen.status = v.status;
        seen.method = v.last.method("lag_s");
        seen.gate = gate("pg-standby.lag_s < 5s");
        seen.preflight = preflight(env, env.targets.at("pg-standby"), Millis(5000), Millis(5000), store.get());
        seen.primary_error = primary().last.error;
        seen.standbys = primary().last.value("standbys");
        seen.primary_replay_lag = primary().last.value("replay_lag_s");
        std::string lags;
        for (double l : seen.lags) lags += fmt::format(" {:.2f}", l);
        std::printf("lag_s readings:%s\n  standby: %s (%s)\n", lags.c_str(), std::string(to_string(seen.status)).c_str(), seen.error.c_str());
        return seen;
    }

    // After the fault: back to 0, then 0 on the idle pair for 10 s.
    void expect_recovers_and_idles_at_zero() {
        EXPECT_TRUE(wait_until([&] { return lag() == 0.0 && standby().status == ProbeStatus::ok; }, 15s))
            << "lag " << lag().value_or(-1) << ", " << standby().last.error;
        auto until = std::chrono::steady_clock::now() + 10s;
        int readings = 0;
        std::int64_t last_reading = 0;
        while (std::chrono::steady_clock::now() < until) {
            TargetView v = standby();
            if (v.last.mono_us != last_reading) {
                ++readings;
                last_reading = v.last.mono_us;
                ASSERT_EQ(v.last.value("lag_s"), 0.0) << "the idle caught-up pair must stay at 0";
                ASSERT_EQ(v.status, ProbeStatus::ok) << v.last.error;
            }
            std::this_thread::sleep_for(50ms);
        }
        EXPECT_GE(readings, 20);
    }

    static void expect_grew_past(const std::vector<double>& lags, double at_least) {
        ASSERT_GE(lags.size(), 8u);
        EXPECT_GE(lags.back(), at_least);
        // Growing: the last readings rise one after another.
        for (std::size_t i = lags.size() - 4; i < lags.size(); ++i) EXPECT_GT(lags[i], lags[i - 1]) << "reading " << i;
    }

    static std::string check(const std::vector<PreflightCheck>& checks, const std::string& name) {
        for (const auto& c : checks)
            if (c.name == name) return std::string(to_string(c.outcome)) + ": " + c.value;
        return "missing";
    }

    static test::PgCluster* cluster;
    Environment env;
    std::shared_ptr<ReadingStore> store;
    std::unique_ptr<ProbeScheduler> scheduler;
};
test::PgCluster* TruthfulLag::cluster = nullptr;

}  // namespace

TEST_F(TruthfulLag, AFrozenWalsenderShowsGrowingLagEverywhere) {
    {
        test::PgWriter writer(cluster->primary_dsn());
        std::this_thread::sleep_for(1s);
        // A busy pair that streams: 0, or the few ms of WAL in flight (docs/probes.md), never unknown.
        ASSERT_GE(lag().value_or(-1), 0.0) << standby().last.error;
        ASSERT_LT(lag().value_or(-1), 0.1) << standby().last.error;
        // What a person runs meanwhile: probe --once, and the console (headless, screen dumped).
        test::TempDir dir;
        auto env_file = dir.write("env.jsonc", fmt::format(R"({{"targets": {{
  "pg-primary": {{"type": "postgres", "dsn": "{}", "role": "primary", "interval": "250ms"}},
  "pg-standby": {{"type": "postgres", "dsn": "{}", "role": "standby", "primary": "pg-primary", "interval": "250ms"}}}}}})",
                                                           cluster->primary_dsn(), cluster->standby_dsn()));
        auto runbook = dir.write("rb.md", "# Lag drill\n\n| Component | RPO | RTO |\n|---|---|---|\n| postgres | 60s | 10m |\n\n"
                                          "| Role | Owner |\n|---|---|\n| ic | SRE |\n| db | DBRE |\n\n## Promote {kind=promote}\n"
                                          "- [ ] Promote the standby {#pg-promote role=db restores=postgres rpo=pg-standby}\n");
        std::string db = (dir / "j.db").string();
        ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env_file.string(), "--mode", "drill",
                                       "--roster", "ic=maria,db=dmitri", "--as", "ic:maria"}).exit_code, 0);
        auto keys = dir.write("keys.txt", "<WaitFor not receiving>\n");
        test::ProcessResult probe_out, console_out;
        cluster->freeze_walsender();
        std::thread cli([&] {
            std::this_thread::sleep_for(4500ms);
            std::thread console([&] {
                console_out = test::run_drconsole({"open", "--db", db, "--keys", keys.string(), "--size", "120x40", "--dump-screen",
                                                   (dir / "screen.txt").string(), "--as", "ic:maria"});
            });
            probe_out = test::run_drconsole({"probe", "--env", env_file.string(), "--once", "--json"});
            console.join();
        });
        Seen seen = hold(6);
        cli.join();
        cluster->thaw_walsender();
        ASSERT_GE(writer.acknowledged(), 300) << "≥ 50 rows/s";

        std::optional<double> probe_lag;
        std::istringstream lines(probe_out.out);
        for (std::string line; std::getline(lines, line);) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_object() && j["target"] == "pg-standby")
                for (const auto& m : j["metrics"])
                    if (m["name"] == "lag_s") probe_lag = m["value"].get<double>();
        }
        std::printf("probe --once during the freeze: pg-standby lag_s %.2f\n%s", probe_lag.value_or(-1), probe_out.out.c_str());
        ASSERT_TRUE(probe_lag) << probe_out.out << probe_out.err;
        EXPECT_GE(*probe_lag, 4.0) << probe_out.out;
        ASSERT_EQ(console_out.exit_code, 0) << console_out.err;
        std::string screen = test::slurp(dir / "screen.txt");
        std::smatch m;
        ASSERT_TRUE(std::regex_search(screen, m, std::regex(R"(postgres RPO~([0-9.]+)s)"))) << screen;
        std::printf("console lag pane during the freeze: postgres RPO~%ss\n", m[1].str().c_str());
        EXPECT_GE(std::stod(m[1].str()), 4.0) << screen;
        EXPECT_NE(screen.find("not receiving for"), std::string::npos) << screen;
        expect_grew_past(seen.lags, 4.0);
        EXPECT_EQ(seen.method, kMethodWalPosition);
        EXPECT_EQ(seen.status, ProbeStatus::degraded);
        EXPECT_NE(seen.error.find("not receiving for"), std::string::npos) << seen.error;
        EXPECT_FALSE(seen.primary_replay_lag) << "PostgreSQL's replay_lag froze with the walsender: it is left out, not shown as "
                                              << seen.primary_replay_lag.value_or(-1);
        EXPECT_EQ(seen.gate.outcome, GateOutcome::fail) << seen.gate.reason;
        EXPECT_EQ(check(seen.preflight, "receiving WAL").substr(0, 4), "fail") << check(seen.preflight, "receiving WAL");
        EXPECT_NE(check(seen.preflight, "receiving WAL").find("not receiving for"), std::string::npos);
        EXPECT_EQ(check(seen.preflight, "lag within the RPO").substr(0, 4), "fail") << check(seen.preflight, "lag within the RPO");
    }
    expect_recovers_and_idles_at_zero();
}

TEST_F(TruthfulLag, AStoppedReceiverShowsGrowingLagAndThePrimarySaysItLostItsStandby) {
    {
        test::PgWriter writer(cluster->primary_dsn());
        std::this_thread::sleep_for(1s);
        cluster->stop_receiver();
        Seen seen = hold(6);
        cluster->restore_receiver();
        expect_grew_past(seen.lags, 4.0);
        EXPECT_EQ(seen.status, ProbeStatus::degraded);
        EXPECT_NE(seen.error.find("no WAL receiver running"), std::string::npos) << seen.error;
        EXPECT_EQ(seen.gate.outcome, GateOutcome::fail) << seen.gate.reason;
        EXPECT_EQ(check(seen.preflight, "receiving WAL").substr(0, 4), "fail") << check(seen.preflight, "receiving WAL");
        EXPECT_EQ(seen.standbys, 0.0);
        EXPECT_EQ(seen.primary_error, "standby pg-standby not connected");
    }
    expect_recovers_and_idles_at_zero();
}

TEST_F(TruthfulLag, PausedReplayShowsGrowingLag) {
    {
        test::PgWriter writer(cluster->primary_dsn());
        std::this_thread::sleep_for(1s);
        cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_pause()");
        Seen seen = hold(6);
        cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_resume()");
        expect_grew_past(seen.lags, 4.0);
        EXPECT_EQ(seen.status, ProbeStatus::degraded);
        EXPECT_NE(seen.error.find("replay paused"), std::string::npos) << seen.error;
        EXPECT_EQ(seen.error.find("not receiving"), std::string::npos) << "it still receives: " << seen.error;
        EXPECT_EQ(seen.gate.outcome, GateOutcome::fail) << seen.gate.reason;
        EXPECT_EQ(check(seen.preflight, "replay not paused").substr(0, 4), "fail");
    }
    expect_recovers_and_idles_at_zero();
}

TEST_F(TruthfulLag, AForGateRestartsWhenTheLagGoesAboveItsBound) {
    ASSERT_TRUE(wait_until([&] { return gate("pg-standby.lag_s < 2s for 2s").outcome == GateOutcome::pass; }, 10s))
        << gate("pg-standby.lag_s < 2s for 2s").reason;
    test::PgWriter writer(cluster->primary_dsn());
    std::this_thread::sleep_for(500ms);
    cluster->freeze_walsender();
    bool failed = wait_until([&] { return gate("pg-standby.lag_s < 2s for 2s").outcome == GateOutcome::fail; }, 6s);
    cluster->thaw_walsender();
    EXPECT_TRUE(failed) << "a stall breaks the held condition";
    writer.stop();
    ASSERT_TRUE(wait_until([&] { return lag() == 0.0; }, 10s));
    EXPECT_EQ(gate("pg-standby.lag_s < 2s for 2s").outcome, GateOutcome::fail) << "held again from 0 s, not from before the stall";
    EXPECT_TRUE(wait_until([&] { return gate("pg-standby.lag_s < 2s for 2s").outcome == GateOutcome::pass; }, 10s));
}
