// Achieved RPO from the recorded samples: PostgreSQL heartbeats or replay timestamps, Kafka mirror
// positions, or a Prometheus query. Never a number the samples do not support.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/measure.h"

namespace drconsole {
namespace {

using nlohmann::json;

bool usable(const Sample& s) { return s.status == "ok" || s.status == "stalled" || s.status == "degraded"; }

double seconds(std::optional<Millis> interval, Millis fallback = Millis(1000)) {
    return static_cast<double>(interval.value_or(fallback).count()) / 1000.0;
}

std::string utc_of_epoch_s(double epoch_s) { return format_utc(static_cast<std::int64_t>(epoch_s * 1e6)); }

RpoFigure not_measured(const std::string& target, std::string method, std::string reason) {
    RpoFigure f;
    f.target = target;
    f.method = std::move(method);
    f.reason = std::move(reason);
    return f;
}

// The sample with the newest (largest) value of a metric on `target` at or before `until_us`.
const Sample* newest_value(const std::vector<Sample>& samples, const std::string& target, const std::string& metric, std::int64_t until_us) {
    const Sample* best = nullptr;
    for (const auto& s : samples)
        if (s.target == target && s.metric == metric && usable(s) && s.wall_us <= until_us && s.value > 0 && (!best || s.value > best->value))
            best = &s;
    return best;
}

// A reading the figure used, as the report names it: a reader can find it among the sealed samples.
json reading(const Sample& s, bool value_is_time = false) {
    json j = {{"target", s.target}, {"metric", s.metric}, {"at", format_utc(s.wall_us)}, {"value", s.value}};
    if (value_is_time) j["value_utc"] = utc_of_epoch_s(s.value);
    if (s.batch) j["sealed_by_event"] = s.batch;
    if (!s.labels.empty() && s.labels != "{}") j["labels"] = s.labels;
    return j;
}

// The first reading of a standby that shows it promoted (no longer in recovery).
std::optional<std::int64_t> first_promoted_reading(const std::vector<Sample>& samples, const std::string& standby) {
    std::optional<std::int64_t> first;
    for (const auto& s : samples)
        if (s.target == standby && s.metric == "in_recovery" && usable(s) && s.value == 0)
            first = std::min(first.value_or(s.wall_us), s.wall_us);
    return first;
}

const Sample* sample_at(const std::vector<Sample>& samples, const std::string& target, const std::string& metric, std::int64_t wall_us) {
    for (const auto& s : samples)
        if (s.target == target && s.metric == metric && s.wall_us == wall_us && usable(s)) return &s;
    return nullptr;
}

RpoFigure postgres_heartbeat(const Target& standby, const Target& primary, const std::vector<Sample>& samples,
                             std::int64_t boundary_us) {
    const char* method = "postgres-heartbeat";
    const Sample* acked = newest_value(samples, primary.id, "heartbeat_ts", boundary_us);
    if (!acked)
        return not_measured(standby.id, method, fmt::format("no heartbeat of the primary '{}' was recorded before the failover "
                                                            "(was a console open on the incident, or 'drconsole probe --db', recording?)",
                                                            primary.id));
    auto promoted = first_promoted_reading(samples, standby.id);
    if (!promoted)
        return not_measured(standby.id, method, fmt::format("no reading of '{}' after its promotion was recorded", standby.id));
    const Sample* present = sample_at(samples, standby.id, "heartbeat_ts", *promoted);
    if (!present)
        return not_measured(standby.id, method, fmt::format("'{}' after promotion holds no heartbeat row", standby.id));
    RpoFigure f;
    f.target = standby.id;
    f.method = method;
    f.rpo_s = std::max(0.0, acked->value - present->value);
    // A write acknowledged after the newest heartbeat is invisible: at most one heartbeat interval.
    f.uncertainty_s = std::max(seconds(primary.heartbeat), seconds(primary.interval));
    f.detail = {{"primary", primary.id},
                {"newest_acknowledged_heartbeat", utc_of_epoch_s(acked->value)},
                {"newest_heartbeat_on_promoted", utc_of_epoch_s(present->value)},
                {"promoted_seen_at", format_utc(*promoted)},
                {"readings", json::array({reading(*acked, true), reading(*present, true)})}};
    return f;
}

// Without heartbeats: when the primary last wrote (its WAL position moved between two readings)
// against the last transaction the standby replayed.
RpoFigure postgres_replay(const Target& standby, const Target* primary, const std::vector<Sample>& samples, std::int64_t boundary_us) {
    const char* method = "postgres-replay-timestamp";
    if (!primary)
        return not_measured(standby.id, method, fmt::format("'{}' names no primary target, so its last activity is unknown", standby.id));
    std::vector<const Sample*> wal;
    for (const auto& s : samples)
        if (s.target == primary->id && s.metric == "wal_lsn" && usable(s) && s.wall_us <= boundary_us) wal.push_back(&s);
    std::sort(wal.begin(), wal.end(), [](auto* a, auto* b) { return a->wall_us < b->wall_us; });
    if (wal.size() < 2)
        return not_measured(standby.id, method, fmt::format("fewer than two readings of the primary '{}' before the failover", primary->id));
    const Sample *moved = nullptr, *before = nullptr;
    for (std::size_t i = 1; i < wal.size(); ++i)
        if (wal[i]->value > wal[i - 1]->value) moved = wal[i], before = wal[i - 1];
    auto promoted = first_promoted_reading(samples, standby.id);
    const Sample* replayed = promoted ? sample_at(samples, standby.id, "replay_ts", *promoted) : nullptr;
    if (!replayed)
        return not_measured(standby.id, method, fmt::format("no replay timestamp of '{}' after its promotion was recorded", standby.id));
    RpoFigure f;
    f.target = standby.id;
    f.method = method;
    if (!moved) {
        f.rpo_s = 0;
        f.uncertainty_s = seconds(primary->interval);
        f.reason = "the primary wrote nothing while it was sampled";
    } else {
        double last_activity = static_cast<double>(moved->wall_us) / 1e6;
        f.rpo_s = std::max(0.0, last_activity - replayed->value);
        f.uncertainty_s = static_cast<double>(moved->wall_us - before->wall_us) / 1e6;
        f.reason = "the primary's last write is known only to its sampling interval, and the figure assumes the hosts' clocks agree; "
                   "a heartbeat on the primary target gives a tighter figure";
        f.detail["primary_last_activity_between"] = {format_utc(before->wall_us), format_utc(moved->wall_us)};
    }
    f.detail["primary"] = primary->id;
    f.detail["last_replayed_transaction"] = utc_of_epoch_s(replayed->value);
    f.detail["readings"] = json::array({reading(*replayed, true)});
    if (moved) {
        f.detail["readings"].push_back(reading(*before));
        f.detail["readings"].push_back(reading(*moved));
    }
    return f;
}

// Per topic pair, at the mirror's last reading before the failover: what the target did not have.
RpoFigure kafka_mirror(const Target& mirror, const std::vector<Sample>& samples, std::int64_t boundary_us) {
    const char* method = "kafka-mirror";
    std::optional<std::int64_t> last;
    for (const auto& s : samples)
        if (s.target == mirror.id && s.metric == "lag_messages" && usable(s) && s.wall_us <= boundary_us)
            last = std::max(last.value_or(s.wall_us), s.wall_us);
    if (!last)
        return not_measured(mirror.id, method, fmt::format("no reading of the mirror '{}' before the failover was recorded", mirror.id));
    struct Partition {
        std::optional<double> lag_s, messages;
    };
    std::map<std::string, std::map<std::string, Partition>> topics;
    json readings = json::array();
    for (const auto& s : samples) {
        if (s.target != mirror.id || s.wall_us != *last || (s.metric != "lag_s" && s.metric != "lag_messages")) continue;
        readings.push_back(reading(s));
        json labels = json::parse(s.labels.empty() ? "{}" : s.labels, nullptr, false);
        if (!labels.is_object()) continue;
        Partition& p = topics[labels.value("topic", "")][labels.value("partition", "")];
        (s.metric == "lag_s" ? p.lag_s : p.messages) = s.value;
    }
    RpoFigure f;
    f.target = mirror.id;
    f.method = method;
    f.uncertainty_s = seconds(mirror.interval);
    f.detail["reading_at"] = format_utc(*last);
    f.detail["readings"] = readings;
    json pairs = json::array();
    double worst = 0;
    std::int64_t lost = 0;
    std::vector<std::string> unknown;
    for (const auto& [topic, partitions] : topics) {
        double topic_worst = 0;
        std::int64_t topic_lost = 0;
        bool known = true;
        for (const auto& [partition, p] : partitions) {
            topic_lost += static_cast<std::int64_t>(p.messages.value_or(0));
            if (p.messages.value_or(0) > 0 && !p.lag_s) known = false;
            topic_worst = std::max(topic_worst, p.lag_s.value_or(0));
        }
        if (!known) unknown.push_back(topic);
        worst = std::max(worst, topic_worst);
        lost += topic_lost;
        pairs.push_back({{"source_topic", topic}, {"target_topic", mirror.mirrored_topic(topic)}, {"rpo_s", known ? json(topic_worst) : json(nullptr)},
                         {"messages_lost", topic_lost}});
    }
    f.detail["topic_pairs"] = pairs;
    f.messages_lost = lost;
    if (!unknown.empty()) {
        std::string list;
        for (const auto& t : unknown) list += (list.empty() ? "" : ", ") + t;
        f.reason = fmt::format("messages were missing on {} but their timestamps could not be read", list);
        return f;
    }
    f.rpo_s = worst;
    return f;
}

RpoFigure prometheus(const Target& target, const std::vector<Sample>& samples, std::int64_t boundary_us) {
    const char* method = "prometheus";
    std::optional<std::string> rpo_query = target.rpo_query();
    if (!rpo_query)
        return not_measured(target.id, method, fmt::format("'{}' has {} queries; name the RPO one \"rpo_s\"", target.id, target.queries.size()));
    const std::string& query = *rpo_query;
    const Sample* newest = nullptr;
    for (const auto& s : samples)
        if (s.target == target.id && s.metric == query && usable(s) && s.wall_us <= boundary_us && (!newest || s.wall_us >= newest->wall_us))
            newest = &s;
    if (!newest) return not_measured(target.id, method, fmt::format("no value of query '{}' was recorded before the failover", query));
    RpoFigure f;
    f.target = target.id;
    f.method = method;
    f.rpo_s = newest->value;
    f.uncertainty_s = seconds(target.interval);
    f.detail = {{"query", query}, {"read_at", format_utc(newest->wall_us)}, {"readings", json::array({reading(*newest)})}};
    return f;
}

}  // namespace

RpoFigure measure_rpo(const std::string& rpo_target, const Environment* env, const std::vector<Sample>& samples, std::int64_t boundary_us) {
    return measure_rpo(rpo_target, env, samples, boundary_us, !samples.empty());
}

std::vector<std::string> rpo_sources(const std::string& rpo_target, const Environment* env) {
    const Target* target = env ? env->find(rpo_target) : nullptr;
    if (!target) return {};
    std::vector<std::string> sources{rpo_target};
    if (target->type == TargetType::postgres && !target->primary.empty()) sources.push_back(target->primary);
    return sources;
}

RpoFigure measure_rpo(const std::string& rpo_target, const Environment* env, const std::vector<Sample>& samples, std::int64_t boundary_us,
                      bool any_recorded) {
    if (rpo_target.empty()) return not_measured("", "", "no step that restores it names an rpo= target");
    if (!env) return not_measured(rpo_target, "", "the incident ran without an environment, so no readings were taken");
    const Target* target = env->find(rpo_target);
    if (!target) return not_measured(rpo_target, "", fmt::format("the environment has no target '{}'", rpo_target));
    // Why nothing could be measured, when the samples already say it (for a target whose
    // configuration could measure it).
    bool configured = (target->type == TargetType::postgres && !target->primary.empty()) || target->type == TargetType::kafka_mirror ||
                      (target->type == TargetType::prometheus && target->rpo_query());
    std::string method = target->type == TargetType::kafka_mirror ? "kafka-mirror"
                         : target->type == TargetType::prometheus ? "prometheus"
                         : env->find(target->primary) && env->find(target->primary)->heartbeat ? "postgres-heartbeat"
                                                                                                : "postgres-replay-timestamp";
    if (configured && !any_recorded)
        return not_measured(rpo_target, method, "no readings were recorded for this incident: no console was open on it with its "
                                            "environment and no 'drconsole probe --db' ran, so the RPO cannot be measured");
    std::vector<std::string> sources{rpo_target};
    if (target->type == TargetType::postgres && !target->primary.empty()) sources.push_back(target->primary);
    for (const auto& id : configured ? sources : std::vector<std::string>{}) {
        std::size_t readings = 0;
        bool reached = false;
        std::string last_error;
        for (const auto& s : samples) {
            if (s.target != id) continue;
            ++readings;
            reached = reached || usable(s);
            if (s.metric == "up" && !usable(s))
                if (json labels = json::parse(s.labels, nullptr, false); labels.is_object()) last_error = labels.value("error", std::string());
        }
        if (readings > 0 && !reached)
            return not_measured(rpo_target, method, fmt::format("'{}' was never reachable while readings were recorded ({} readings, none ok{})", id,
                                                            readings, last_error.empty() ? "" : ": " + last_error));
    }
    switch (target->type) {
        case TargetType::postgres: {
            const Target* primary = target->primary.empty() ? nullptr : env->find(target->primary);
            if (primary && primary->heartbeat) return postgres_heartbeat(*target, *primary, samples, boundary_us);
            return postgres_replay(*target, primary, samples, boundary_us);
        }
        case TargetType::kafka_mirror: return kafka_mirror(*target, samples, boundary_us);
        case TargetType::prometheus: return prometheus(*target, samples, boundary_us);
        default: break;
    }
    return not_measured(rpo_target, "", fmt::format("a {} target cannot measure data loss", to_string(target->type)));
}

}  // namespace drconsole
