// The Kafka mirror probe against two librdkafka mock clusters and a mirror loop that keeps timestamps.
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "support/printers.h"

#include "drconsole/probes.h"
#include "probes/probe_factory.h"
#include "support/http_server.h"
#include "support/kafka_mock.h"

using namespace drconsole;

namespace {

SteadyTime in(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

struct MirrorTargets {
    Target source, target, mirror;
};

MirrorTargets targets_for(const test::KafkaMockPair& pair) {
    MirrorTargets t;
    t.source.id = "kafka-primary";
    t.source.type = TargetType::kafka;
    t.source.bootstrap = pair.source_bootstrap();
    t.target.id = "kafka-dr";
    t.target.type = TargetType::kafka;
    t.target.bootstrap = pair.target_bootstrap();
    t.mirror.id = "mm2";
    t.mirror.type = TargetType::kafka_mirror;
    t.mirror.source = "kafka-primary";
    t.mirror.target = "kafka-dr";
    t.mirror.topics = {pair.topic()};
    t.mirror.target_topic = "primary.{topic}";
    return t;
}

constexpr std::int64_t kT0 = 1'790'000'000'000;  // ms

}  // namespace

TEST(KafkaMirrorProbe, MessagesAndSecondsBehindAreExactlyWhatTheMirrorLeft) {
    test::KafkaMockPair pair("orders");
    pair.produce(10, kT0, 1000);  // timestamps T0, T0+1s, …, T0+9s
    ASSERT_EQ(pair.mirror(6), 6);  // mirrored up to T0+5s
    auto t = targets_for(pair);
    auto probe = probes::make_kafka_mirror_probe(t.mirror, t.source, t.target);
    Reading r = probe->read(in(5000));
    ASSERT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("source_high"), 10);
    EXPECT_EQ(*r.value("target_high"), 6);
    EXPECT_EQ(*r.value("lag_messages"), 4);
    ASSERT_TRUE(r.value("lag_s"));
    EXPECT_DOUBLE_EQ(*r.value("lag_s"), 4.0);

    ASSERT_EQ(pair.mirror(4), 4);
    r = probe->read(in(5000));
    EXPECT_EQ(*r.value("lag_messages"), 0);
    EXPECT_EQ(*r.value("lag_s"), 0);
}

TEST(KafkaMirrorProbe, ConsumerGroupLagOnTheTargetIsCommittedOffsetsAgainstHighWatermarks) {
    test::KafkaMockPair pair("orders");
    pair.produce(10, kT0, 1000);
    ASSERT_EQ(pair.mirror(10), 10);
    pair.commit_on_target("order-processor", 7);  // the group has read 7 of the 10 mirrored messages
    auto t = targets_for(pair);
    t.mirror.groups = {"order-processor"};
    Reading r = probes::make_kafka_mirror_probe(t.mirror, t.source, t.target)->read(in(5000));
    ASSERT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("group_lag"), 3);
    EXPECT_EQ(*r.value("lag_messages"), 0);
}

TEST(KafkaProbe, AClusterThatAnswersIsUpWithItsBrokers) {
    test::KafkaMockPair pair("orders");
    auto t = targets_for(pair);
    Reading r = probes::make_kafka_probe(t.target)->read(in(5000));
    ASSERT_EQ(r.status, ProbeStatus::ok) << r.error;
    EXPECT_EQ(*r.value("up"), 1);
    EXPECT_EQ(*r.value("brokers"), 3);
}

TEST(KafkaMirrorProbe, AStoppedMirrorIsStalled) {
    test::KafkaMockPair pair("fills");
    pair.produce(2, kT0, 100);
    pair.mirror(2);
    auto t = targets_for(pair);
    auto probe = probes::make_kafka_mirror_probe(t.mirror, t.source, t.target);
    ASSERT_EQ(probe->read(in(5000)).status, ProbeStatus::ok);
    Reading r;
    for (int i = 0; i < 4; ++i) {  // the source keeps growing; the mirror copies nothing
        pair.produce(1, kT0 + 1000 * (i + 1), 0);
        r = probe->read(in(5000));
    }
    EXPECT_EQ(r.status, ProbeStatus::stalled);
    EXPECT_EQ(*r.value("stalled"), 1);
    EXPECT_NE(r.error.find("primary.fills[0]"), std::string::npos) << r.error;
    pair.mirror(4);
    r = probe->read(in(5000));
    EXPECT_EQ(r.status, ProbeStatus::ok) << "a mirror that moves again is no longer stalled";
}

TEST(KafkaMirrorProbe, ADownLeaderMakesTheMirrorStaleAndOthersKeepGoing) {
    test::KafkaMockPair pair("risk_events");
    pair.produce(3, kT0, 1000);
    pair.mirror(3);
    auto t = targets_for(pair);
    test::HttpServer healthy;
    Target http;
    http.id = "api";
    http.type = TargetType::http;
    http.url = healthy.url("/");

    auto store = std::make_shared<ReadingStore>();
    ProbeScheduler scheduler(store);
    const Millis interval{250}, deadline{1000};
    scheduler.add("mm2", probes::make_kafka_mirror_probe(t.mirror, t.source, t.target), interval, deadline);
    scheduler.add("api", probes::make_http_probe(http), interval, deadline);
    scheduler.start();
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (store->view("mm2", steady_now_us())->never_read && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_EQ(store->view("mm2", steady_now_us())->status, ProbeStatus::ok);

    for (int broker = 1; broker <= 3; ++broker) rd_kafka_mock_broker_set_down(pair.target_cluster(), broker);
    auto down_at = std::chrono::steady_clock::now();
    store->drain();
    ProbeStatus seen = ProbeStatus::ok;
    while (std::chrono::steady_clock::now() - down_at < std::chrono::milliseconds(deadline.count() + 2 * interval.count())) {
        seen = store->view("mm2", steady_now_us())->status;
        if (seen != ProbeStatus::ok) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_NE(seen, ProbeStatus::ok) << "the mirror still looked fine with every target broker down";
    std::printf("mirror with its target brokers down: %s after %lld ms\n", std::string(to_string(seen)).c_str(),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - down_at).count()));
    std::this_thread::sleep_for(std::chrono::seconds(2));
    std::vector<std::int64_t> api_times;
    for (const auto& r : store->drain())
        if (r.target == "api") api_times.push_back(r.mono_us);
    ASSERT_GE(api_times.size(), 8u);
    for (std::size_t i = 1; i < api_times.size(); ++i)
        EXPECT_LE(api_times[i] - api_times[i - 1], 2 * interval.count() * 1000);
    EXPECT_LT(scheduler.stats().max_loop_us, 100'000);
    scheduler.stop();
}
