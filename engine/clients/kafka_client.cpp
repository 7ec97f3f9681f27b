// librdkafka: metadata, watermarks, the newest message's timestamp, committed group offsets.
#include "clients/kafka_client.h"

#include <random>

#include <librdkafka/rdkafka.h>

#include <fmt/format.h>

#include "drconsole/environment.h"

namespace drconsole::clients {

void KafkaClient::Destroy::operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }

int timeout_ms(SteadyTime deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    return left > 1 ? static_cast<int>(left) : 1;
}

KafkaClient::KafkaClient(const std::string& bootstrap, const std::map<std::string, std::string>& config) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    std::random_device rd;
    std::map<std::string, std::string> settings{
        {"bootstrap.servers", expand_references(bootstrap)},
        // A consumer without group.id never delivers; this group never commits or joins.
        {"group.id", fmt::format("drconsole-probe-{:08x}", rd())},
        {"enable.auto.commit", "false"},
        {"enable.partition.eof", "false"},
        {"fetch.wait.max.ms", "10"},
        {"socket.timeout.ms", "2000"},
        {"log_level", "0"},
    };
    for (const auto& [key, value] : config) settings[key] = expand_references(value);
    for (const auto& [key, value] : settings) {
        if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            throw KafkaError(fmt::format("kafka setting {}: {}", key, err));
        }
    }
    rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
    if (!rk_) throw KafkaError(fmt::format("kafka client: {}", err));
}

int KafkaClient::broker_count(SteadyTime deadline) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk_.get(), 0, nullptr, &md, timeout_ms(deadline));
    if (e) throw KafkaError(fmt::format("metadata: {}", rd_kafka_err2str(e)));
    int brokers = md->broker_cnt;
    rd_kafka_metadata_destroy(md);
    return brokers;
}

int KafkaClient::partition_count(const std::string& topic, SteadyTime deadline) {
    std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)> t(rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr),
                                                                          &rd_kafka_topic_destroy);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk_.get(), 0, t.get(), &md, timeout_ms(deadline));
    if (e) throw KafkaError(fmt::format("metadata for {}: {}", topic, rd_kafka_err2str(e)));
    std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)> owned(md, &rd_kafka_metadata_destroy);
    if (md->topic_cnt < 1 || md->topics[0].err)
        throw KafkaError(fmt::format("topic {}: {}", topic, md->topic_cnt ? rd_kafka_err2str(md->topics[0].err) : "not found"));
    return md->topics[0].partition_cnt;
}

Watermarks KafkaClient::watermarks(const std::string& topic, std::int32_t partition, SteadyTime deadline) {
    Watermarks w;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk_.get(), topic.c_str(), partition, &w.low, &w.high, timeout_ms(deadline));
    if (e) throw KafkaError(fmt::format("watermarks of {}[{}]: {}", topic, partition, rd_kafka_err2str(e)));
    return w;
}

std::map<PartitionKey, std::int64_t> KafkaClient::timestamps_at(const std::map<PartitionKey, std::int64_t>& offsets,
                                                                SteadyTime deadline) {
    std::map<PartitionKey, std::int64_t> found;
    if (offsets.empty()) return found;
    std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)> list(
        rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())), &rd_kafka_topic_partition_list_destroy);
    for (const auto& [key, offset] : offsets)
        rd_kafka_topic_partition_list_add(list.get(), key.topic.c_str(), key.partition)->offset = offset;
    if (rd_kafka_resp_err_t e = rd_kafka_assign(rk_.get(), list.get()))
        throw KafkaError(fmt::format("assign: {}", rd_kafka_err2str(e)));
    while (found.size() < offsets.size() && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), std::min(timeout_ms(deadline), 100));
        if (!m) continue;
        std::unique_ptr<rd_kafka_message_t, decltype(&rd_kafka_message_destroy)> msg(m, &rd_kafka_message_destroy);
        if (m->err) continue;
        PartitionKey key{rd_kafka_topic_name(m->rkt), m->partition};
        auto want = offsets.find(key);
        if (want == offsets.end() || m->offset < want->second) continue;
        rd_kafka_timestamp_type_t type;
        std::int64_t ts = rd_kafka_message_timestamp(m, &type);
        if (ts >= 0) found[key] = ts;
    }
    rd_kafka_assign(rk_.get(), nullptr);
    return found;
}

std::map<PartitionKey, std::int64_t> KafkaClient::committed(const std::string& group, SteadyTime deadline,
                                                            const std::vector<std::string>& topics) {
    std::map<PartitionKey, std::int64_t> out;
    std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)> partitions(
        nullptr, &rd_kafka_topic_partition_list_destroy);
    if (!topics.empty()) {
        partitions.reset(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
        for (const auto& topic : topics)
            for (int p = 0, n = partition_count(topic, deadline); p < n; ++p)
                rd_kafka_topic_partition_list_add(partitions.get(), topic.c_str(), p);
    }
    std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(rd_kafka_queue_new(rk_.get()), &rd_kafka_queue_destroy);
    rd_kafka_ListConsumerGroupOffsets_t* request = rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), partitions.get());
    std::unique_ptr<rd_kafka_AdminOptions_t, decltype(&rd_kafka_AdminOptions_destroy)> options(
        rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS), &rd_kafka_AdminOptions_destroy);
    char err[256];
    rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms(deadline), err, sizeof err);
    rd_kafka_ListConsumerGroupOffsets(rk_.get(), &request, 1, options.get(), queue.get());
    rd_kafka_ListConsumerGroupOffsets_destroy(request);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue.get(), timeout_ms(deadline));
    if (!ev) throw KafkaError(fmt::format("offsets of group {}: no answer before the deadline", group));
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> owned(ev, &rd_kafka_event_destroy);
    if (rd_kafka_event_error(ev)) throw KafkaError(fmt::format("offsets of group {}: {}", group, rd_kafka_event_error_string(ev)));
    const auto* result = rd_kafka_event_ListConsumerGroupOffsets_result(ev);
    size_t n = 0;
    const rd_kafka_group_result_t** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(result, &n);
    for (size_t g = 0; g < n; ++g) {
        if (const rd_kafka_error_t* ge = rd_kafka_group_result_error(groups[g]))
            throw KafkaError(fmt::format("offsets of group {}: {}", group, rd_kafka_error_string(ge)));
        const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(groups[g]);
        for (int i = 0; parts && i < parts->cnt; ++i)
            if (parts->elems[i].offset >= 0) out[{parts->elems[i].topic, parts->elems[i].partition}] = parts->elems[i].offset;
    }
    return out;
}

}  // namespace drconsole::clients
