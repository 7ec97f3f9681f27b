// 6. A thousand targets at 1 Hz: `drconsole probe --json` as a whole process, its CPU share, its
// threads, and how old each target's reading gets.
#include <unistd.h>

#include <thread>

#include <fmt/format.h>

#include "rows.h"

namespace bench {

std::vector<Row> probe_scale(const Options& o, const Lab& lab) {
    const int http = 920, pg = 80;  // PostgreSQL targets hold a connection each: within the lab servers' max_connections
    const int seconds = o.quick ? 20 : 60;
    auto env = o.work / "thousand.env.json";
    write_many_targets(env, lab, http, pg, 0, 0);
    Child child = spawn({o.drconsole.string(), "probe", "--env", env.string(), "--json", "--for", fmt::format("{}s", seconds)});
    std::map<std::string, std::vector<double>> arrivals;  // target → when its readings arrived
    std::string pending;
    int max_threads = 0;
    double next_thread_check = now_ms() + 2000;
    long lines = 0;
    while (true) {
        char buf[65536];
        ssize_t n = read(child.out, buf, sizeof buf);
        double at = now_ms();
        if (n == 0) break;
        if (n > 0) {
            pending.append(buf, static_cast<std::size_t>(n));
            std::size_t start = 0, end;
            while ((end = pending.find('\n', start)) != std::string::npos) {
                auto j = nlohmann::json::parse(pending.substr(start, end - start), nullptr, false);
                if (j.is_object()) arrivals[j.value("target", "")].push_back(at), ++lines;
                start = end + 1;
            }
            pending.erase(0, start);
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (at >= next_thread_check) {
            max_threads = std::max(max_threads, threads_of(child.pid));
            next_thread_check = at + 1000;
        }
    }
    Process p = finish(child);
    if (p.status != 0) throw std::runtime_error(fmt::format("drconsole probe exited {}", p.status));
    // Reading age: the longest gap between two readings of a target after the first 5 s (all
    // connections made), and from its last reading to the end.
    double warm = child.started_ms + 5000, end = child.started_ms + p.wall_ms;
    int within = 0, total = http + pg;
    double worst = 0;
    std::string worst_target;
    for (const auto& [target, times] : arrivals) {
        double gap = 0, prev = warm;
        for (double t : times)
            if (t >= warm) gap = std::max(gap, t - prev), prev = t;
        gap = std::max(gap, end - 1000 - prev);  // the run ends a moment after its last reading is due
        if (gap <= 2000) ++within;
        if (gap > worst) worst = gap, worst_target = target;
    }
    double share = p.cpu_ms / p.wall_ms * 100;
    std::string how = fmt::format("`drconsole probe --env … --json --for {}s` with {} HTTP targets (the lab's two health endpoints) and {} "
                                  "PostgreSQL targets (the lab's primary and standby), every one read each second; CPU from wait4 "
                                  "over the whole run, threads from /proc/PID/status each second, reading age from when each "
                                  "target's JSON line arrived (the largest gap after the first 5 s).",
                                  seconds, http, pg);
    return {
        {"1,000 targets at 1 Hz: CPU", fmt::format("{:.1f}% of one core", share), "—", "—", "≤ 10% of one core", share <= 10, how},
        {"1,000 targets at 1 Hz: threads", fmt::format("{} at most", max_threads), "one per target would be 1,000", "—",
         "bounded, not one per target", max_threads < 200, ""},
        {"1,000 targets at 1 Hz: reading age", fmt::format("{} of {} targets ≤ 2 s; worst {} ({})", within, total, ms(worst), worst_target),
         fmt::format("{} readings in all", lines), "—", "every target ≤ 2 intervals", within == total, ""},
    };
}

}  // namespace bench
