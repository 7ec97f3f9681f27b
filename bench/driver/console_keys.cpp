// 4. The console through a pseudo-terminal at 200×60: keypress → repaint with 100 live targets of
// which 10 are black-holed (console_keys), and open → first full screen on a journal of 100
// incidents (console_open).
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include <fmt/format.h>

#include "rows.h"

namespace bench {
namespace {

// The help overlay's last line, and the footer's last key: drawn only when the screen is whole.
constexpr const char* kHelpShown = "everything shown as recorded";
constexpr const char* kFooter = "quit";

struct Console {
    pid_t pid = -1;
    int fd = -1;
    double started_ms = 0;
    std::string seen;  // everything read since the last mark()

    Console(const Options& o, const std::vector<std::string>& args) {
        std::vector<std::string> argv{o.drconsole.string(), "open"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        winsize ws{60, 200, 0, 0};
        started_ms = now_ms();
        pid = forkpty(&fd, nullptr, nullptr, &ws);
        if (pid < 0) throw std::runtime_error("forkpty failed");
        if (pid == 0) {
            setenv("TERM", "xterm-256color", 1);
            setenv("LANG", "C.UTF-8", 1);
            execv(cargv[0], cargv.data());
            _exit(127);
        }
    }
    ~Console() {
        if (pid > 0) {
            kill(pid, SIGTERM);
            for (int i = 0; i < 50 && waitpid(pid, nullptr, WNOHANG) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        if (fd >= 0) close(fd);
    }
    void mark() { seen.clear(); }
    // Reads until `text` has been seen since mark(); the time it was seen, or NaN after `limit_ms`.
    double until(const std::string& text, double limit_ms) {
        double give_up = now_ms() + limit_ms;
        while (seen.find(text) == std::string::npos) {
            double left = give_up - now_ms();
            if (left <= 0) return NAN;
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left) + 1) > 0) {
                char buf[65536];
                ssize_t n = read(fd, buf, sizeof buf);
                if (n <= 0) return NAN;
                seen.append(buf, static_cast<std::size_t>(n));
            }
        }
        return now_ms();
    }
    void drain(double quiet_ms) {
        while (true) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(quiet_ms)) <= 0) return;
            char buf[65536];
            if (read(fd, buf, sizeof buf) <= 0) return;
        }
    }
    void key(const std::string& k) {
        if (write(fd, k.data(), k.size()) != static_cast<ssize_t>(k.size())) throw std::runtime_error("cannot write to the console");
    }
};

}  // namespace

std::vector<Row> console_keys(const Options& o, const Lab& lab) {
    std::vector<Row> rows;
    const auto runbook = (o.source / "checklists/region-failover.md").string();
    {
        BlackHole hole;
        auto env = o.work / "hundred.env.json", db = o.work / "keys.db";
        write_many_targets(env, lab, 45, 45, 10, hole.port);
        Process s = run({o.drconsole.string(), "start", "--db", db.string(), "--runbook", runbook, "--mode", "drill", "--as", "ic:bench"});
        if (s.status != 0) throw std::runtime_error("drconsole start failed: " + s.out);
        Console console(o, {"--db", db.string(), "--as", "ic:bench", "--env", env.string()});
        if (std::isnan(console.until(kFooter, 10'000))) throw std::runtime_error("the console showed no screen within 10 s:\n" + console.seen);
        std::this_thread::sleep_for(std::chrono::seconds(3));  // every target read once; the black-holed ones waiting out their deadline
        console.drain(50);
        const int presses = o.quick ? 40 : 200;
        std::vector<double> latency;
        std::mt19937 jitter(7);
        for (int i = 0; i < presses; ++i) {
            console.mark();
            double pressed = now_ms();
            console.key("?");
            double shown = console.until(kHelpShown, 2'000);
            if (std::isnan(shown)) throw std::runtime_error("the help overlay did not appear within 2 s of '?'");
            latency.push_back(shown - pressed);
            console.key("?");
            console.drain(30);
            std::this_thread::sleep_for(std::chrono::milliseconds(jitter() % 80));
        }
        double p99 = percentile(latency, 99), worst = maximum(latency);
        rows.push_back({"Console: keypress → repaint, 100 targets (10 black-holed)", fmt::format("p50 {}, p99 {}, max {}", ms(median(latency)), ms(p99), ms(worst)),
                        "one 16 ms frame", times(p99 / 16.0) + " of a frame at p99", "p99 ≤ 16 ms, max ≤ 100 ms", p99 <= 16 && worst <= 100,
                        fmt::format("`drconsole open` in a pseudo-terminal of 200×60 (TERM=xterm-256color) with 45 HTTP and 45 PostgreSQL "
                                    "targets on the lab and 10 on a black-holed port, all read every second; {} presses of '?' at "
                                    "random spacing, each timed from the write of the key to the moment the help overlay's last line "
                                    "arrived on the terminal; '?' again closes it.",
                                    presses)});
        console.key("q");
    }
    return rows;
}

std::vector<Row> console_open(const Options& o) {
    std::vector<Row> rows;
    const auto runbook = (o.source / "checklists/region-failover.md").string();
    {
        auto db = o.work / "hundred.db";
        const long samples = o.quick ? 500'000 : 5'000'000;
        Process f = run({o.fill_journal.string(), "--db", db.string(), "--incidents", "100", "--events", "200", "--samples", std::to_string(samples),
                         "--runbook", runbook});
        if (f.status != 0) throw std::runtime_error("fill_journal failed: " + f.out);
        std::vector<double> open;
        for (int i = -1; i < (o.quick ? 3 : 7); ++i) {
            Console console(o, {"--db", db.string(), "--incident", "100", "--as", "ic:bench"});
            double shown = console.until(kFooter, 10'000);
            if (std::isnan(shown)) throw std::runtime_error("the console showed no screen within 10 s:\n" + console.seen);
            if (i >= 0) open.push_back(shown - console.started_ms);
            console.key("q");
        }
        double m = median(open);
        rows.push_back({fmt::format("Console: open → first full screen, 100 incidents, {:.1f}M samples", samples / 1e6), ms(m) + " p50",
                        "—", "—", "≤ 150 ms", m <= 150,
                        fmt::format("{} openings of the newest incident in a pseudo-terminal of 200×60, each timed from fork to the "
                                    "arrival of the footer's last key (drawn with the rest of the first full screen); median. Journal "
                                    "made by bench/fill_journal.",
                                    open.size())});
    }
    return rows;
}

}  // namespace bench
