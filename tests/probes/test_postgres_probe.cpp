// The PostgreSQL probe against a real primary and streaming standby.
#include <thread>

#include <gtest/gtest.h>

#include "support/printers.h"

#include "drconsole/gate_eval.h"
#include "probes/probe_factory.h"
#include "support/pg_cluster.h"

using namespace drconsole;

namespace {

SteadyTime in(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

class PostgresProbeTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { cluster = new test::PgCluster(); }
    static void TearDownTestSuite() {
        delete cluster;
        cluster = nullptr;
    }

    Target target(const std::string& id, int port, const std::string& role) {
        Target t;
        t.id = id;
        t.type = TargetType::postgres;
        t.dsn = cluster->dsn(port);
        t.pg_role = role;
        if (role == "standby") t.primary = "pg-primary";
        if (role == "primary") t.heartbeat = Millis(200);
        return t;
    }
    Reading read_primary() { return primary->read(in(2000)); }
    // The standby's lag is counted from the primary's side: its position is published first,
    // as the primary's own worker does, and the standby gets a moment to replay what it sent.
    Reading read_standby() {
        publish_primary();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return read_standby_alone();
    }
    Reading read_standby_alone() {
        Reading r = standby->read(in(2000));
        r.target = "pg-standby";
        return r;
    }
    Reading publish_primary() {
        Reading r = read_primary();
        r.target = "pg-primary";
        r.mono_us = steady_now_us();
        store->publish(r);
        return r;
    }
    void SetUp() override {
        store = std::make_shared<ReadingStore>();
        store->declare("pg-primary", Millis(2000));
        primary = probes::make_postgres_probe(target("pg-primary", cluster->primary_port(), "primary"), store);
        standby = probes::make_postgres_probe(target("pg-standby", cluster->standby_port(), "standby"), store);
        cluster->sql(cluster->primary_port(), "CREATE TABLE IF NOT EXISTS ledger (id serial PRIMARY KEY, amount int)");
    }

    static test::PgCluster* cluster;
    std::shared_ptr<ReadingStore> store;
    std::unique_ptr<Probe> primary, standby;
};

test::PgCluster* PostgresProbeTest::cluster = nullptr;

}  // namespace

TEST_F(PostgresProbeTest, AnIdlePrimaryShowsNoLag) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // nothing written: replay_ts grows old
    Reading s = read_standby();
    ASSERT_EQ(s.status, ProbeStatus::ok) << s.error;
    EXPECT_EQ(*s.value("up"), 1);
    EXPECT_EQ(*s.value("in_recovery"), 1);
    EXPECT_EQ(*s.value("lag_s"), 0) << "an idle primary must not look like growing lag";
    EXPECT_EQ(*s.value("lag_bytes"), 0);
    Reading p = read_primary();
    ASSERT_EQ(p.status, ProbeStatus::ok) << p.error;
    EXPECT_EQ(*p.value("in_recovery"), 0);
    EXPECT_EQ(*p.value("standbys"), 1);
    bool found = false;
    for (const auto& m : p.metrics)
        if (m.name == "lag_bytes" && m.labels.at("application_name") == "standby1") found = true;
    EXPECT_TRUE(found) << "per-standby lag keeps the standby's name";
}

