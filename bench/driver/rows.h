// The rows of bench/results.md, one function per figure of the benchmark issue.
#pragma once

#include <vector>

#include "common.h"

namespace bench {

std::vector<Row> pg_reading(const Options& o, const Lab& lab);       // 1. PostgreSQL lag reading vs psql and the bare query
std::vector<Row> kafka_reading(const Options& o, const Lab& lab);    // 2. Kafka mirror lag reading vs kcat -Q
std::vector<Row> durable_event(const Options& o);                    // 3. append vs fdatasync; note vs sqlite3; sample ingest
std::vector<Row> console_keys(const Options& o, const Lab& lab);     // 4. keypress → repaint
std::vector<Row> console_open(const Options& o);                     // 4. open → first full screen
std::vector<Row> report_scale(const Options& o);                     // 5. report of 10k events and 5M samples
std::vector<Row> probe_scale(const Options& o, const Lab& lab);      // 6. 1,000 targets at 1 Hz
std::vector<Row> freshness(const Options& o, const Lab& lab);        // 7. age of the lag figure vs Prometheus

}  // namespace bench
