// The mock pair: clusters hosted by two producer handles; a consumer and producers for the mirror loop.
#include "support/kafka_mock.h"

#include "lab/kafka_lab.h"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

namespace drconsole::test {
namespace {

rd_kafka_t* client(rd_kafka_type_t type, const std::string& bootstrap, bool consumer_group = false,
                   const std::string& group = "test-mirror") {
    return lab::kafka_client(type, bootstrap, consumer_group ? group : std::string());
}

void warm_up(rd_kafka_t* rk) {
    // The first produce otherwise waits for the 1 s metadata refresh.
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(rk, 1, nullptr, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);
}

}  // namespace

KafkaMockPair::KafkaMockPair(const std::string& topic, int partitions) : topic_(topic) {
    source_host_ = client(RD_KAFKA_PRODUCER, "");
    target_host_ = client(RD_KAFKA_PRODUCER, "");
    source_ = rd_kafka_mock_cluster_new(source_host_, 3);
    target_ = rd_kafka_mock_cluster_new(target_host_, 3);
    if (!source_ || !target_) throw std::runtime_error("mock cluster failed to start");
    rd_kafka_mock_topic_create(source_, topic.c_str(), partitions, 3);
    rd_kafka_mock_topic_create(target_, mirrored_topic().c_str(), partitions, 3);
    producer_source_ = client(RD_KAFKA_PRODUCER, source_bootstrap());
    producer_target_ = client(RD_KAFKA_PRODUCER, target_bootstrap());
    consumer_ = client(RD_KAFKA_CONSUMER, source_bootstrap(), true);
    warm_up(producer_source_);
    warm_up(producer_target_);
}

KafkaMockPair::~KafkaMockPair() {
    for (rd_kafka_t* rk : {consumer_, producer_source_, producer_target_})
        if (rk) rd_kafka_destroy(rk);
    if (source_) rd_kafka_mock_cluster_destroy(source_);
    if (target_) rd_kafka_mock_cluster_destroy(target_);
    for (rd_kafka_t* rk : {source_host_, target_host_})
        if (rk) rd_kafka_destroy(rk);
}

std::string KafkaMockPair::source_bootstrap() const { return rd_kafka_mock_cluster_bootstraps(source_); }
std::string KafkaMockPair::target_bootstrap() const { return rd_kafka_mock_cluster_bootstraps(target_); }

void KafkaMockPair::produce(int count, std::int64_t first_ts_ms, std::int64_t step_ms) {
    for (int i = 0; i < count; ++i) {
        std::string value = fmt::format("message {}", i);
        rd_kafka_resp_err_t e = rd_kafka_producev(producer_source_, RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_PARTITION(0),
                                                  RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                  RD_KAFKA_V_TIMESTAMP(first_ts_ms + i * step_ms), RD_KAFKA_V_END);
        if (e) throw std::runtime_error(rd_kafka_err2str(e));
    }
    if (rd_kafka_flush(producer_source_, 10000)) throw std::runtime_error("produce to the source did not finish");
}

int KafkaMockPair::mirror(int count) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic_.c_str(), 0)->offset = mirrored_;
    rd_kafka_assign(consumer_, list);
    rd_kafka_topic_partition_list_destroy(list);
    int copied = 0;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (copied < count && std::chrono::steady_clock::now() < until) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_, 100);
        if (!m) continue;
        if (!m->err && m->offset == mirrored_) {
            rd_kafka_timestamp_type_t type;
            std::int64_t ts = rd_kafka_message_timestamp(m, &type);
            std::string target = mirrored_topic();
            rd_kafka_producev(producer_target_, RD_KAFKA_V_TOPIC(target.c_str()), RD_KAFKA_V_PARTITION(0),
                              RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_END);
            ++mirrored_;
            ++copied;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_assign(consumer_, nullptr);
    if (rd_kafka_flush(producer_target_, 10000)) throw std::runtime_error("produce to the target did not finish");
    return copied;
}

}  // namespace drconsole::test

namespace drconsole::test {

void KafkaMockPair::commit_on_target(const std::string& group, std::int64_t offset) {
    rd_kafka_t* consumer = client(RD_KAFKA_CONSUMER, target_bootstrap(), true, group);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, mirrored_topic().c_str(), 0)->offset = offset;
    rd_kafka_resp_err_t e = rd_kafka_commit(consumer, list, 0);
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(consumer);
    if (e) throw std::runtime_error(std::string("commit: ") + rd_kafka_err2str(e));
}

}  // namespace drconsole::test