TEST_F(PostgresProbeTest, LagBytesMatchTheServersOwnFigures) {
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_pause()");
    cluster->sql(cluster->primary_port(), "INSERT INTO ledger (amount) SELECT g FROM generate_series(1, 5000) g");
    std::string want_lsn = cluster->sql(cluster->primary_port(), "SELECT pg_current_wal_lsn()");
    // Wait until the standby has received (not replayed) everything written.
    for (int i = 0; i < 100; ++i) {
        if (cluster->sql(cluster->standby_port(), "SELECT pg_last_wal_receive_lsn() >= '" + want_lsn + "'::pg_lsn") == "t") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string received_only = cluster->sql(cluster->standby_port(), "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())");
    Reading p0 = publish_primary();
    Reading s = read_standby_alone();
    ASSERT_EQ(s.status, ProbeStatus::degraded) << "replay is paused: " << s.error;
    EXPECT_NE(s.error.find("replay paused"), std::string::npos) << s.error;
    EXPECT_GT(*s.value("lag_bytes"), 0);
    EXPECT_EQ(*s.value("lag_bytes"), *p0.value("wal_lsn") - *s.value("replay_lsn")) << "counted from the primary's position";
    EXPECT_GE(*s.value("lag_bytes"), std::stod(received_only)) << "the primary has at least what the standby received";
    EXPECT_EQ(s.method("lag_bytes"), "wal-position");
    EXPECT_EQ(*s.value("replay_paused"), 1);

    std::string primary_before = cluster->sql(cluster->primary_port(),
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication WHERE application_name = 'standby1'");
    Reading p = read_primary();
    ASSERT_EQ(p.status, ProbeStatus::ok) << p.error;
    EXPECT_GE(*p.value("lag_bytes"), std::stod(primary_before));
    EXPECT_LT(*p.value("lag_bytes"), std::stod(primary_before) + 65536) << "only the heartbeat's WAL may come between";
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_resume()");
}

TEST_F(PostgresProbeTest, PausedReplayUnderWritesGrowsLagThroughWarnToBreach) {
    const Millis rpo(2000);
    cluster->sql(cluster->primary_port(), "INSERT INTO ledger (amount) VALUES (1)");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_pause()");
    std::vector<double> lags;
    std::vector<Level> levels;
    for (int i = 0; i < 10; ++i) {
        cluster->sql(cluster->primary_port(), "INSERT INTO ledger (amount) VALUES (2)");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        Reading s = read_standby();
        ASSERT_EQ(s.status, ProbeStatus::degraded) << s.error;
        EXPECT_NE(s.error.find("replay paused"), std::string::npos) << s.error;
        ASSERT_TRUE(s.value("lag_s"));
        lags.push_back(*s.value("lag_s"));
        levels.push_back(level_for(lags.back(), rpo));
    }
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_resume()");
    for (std::size_t i = 1; i < lags.size(); ++i) EXPECT_GT(lags[i], lags[i - 1]) << "lag did not grow at reading " << i;
    auto first = [&](Level l) { return std::find(levels.begin(), levels.end(), l) - levels.begin(); };
    EXPECT_EQ(levels.front(), Level::ok);
    EXPECT_LT(first(Level::warn), first(Level::breach)) << "warn comes before breach";
    EXPECT_EQ(levels.back(), Level::breach);

    // Once resumed, the standby catches up and the lag is gone.
    double lag = 1;
    for (int i = 0; i < 50 && lag > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        lag = read_standby().value("lag_s").value_or(1);
    }
    EXPECT_EQ(lag, 0);
}

TEST_F(PostgresProbeTest, HeartbeatsMeasureLagFromBothSides) {
    Reading p = publish_primary();
    ASSERT_EQ(p.status, ProbeStatus::ok) << p.error;
    ASSERT_TRUE(p.value("heartbeat_ts"));
    EXPECT_EQ(cluster->sql(cluster->primary_port(), "SELECT count(*) FROM drconsole.heartbeat"), "1");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Reading s = read_standby();
    ASSERT_TRUE(s.value("heartbeat_lag_s")) << "the standby reads the replicated heartbeat";
    EXPECT_LT(*s.value("heartbeat_lag_s"), 0.5);

    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_pause()");
    for (int i = 0; i < 6; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        publish_primary();  // the primary keeps writing heartbeats the standby does not replay
    }
    s = read_standby();
    cluster->sql(cluster->standby_port(), "SELECT pg_wal_replay_resume()");
    ASSERT_TRUE(s.value("heartbeat_lag_s"));
    EXPECT_GE(*s.value("heartbeat_lag_s"), 1.0);
    EXPECT_LT(*s.value("heartbeat_lag_s"), 3.0);
    EXPECT_DOUBLE_EQ(*s.value("heartbeat_lag_s"), *store->view("pg-primary", steady_now_us())->last.value("heartbeat_ts") -
                                                     *s.value("heartbeat_ts"));
}

// A standby reading is one round trip (one statement, one transaction on the server), not
// pg_is_in_recovery(), the standby query and the heartbeat read one after another.
TEST_F(PostgresProbeTest, AStandbyIsReadInOneRoundTrip) {
    publish_primary();  // the heartbeat table exists on the primary, and is replayed
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    standby.reset();
    const int readings = 10;
    auto transactions = [&] {
        // Each backend's counts are flushed when it ends: this connection's own statement is
        // counted by the next look.
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        return std::stol(cluster->sql(cluster->standby_port(),
                                      "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"));
    };
    long before = transactions();
    standby = probes::make_postgres_probe(target("pg-standby", cluster->standby_port(), "standby"), store);
    for (int i = 0; i < readings; ++i) {
        Reading r = read_standby_alone();
        ASSERT_EQ(*r.value("in_recovery"), 1) << r.error;
        if (i > 0) ASSERT_TRUE(r.value("heartbeat_ts")) << "the heartbeat still comes with the reading";
    }
    standby.reset();  // its connection ends: its counts are flushed
    long spent = transactions() - before;
    // The first reading finds out what the server is (three statements); each one after is one;
    // the counting connections add a few. Three a reading would be more than 30.
    EXPECT_LT(spent, 2 * readings) << "statements for " << readings << " readings (and the counting connections' own)";
    EXPECT_GE(spent, readings) << "the count missed readings: the check would prove nothing";
}

// Kills the shared primary: the last of this fixture's tests.
TEST_F(PostgresProbeTest, AKilledPrimaryIsDownWithinTheDeadlineWhileTheStandbyReports) {
    ASSERT_EQ(read_primary().status, ProbeStatus::ok);
    cluster->kill_primary();
    auto started = std::chrono::steady_clock::now();
    Reading p = primary->read(in(1000));
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(p.status, ProbeStatus::down);
    EXPECT_EQ(*p.value("up"), 0);
    EXPECT_LT(took, std::chrono::milliseconds(1100));
    Reading s = read_standby_alone();
    EXPECT_EQ(s.status, ProbeStatus::degraded) << "a standby whose primary is gone is not receiving";
    EXPECT_EQ(*s.value("up"), 1);
    EXPECT_EQ(*s.value("in_recovery"), 1);
    EXPECT_FALSE(s.value("lag_s")) << "never read the primary's position: unknown, not 0 (" << s.error << ")";
}

TEST(PostgresProbe, AStandbyReadBeforeItsPrimaryIsProvisionalWithUnknownLag) {
    test::PgCluster cluster;
    auto store = std::make_shared<ReadingStore>();
    store->declare("pg-primary", Millis(2000));
    Target t;
    t.id = "pg-standby";
    t.type = TargetType::postgres;
    t.dsn = cluster.standby_dsn();
    t.pg_role = "standby";
    t.primary = "pg-primary";
    Reading r = probes::make_postgres_probe(t, store)->read(in(2000));
    EXPECT_TRUE(r.provisional);
    EXPECT_FALSE(r.value("lag_s"));
    EXPECT_NE(r.error.find("lag unknown until the primary's WAL position is read"), std::string::npos) << r.error;
}
