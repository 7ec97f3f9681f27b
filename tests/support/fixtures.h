// A small runbook and incident requests shared by the engine tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "drconsole/incident.h"
#include "drconsole/runbook.h"

namespace drconsole::test {

// Two phases, four steps, roles ic/db/messaging, components postgres and kafka.
inline constexpr const char* kSmallRunbook = R"(# Small failover

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |
| kafka     | 30s | 8m  |

| Role      | Owner |
|-----------|-------|
| ic        | SRE   |
| db        | DBRE  |
| messaging | SPE   |

## Detect
- [ ] Confirm the outage {#confirm role=ic}
- [ ] Declare SEV-1 {#declare role=ic}

## Promote
- [ ] Promote the standby {#pg-promote role=db restores=postgres}
- [ ] Promote the mirror target {#kafka-promote role=messaging restores=kafka}
)";

std::shared_ptr<const Runbook> small_runbook();

// The `vars` an environment needs for the shipped runbooks' tool templates ({{kubectl}} …), each
// mapped to /bin/false: for tests that start a shipped runbook against an environment of their own.
inline constexpr const char* kShippedRunbookVars =
    R"("vars": {"kubectl": "/bin/false", "helm": "/bin/false", "aws": "/bin/false", "pg_ctlcluster": "/bin/false", )"
    R"("systemctl": "/bin/false", "kafka_consumer_groups": "/bin/false", "smoke_test": "/bin/false", "pg_basebackup": "/bin/false"})";

// Runs SQL on a journal file as someone with write access to it would, the append-only
// triggers dropped first. Returns SQLite's error, empty when it ran.
std::string outsider_sql(const std::filesystem::path& db, const std::string& sql);
// What a forger who knows the canonical encoding does: rewrites event `from_seq` of incident 1
// with `edit` and recomputes every later hash, so that the chain alone verifies again.
// Returns SQLite's error, empty when it ran.
std::string recompute_chain(const std::filesystem::path& db, std::int64_t from_seq, const std::function<void(Event&)>& edit);
StartRequest drill_request(const std::string& mode = "drill");

}  // namespace drconsole::test
