// The lab's Kafka: two librdkafka mock clusters (they speak the real Kafka protocol, so any
// client reaches them at their bootstrap addresses), a producer of timestamped orders on the
// primary that logs every acknowledged offset (the ground truth), and a mirror loop copying
// `orders` to `primary.orders` on the DR cluster (MirrorMaker 2's default naming) that can be
// held back by a number of messages or stopped.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include <librdkafka/rdkafka.h>

struct rd_kafka_mock_cluster_s;

namespace drconsole::lab {

// A client of the lab's clusters: quiet (log_level 0); a producer sends at once (linger 0,
// 5 s message timeout); with a `group`, a consumer that commits by hand and fetches within 10 ms.
// `conf_hook`, when given, adjusts the configuration before the handle is made. Throws librdkafka's error.
rd_kafka_t* kafka_client(rd_kafka_type_t type, const std::string& bootstrap, const std::string& group = {},
                         void (*conf_hook)(rd_kafka_conf_t*, void*) = nullptr, void* hook_arg = nullptr);

class KafkaLab {
public:
    static constexpr const char* kTopic = "orders";
    static constexpr const char* kMirroredTopic = "primary.orders";

    // Starts both clusters, the producer (`per_second` messages) and the mirror.
    KafkaLab(std::filesystem::path acked_log, int per_second);
    ~KafkaLab();
    KafkaLab(const KafkaLab&) = delete;
    KafkaLab& operator=(const KafkaLab&) = delete;

    std::string primary_bootstrap() const { return primary_bootstrap_; }
    std::string dr_bootstrap() const { return dr_bootstrap_; }

    // The mirror copies a message only once this many newer ones have been acknowledged.
    void set_backlog(std::int64_t messages) { backlog_ = messages < 0 ? 0 : messages; }
    std::int64_t backlog() const { return backlog_; }
    void set_mirroring(bool on) { mirroring_ = on; }
    bool mirroring() const { return mirroring_ && !failed_; }
    // The primary region is gone. The partition comes first: the producer stops (what it had in
    // flight is acknowledged or not within 1 s) and the mirror stops; 2 s later the primary
    // cluster's brokers go down (a mirror reading in between sees the final, unmirrored tail).
    // Idempotent; false if already failed.
    bool fail_primary();
    bool failed() const { return failed_; }

    std::int64_t acknowledged() const { return acked_; }  // the next offset the producer will get
    std::int64_t mirrored() const { return mirrored_; }   // the DR copy's high watermark

private:
    void produce_loop(int per_second);
    void mirror_loop();
    std::filesystem::path acked_log_;
    rd_kafka_s* primary_host_ = nullptr;
    rd_kafka_s* dr_host_ = nullptr;
    rd_kafka_mock_cluster_s* primary_ = nullptr;
    rd_kafka_mock_cluster_s* dr_ = nullptr;
    std::string primary_bootstrap_, dr_bootstrap_;
    std::atomic<std::int64_t> backlog_{0}, acked_{0}, mirrored_{0};
    std::atomic<bool> mirroring_{true}, failed_{false}, stop_{false};
    std::mutex fail_mutex_;
    std::thread producer_, mirror_, brokers_down_;
};

}  // namespace drconsole::lab
