// Kafka probes: a cluster (up, consumer-group lag) and a mirror (per partition: messages and seconds behind, stalled).
#include <fmt/format.h>

#include "clients/kafka_client.h"
#include "probes/probe_factory.h"

namespace drconsole::probes {

using namespace clients;  // the client wrappers (engine/clients/)
namespace {

constexpr int kStalledAfter = 3;  // readings with the target still while the source moved

// Lag of each group: committed offsets against the partitions' high watermarks, over `topics`
// (or every partition the group committed, when none are named).
void read_group_lag(KafkaClient& client, const std::vector<std::string>& groups, Reading& r, SteadyTime deadline,
                    const std::vector<std::string>& topics = {}) {
    for (const auto& group : groups) {
        double total = 0;
        for (const auto& [key, offset] : client.committed(group, deadline, topics)) {
            Watermarks w = client.watermarks(key.topic, key.partition, deadline);
            double lag = static_cast<double>(std::max<std::int64_t>(0, w.high - offset));
            total += lag;
            r.set("group_partition_lag", lag, {{"group", group}, {"topic", key.topic}, {"partition", std::to_string(key.partition)}});
        }
        r.set("group_lag", total, {{"group", group}});
    }
}

class KafkaClusterProbe final : public Probe {
public:
    explicit KafkaClusterProbe(const Target& t) : target_(t) {}

    Reading read(SteadyTime deadline) override {
        Reading r;
        try {
            if (!client_) client_ = std::make_unique<KafkaClient>(target_.bootstrap, target_.config);
            r.set("brokers", client_->broker_count(deadline));
            r.set("up", 1);
            read_group_lag(*client_, target_.groups, r, deadline);
        } catch (const KafkaError& e) {
            return Reading::down(e.what());
        }
        return r;
    }

private:
    Target target_;
    std::unique_ptr<KafkaClient> client_;
};

class KafkaMirrorProbe final : public Probe {
public:
    KafkaMirrorProbe(const Target& mirror, const Target& source, const Target& target)
        : mirror_(mirror), source_(source), target_(target) {}

    Reading read(SteadyTime deadline) override {
        Reading r;
        try {
            if (!source_client_) source_client_ = std::make_unique<KafkaClient>(source_.bootstrap, source_.config);
            if (!target_client_) target_client_ = std::make_unique<KafkaClient>(target_.bootstrap, target_.config);
            read_mirror(r, deadline);
            std::vector<std::string> mirrored;
            for (const auto& topic : mirror_.topics) mirrored.push_back(mirror_.mirrored_topic(topic));
            read_group_lag(*target_client_, mirror_.groups, r, deadline, mirrored);
        } catch (const KafkaError& e) {
            return Reading::down(e.what());
        }
        return r;
    }

private:
    struct PartitionState {
        std::int64_t source_high = -1, target_high = -1;
        int still = 0;  // consecutive readings with the target unmoved while the source moved
    };

    void read_mirror(Reading& r, SteadyTime deadline) {
        std::map<PartitionKey, std::int64_t> source_at, target_at;  // offsets whose timestamps we need
        std::map<PartitionKey, std::pair<Watermarks, Watermarks>> marks;
        for (const auto& topic : mirror_.topics) {
            std::string mirrored = mirror_.mirrored_topic(topic);
            int partitions = source_client_->partition_count(topic, deadline);
            for (int p = 0; p < partitions; ++p) {
                Watermarks s = source_client_->watermarks(topic, p, deadline);
                Watermarks t = target_client_->watermarks(mirrored, p, deadline);
                marks[{topic, p}] = {s, t};
                if (s.high > t.high && s.high > 0) {
                    source_at[{topic, p}] = s.high - 1;
                    if (t.high > 0) target_at[{mirrored, p}] = t.high - 1;
                }
            }
        }
        auto source_ts = source_client_->timestamps_at(source_at, deadline);
        auto target_ts = target_client_->timestamps_at(target_at, deadline);
        std::vector<std::string> stalled;
        for (const auto& [key, wm] : marks) {
            const auto& [s, t] = wm;
            Labels labels{{"topic", key.topic}, {"partition", std::to_string(key.partition)}};
            std::int64_t behind = std::max<std::int64_t>(0, s.high - t.high);
            r.set("source_high", static_cast<double>(s.high), labels);
            r.set("target_high", static_cast<double>(t.high), labels);
            r.set("lag_messages", static_cast<double>(behind), labels);
            if (behind == 0) {
                r.set("lag_s", 0, labels);
            } else {
                auto sts = source_ts.find(key);
                auto tts = target_ts.find({mirror_.mirrored_topic(key.topic), key.partition});
                if (sts != source_ts.end() && tts != target_ts.end())
                    r.set("lag_s", std::max<double>(0, static_cast<double>(sts->second - tts->second) / 1000.0), labels);
            }
            PartitionState& st = state_[key];
            if (st.target_high >= 0 && t.high != st.target_high) st.still = 0;
            else if (st.source_high >= 0 && s.high > st.source_high) ++st.still;
            st.source_high = s.high;
            st.target_high = t.high;
            if (st.still >= kStalledAfter) stalled.push_back(fmt::format("{}[{}]", mirror_.mirrored_topic(key.topic), key.partition));
        }
        r.set("up", 1);
        r.set("stalled", stalled.empty() ? 0 : 1);
        if (!stalled.empty()) {
            r.status = ProbeStatus::stalled;
            std::string list;
            for (const auto& s : stalled) list += (list.empty() ? "" : ", ") + s;
            r.error = fmt::format("mirror stalled: {} not moving for {} readings while the source grew", list, kStalledAfter);
        }
    }

    Target mirror_, source_, target_;
    std::unique_ptr<KafkaClient> source_client_, target_client_;
    std::map<PartitionKey, PartitionState> state_;
};

}  // namespace

std::unique_ptr<Probe> make_kafka_probe(const Target& t) { return std::make_unique<KafkaClusterProbe>(t); }
std::unique_ptr<Probe> make_kafka_mirror_probe(const Target& mirror, const Target& source, const Target& target) {
    return std::make_unique<KafkaMirrorProbe>(mirror, source, target);
}

}  // namespace drconsole::probes
