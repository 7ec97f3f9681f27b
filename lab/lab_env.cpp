// DIR/env.jsonc and DIR/bin/*.
#include "lab/lab_env.h"

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "lab/kafka_lab.h"

namespace drconsole::lab {
namespace {

// A path inside single quotes for sh.
std::string sh_quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string json_string(const std::string& text) { return nlohmann::json(text).dump(); }

}  // namespace

const std::vector<ToolVar>& tool_vars() {
    static const std::vector<ToolVar> vars{
        {"kubectl", "kubectl"},           {"helm", "helm"},
        {"aws", "aws"},                   {"pg_ctlcluster", "pg_ctlcluster"},
        {"systemctl", "systemctl"},       {"kafka_consumer_groups", "kafka-consumer-groups.sh"},
        {"smoke_test", "smoke_e2e.py"},   {"pg_basebackup", "pg_basebackup"},
    };
    return vars;
}

void write_tool_shims(const std::filesystem::path& dir, const std::string& self_exe) {
    auto bin = dir / "bin";
    std::filesystem::create_directories(bin);
    for (const auto& t : tool_vars()) {
        auto path = bin / t.program;
        std::ofstream(path) << "#!/bin/sh\n# The lab's stand-in for " << t.program << ": see 'drconsole lab tool --help'.\n"
                            << "exec " << sh_quoted(self_exe) << " lab tool --dir " << sh_quoted(std::filesystem::absolute(dir).string()) << " "
                            << t.program << " \"$@\"\n";
        if (::chmod(path.c_str(), 0755) != 0) throw std::runtime_error("cannot make " + path.string() + " executable");
    }
}

void write_environment(const std::filesystem::path& dir, const LabState& s) {
    auto bin = std::filesystem::absolute(dir / "bin");
    std::string vars;
    for (const auto& t : tool_vars()) vars += fmt::format("    {}: {},\n", json_string(t.var), json_string((bin / t.program).string()));
    std::string prom = s.prometheus == 0 ? std::string("    // Prometheus was not started: see `drconsole lab status`.\n")
                                         : fmt::format(R"~(    "prom": {{
      "type": "prometheus",
      "url": "http://127.0.0.1:{}",
      "queries": {{ "pg_up": "min(pg_up)", "standby_behind_bytes": "max(pg_stat_replication_pg_wal_lsn_diff)" }}
    }},
)~",
                                                       s.prometheus);
    std::ofstream out(dir / "env.jsonc");
    out << fmt::format(R"~(// The lab started by `drconsole lab up` ({started}): every target on this machine's loopback.
// Written by the lab; `drconsole lab down` removes it with the lab.
{{
  "name": "lab",
  "targets": {{
    // PostgreSQL 15: a primary and a streaming standby (it receives through the lab's WAL link,
    // which `drconsole lab lag pg 20s` slows down). The probe writes a heartbeat every second.
    "pg-primary": {{ "type": "postgres", "dsn": "host=127.0.0.1 port={pgp} dbname=ledger user=drconsole connect_timeout=2",
                    "role": "primary", "heartbeat": "1s" }},
    "pg-standby": {{ "type": "postgres", "dsn": "host=127.0.0.1 port={pgs} dbname=ledger user=drconsole connect_timeout=2",
                    "role": "standby", "primary": "pg-primary" }},

    // Kafka: two mock clusters (the real protocol) and the mirror between them, MirrorMaker 2's naming.
    "kafka-primary": {{ "type": "kafka", "bootstrap": {kp} }},
    "kafka-dr": {{ "type": "kafka", "bootstrap": {kd} }},
    "mm2": {{
      "type": "kafka-mirror",
      "source": "kafka-primary",
      "target": "kafka-dr",
      "topics": ["{topic}"],
      "target_topic": "primary.{{topic}}"
    }},

{prom}
    // HTTP: the two regions' APIs and the admin endpoint that stands in for DNS and the mesh.
    "api-primary": {{ "type": "http", "url": "http://127.0.0.1:{ap}/healthz", "expect": 200 }},
    "api-secondary": {{ "type": "http", "url": "http://127.0.0.1:{as}/healthz", "expect": 200 }},
    "api-admin": {{ "type": "http", "url": "http://127.0.0.1:{ad}" }}
  }},
  "roster": {{ "ic": "ic-oncall", "db": "dba-oncall", "messaging": "streaming-oncall" }},
  "comms": {{ "cadence": "30m" }},
  // The runbooks call their cloud tools through these: here, the lab's stand-ins (DIR/bin/*).
  "vars": {{
{vars}    "recovery_target": "2026-01-15T10:30:00Z"
  }}
}}
)~",
                       fmt::arg("started", s.started_at), fmt::arg("pgp", s.pg_primary), fmt::arg("pgs", s.pg_standby),
                       fmt::arg("kp", json_string(s.kafka_primary)), fmt::arg("kd", json_string(s.kafka_dr)), fmt::arg("topic", KafkaLab::kTopic),
                       fmt::arg("ap", s.api_primary), fmt::arg("as", s.api_secondary), fmt::arg("ad", s.admin), fmt::arg("prom", prom),
                       fmt::arg("vars", vars));
    if (!out) throw std::runtime_error("cannot write " + (dir / "env.jsonc").string());
}

}  // namespace drconsole::lab
