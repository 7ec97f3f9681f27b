// Black-holed targets never delay the others, and the coordinating thread never blocks.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/printers.h"

#include "drconsole/probes.h"
#include "probes/probe_factory.h"
#include "support/http_server.h"

using namespace drconsole;
using test::HttpServer;

namespace {

Target http(const std::string& id, const std::string& url) {
    Target t;
    t.id = id;
    t.type = TargetType::http;
    t.url = url;
    return t;
}

}  // namespace

TEST(Scheduler, BlackHoledTargetsNeverDelayTheOthers) {
    HttpServer healthy;
    HttpServer silent(HttpServer::Mode::never_answer);
    HttpServer hole(HttpServer::Mode::black_hole);
    auto store = std::make_shared<ReadingStore>();
    ProbeScheduler scheduler(store);
    const Millis interval{200}, deadline{600};
    scheduler.add("healthy", probes::make_http_probe(http("healthy", healthy.url("/healthz"))), interval, deadline);
    scheduler.add("silent", probes::make_http_probe(http("silent", silent.url("/healthz"))), interval, deadline);
    scheduler.add("http-hole", probes::make_http_probe(http("http-hole", hole.url("/healthz"))), interval, deadline);
    Target pg;
    pg.id = "pg-hole";
    pg.type = TargetType::postgres;
    pg.dsn = "host=127.0.0.1 port=" + std::to_string(hole.port()) + " dbname=postgres user=postgres";
    scheduler.add("pg-hole", probes::make_postgres_probe(pg, store), interval, deadline);
    Target kafka;
    kafka.id = "kafka-hole";
    kafka.type = TargetType::kafka;
    kafka.bootstrap = "127.0.0.1:" + std::to_string(hole.port());
    scheduler.add("kafka-hole", probes::make_kafka_probe(kafka), interval, deadline);

    scheduler.start();
    std::this_thread::sleep_for(std::chrono::seconds(4));
    auto stop_started = std::chrono::steady_clock::now();
    scheduler.stop();
    auto stop_took = std::chrono::steady_clock::now() - stop_started;

    std::vector<std::int64_t> healthy_times;
    std::map<std::string, int> down;
    for (const auto& r : store->drain()) {
        if (r.target == "healthy") {
            EXPECT_EQ(r.status, ProbeStatus::ok) << r.error;
            healthy_times.push_back(r.mono_us);
        } else if (r.status == ProbeStatus::down) {
            ++down[r.target];
            EXPECT_LT(r.duration_ms, deadline.count() + 150) << r.target << " returned late: " << r.error;
        }
    }
    ASSERT_GE(healthy_times.size(), 15u) << "the healthy target was starved";
    for (std::size_t i = 1; i < healthy_times.size(); ++i)
        EXPECT_LE(healthy_times[i] - healthy_times[i - 1], 2 * interval.count() * 1000) << "reading " << i << " came late";
    for (const char* hole_target : {"silent", "http-hole", "pg-hole", "kafka-hole"})
        EXPECT_GE(down[hole_target], 2) << hole_target << " was not reported down";

    SchedulerStats stats = scheduler.stats();
    EXPECT_GT(stats.loops, 100);
    EXPECT_LT(stats.max_loop_us, 100'000) << "the coordinating thread blocked";
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(stop_took).count(), deadline.count() + 500);
}

TEST(Scheduler, AStuckProbeIsStaleAndRunsOnlyOnce) {
    // A probe that ignores its deadline, as librdkafka 2.0.2 can with a down leader.
    struct Stuck final : Probe {
        std::shared_ptr<std::atomic<int>> calls;
        std::shared_ptr<std::atomic<bool>> release;
        Reading read(SteadyTime) override {
            ++*calls;
            while (!*release) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            return {};
        }
    };
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto release = std::make_shared<std::atomic<bool>>(false);
    auto stuck = std::make_unique<Stuck>();
    stuck->calls = calls;
    stuck->release = release;
    HttpServer healthy;
    auto store = std::make_shared<ReadingStore>();
    ProbeScheduler scheduler(store);
    scheduler.add("stuck", std::move(stuck), Millis(100), Millis(300));
    scheduler.add("healthy", probes::make_http_probe(http("healthy", healthy.url("/"))), Millis(100), Millis(300));
    scheduler.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    auto view = store->view("stuck", steady_now_us());
    ASSERT_TRUE(view);
    EXPECT_EQ(view->status, ProbeStatus::stale);
    EXPECT_EQ(*calls, 1) << "never more than one run in flight per target";
    EXPECT_GT(scheduler.stats().skipped, 5);
    EXPECT_EQ(store->view("healthy", steady_now_us())->status, ProbeStatus::ok);
    auto stop_started = std::chrono::steady_clock::now();
    scheduler.stop();  // abandons the stuck worker after its deadline
    EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::milliseconds(800));
    *release = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the abandoned worker leave quietly
}

namespace {

// A probe that answers at once, or (held) waits out its deadline as a black-holed host makes it.
struct Timed final : Probe {
    bool held = false;
    Reading read(SteadyTime deadline) override {
        if (held) std::this_thread::sleep_until(deadline);
        Reading r;
        r.set("up", held ? 0 : 1);
        if (held) r.status = ProbeStatus::down;
        return r;
    }
};

int threads_now() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    return 0;
}

}  // namespace

TEST(Scheduler, ManyTargetsAreReadByABoundedPoolWhileHeldOnesWaitOutTheirDeadline) {
    auto store = std::make_shared<ReadingStore>();
    ProbeScheduler scheduler(store);
    const Millis interval{200}, deadline{400};
    const int fast = 400, held = 12;
    for (int i = 0; i < fast + held; ++i) {
        auto p = std::make_unique<Timed>();
        p->held = i >= fast;
        scheduler.add("t" + std::to_string(i), std::move(p), interval, deadline);
    }
    int before = threads_now();
    scheduler.start();
    int most = 0;
    for (int i = 0; i < 20; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        most = std::max(most, threads_now() - before);
    }
    // Every target read on time: none stale, however many are held.
    auto views = store->snapshot(steady_now_us());
    int stale = 0;
    for (int i = 0; i < fast; ++i)
        if (views.at("t" + std::to_string(i)).status != ProbeStatus::ok) ++stale;
    scheduler.stop();
    EXPECT_EQ(stale, 0) << "fast targets were starved by the held ones";
    // Held targets each hold a reader for their deadline: the pool grew past them, and stayed bounded.
    SchedulerStats stats = scheduler.stats();
    EXPECT_GT(stats.readers, held) << "the pool did not grow while readers were held";
    EXPECT_LE(stats.readers, 48);
    EXPECT_LE(most, 49) << "threads: the readers and the coordinator, not one per target";
    EXPECT_LT(stats.max_loop_us, 100'000) << "the coordinating thread blocked";
}
