// Constructors of the probe for each target type.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "drconsole/environment.h"
#include "drconsole/probes.h"

namespace drconsole::probes {

std::unique_ptr<Probe> make_http_probe(const Target& target);
std::unique_ptr<Probe> make_prometheus_probe(const Target& target);
std::unique_ptr<Probe> make_http_json_probe(const Target& target);
std::unique_ptr<Probe> make_command_probe(const Target& target);
// `standbys`: the standby targets that name this one as their primary (a primary missing one is degraded).
std::unique_ptr<Probe> make_postgres_probe(const Target& target, std::shared_ptr<const ReadingStore> store,
                                           std::vector<std::string> standbys = {});
std::unique_ptr<Probe> make_kafka_probe(const Target& target);
std::unique_ptr<Probe> make_kafka_mirror_probe(const Target& target, const Target& source, const Target& mirror_target);

}  // namespace drconsole::probes
