// 7. Freshness: how old the standby's lag figure is when the lag changes — drconsole's reading
// against the same figure through prometheus-postgres-exporter and Prometheus, scraping every 1 s
// (the lab's own Prometheus) and every 15 s (Prometheus's default; started here).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "clients/http_fetch.h"
#include "rows.h"

namespace bench {
namespace {

using drconsole::clients::http_fetch;
using drconsole::clients::HttpRequest;

// The standby's lag as Prometheus has it: the exporter's pg_replication_lag (now − the last replayed
// transaction's time, on the standby). NaN when Prometheus has no value.
double prometheus_lag(int port) {
    HttpRequest req;
    req.url = fmt::format("http://127.0.0.1:{}/api/v1/query?query={}", port, drconsole::clients::url_encode("max(pg_replication_lag)"));
    auto r = http_fetch(req, std::chrono::steady_clock::now() + std::chrono::seconds(2));
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    try {
        return std::stod(j.at("data").at("result").at(0).at("value").at(1).get<std::string>());
    } catch (...) {
        return NAN;
    }
}

// The newest standby lag_s on drconsole's JSON lines.
struct ProbeLines {
    Child child;
    std::string pending;
    double lag = NAN;
    void pump() {
        char buf[65536];
        ssize_t n;
        while ((n = read(child.out, buf, sizeof buf)) > 0) {
            pending.append(buf, static_cast<std::size_t>(n));
            std::size_t start = 0, end;
            while ((end = pending.find('\n', start)) != std::string::npos) {
                auto j = nlohmann::json::parse(pending.substr(start, end - start), nullptr, false);
                start = end + 1;
                if (!j.is_object() || j.value("target", "") != "pg-standby") continue;
                for (const auto& m : j.value("metrics", nlohmann::json::array()))
                    if (m.value("name", "") == "lag_s") lag = m.value("value", NAN);
            }
            pending.erase(0, start);
        }
    }
};

int free_port() {
    BlackHole probe;  // bound to a free port; closed at once
    return probe.port;
}

}  // namespace

std::vector<Row> freshness(const Options& o, const Lab& lab) {
    // The exporter on the standby with its documented replication-lag query (the exporter's own
    // queries.yaml example: now() − the last replayed transaction's time), and two Prometheus
    // servers scraping it: every 1 s, and every 15 s (Prometheus's default).
    auto home = o.work / "freshness";
    std::filesystem::create_directories(home);
    std::ofstream(home / "queries.yaml")
        << "pg_replication:\n"
           "  query: \"SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 ELSE GREATEST(0, EXTRACT(EPOCH FROM (now() - "
           "pg_last_xact_replay_timestamp()))) END AS lag\"\n"
           "  master: true\n"
           "  metrics:\n"
           "    - lag:\n"
           "        usage: \"GAUGE\"\n"
           "        description: \"Replication lag behind master in seconds\"\n";
    int exporter_port = free_port();
    std::vector<Child> children;
    struct StopAll {
        std::vector<Child>& c;
        ~StopAll() {
            for (auto& child : c) kill(child.pid, SIGTERM), finish(child);
        }
    } stop_all{children};
    children.push_back(spawn({"prometheus-postgres-exporter", fmt::format("--web.listen-address=127.0.0.1:{}", exporter_port),
                              "--extend.query-path=" + (home / "queries.yaml").string(), "--log.level=warn"},
                             {{"DATA_SOURCE_NAME", fmt::format("postgresql://drconsole@127.0.0.1:{}/ledger?sslmode=disable", lab.port("pg_standby"))}}));
    auto prometheus = [&](const std::string& every) {
        auto dir = home / ("prometheus-" + every);
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "prometheus.yml") << fmt::format("global:\n  scrape_interval: {0}\n  evaluation_interval: {0}\n"
                                                             "scrape_configs:\n  - job_name: standby\n    static_configs:\n"
                                                             "      - targets: ['127.0.0.1:{1}']\n",
                                                             every, exporter_port);
        int port = free_port();
        children.push_back(spawn({"prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
                                  fmt::format("--web.listen-address=127.0.0.1:{}", port), "--storage.tsdb.path=" + (dir / "data").string(),
                                  "--log.level=warn"}));
        return port;
    };
    const int fast_port = prometheus("1s"), slow_port = prometheus("15s");

