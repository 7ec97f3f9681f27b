// DIR/lab.json: where the lab's parts are (ports, addresses, processes), written by the daemon.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace drconsole::lab {

struct LabState {
    pid_t daemon = 0;
    std::string started_at;            // UTC, ISO 8601
    std::filesystem::path pg_root;     // the PostgreSQL data directories (outside DIR: postgres must reach it)
    int pg_primary = 0, pg_standby = 0, wal_link = 0;
    std::string kafka_primary, kafka_dr;
    int api_primary = 0, api_secondary = 0, admin = 0, prometheus = 0;
    std::vector<int> exporters;
    std::vector<pid_t> processes;      // prometheus and the exporters
    bool ready = false;

    nlohmann::json to_json() const;
    static LabState from_json(const nlohmann::json& j);
};

std::filesystem::path state_file(const std::filesystem::path& dir);
void write_state(const std::filesystem::path& dir, const LabState& state);
// Nothing when there is no lab in `dir`; throws when lab.json is unreadable.
std::optional<LabState> read_state(const std::filesystem::path& dir);

// Removes what a lab leaves in DIR (lab.json, logs, env.jsonc, bin/, truth/, prometheus/), then
// DIR itself if it is empty: DIR may hold the user's own files.
void remove_lab_files(const std::filesystem::path& dir);

// $DRCONSOLE_LAB_TIED_TO=PID: the lab daemon ends itself (and removes the lab) once that process
// is gone — for a test or a demo that may be killed before it can say `lab down`.
inline constexpr const char* kTiedToVariable = "DRCONSOLE_LAB_TIED_TO";

// One request to the daemon's admin endpoint (5 s at most). Throws with a sentence a person can
// act on when the daemon does not answer.
nlohmann::json admin_request(const LabState& state, const std::string& method, const std::string& target);

}  // namespace drconsole::lab
