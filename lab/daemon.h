// The lab daemon: owns every part of the lab, answers on the admin endpoint, and stops it all on
// SIGTERM or SIGINT. What the runbook's actions change (DNS, mesh, gateway…) is its `World`.
#pragma once

#include <atomic>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "lab/http_endpoints.h"
#include "lab/kafka_lab.h"
#include "lab/lab_state.h"
#include "lab/pg_pair.h"
#include "lab/pg_writer.h"
#include "lab/wal_link.h"

namespace drconsole::lab {

// The stand-ins for what the runbooks' cloud actions change.
struct World {
    std::string dns = "primary", mesh = "primary", helm_region = "primary";
    bool accept_new_orders = true, new_strategies_disabled = false, deploys_frozen = false;
    int secondary_producers = 0, restarts = 0;
    std::deque<std::string> changes;  // the newest last, at most 40: "02:03:04 dns: primary → secondary"
};

class Daemon {
public:
    Daemon(std::filesystem::path dir, int ready_fd, std::string self_exe);
    int run();

private:
    void say(const std::string& line);  // progress to `lab up` (and the daemon's log)
    void start_all();
    void stop_all();
    void watch_standby();
    HttpAnswer route(const std::string& name, const std::string& method, const std::string& target, const std::string& body);
    HttpAnswer admin(const std::string& method, const std::string& target);
    HttpAnswer change_world(const std::string& target);
    HttpAnswer fail(const std::string& what);
    HttpAnswer rebuild_primary();
    void note(const std::string& change);
    nlohmann::json state_json();

    std::filesystem::path dir_;
    int ready_fd_;
    std::string self_;
    LabState st_;
    std::mutex mutex_;
    World world_;
    std::unique_ptr<HttpEndpoints> http_;
    std::unique_ptr<WalLink> link_;
    std::unique_ptr<PgPair> pg_;
    std::unique_ptr<PgWriter> writer_;
    std::unique_ptr<KafkaLab> kafka_;
    std::atomic<int> standby_in_recovery_{-1};  // -1 unknown (not answering), 1 yes, 0 promoted
    std::thread rebuild_;        // the failback rebuild runs here: it takes longer than a request may
    std::string rebuild_state_;  // "", "running", "done" or "failed: …" (under mutex_)
    pid_t tied_to_ = 0;  // $DRCONSOLE_LAB_TIED_TO: the lab ends when that process does
    std::atomic<bool> pg_primary_failed_{false}, api_primary_failed_{false}, primary_rebuilt_{false};
};

}  // namespace drconsole::lab
