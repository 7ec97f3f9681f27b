// Two librdkafka mock clusters (real Kafka protocol) and a small mirror between them, for tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace drconsole::test {

class KafkaMockPair {
public:
    // Source cluster with `topic`, target cluster with "primary.<topic>", 3 brokers each.
    explicit KafkaMockPair(const std::string& topic, int partitions = 1);
    ~KafkaMockPair();

    std::string source_bootstrap() const;
    std::string target_bootstrap() const;
    std::string topic() const { return topic_; }
    std::string mirrored_topic() const { return "primary." + topic_; }

    // Produces `count` messages to source partition 0 with timestamps first_ts_ms + i * step_ms.
    void produce(int count, std::int64_t first_ts_ms, std::int64_t step_ms);
    // Copies up to `count` messages of partition 0 from source to target, keeping timestamps.
    int mirror(int count);
    // Commits `offset` for `group` on the target cluster's mirrored topic, partition 0.
    void commit_on_target(const std::string& group, std::int64_t offset);

    rd_kafka_mock_cluster_t* source_cluster() { return source_; }
    rd_kafka_mock_cluster_t* target_cluster() { return target_; }

private:
    std::string topic_;
    rd_kafka_t* source_host_ = nullptr;
    rd_kafka_t* target_host_ = nullptr;
    rd_kafka_mock_cluster_t* source_ = nullptr;
    rd_kafka_mock_cluster_t* target_ = nullptr;
    rd_kafka_t* producer_source_ = nullptr;
    rd_kafka_t* producer_target_ = nullptr;
    rd_kafka_t* consumer_ = nullptr;
    std::int64_t mirrored_ = 0;  // next source offset to copy
};

}  // namespace drconsole::test
