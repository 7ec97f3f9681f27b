// Two exporters, one Prometheus, their files under DIR/prometheus.
#include "lab/prometheus_lab.h"

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "clients/http_fetch.h"
#include "lab/os.h"

namespace drconsole::lab {
namespace {

const char* kPrometheus = "/usr/bin/prometheus";
const char* kExporter = "/usr/bin/prometheus-postgres-exporter";

bool answers(const std::string& url) {
    clients::HttpRequest request;
    request.url = url;
    return clients::http_fetch(request, std::chrono::steady_clock::now() + std::chrono::milliseconds(500)).status == 200;
}

}  // namespace

PrometheusParts start_prometheus(const std::filesystem::path& dir, const LabState& state) {
    PrometheusParts parts;
    for (const char* program : {kPrometheus, kExporter})
        if (!std::filesystem::exists(program)) {
            parts.summary = fmt::format("Prometheus: not started ({} is missing: apt-get install prometheus prometheus-postgres-exporter)", program);
            return parts;
        }
    auto home = dir / "prometheus";
    std::filesystem::create_directories(home);
    std::string targets;
    for (auto [name, port] : {std::pair{"pg-primary", state.pg_primary}, std::pair{"pg-standby", state.pg_standby}}) {
        int listen = free_port();
        parts.exporter_ports.push_back(listen);
        parts.pids.push_back(spawn({kExporter, fmt::format("--web.listen-address=127.0.0.1:{}", listen), "--log.level=warn"},
                                   home / fmt::format("exporter-{}.log", name),
                                   {fmt::format("DATA_SOURCE_NAME=postgresql://drconsole@127.0.0.1:{}/ledger?sslmode=disable", port)}));
        targets += fmt::format("      - targets: ['127.0.0.1:{}']\n        labels: {{server: '{}'}}\n", listen, name);
    }
    std::ofstream(home / "prometheus.yml") << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                              "scrape_configs:\n  - job_name: postgres\n    static_configs:\n"
                                           << targets;
    parts.port = free_port();
    parts.pids.push_back(spawn({kPrometheus, "--config.file=" + (home / "prometheus.yml").string(),
                                fmt::format("--web.listen-address=127.0.0.1:{}", parts.port), "--storage.tsdb.path=" + (home / "data").string(),
                                "--storage.tsdb.retention.time=1d", "--log.level=warn"},
                               home / "prometheus.log"));
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string url = fmt::format("http://127.0.0.1:{}", parts.port);
    while (!answers(url + "/-/ready")) {
        if (std::chrono::steady_clock::now() > until) {
            parts.summary = fmt::format("Prometheus: started on {} but not ready after 30 s (see {})", url, (home / "prometheus.log").string());
            return parts;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    parts.summary = fmt::format("Prometheus                 {}  scraping both servers' exporters every 1 s", url);
    return parts;
}

}  // namespace drconsole::lab
