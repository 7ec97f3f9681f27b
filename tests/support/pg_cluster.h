// A real PostgreSQL 15 primary and streaming hot standby on free loopback ports, for tests and the lab.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace drconsole::test {

class PgCluster {
public:
    // initdb, start the primary, pg_basebackup -R -C -S standby1, start the standby, wait
    // until it streams. As root, PostgreSQL runs as the "postgres" user.
    PgCluster();
    ~PgCluster();  // stops both servers and removes the directory
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    int primary_port() const { return primary_port_; }
    int standby_port() const { return standby_port_; }
    std::string dsn(int port) const;
    std::string primary_dsn() const { return dsn(primary_port_); }
    std::string standby_dsn() const { return dsn(standby_port_); }

    // Runs SQL with a fresh connection and returns the first column of the first row ("" if none).
    std::string sql(int port, const std::string& statement) const;

    // SIGKILL the primary's postmaster and wait until the process is gone. With the walsender
    // frozen first, its children are killed before the postmaster (a resumed walsender would
    // otherwise keep streaming).
    void kill_primary();

    // SIGSTOP / SIGCONT the primary's walsender (found as a child of its postmaster): the
    // standby stays connected and streaming, and receives nothing.
    void freeze_walsender();
    void thaw_walsender();
    // Sets the standby's primary_conninfo and reloads: '' stops its WAL receiver; restore_receiver()
    // puts back the original and waits until it streams again.
    void stop_receiver();
    void restore_receiver();

private:
    void pg(const std::vector<std::string>& argv) const;  // runs a PostgreSQL program as the server's user
    void append_conf(const std::filesystem::path& data, const std::string& lines) const;

    int postmaster_pid(const std::string& which) const;
    std::vector<int> children(int parent) const;

    std::filesystem::path dir_;
    int frozen_walsender_ = 0;
    std::string standby_conninfo_;
    int primary_port_ = 0, standby_port_ = 0;
    bool primary_running_ = false, standby_running_ = false;
};

}  // namespace drconsole::test
