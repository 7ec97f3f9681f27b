// One probe per environment target, with the target's interval and deadline.
#include "probes/probe_factory.h"

namespace drconsole {

void add_environment_probes(ProbeScheduler& scheduler, const Environment& env) {
    for (const auto& [id, t] : env.targets) {
        std::unique_ptr<Probe> probe;
        switch (t.type) {
            case TargetType::postgres: {
                std::vector<std::string> standbys;
                for (const auto& [other_id, other] : env.targets)
                    if (other.type == TargetType::postgres && other.pg_role == "standby" && other.primary == id) standbys.push_back(other_id);
                probe = probes::make_postgres_probe(t, scheduler.store(), std::move(standbys));
                break;
            }
            case TargetType::http: probe = probes::make_http_probe(t); break;
            case TargetType::prometheus: probe = probes::make_prometheus_probe(t); break;
            case TargetType::http_json: probe = probes::make_http_json_probe(t); break;
            case TargetType::command: probe = probes::make_command_probe(t); break;
            case TargetType::kafka: probe = probes::make_kafka_probe(t); break;
            case TargetType::kafka_mirror:
                probe = probes::make_kafka_mirror_probe(t, *env.find(t.source), *env.find(t.target));
                break;
        }
        scheduler.add(id, std::move(probe), t.interval.value_or(kDefaultInterval), t.deadline.value_or(kDefaultDeadline));
    }
}

}  // namespace drconsole
