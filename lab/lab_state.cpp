// lab.json and the admin endpoint's client.
#include "lab/lab_state.h"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "clients/http_fetch.h"

namespace drconsole::lab {

nlohmann::json LabState::to_json() const {
    return {{"daemon", daemon},         {"started_at", started_at},       {"pg_root", pg_root.string()},
            {"pg_primary", pg_primary}, {"pg_standby", pg_standby},       {"wal_link", wal_link},
            {"kafka_primary", kafka_primary}, {"kafka_dr", kafka_dr},     {"api_primary", api_primary},
            {"api_secondary", api_secondary}, {"admin", admin},           {"prometheus", prometheus},
            {"exporters", exporters},   {"processes", processes},         {"ready", ready}};
}

LabState LabState::from_json(const nlohmann::json& j) {
    LabState s;
    s.daemon = j.value("daemon", 0);
    s.started_at = j.value("started_at", "");
    s.pg_root = j.value("pg_root", "");
    s.pg_primary = j.value("pg_primary", 0);
    s.pg_standby = j.value("pg_standby", 0);
    s.wal_link = j.value("wal_link", 0);
    s.kafka_primary = j.value("kafka_primary", "");
    s.kafka_dr = j.value("kafka_dr", "");
    s.api_primary = j.value("api_primary", 0);
    s.api_secondary = j.value("api_secondary", 0);
    s.admin = j.value("admin", 0);
    s.prometheus = j.value("prometheus", 0);
    s.exporters = j.value("exporters", std::vector<int>{});
    s.processes = j.value("processes", std::vector<pid_t>{});
    s.ready = j.value("ready", false);
    return s;
}

std::filesystem::path state_file(const std::filesystem::path& dir) { return dir / "lab.json"; }

void write_state(const std::filesystem::path& dir, const LabState& state) {
    auto tmp = dir / "lab.json.tmp";
    {
        std::ofstream out(tmp);
        out << state.to_json().dump(2) << "\n";
        if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    std::filesystem::rename(tmp, state_file(dir));
}

std::optional<LabState> read_state(const std::filesystem::path& dir) {
    std::ifstream in(state_file(dir));
    if (!in) return std::nullopt;
    try {
        return LabState::from_json(nlohmann::json::parse(in));
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(fmt::format("{}: not a lab state file ({})", state_file(dir).string(), e.what()));
    }
}

void remove_lab_files(const std::filesystem::path& dir) {
    std::error_code ec;
    for (const char* name : {"lab.json", "lab.json.tmp", "lab.log", "env.jsonc", "changes.log", "bin", "truth", "prometheus"})
        std::filesystem::remove_all(dir / name, ec);
    std::filesystem::remove(dir, ec);  // only if empty
}

nlohmann::json admin_request(const LabState& state, const std::string& method, const std::string& target) {
    clients::HttpRequest request;
    request.method = method;
    request.url = fmt::format("http://127.0.0.1:{}{}", state.admin, target);
    auto response = clients::http_fetch(request, std::chrono::steady_clock::now() + std::chrono::seconds(5));
    if (!response.completed)
        throw std::runtime_error(fmt::format("the lab daemon (pid {}) does not answer on 127.0.0.1:{}: {}", state.daemon, state.admin, response.error));
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded()) throw std::runtime_error("the lab daemon answered something that is not JSON");
    if (response.status >= 400) throw std::runtime_error(body.value("error", "the lab daemon refused: HTTP " + std::to_string(response.status)));
    return body;
}

}  // namespace drconsole::lab
