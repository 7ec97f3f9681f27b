// A librdkafka consumer handle used only to read watermarks, newest timestamps and group offsets.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "drconsole/clock.h"

// librdkafka stays behind this layer: only its handle is named here.
typedef struct rd_kafka_s rd_kafka_t;

namespace drconsole::clients {

class KafkaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Watermarks {
    std::int64_t low = 0, high = 0;
};

struct PartitionKey {
    std::string topic;
    std::int32_t partition = 0;
    bool operator<(const PartitionKey& o) const { return topic != o.topic ? topic < o.topic : partition < o.partition; }
};

// Calls may block past their timeouts on Debian's librdkafka 2.0.2 (a down leader): they
// run only on a probe's reader thread, never on the console's.
class KafkaClient {
public:
    KafkaClient(const std::string& bootstrap, const std::map<std::string, std::string>& config);

    // Brokers in the cluster's metadata: any answer means the cluster is up.
    int broker_count(SteadyTime deadline);
    int partition_count(const std::string& topic, SteadyTime deadline);
    Watermarks watermarks(const std::string& topic, std::int32_t partition, SteadyTime deadline);
    // Timestamp (ms) of the message at each partition's offset (high watermark − 1).
    std::map<PartitionKey, std::int64_t> timestamps_at(const std::map<PartitionKey, std::int64_t>& offsets, SteadyTime deadline);
    // Committed offsets of a consumer group: for every partition of `topics`, or for all the
    // partitions the group has committed when `topics` is empty.
    std::map<PartitionKey, std::int64_t> committed(const std::string& group, SteadyTime deadline,
                                                   const std::vector<std::string>& topics = {});

private:
    struct Destroy {
        void operator()(rd_kafka_t* rk) const;
    };
    std::unique_ptr<rd_kafka_t, Destroy> rk_;
};

int timeout_ms(SteadyTime deadline);

}  // namespace drconsole::clients
