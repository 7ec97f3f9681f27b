// The mock clusters live as long as the handles that host them; producer and mirror each own
// their client handles on their own thread.
#include "lab/kafka_lab.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <librdkafka/rdkafka_mock.h>

namespace drconsole::lab {
namespace {

using Handle = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Delivery {
    FILE* log;
    std::atomic<std::int64_t>* acked;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err) return;  // never acknowledged: not in the ground truth
    auto* d = static_cast<Delivery*>(opaque);
    // The message's own time, from its value: {"order": N, "ts_ms": T}.
    std::string value(static_cast<const char*>(m->payload), m->len);
    auto at = value.find("\"ts_ms\": ");
    long long ts = at == std::string::npos ? 0 : std::atoll(value.c_str() + at + 9);
    std::fprintf(d->log, "%lld %lld\n", static_cast<long long>(m->offset), ts);
    std::fflush(d->log);
    *d->acked = m->offset + 1;
}

}  // namespace

rd_kafka_t* kafka_client(rd_kafka_type_t type, const std::string& bootstrap, const std::string& group,
                         void (*conf_hook)(rd_kafka_conf_t*, void*), void* hook_arg) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[256];
    auto set = [&](const char* k, const std::string& v) {
        if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            throw std::runtime_error(err);
        }
    };
    if (!bootstrap.empty()) set("bootstrap.servers", bootstrap);
    set("log_level", "0");
    if (!group.empty()) {
        set("group.id", group);
        set("enable.auto.commit", "false");
        set("fetch.wait.max.ms", "10");
    } else if (type == RD_KAFKA_PRODUCER) {
        set("linger.ms", "0");
        set("message.timeout.ms", "5000");
    }
    if (conf_hook) conf_hook(conf, hook_arg);
    rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
    if (!rk) throw std::runtime_error(err);
    return rk;
}

KafkaLab::KafkaLab(std::filesystem::path acked_log, int per_second) : acked_log_(std::move(acked_log)) {
    primary_host_ = kafka_client(RD_KAFKA_PRODUCER, "");
    dr_host_ = kafka_client(RD_KAFKA_PRODUCER, "");
    primary_ = rd_kafka_mock_cluster_new(primary_host_, 3);
    dr_ = rd_kafka_mock_cluster_new(dr_host_, 3);
    if (!primary_ || !dr_) throw std::runtime_error("the Kafka mock clusters did not start");
    rd_kafka_mock_topic_create(primary_, kTopic, 1, 3);
    rd_kafka_mock_topic_create(dr_, kMirroredTopic, 1, 3);
    rd_kafka_mock_topic_create(dr_, kTopic, 1, 3);  // where producers write after the failover
    primary_bootstrap_ = rd_kafka_mock_cluster_bootstraps(primary_);
    dr_bootstrap_ = rd_kafka_mock_cluster_bootstraps(dr_);
    producer_ = std::thread([this, per_second] { produce_loop(per_second); });
    mirror_ = std::thread([this] { mirror_loop(); });
}

KafkaLab::~KafkaLab() {
    stop_ = true;
    for (std::thread* t : {&producer_, &mirror_, &brokers_down_})
        if (t->joinable()) t->join();
    rd_kafka_mock_cluster_destroy(primary_);
    rd_kafka_mock_cluster_destroy(dr_);
    rd_kafka_destroy(primary_host_);
    rd_kafka_destroy(dr_host_);
}

bool KafkaLab::fail_primary() {
    std::lock_guard lock(fail_mutex_);
    if (failed_) return false;
    failed_ = true;  // the producer and the mirror end
    if (producer_.joinable()) producer_.join();
    if (mirror_.joinable()) mirror_.join();
    brokers_down_ = std::thread([this] {
        for (int i = 0; i < 40 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (int broker = 1; broker <= 3; ++broker) rd_kafka_mock_broker_set_down(primary_, broker);
    });
    return true;
}

void KafkaLab::produce_loop(int per_second) {
    std::unique_ptr<FILE, decltype(&std::fclose)> log(std::fopen(acked_log_.c_str(), "a"), &std::fclose);
    Delivery delivery{log.get(), &acked_};
    Handle producer(kafka_client(RD_KAFKA_PRODUCER, primary_bootstrap_, {},
                                 [](rd_kafka_conf_t* conf, void* arg) {
                                     rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
                                     rd_kafka_conf_set_opaque(conf, arg);
                                 },
                                 &delivery),
                    &rd_kafka_destroy);
    auto pause = std::chrono::milliseconds(1000 / (per_second > 0 ? per_second : 1));
    auto next = std::chrono::steady_clock::now();
    std::int64_t n = 0;
    while (!stop_ && !failed_) {
        std::string value = fmt::format(R"({{"order": {}, "ts_ms": {}}})", n++, now_ms());
        rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(kTopic), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE(value.data(), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(now_ms()), RD_KAFKA_V_END);
        next += pause;
        while (std::chrono::steady_clock::now() < next && !stop_ && !failed_) rd_kafka_poll(producer.get(), 10);
    }
    // Cut off: what is in flight is acknowledged (and logged) or not within 1 s; the rest is lost.
    rd_kafka_flush(producer.get(), 1000);
    rd_kafka_purge(producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(producer.get(), 0);
}

void KafkaLab::mirror_loop() {
    Handle consumer(kafka_client(RD_KAFKA_CONSUMER, primary_bootstrap_, "lab-mirror"), &rd_kafka_destroy);
    Handle producer(kafka_client(RD_KAFKA_PRODUCER, dr_bootstrap_), &rd_kafka_destroy);
    std::deque<rd_kafka_message_t*> pending;
    std::int64_t next_offset = 0;
    auto assign = [&] {
        rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, kTopic, 0)->offset = next_offset;
        rd_kafka_assign(consumer.get(), list);
        rd_kafka_topic_partition_list_destroy(list);
    };
    assign();
    while (!stop_ && !failed_) {
        if (!mirroring_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        if (rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 20)) {
            if (!m->err && m->offset == next_offset) {
                pending.push_back(m);
                ++next_offset;
            } else {
                rd_kafka_message_destroy(m);
            }
        }
        int copied = 0;
        while (!pending.empty() && !failed_ && mirroring_ && pending.front()->offset < acked_ - backlog_) {
            rd_kafka_message_t* m = pending.front();
            rd_kafka_timestamp_type_t type;
            std::int64_t ts = rd_kafka_message_timestamp(m, &type);
            rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(kMirroredTopic), RD_KAFKA_V_PARTITION(0),
                              RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(ts),
                              RD_KAFKA_V_END);
            rd_kafka_message_destroy(m);
            pending.pop_front();
            ++copied;
        }
        if (copied && rd_kafka_flush(producer.get(), 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) mirrored_ += copied;
    }
    for (auto* m : pending) rd_kafka_message_destroy(m);
    rd_kafka_assign(consumer.get(), nullptr);
}

}  // namespace drconsole::lab
