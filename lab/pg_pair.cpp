// initdb, base backup, start and stop with Debian's postgresql-15 programs.
#include "lab/pg_pair.h"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "lab/os.h"

namespace drconsole::lab {
namespace {

const std::string kBin = "/usr/lib/postgresql/15/bin/";

void append(const std::filesystem::path& file, const std::string& lines) { std::ofstream(file, std::ios::app) << "\n" << lines << "\n"; }

}  // namespace

std::string PgPair::dsn(int port, const std::string& db) {
    return fmt::format("host=127.0.0.1 port={} dbname={} user=drconsole connect_timeout=5", port, db);
}

std::string pg_value(const std::string& dsn, const std::string& statement) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(dsn.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn.get()));
    PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
    std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), statement.c_str()), &PQclear);
    auto status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw std::runtime_error(PQresultErrorMessage(res.get()));
    if (status == PGRES_TUPLES_OK && PQntuples(res.get()) > 0 && !PQgetisnull(res.get(), 0, 0)) return PQgetvalue(res.get(), 0, 0);
    return "";
}

void PgPair::pg(const std::vector<std::string>& argv) const {
    std::vector<std::string> full = argv;
    full[0] = kBin + full[0];
    Finished r = run(as_postgres(full));
    if (r.exit_code != 0) throw std::runtime_error(fmt::format("{} failed ({}): {}", argv[0], r.exit_code, r.output));
}

void PgPair::start(int primary_port, int standby_port, int link_port, const std::function<void(const std::string&)>& say) {
    auto primary = root_ / "primary";
    auto standby = root_ / "standby";
    pg({"initdb", "-D", primary.string(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"});
    std::string common = fmt::format(
        "listen_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off\n"
        "wal_level = replica\nmax_wal_senders = 8\nmax_replication_slots = 8\nhot_standby = on\n"
        "wal_receiver_status_interval = 1s\nwal_retrieve_retry_interval = 1s\nwal_sender_timeout = 120s\n"
        "wal_receiver_timeout = 120s\nlogging_collector = off\n",
        root_.string());
    append(primary / "postgresql.conf", common + fmt::format("port = {}\ncluster_name = 'lab-primary'\n", primary_port));
    pg({"pg_ctl", "-D", primary.string(), "-l", (root_ / "primary.log").string(), "-w", "-t", "60", "start"});
    std::string super = fmt::format("host=127.0.0.1 port={} dbname=postgres user=postgres connect_timeout=5", primary_port);
    pg_value(super, "CREATE ROLE drconsole LOGIN SUPERUSER");
    pg_value(super, "CREATE DATABASE ledger OWNER drconsole");
    pg_value(dsn(primary_port),
             "CREATE TABLE orders (id bigserial PRIMARY KEY, quantity int NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp());"
             "CREATE SCHEMA market_data;"
             "CREATE VIEW market_data.ticks AS SELECT id, quantity, created_at AS ts FROM orders");
    say(fmt::format("PostgreSQL 15 primary      127.0.0.1:{}  (database ledger, user drconsole)", primary_port));

    pg({"pg_basebackup", "-h", "127.0.0.1", "-p", std::to_string(primary_port), "-U", "postgres", "-D", standby.string(), "-R", "-X",
        "stream", "-c", "fast", "-C", "-S", "standby1"});
    // The standby receives through the WAL link, so the lab can delay or cut what it carries.
    append(standby / "postgresql.auto.conf",
           fmt::format("primary_conninfo = 'host=127.0.0.1 port={} user=postgres application_name=standby1'", link_port));
    append(standby / "postgresql.conf", fmt::format("port = {}\ncluster_name = 'lab-standby'\n", standby_port));
    pg({"pg_ctl", "-D", standby.string(), "-l", (root_ / "standby.log").string(), "-w", "-t", "60", "start"});
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (pg_value(super, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") != "1") {
        if (std::chrono::steady_clock::now() > until) throw std::runtime_error("the standby never started streaming");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    say(fmt::format("PostgreSQL 15 standby      127.0.0.1:{}  (streaming through the WAL link 127.0.0.1:{})", standby_port, link_port));
}

pid_t PgPair::postmaster(const std::string& which) const {
    std::ifstream pidfile(root_ / which / "postmaster.pid");
    pid_t pid = 0;
    pidfile >> pid;
    return alive(pid) ? pid : 0;
}

bool PgPair::kill_primary() {
    pid_t pid = postmaster("primary");
    if (!pid) return false;
    ::kill(pid, SIGKILL);
    for (pid_t child : children_of(pid)) ::kill(child, SIGKILL);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (alive(pid) && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return true;
}

void PgPair::rebuild_primary(int primary_port, int standby_port) {
    auto primary = root_ / "primary";
    std::filesystem::remove_all(primary);
    pg({"pg_basebackup", "-h", "127.0.0.1", "-p", std::to_string(standby_port), "-U", "postgres", "-D", primary.string(), "-R", "-X",
        "stream", "-c", "fast", "-C", "-S", "failback1"});
    append(primary / "postgresql.conf", fmt::format("port = {}\ncluster_name = 'lab-primary'\n", primary_port));
    pg({"pg_ctl", "-D", primary.string(), "-l", (root_ / "primary.log").string(), "-w", "-t", "60", "start"});
    std::string super = fmt::format("host=127.0.0.1 port={} dbname=postgres user=postgres connect_timeout=5", standby_port);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (pg_value(super, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") != "1") {
        if (std::chrono::steady_clock::now() > until) throw std::runtime_error("the rebuilt primary never started streaming");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void PgPair::stop() {
    for (const char* which : {"standby", "primary"}) {
        if (!postmaster(which)) continue;
        try {
            pg({"pg_ctl", "-D", (root_ / which).string(), "-m", "immediate", "-w", "-t", "30", "stop"});
        } catch (const std::exception&) {
            if (pid_t pid = postmaster(which)) ::kill(pid, SIGKILL);
        }
    }
}

}  // namespace drconsole::lab
