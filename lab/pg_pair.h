// The lab's PostgreSQL 15: a primary and a streaming hot standby on loopback, the standby
// receiving through the lab's WAL link (a proxy that can delay or cut what it carries).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>

namespace drconsole::lab {

class PgPair {
public:
    // Data directories live under `root` (owned by postgres when run as root).
    explicit PgPair(std::filesystem::path root) : root_(std::move(root)) {}

    // initdb, start the primary, create the `ledger` database and the `drconsole` role, take a
    // base backup for the standby whose primary_conninfo points at `link_port`, start it, wait
    // until it streams. `say` reports each stage.
    void start(int primary_port, int standby_port, int link_port, const std::function<void(const std::string&)>& say);
    // pg_ctl stop -m immediate on each server that runs (a killed primary is skipped).
    void stop();
    // SIGKILL the primary's postmaster and its children; true if it was running.
    bool kill_primary();
    // Failback's first step: the old primary's data is replaced by a base backup of the promoted
    // standby, and it starts on its old port as a streaming standby of it.
    void rebuild_primary(int primary_port, int standby_port);

    pid_t postmaster(const std::string& which) const;  // 0 when not running
    static std::string dsn(int port, const std::string& db = "ledger");

private:
    void pg(const std::vector<std::string>& argv) const;
    std::filesystem::path root_;
};

// Runs one statement on a fresh connection (5 s connect timeout) and returns the first value of
// the first row ("" if none); throws with the server's message.
std::string pg_value(const std::string& dsn, const std::string& statement);

}  // namespace drconsole::lab