    ProbeLines drc;
    drc.child = spawn({o.drconsole.string(), "probe", "--env", (lab.dir / "env.jsonc").string(), "--json"});
    children.push_back(drc.child);

    const int runs = o.quick ? 1 : 5;
    const double threshold = 2.0;  // seconds of lag
    std::vector<double> age_drc, age_fast, age_slow;
    std::mt19937 jitter(11);
    auto wait_until = [&](auto done, double limit_ms) {
        double give_up = now_ms() + limit_ms;
        while (!done()) {
            if (now_ms() > give_up) return false;
            drc.pump();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return true;
    };
    // Every source has a first value (the 15 s Prometheus after its first scrape).
    if (!wait_until([&] { return !std::isnan(drc.lag) && !std::isnan(prometheus_lag(fast_port)) && !std::isnan(prometheus_lag(slow_port)); }, 40'000))
        throw std::runtime_error("no standby lag from drconsole or a Prometheus within 40 s ");
    for (int run = 0; run < runs; ++run) {
        // Caught up everywhere, then a random moment so that the scrape phase differs run to run.
        wait_until([&] { return drc.lag < 0.5 && prometheus_lag(fast_port) < 1 && prometheus_lag(slow_port) < 1; }, 60'000);
        std::this_thread::sleep_for(std::chrono::milliseconds(jitter() % 15'000));
        double changed = now_ms();
        lab_command(o, lab, {"lag", "pg", "10s"});
        // With WAL held back the standby replays nothing new: its lag grows from ~0 at 1 s/s, so it
        // truly reaches the threshold `threshold` seconds after the change.
        double truly = changed + threshold * 1000;
        double seen_drc = NAN, seen_fast = NAN, seen_slow = NAN;
        wait_until([&] {
            double t = now_ms();
            if (std::isnan(seen_drc) && drc.lag >= threshold) seen_drc = t;
            if (std::isnan(seen_fast) && prometheus_lag(fast_port) >= threshold) seen_fast = t;
            if (std::isnan(seen_slow) && prometheus_lag(slow_port) >= threshold) seen_slow = t;
            return !std::isnan(seen_drc) && !std::isnan(seen_fast) && !std::isnan(seen_slow);
        }, 40'000);
        lab_command(o, lab, {"lag", "pg", "0"});
        age_drc.push_back(seen_drc - truly), age_fast.push_back(seen_fast - truly), age_slow.push_back(seen_slow - truly);
    }
    double d = median(age_drc), f = median(age_fast), s = median(age_slow);
    // "3.1× fresher" or "1.6× older": never a ratio below 1 called fresher.
    auto against = [&](double other) {
        if (d <= 0 || other <= 0) return std::string(d <= other ? "drconsole first" : "Prometheus first");
        return other >= d ? times(other / d) + " fresher" : times(d / other) + " older";
    };
    std::string how = fmt::format(
        "{} run(s): the lab's WAL link holds the standby's WAL back (`drconsole lab lag pg 10s`), so its lag grows from 0 at 1 s/s and "
        "truly reaches {:.0f} s {:.0f} s after the change; each figure's age is when it first showed ≥ {:.0f} s minus that moment "
        "(polled every 50 ms). drconsole: `drconsole probe --json` on the lab (the console shows the same reading within 100 ms). Prometheus: "
        "`max(pg_replication_lag)` from prometheus-postgres-exporter on the standby (its documented replication-lag query), "
        "through two Prometheus servers started here, scraping every 1 s and at the default 15 s; runs start at random moments so the scrape phase varies; medians (worst in brackets).",
        runs, threshold, threshold, threshold);
    return {{"Freshness of the standby lag figure", fmt::format("{} old (worst {})", ms(d), ms(maximum(age_drc))),
             fmt::format("Prometheus 1 s scrape: {} (worst {}); 15 s scrape: {} (worst {})", ms(f), ms(maximum(age_fast)), ms(s), ms(maximum(age_slow))),
             fmt::format("vs 1 s scrape: {}; vs 15 s scrape: {}", against(f), against(s)), "report both ages", std::nullopt, how}};
}

}  // namespace bench
