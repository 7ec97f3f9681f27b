// Journal append against a raw SQLite commit on the same disk, runbook parsing, and replay.
//
// The disks here are virtualised: compare the ratio append / raw commit, not absolute
// times. DESIGN.md §8 measured raw WAL + synchronous=FULL at ≈ 5,500 commits/s (p50 0.15 ms).
#include <sqlite3.h>

#include <filesystem>

#include <benchmark/benchmark.h>

#include "drconsole/files.h"
#include "drconsole/incident.h"

using namespace drconsole;
namespace fs = std::filesystem;

namespace {

fs::path fresh(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / ("drconsole-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);
    fs::path p = dir / name;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix);
    return p;
}

std::shared_ptr<const Runbook> region_failover() {
    static auto rb = load_runbook(fs::path(DRCONSOLE_SOURCE_DIR) / "checklists/region-failover.md").runbook;
    return rb;
}

Incident start_drill(Journal& journal) {
    StartRequest req;
    req.runbook = region_failover();
    req.mode = "drill";
    req.actor = {"ic", "bench"};
    return Incident::start(journal, req);
}

void BM_RawSqliteCommit(benchmark::State& state) {
    fs::path path = fresh("raw.db");
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t(x TEXT)", nullptr, nullptr, nullptr);
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1)", -1, &ins, nullptr);
    for (auto _ : state) {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        sqlite3_bind_text(ins, 1, "a note of about forty bytes of text......", -1, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    sqlite3_finalize(ins);
    sqlite3_close(db);
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("baseline: one INSERT + COMMIT, WAL, synchronous=FULL; DESIGN §8: ~5,500/s");
}

void BM_JournalAppend(benchmark::State& state) {
    Journal journal(fresh("append.db"));
    Incident incident = start_drill(journal);
    for (auto _ : state) incident.add_note("a note of about forty bytes of text......", "", {"ic", "bench"});
    state.SetItemsProcessed(state.iterations());
    state.SetLabel("rules + hash chain + commit; compare with BM_RawSqliteCommit (goal: within 2x)");
}

void BM_ParseRunbook(benchmark::State& state) {
    std::string source = read_file(fs::path(DRCONSOLE_SOURCE_DIR) / "checklists/region-failover.md");
    for (auto _ : state) benchmark::DoNotOptimize(parse_runbook(source, "region-failover.md"));
    state.SetLabel("25-step runbook; budget: well under one 16 ms frame");
}

void BM_ReplayIncident(benchmark::State& state) {
    Journal journal(fresh("replay.db"));
    Incident incident = start_drill(journal);
    for (int i = 0; i < state.range(0); ++i) incident.add_note("note " + std::to_string(i), "", {"ic", "bench"});
    for (auto _ : state) benchmark::DoNotOptimize(Incident::attach(journal, incident.id()));
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetLabel("read + parse stored runbook + fold; budget: attach under 1 s for a long incident");
}

}  // namespace

BENCHMARK(BM_RawSqliteCommit)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_JournalAppend)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ParseRunbook)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ReplayIncident)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
