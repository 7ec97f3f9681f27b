// Starting and stopping a PostgreSQL primary + standby pair with Debian's postgresql-15 binaries.
#include "support/pg_cluster.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "lab/os.h"
#include "support/http_server.h"
#include "support/process.h"

namespace drconsole::test {
namespace {

const std::string kBin = "/usr/lib/postgresql/15/bin/";

bool as_root() { return geteuid() == 0; }

}  // namespace

void PgCluster::pg(const std::vector<std::string>& argv) const {
    std::vector<std::string> full;
    if (as_root()) full = {"/usr/sbin/runuser", "-u", "postgres", "--"};
    full.push_back(kBin + argv[0]);
    full.insert(full.end(), argv.begin() + 1, argv.end());
    ProcessResult r = run_process(full);
    if (r.exit_code != 0)
        throw std::runtime_error(fmt::format("{} failed ({}): {}{}", argv[0], r.exit_code, r.out, r.err));
}

void PgCluster::append_conf(const std::filesystem::path& data, const std::string& lines) const {
    std::ofstream(data / "postgresql.conf", std::ios::app) << "\n" << lines << "\n";
}

std::string PgCluster::dsn(int port) const {
    return fmt::format("host=127.0.0.1 port={} dbname=postgres user=postgres connect_timeout=5", port);
}

PgCluster::PgCluster() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "drconsole-pg-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    if (as_root()) {
        passwd* pw = getpwnam("postgres");
        if (!pw) throw std::runtime_error("no 'postgres' user: install postgresql-15");
        if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown failed");
    }
    auto primary = dir_ / "primary";
    auto standby = dir_ / "standby";
    pg({"initdb", "-D", primary.string(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"});
    primary_port_ = free_port();
    std::string common = fmt::format(
        "listen_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off\n"
        "wal_level = replica\nmax_wal_senders = 8\nmax_replication_slots = 8\nhot_standby = on\n"
        "wal_receiver_status_interval = 1s\nwal_retrieve_retry_interval = 1s\nlogging_collector = off\n",
        dir_.string());
    append_conf(primary, common + fmt::format("port = {}\ncluster_name = 'primary'\n", primary_port_));
    pg({"pg_ctl", "-D", primary.string(), "-l", (dir_ / "primary.log").string(), "-w", "-t", "60", "start"});
    primary_running_ = true;

    pg({"pg_basebackup", "-h", "127.0.0.1", "-p", std::to_string(primary_port_), "-U", "postgres", "-D", standby.string(),
        "-R", "-X", "stream", "-C", "-S", "standby1"});
    standby_port_ = free_port();
    append_conf(standby, fmt::format("port = {}\ncluster_name = 'standby1'\n", standby_port_));
    pg({"pg_ctl", "-D", standby.string(), "-l", (dir_ / "standby.log").string(), "-w", "-t", "60", "start"});
    standby_running_ = true;

    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (sql(primary_port_, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") != "1") {
        if (std::chrono::steady_clock::now() > until) throw std::runtime_error("the standby never started streaming");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

PgCluster::~PgCluster() {
    try {
        if (standby_running_) pg({"pg_ctl", "-D", (dir_ / "standby").string(), "-m", "immediate", "-w", "stop"});
        if (primary_running_) pg({"pg_ctl", "-D", (dir_ / "primary").string(), "-m", "immediate", "-w", "stop"});
    } catch (...) {
        // A server already gone is fine here.
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

std::string PgCluster::sql(int port, const std::string& statement) const {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(dsn(port).c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn.get()));
    PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
    std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), statement.c_str()), &PQclear);
    auto status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw std::runtime_error(fmt::format("{}: {}", statement, PQresultErrorMessage(res.get())));
    if (status == PGRES_TUPLES_OK && PQntuples(res.get()) > 0) return PQgetvalue(res.get(), 0, 0);
    return "";
}

int PgCluster::postmaster_pid(const std::string& which) const {
    std::ifstream pidfile(dir_ / which / "postmaster.pid");
    int pid = 0;
    pidfile >> pid;
    if (pid <= 0) throw std::runtime_error("no postmaster.pid for the " + which);
    return pid;
}

std::vector<int> PgCluster::children(int parent) const {
    auto pids = lab::children_of(parent);
    return std::vector<int>(pids.begin(), pids.end());
}

void PgCluster::freeze_walsender() {
    for (int pid : children(postmaster_pid("primary"))) {
        std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
        std::string title((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
        if (title.find("walsender") == std::string::npos) continue;
        ::kill(pid, SIGSTOP);
        frozen_walsender_ = pid;
        return;
    }
    throw std::runtime_error("no walsender among the primary's children");
}

void PgCluster::thaw_walsender() {
    if (frozen_walsender_) ::kill(frozen_walsender_, SIGCONT);
    frozen_walsender_ = 0;
}

void PgCluster::stop_receiver() {
    if (standby_conninfo_.empty()) standby_conninfo_ = sql(standby_port_, "SHOW primary_conninfo");
    sql(standby_port_, "ALTER SYSTEM SET primary_conninfo = ''");
    sql(standby_port_, "SELECT pg_reload_conf()");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (sql(standby_port_, "SELECT count(*) FROM pg_stat_wal_receiver") != "0" && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void PgCluster::restore_receiver() {
    std::string quoted;
    for (char c : standby_conninfo_) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    sql(standby_port_, "ALTER SYSTEM SET primary_conninfo = '" + quoted + "'");
    sql(standby_port_, "SELECT pg_reload_conf()");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (sql(primary_port_, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") != "1") {
        if (std::chrono::steady_clock::now() > until) throw std::runtime_error("the standby did not stream again");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void PgCluster::kill_primary() {
    int pid = postmaster_pid("primary");
    if (frozen_walsender_) {
        for (int child : children(pid)) ::kill(child, SIGKILL);
        frozen_walsender_ = 0;
    }
    ::kill(pid, SIGKILL);
    // Gone, or a zombie waiting for its reaper (it holds no sockets any more).
    auto alive = [pid] {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string pid_field, comm, state;
        return stat >> pid_field >> comm >> state && state != "Z";
    };
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (alive() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    primary_running_ = false;
}

}  // namespace drconsole::test
