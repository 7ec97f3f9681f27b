// Debian's prometheus-postgres-exporter for each server and Debian's Prometheus scraping them
// every second, so the console's Prometheus panel reads a real Prometheus.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "lab/lab_state.h"

namespace drconsole::lab {

struct PrometheusParts {
    int port = 0;  // 0: not started (summary says why)
    std::vector<int> exporter_ports;
    std::vector<pid_t> pids;
    std::string summary;
};

// Never throws for a missing program: the lab runs without Prometheus and says so.
PrometheusParts start_prometheus(const std::filesystem::path& dir, const LabState& state);

}  // namespace drconsole::lab
