// 3. A durable event: an append (rules, hash chain, SQLite WAL commit, synchronous=FULL) against a
// raw write + fdatasync of the same size on the same file system; a whole `drconsole note`
// process against a `sqlite3` process doing one durable insert; batched sample ingest.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "drconsole/files.h"
#include "drconsole/incident.h"
#include "rows.h"

namespace bench {
namespace {

using namespace drconsole;

std::shared_ptr<const Runbook> runbook(const Options& o) {
    auto loaded = load_runbook(o.source / "checklists/region-failover.md");
    if (!loaded.runbook) throw std::runtime_error("checklists/region-failover.md does not load");
    return loaded.runbook;
}

Incident start(Journal& journal, const Options& o) {
    StartRequest req;
    req.runbook = runbook(o);
    req.mode = "drill";
    req.actor = {"ic", "bench"};
    return Incident::start(journal, req);
}

}  // namespace

std::vector<Row> durable_event(const Options& o) {
    std::vector<Row> rows;
    const std::string note = "promotion checked with the DBA; standby caught up at 0/3000060 (forty-odd bytes)";
    {
        Journal journal(o.work / "append.db");
        Incident incident = start(journal, o);
        int fd = ::open((o.work / "raw.bin").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        std::string record(note.size() + 200, 'x');  // about an event's size
        const int n = o.quick ? 150 : 600;
        std::vector<double> append, raw;
        for (int i = -5; i < n; ++i) {  // the first few warm the file system up
            double a0 = now_ms();
            incident.add_note(note, "", {"ic", "bench"});
            double a1 = now_ms();
            if (::write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size()) || ::fdatasync(fd) != 0)
                throw std::runtime_error("write + fdatasync failed");
            double a2 = now_ms();
            if (i >= 0) append.push_back(a1 - a0), raw.push_back(a2 - a1);
        }
        ::close(fd);
        double r99 = percentile(append, 99) / percentile(raw, 99);
        rows.push_back({"Durable event: append p50 / p99", fmt::format("{} / {}", ms(median(append)), ms(percentile(append, 99))),
                        fmt::format("write + fdatasync: {} / {}", ms(median(raw)), ms(percentile(raw, 99))),
                        fmt::format("p99 {} (p50 {})", times(r99), times(median(append) / median(raw))), "p99 ≤ 1.3×", r99 <= 1.3,
                        fmt::format("{} pairs alternating: one note appended through Incident::add_note (rules, hash chain, one "
                                    "SQLite WAL commit with synchronous=FULL), then one write of {} bytes + fdatasync to a file "
                                    "beside the journal.",
                                    n, record.size())});
    }
    {
        auto db = o.work / "note.db", raw = o.work / "sqlite3.db";
        Process s = run({o.drconsole.string(), "start", "--db", db.string(), "--runbook", (o.source / "checklists/region-failover.md").string(),
                         "--mode", "drill", "--as", "ic:bench"});
        if (s.status != 0) throw std::runtime_error("drconsole start failed: " + s.out);
        Process c = run({"sqlite3", raw.string(), "PRAGMA journal_mode=WAL; CREATE TABLE notes(at INTEGER, text TEXT);"});
        if (c.status != 0) throw std::runtime_error("sqlite3 failed");
        const int n = o.quick ? 7 : 15;
        std::vector<double> drc, lite;
        for (int i = -1; i < n; ++i) {
            Process a = run({o.drconsole.string(), "note", "--db", db.string(), "--as", "ic:bench", note});
            Process b = run({"sqlite3", raw.string(),
                             "PRAGMA synchronous=FULL; INSERT INTO notes VALUES (strftime('%s','now'), '" + note + "');"});
            if (a.status != 0 || b.status != 0) throw std::runtime_error("drconsole note or sqlite3 failed: " + a.out + b.out);
            if (i >= 0) drc.push_back(a.wall_ms), lite.push_back(b.wall_ms);
        }
        double r = median(drc) / median(lite);
        rows.push_back({"Durable event: whole `drconsole note` process", ms(median(drc)) + " p50",
                        "`sqlite3` process, one durable insert: " + ms(median(lite)) + " p50", times(r), "≤ 1.5×", r <= 1.5,
                        fmt::format("{} runs of each, A/B interleaved; medians of wall time. The sqlite3 database is in WAL mode "
                                    "with synchronous=FULL, as the journal is.",
                                    n)});
    }
    {
        Journal journal(o.work / "samples.db");
        Incident incident = start(journal, o);
        const int targets = 200, batches = o.quick ? 20 : 100;
        std::int64_t wall = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        if (!journal.hold_lease(incident.id(), "bench", wall, 3'600'000'000LL, nullptr)) throw std::runtime_error("no recording lease");
        std::vector<double> rates;
        double total_s = 0, cpu_s = 0;
        for (int b = 0; b < batches; ++b) {
            // What the recorder writes every 2 s: two readings of each target, three metrics each.
            std::vector<Sample> batch;
            for (int second = 0; second < 2; ++second)
                for (int t = 0; t < targets; ++t)
                    for (const char* metric : {"lag_s", "lag_bytes", "up"})
                        batch.push_back({incident.id(), fmt::format("target-{:03}", t), metric, wall - (batches - b) * 2'000'000LL + second * 1'000'000LL,
                                         b * 2'000'000LL + second * 1'000'000LL, 0.25 * t, "ok", "{}"});
            double t0 = now_ms(), c0 = thread_cpu_ms();
            if (!incident.record_samples(batch, {"ic", "bench"}, "bench", wall))
                throw std::runtime_error("record_samples refused");
            double t1 = now_ms();
            cpu_s += (thread_cpu_ms() - c0) / 1000.0;
            total_s += (t1 - t0) / 1000.0;
            rates.push_back(static_cast<double>(batch.size()) / ((t1 - t0) / 1000.0));
        }
        double n = static_cast<double>(batches) * targets * 6;
        double rate = n / total_s;
        rows.push_back({"Batched sample ingest", fmt::format("{:.0f} samples/s ({:.1f} µs CPU a sample)", rate, cpu_s / n * 1e6), "—", "—",
                        "≥ 200,000 samples/s", rate >= 200'000,
                        fmt::format("{} batches of {} samples (what the recorder writes every 2 s for 200 targets: two readings "
                                    "of three metrics each), each sealed by its event in one durable commit, through "
                                    "Incident::record_samples; total samples over total wall time.",
                                    batches, targets * 6)});
    }
    return rows;
}

}  // namespace bench
