// The daemon's life: block the stop signals, start each part (checking for a stop between
// them), say "ready", watch the standby until a stop signal, then stop everything and remove the
// PostgreSQL data.
#include "lab/daemon.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "lab/lab.h"
#include "lab/lab_env.h"
#include "lab/os.h"
#include "lab/prometheus_lab.h"

namespace drconsole::lab {
namespace {

sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
    return set;
}

bool stop_pending() {
    sigset_t pending;
    sigpending(&pending);
    for (int s : {SIGTERM, SIGINT, SIGHUP})
        if (sigismember(&pending, s)) return true;
    return false;
}

struct Stopped : std::runtime_error {
    Stopped() : std::runtime_error("stopped while starting") {}
};

std::string utc_now(const char* format) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

}  // namespace

Daemon::Daemon(std::filesystem::path dir, int ready_fd, std::string self_exe)
    : dir_(std::move(dir)), ready_fd_(ready_fd), self_(std::move(self_exe)) {
    if (const char* tied = std::getenv(kTiedToVariable); tied && *tied) tied_to_ = static_cast<pid_t>(std::atoi(tied));
}

void Daemon::say(const std::string& line) {
    std::string text = line + "\n";
    if (ready_fd_ >= 0) [[maybe_unused]] auto n = ::write(ready_fd_, text.data(), text.size());
    std::fprintf(stderr, "%s %s", utc_now("%H:%M:%S").c_str(), text.c_str());
}

void Daemon::note(const std::string& change) {
    std::string line = utc_now("%H:%M:%S") + " " + change;
    world_.changes.push_back(line);
    while (world_.changes.size() > 40) world_.changes.pop_front();
    std::ofstream(dir_ / "changes.log", std::ios::app) << line << "\n";
}

void Daemon::start_all() {
    auto check = [] {
        if (stop_pending()) throw Stopped();
    };
    st_.daemon = ::getpid();
    st_.started_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
    std::string tmpl = (std::filesystem::temp_directory_path() / "drconsole-lab-pg-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a directory in " + std::filesystem::temp_directory_path().string());
    st_.pg_root = tmpl;
    give_to_postgres(st_.pg_root);
    st_.pg_primary = free_port();
    st_.pg_standby = free_port();
    st_.wal_link = free_port();
    st_.api_primary = free_port();
    st_.api_secondary = free_port();
    st_.admin = free_port();
    write_state(dir_, st_);  // from here on, `lab down` can clean up whatever started

    http_ = std::make_unique<HttpEndpoints>(
        std::map<std::string, int>{{"api-primary", st_.api_primary}, {"api-secondary", st_.api_secondary}, {"admin", st_.admin}},
        [this](const std::string& name, const std::string& method, const std::string& target, const std::string& body) {
            return route(name, method, target, body);
        });
    link_ = std::make_unique<WalLink>(st_.wal_link, st_.pg_primary);
    pg_ = std::make_unique<PgPair>(st_.pg_root);
    pg_->start(st_.pg_primary, st_.pg_standby, st_.wal_link, [this](const std::string& line) { say(line); });
    check();
    std::filesystem::create_directories(dir_ / "truth");
    writer_ = std::make_unique<PgWriter>(PgPair::dsn(st_.pg_primary), dir_ / "truth" / "pg-acknowledged.log", std::chrono::milliseconds(100));
    say("  workload writer          10 orders/s into ledger.orders; acknowledged commits in truth/pg-acknowledged.log");

    kafka_ = std::make_unique<KafkaLab>(dir_ / "truth" / "kafka-acknowledged.log", 50);
    st_.kafka_primary = kafka_->primary_bootstrap();
    st_.kafka_dr = kafka_->dr_bootstrap();
    say(fmt::format("Kafka primary (mock, 3 brokers)  {}  topic orders; 50 events/s, acknowledged offsets in truth/kafka-acknowledged.log",
                    st_.kafka_primary));
    say(fmt::format("Kafka DR (mock, 3 brokers)       {}  topic primary.orders, mirrored from the primary", st_.kafka_dr));
    check();

    say(fmt::format("HTTP api-primary           http://127.0.0.1:{}/healthz", st_.api_primary));
    say(fmt::format("HTTP api-secondary         http://127.0.0.1:{}/healthz  (healthy once its database is promoted)", st_.api_secondary));
    say(fmt::format("HTTP admin (DNS, mesh, gateway; the lab's controls)  http://127.0.0.1:{}", st_.admin));

    PrometheusParts prom = start_prometheus(dir_, st_);
    st_.prometheus = prom.port;
    st_.exporters = prom.exporter_ports;
    st_.processes = prom.pids;
    say(prom.summary);
    check();

    write_tool_shims(dir_, self_);
    write_environment(dir_, st_);
    st_.ready = true;
    write_state(dir_, st_);
    say(fmt::format("Environment for the shipped runbooks: {}", (dir_ / "env.jsonc").string()));
}

void Daemon::stop_all() {
    if (rebuild_.joinable()) rebuild_.join();
    for (pid_t pid : st_.processes) stop_process(pid);
    kafka_.reset();
    writer_.reset();
    if (pg_) pg_->stop();
    link_.reset();
    http_.reset();
    if (!st_.pg_root.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(st_.pg_root, ec);
    }
}

void Daemon::watch_standby() {
    try {
        std::string value = pg_value(PgPair::dsn(st_.pg_standby) + " connect_timeout=2", "SELECT pg_is_in_recovery()");
        standby_in_recovery_ = value == "t" ? 1 : 0;
    } catch (const std::exception&) {
        standby_in_recovery_ = -1;
    }
}

int Daemon::run() {
    sigset_t set = stop_signals();
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts: every thread inherits it
    ::signal(SIGPIPE, SIG_IGN);
    int code = 0;
    try {
        start_all();
        say("ready");
    } catch (const Stopped&) {
        say("error: stopped while starting; everything it had started is stopped");
        code = 1;
    } catch (const std::exception& e) {
        say(std::string("error: ") + e.what());
        code = 1;
    }
    if (ready_fd_ >= 0) ::close(ready_fd_);
    ready_fd_ = -1;
    bool orphaned = false;
    if (code == 0) {
        timespec half{0, 500'000'000};
        while (::sigtimedwait(&set, nullptr, &half) < 0) {
            if (tied_to_ && !alive(tied_to_)) {
                std::fprintf(stderr, "%s process %d, which the lab is tied to, is gone: stopping\n", utc_now("%H:%M:%S").c_str(), tied_to_);
                orphaned = true;
                break;
            }
            watch_standby();
        }
    }
    stop_all();
    if (orphaned) remove_lab_files(dir_);
    std::fprintf(stderr, "%s stopped\n", utc_now("%H:%M:%S").c_str());
    return code;
}

int serve(const std::filesystem::path& dir, int ready_fd, const std::string& self_exe) { return Daemon(dir, ready_fd, self_exe).run(); }

}  // namespace drconsole::lab
