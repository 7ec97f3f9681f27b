// lab up, status, fail, lag, truth, down: each reads DIR/lab.json and talks to the daemon.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "drconsole/diagnostic.h"
#include "drconsole/duration.h"
#include "drconsole/text.h"
#include "lab/lab.h"
#include "lab/lab_state.h"
#include "lab/os.h"
#include "lab/truth.h"

namespace drconsole::lab {
namespace {

volatile sig_atomic_t interrupted = 0;

std::optional<LabState> running_lab(const std::filesystem::path& dir) {
    auto state = read_state(dir);
    if (!state) {
        std::cerr << fmt::format("drconsole lab: no lab in {} (start one with: drconsole lab up --dir {})\n", dir.string(), dir.string());
        return std::nullopt;
    }
    if (!alive(state->daemon)) {
        std::cerr << fmt::format("drconsole lab: the lab in {} is not running: its daemon (pid {}) is gone; "
                                 "'drconsole lab down --dir {}' cleans up what is left\n",
                                 dir.string(), state->daemon, dir.string());
        return std::nullopt;
    }
    return state;
}

// Ends whatever a lab whose daemon is gone left running, and removes its files.
void clean_up(const std::filesystem::path& dir, const LabState& state) {
    for (pid_t pid : state.processes)
        if (alive(pid) && command_line(pid).find("prometheus") != std::string::npos) ::kill(pid, SIGKILL);
    if (!state.pg_root.empty() && std::filesystem::exists(state.pg_root)) {
        for (const char* which : {"primary", "standby"}) {
            std::ifstream pidfile(state.pg_root / which / "postmaster.pid");
            pid_t pid = 0;
            if (pidfile >> pid && alive(pid) && command_line(pid).find("postgres") != std::string::npos) ::kill(pid, SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::error_code ec;
        std::filesystem::remove_all(state.pg_root, ec);
    }
    remove_lab_files(dir);
}

std::string yes_no(bool up, const char* yes, const char* no) { return up ? yes : no; }

void print_status(const std::filesystem::path& dir, const LabState& st, const nlohmann::json& s) {
    const auto& pg = s["postgres"];
    const auto& kafka = s["kafka"];
    const auto& http = s["http"];
    const auto& world = s["world"];
    std::cout << fmt::format("lab in {} (up since {}, daemon pid {})\n", dir.string(), st.started_at, st.daemon);
    std::cout << fmt::format("PostgreSQL   primary {}  {}\n", pg["primary"]["address"].get<std::string>(),
                             pg["primary"]["up"].get<bool>() ? pg["primary"]["role"].get<std::string>() == "primary" ? std::string("up")
                                                                                                                   : pg["primary"]["role"].get<std::string>()
                                                             : std::string("DOWN"));
    std::cout << fmt::format("             standby {}  {}\n", pg["standby"]["address"].get<std::string>(), pg["standby"]["state"].get<std::string>());
    const auto& link = pg["wal_link"];
    std::cout << fmt::format("             WAL link {}\n", link["cut"].get<bool>() ? std::string("cut (the primary region is gone)")
                                                            : fmt::format("delay {} ms, {} bytes in flight", link["delay_ms"].get<long>(),
                                                                          link["bytes_held"].get<long>()));
    std::cout << fmt::format("             writer  {} commits acknowledged, {}\n", pg["writer"]["acknowledged"].get<long>(),
                             yes_no(pg["writer"]["writing"].get<bool>(), "writing", "not writing (its primary is gone)"));
    std::cout << fmt::format("Kafka        primary {}  {}\n", kafka["primary"]["bootstrap"].get<std::string>(),
                             yes_no(kafka["primary"]["up"].get<bool>(), "up", "DOWN (brokers down)"));
    std::cout << fmt::format("             DR      {}  up\n", kafka["dr"]["bootstrap"].get<std::string>());
    const auto& mirror = kafka["mirror"];
    std::cout << fmt::format("             mirror  orders → primary.orders {}, {} mirrored\n",
                             mirror["running"].get<bool>() ? fmt::format("running, holding back {}", mirror["backlog"].get<long>()) : std::string("stopped"),
                             mirror["mirrored"].get<long>());
    std::cout << fmt::format("             producer {} events acknowledged\n", kafka["producer_acknowledged"].get<long>());
    std::cout << fmt::format("HTTP         api-primary   {}  {}\n", http["api-primary"]["url"].get<std::string>(),
                             yes_no(http["api-primary"]["up"].get<bool>(), "up", "DOWN"));
    std::cout << fmt::format("             api-secondary {}  {}\n", http["api-secondary"]["url"].get<std::string>(),
                             yes_no(http["api-secondary"]["healthy"].get<bool>(), "healthy", "unhealthy until its database is promoted"));
    std::cout << fmt::format("             admin         {}\n", http["admin"].get<std::string>());
    std::cout << fmt::format("Prometheus   {}\n", s["prometheus"].is_null() ? std::string("not running") : s["prometheus"].get<std::string>());
    std::cout << fmt::format("Routing      DNS → {}, mesh → {}, Helm region {}; order gateway {}; new strategies {}; deploys {}; "
                             "secondary producers {}\n",
                             world["dns"].get<std::string>(), world["mesh"].get<std::string>(), world["helm_region"].get<std::string>(),
                             yes_no(world["accept_new_orders"].get<bool>(), "accepting", "quiesced"),
                             yes_no(world["new_strategies_disabled"].get<bool>(), "disabled", "enabled"),
                             yes_no(world["deploys_frozen"].get<bool>(), "frozen", "open"), world["secondary_producers"].get<int>());
    if (!s["changes"].empty()) {
        std::cout << "Changes (UTC):\n";
        for (const auto& c : s["changes"]) std::cout << "  " << c.get<std::string>() << "\n";
    }
    std::cout << fmt::format("Environment  {}\n", (dir / "env.jsonc").string());
}

std::string seconds(const std::optional<double>& s) { return s ? fmt::format("{:.3f} s", *s) : "unknown"; }

}  // namespace

std::filesystem::path default_dir() {
    if (const char* d = std::getenv("DRCONSOLE_LAB"); d && *d) return d;
    return "drconsole-lab";
}

int up(const std::filesystem::path& dir, const std::string& self_exe, bool hints) {
    if (auto state = read_state(dir)) {
        if (alive(state->daemon) && state->ready) {
            std::cout << fmt::format("the lab in {} is already up (daemon pid {}); 'drconsole lab status --dir {}' shows it\n", dir.string(),
                                     state->daemon, dir.string());
            return 0;
        }
        if (alive(state->daemon)) {
            std::cerr << fmt::format("drconsole lab: the lab in {} is still starting (daemon pid {})\n", dir.string(), state->daemon);
            return 1;
        }
        std::cout << fmt::format("cleaning up a lab in {} whose daemon (pid {}) is gone\n", dir.string(), state->daemon);
        clean_up(dir, *state);
    } else if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir)) {
        std::cerr << fmt::format("drconsole lab: {} exists and holds something other than a lab: choose another --dir\n", dir.string());
        return 2;
    }
    std::filesystem::create_directories(dir);
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::cout << fmt::format("starting the lab in {} …\n", dir.string()) << std::flush;
    // Ctrl-C from here on stops what has started: the handler is in place before the daemon exists.
    struct sigaction on_stop{};
    on_stop.sa_handler = [](int) { interrupted = 1; };
    ::sigaction(SIGINT, &on_stop, nullptr);
    ::sigaction(SIGTERM, &on_stop, nullptr);
    pid_t daemon = ::fork();
    if (daemon < 0) throw std::runtime_error("fork failed");
    if (daemon == 0) {
        ::signal(SIGINT, SIG_DFL);  // the daemon blocks and waits for these itself
        ::signal(SIGTERM, SIG_DFL);
        ::setsid();
        ::close(ready[0]);
        int null = ::open("/dev/null", O_RDONLY);
        int log = ::open((dir / "lab.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        ::dup2(null, 0);
        ::dup2(log, 1);
        ::dup2(log, 2);
        std::_Exit(serve(dir, ready[1], self_exe));
    }
    ::close(ready[1]);
    std::string pending, line;
    bool is_ready = false, failed = false;
    char buf[1024];
    while (!interrupted) {
        ssize_t n = ::read(ready[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buf, static_cast<std::size_t>(n));
        for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
            line = pending.substr(0, nl);
            if (line == "ready") is_ready = true;
            else if (line.rfind("error: ", 0) == 0) failed = true, std::cerr << "drconsole lab: " << line << "\n";
            else std::cout << "  " << line << "\n" << std::flush;
        }
    }
    ::close(ready[0]);
    if (is_ready && !interrupted) {
        if (!hints) {
            std::cout << "the lab is up\n";
            return 0;
        }
        std::cout << fmt::format("the lab is up. Next:\n"
                                 "  drconsole lab status --dir {0}\n"
                                 "  drconsole start --runbook checklists/region-failover.md --env {0}/env.jsonc --mode drill …\n"
                                 "  drconsole lab down --dir {0}     (stops everything, removes it)\n",
                                 dir.string());
        return 0;
    }
    if (interrupted) ::kill(daemon, SIGTERM);
    ::waitpid(daemon, nullptr, 0);
    if (auto state = read_state(dir)) clean_up(dir, *state);
    else clean_up(dir, LabState{});
    std::cerr << fmt::format("drconsole lab: {}; nothing of it is left running\n", interrupted ? "interrupted" : failed ? "the lab did not start" : "the lab daemon ended while starting (see its log above)");
    return interrupted ? 130 : 1;
}

int status(const std::filesystem::path& dir, bool json) {
    auto state = running_lab(dir);
    if (!state) return 3;
    nlohmann::json s = admin_request(*state, "GET", "/state");
    if (json) std::cout << s.dump(2) << "\n";
    else print_status(dir, *state, s);
    return 0;
}

int fail(const std::filesystem::path& dir, const std::string& what) {
    auto state = running_lab(dir);
    if (!state) return 1;
    nlohmann::json r = admin_request(*state, "POST", "/lab/fail?what=" + what);
    for (const auto& line : r["done"]) std::cout << line.get<std::string>() << "\n";
    return 0;
}

int lag(const std::filesystem::path& dir, const std::string& system, const std::string& amount) {
    // The input first: a mistyped amount is refused whether or not a lab runs.
    Millis delay{0};
    if (system == "pg") {
        try {
            delay = amount == "0" ? Millis{0} : parse_duration(amount);
        } catch (const std::exception& e) {
            throw InputError(fmt::format("lab lag pg '{}': {} (e.g. 'lab lag pg 20s'; 0 ends it)", safe_text(amount), e.what()));
        }
        if (delay > Millis{50'000}) throw InputError("lab lag pg: at most 50s (the standby gives up on a primary silent for 120 s)");
    } else if (amount.empty() || amount.find_first_not_of("0123456789") != std::string::npos || amount.size() > 9) {
        throw InputError(fmt::format("lab lag kafka '{}': a number of messages, e.g. 'lab lag kafka 500'", safe_text(amount)));
    }
    auto state = running_lab(dir);
    if (!state) return 1;
    if (system == "pg") {
        admin_request(*state, "POST", fmt::format("/lab/lag/pg?ms={}", delay.count()));
        if (delay.count() == 0) std::cout << "PostgreSQL: the standby receives WAL at once again (what was held is delivered now)\n";
        else std::cout << fmt::format("PostgreSQL: the standby now receives WAL {} late; the lag builds up to that over the next {}\n",
                                      format_duration(delay), format_duration(delay));
        return 0;
    }
    admin_request(*state, "POST", "/lab/lag/kafka?messages=" + amount);
    std::cout << fmt::format("Kafka: the mirror now holds back the newest {} messages of orders (0: it copies at once)\n", amount);
    return 0;
}

int truth(const std::filesystem::path& dir, bool json) {
    auto state = running_lab(dir);
    if (!state) return 1;
    Truth t = ground_truth(dir, *state);
    if (json) {
        std::cout << t.to_json().dump(2) << "\n";
        return 0;
    }
    std::cout << fmt::format("PostgreSQL  {} commits acknowledged; {} of them not on the standby; loss window {}{}\n", t.pg_acknowledged,
                             t.pg_rows_lost, seconds(t.pg_loss_s), t.pg_note.empty() ? "" : " (" + t.pg_note + ")");
    std::cout << fmt::format("Kafka       {} events acknowledged, {} mirrored: {} lost; loss window {}{}\n", t.kafka_acknowledged,
                             t.kafka_mirrored, t.kafka_lost, seconds(t.kafka_loss_s), t.kafka_note.empty() ? "" : " (" + t.kafka_note + ")");
    std::cout << "(from the writer's and producer's logs of acknowledged writes, against what the other side holds now)\n";
    return 0;
}

int down(const std::filesystem::path& dir) {
    auto state = read_state(dir);
    if (!state) {
        std::cout << fmt::format("no lab in {}: nothing to stop\n", dir.string());
        return 0;
    }
    if (alive(state->daemon)) {
        ::kill(state->daemon, SIGTERM);
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (alive(state->daemon) && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (alive(state->daemon)) ::kill(state->daemon, SIGKILL);
        std::cout << fmt::format("stopped the lab daemon (pid {}) and what it ran: PostgreSQL, Kafka, the HTTP endpoints, Prometheus\n",
                                 state->daemon);
    } else {
        std::cout << fmt::format("the lab daemon (pid {}) was already gone; ending what it left\n", state->daemon);
    }
    clean_up(dir, *state);
    std::cout << fmt::format("removed the lab's files in {} and its PostgreSQL data {}\n", dir.string(), state->pg_root.string());
    return 0;
}

}  // namespace drconsole::lab
