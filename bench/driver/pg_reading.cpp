// 1. A PostgreSQL standby lag reading: drconsole's probe against one `psql -Atc` process per
// reading and against the bare query on a persistent connection (the limit), A/B/C interleaved.
#include <libpq-fe.h>

#include <thread>

#include <fmt/format.h>

#include "drconsole/environment.h"
#include "probes/postgres_queries.h"
#include "probes/probe_factory.h"
#include "rows.h"

namespace bench {
namespace {

struct Samples {
    std::vector<double> wall, cpu;
};

}  // namespace

std::vector<Row> pg_reading(const Options& o, const Lab& lab) {
    using namespace drconsole;
    auto loaded = load_environment(lab.dir / "env.jsonc");
    if (!loaded.env) throw std::runtime_error("the lab's env.jsonc does not load");
    auto store = std::make_shared<ReadingStore>();
    const Target& primary_t = *loaded.env->find("pg-primary");
    const Target& standby_t = *loaded.env->find("pg-standby");
    store->declare("pg-primary", kDefaultDeadline);
    store->declare("pg-standby", kDefaultDeadline);
    auto primary = probes::make_postgres_probe(primary_t, store, {"pg-standby"});
    auto standby = probes::make_postgres_probe(standby_t, store);
    PGconn* bare = PQconnectdb(lab.pg_dsn("standby").c_str());
    if (PQstatus(bare) != CONNECTION_OK) throw std::runtime_error(std::string("bare connection: ") + PQerrorMessage(bare));

    const int rounds = o.quick ? 10 : 20;
    const double cadence_ms = o.quick ? 200 : 1000;
    Samples drc, raw, psql;
    auto deadline = [] { return std::chrono::steady_clock::now() + std::chrono::seconds(2); };
    auto pace = [&](double since) {
        double left = cadence_ms - (now_ms() - since);
        if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(left));
    };
    // One warm-up of each (connections made, plans cached), then the rounds.
    for (int round = -1; round < rounds; ++round) {
        for (int k = 0; k < 3; ++k) {
            int which = (round + k + 3) % 3;  // the order rotates so that drift cancels
            double started = now_ms();
            if (k == 0) {
                // The primary's own reading (its heartbeat written), as the scheduler keeps it: once a
                // round, before whichever comes first, not timed.
                Reading pr = primary->read(deadline());
                pr.target = "pg-primary", pr.mono_us = steady_now_us();
                store->publish(pr);
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                started = now_ms();
            }
            if (which == 0) {
                double c0 = thread_cpu_ms(), w0 = now_ms();
                Reading r = standby->read(deadline());
                double w1 = now_ms(), c1 = thread_cpu_ms();
                if (!r.value("lag_s")) throw std::runtime_error("drconsole's standby reading has no lag_s: " + r.error);
                if (round >= 0) drc.wall.push_back(w1 - w0), drc.cpu.push_back(c1 - c0);
            } else if (which == 1) {
                double c0 = thread_cpu_ms(), w0 = now_ms();
                PGresult* res = PQexec(bare, probes::kStandby);
                bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
                PQclear(res);
                double w1 = now_ms(), c1 = thread_cpu_ms();
                if (!ok) throw std::runtime_error("the bare standby query failed");
                if (round >= 0) raw.wall.push_back(w1 - w0), raw.cpu.push_back(c1 - c0);
            } else {
                Process p = run({"psql", "-XAtc", probes::kStandby, lab.pg_dsn("standby")});
                if (p.status != 0) throw std::runtime_error("psql failed: " + p.out);
                if (round >= 0) psql.wall.push_back(p.wall_ms), psql.cpu.push_back(p.cpu_ms);
            }
            pace(started);
        }
    }
    PQfinish(bare);

    double dw = median(drc.wall), dc = median(drc.cpu);
    std::string how = fmt::format("{} readings of each at {} ms spacing, A/B/C interleaved with the order rotating each round, after one "
                                  "warm-up; medians. drconsole: the standby probe's read() in process (the primary's reading published "
                                  "once a round, untimed, as the scheduler keeps it), CPU of the calling thread. psql: `psql -XAtc <the probe's "
                                  "standby query>` as a whole process, its CPU from wait4. Bare: PQexec of the same query on a persistent "
                                  "connection.",
                                  rounds, cadence_ms);
    std::vector<Row> rows;
    rows.push_back({"PostgreSQL standby lag reading: wall vs psql", fmt::format("{} p50 (p99 {})", ms(dw), ms(percentile(drc.wall, 99))),
                    fmt::format("psql per reading: {} p50", ms(median(psql.wall))), times(median(psql.wall) / dw) + " less wall",
                    "≥ 50× less wall", median(psql.wall) / dw >= 50, how});
    rows.push_back({"PostgreSQL standby lag reading: CPU vs psql", fmt::format("{} p50", ms(dc)),
                    fmt::format("psql per reading: {} p50", ms(median(psql.cpu))), times(median(psql.cpu) / dc) + " less CPU",
                    "≥ 100× less CPU", median(psql.cpu) / dc >= 100, ""});
    rows.push_back({"PostgreSQL standby lag reading: wall vs the bare query", fmt::format("{} p50 (CPU {})", ms(dw), ms(dc)),
                    fmt::format("bare query, persistent connection: {} p50 (CPU {})", ms(median(raw.wall)), ms(median(raw.cpu))), times(dw / median(raw.wall)) + " the bare query",
                    "≤ 1.3× the bare query", dw / median(raw.wall) <= 1.3, ""});
    return rows;
}

}  // namespace bench
