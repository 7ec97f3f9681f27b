// fill_journal: a fresh journal holding large drills, recorded through the engine's own API (so
// every chain and every sealed sample verifies), for timing reports of long incidents.
//
//   fill_journal --db PATH --incidents N --events E --samples S [--targets T] [--batches B] [--runbook FILE]
//
// Each incident is a drill of the runbook on a scripted clock (six hours, starting in the past):
// the fault, every step started and done, stakeholder updates every 15 minutes, sealed batches of
// readings the way the recorder writes them, and notes to make up about E events in all. S
// samples in all are spread evenly over the incidents, read from T targets (up, lag_s, lag_bytes;
// the primary's heartbeats, the standby's promotion and the mirror's lag as the RPO needs them),
// sealed in at most B batches per incident (default 1000; about half the events when fewer): a
// recorder seals every 2 s, but each batch rewrites an index page per series, so fewer, larger
// batches keep 5 million samples to well under a minute.
// Every incident but the last is resolved early; the last is resolved at the end of its six hours.
#include <unistd.h>

#include <algorithm>
#include <map>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "drconsole/runbook.h"

using namespace drconsole;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kDuration = 6 * 3600 * kSecond;
constexpr std::int64_t kFirstStart = 1'767'405'600'000'000;  // 2026-01-03T02:00:00Z
constexpr std::int64_t kFaultAt = 60 * kSecond;

struct Options {
    fs::path db;
    fs::path runbook = fs::path(DRCONSOLE_SOURCE_DIR) / "checklists/region-failover.md";
    std::int64_t incidents = 1, events = 1000, samples = 100'000, targets = 200;
    std::int64_t batches = 1000;  // at most, per incident
};

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "fill_journal: " << why << "\n"
              << "usage: fill_journal --db PATH --incidents N --events E --samples S [--targets T] [--batches B] [--runbook FILE]\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string flag = argv[i];
        if (i + 1 >= argc) usage(flag + " needs a value");
        std::string value = argv[++i];
        auto number = [&] {
            try {
                std::int64_t n = std::stoll(value);
                if (n < 0) throw std::invalid_argument("negative");
                return n;
            } catch (const std::exception&) {
                usage(fmt::format("{} takes a number, not '{}'", flag, value));
            }
        };
        if (flag == "--db") o.db = value;
        else if (flag == "--runbook") o.runbook = value;
        else if (flag == "--incidents") o.incidents = number();
        else if (flag == "--events") o.events = number();
        else if (flag == "--samples") o.samples = number();
        else if (flag == "--targets") o.targets = number();
        else if (flag == "--batches") o.batches = number();
        else usage("unknown option " + flag);
    }
    if (o.db.empty()) usage("--db is required");
    if (o.incidents < 1) usage("--incidents must be at least 1");
    if (o.targets < 3) usage("--targets must be at least 3 (primary, standby, mirror)");
    return o;
}

// The runbook's targets (as staging names them) and, to make up T, PostgreSQL replicas of the primary.
std::string environment_text(std::int64_t targets) {
    std::string t = R"("pg-primary": {"type": "postgres", "dsn": "host=pg-primary.staging.internal dbname=ledger", "role": "primary", "heartbeat": "1s"},
    "pg-standby": {"type": "postgres", "dsn": "host=pg-standby.staging.internal dbname=ledger", "role": "standby", "primary": "pg-primary"},
    "kafka-primary": {"type": "kafka", "bootstrap": "primary-kafka-1.staging.internal:9093"},
    "kafka-dr": {"type": "kafka", "bootstrap": "dr-kafka-1.staging.internal:9093"},
    "mm2": {"type": "kafka-mirror", "source": "kafka-primary", "target": "kafka-dr", "topics": ["orders", "fills"], "target_topic": "primary.{topic}"},
    "api-primary": {"type": "http", "url": "https://api.primary.staging.internal/healthz"},
    "api-secondary": {"type": "http", "url": "https://api.secondary.staging.internal/healthz"},
    "api-admin": {"type": "http", "url": "https://api.secondary.staging.internal"})";
    for (std::int64_t i = 8; i < targets; ++i)
        t += fmt::format(R"(,
    "pg-replica-{:03}": {{"type": "postgres", "dsn": "host=pg-replica-{:03}.staging.internal dbname=ledger", "role": "standby", "primary": "pg-primary"}})",
                         i, i);
    return R"({"name": "staging", "targets": {
    )" + t + R"(},
  "comms": {"cadence": "15m"},
  "vars": {"kubectl": "/bin/false", "helm": "/bin/false", "aws": "/bin/false", "pg_ctlcluster": "/bin/false", "systemctl": "/bin/false",
           "kafka_consumer_groups": "/bin/false", "smoke_test": "/bin/false", "pg_basebackup": "/bin/false",
           "recovery_target": "2026-01-03T02:00:00Z"}})";
}

// The readings of one probe round at `at` (offset from the incident's start), as samples_of() makes them.
void one_round(std::vector<Sample>& out, const std::vector<std::string>& targets, std::int64_t start, std::int64_t at, std::int64_t promoted_at,
               std::int64_t limit) {
    auto add = [&](const std::string& target, const char* metric, double value, std::string labels = "{}") {
        if (static_cast<std::int64_t>(out.size()) >= limit) return;
        std::int64_t wall = start + at;
        out.push_back({0, target, metric, wall, at + kSecond, value, "ok", std::move(labels)});
    };
    bool failed_over = at >= kFaultAt;
    bool promoted = at >= promoted_at;
    double t = static_cast<double>(start + at) / 1e6;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const std::string& id = targets[i];
        double wave = static_cast<double>((at / kSecond + static_cast<std::int64_t>(i) * 7) % 60) / 60.0;
        if (id == "pg-primary") {
            add(id, "up", failed_over ? 0 : 1);
            if (!failed_over) add(id, "heartbeat_ts", t - 0.2), add(id, "wal_lsn", static_cast<double>(at / 1000));
        } else if (id == "pg-standby") {
            add(id, "up", 1);
            add(id, "lag_s", promoted ? 0 : failed_over ? static_cast<double>(at - kFaultAt) / 1e6 + 2.5 : 0.4 + wave);
            add(id, "lag_bytes", promoted ? 0 : 4096 * (1 + wave));
            add(id, "in_recovery", promoted ? 0 : 1);
            add(id, "heartbeat_ts", static_cast<double>(start + std::min(at, kFaultAt)) / 1e6 - 2.5);
        } else if (id == "mm2") {
            add(id, "up", 1);
            for (const char* topic : {"orders", "fills"}) {
                std::string labels = fmt::format(R"({{"partition":"0","topic":"{}"}})", topic);
                add(id, "lag_s", failed_over ? 4.0 : 0.5 + wave, labels);
                add(id, "lag_messages", failed_over ? 200 : 10 * wave, labels);
            }
        } else {
            add(id, "up", id == "api-primary" && failed_over ? 0 : 1);
            add(id, "lag_s", 0.1 + wave * 3);
            add(id, "lag_bytes", 8192 * wave);
        }
    }
}

struct Made {
    std::int64_t events = 0, samples = 0, batches = 0;
};

// One drill of `rb`, started at `start`, with about `events` events and `samples` samples.
Made fill_incident(Journal& journal, ManualClock& clock, const StartRequest& base, std::int64_t start, std::int64_t events, std::int64_t samples,
                   std::int64_t most_batches, const std::vector<std::string>& targets, bool last) {
    clock.advance_us(start - clock.wall_us());
    Incident incident = Incident::start(journal, base);
    const Runbook& rb = *base.runbook;
    std::int64_t duration = last ? kDuration : kDuration / 6;
    Actor ic{"ic", base.roster.at("ic")};

    // What happens when, in the incident's own time order.
    enum class What { fault, step_start, step_done, comms, batch, note, resolve };
    struct Planned {
        std::int64_t at;
        What what;
        std::string step;
    };
    std::vector<Planned> plan{{kFaultAt, What::fault, ""}, {duration, What::resolve, ""}};
    std::vector<const Step*> steps;
    for (const auto& phase : rb.phases)
        for (const auto& step : phase.steps) steps.push_back(&step);
    std::int64_t span = duration - kFaultAt - 10 * 60 * kSecond;
    std::int64_t promoted_at = duration;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        std::int64_t at = kFaultAt + 30 * kSecond + span * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(steps.size());
        plan.push_back({at, What::step_start, steps[i]->id});
        plan.push_back({at + 20 * kSecond, What::step_done, steps[i]->id});
        if (steps[i]->rpo_target == "pg-standby") promoted_at = at + 21 * kSecond;
    }
    for (std::int64_t at = kFaultAt + 14 * 60 * kSecond; at < duration; at += 15 * 60 * kSecond) plan.push_back({at, What::comms, ""});

    // Probe rounds every `tick`; sealed in `batches` batches; notes make up the rest.
    std::int64_t per_round = 0;
    {
        // The smaller round (after the failover the old primary answers less), so that S are made.
        std::vector<Sample> before, after;
        one_round(before, targets, start, 0, duration, INT64_MAX);
        one_round(after, targets, start, duration - kSecond, 0, INT64_MAX);
        per_round = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::min(before.size(), after.size())));
    }
    std::int64_t rounds = std::max<std::int64_t>(1, (samples + per_round - 1) / per_round);
    std::int64_t tick = std::max<std::int64_t>(1000, (duration - kSecond) / rounds);
    std::int64_t fixed = static_cast<std::int64_t>(1 + base.roster.size() + plan.size());
    std::int64_t batches = samples == 0 ? 0 : std::clamp<std::int64_t>(std::min((events - fixed) / 2, most_batches), 1, rounds);
    for (std::int64_t b = 1; b <= batches; ++b)
        plan.push_back({std::min(tick * (rounds * b / batches) + tick / 2, duration - kSecond), What::batch, ""});
    std::int64_t notes = std::max<std::int64_t>(0, events - fixed - batches);
    for (std::int64_t n = 0; n < notes; ++n) plan.push_back({kFaultAt + 1 + (duration - kFaultAt - 2) * n / std::max<std::int64_t>(notes, 1), What::note, ""});
    std::stable_sort(plan.begin(), plan.end(), [](const Planned& a, const Planned& b) { return a.at < b.at; });

    Made made;
    std::int64_t next_round = 0, next_note = 0, batch_events = 0;
    std::vector<Sample> pending;
    for (const auto& p : plan) {
        clock.advance_us(start + p.at - clock.wall_us());
        const Step* step = nullptr;
        if (!p.step.empty()) step = *std::find_if(steps.begin(), steps.end(), [&](const Step* s) { return s->id == p.step; });
        Actor who = step ? Actor{step->role, base.roster.at(step->role)} : ic;
        switch (p.what) {
            case What::fault: incident.inject_fault("stopped the primary region's load balancer", ic); break;
            case What::step_start: incident.start_step(p.step, who); break;
            case What::step_done: {
                // As the runbook's controls ask: another person's approval first, and the values it records.
                if (!step->approve.empty()) incident.approve_step(p.step, "", Actor{step->approve, base.roster.at(step->approve)});
                std::map<std::string, std::string> values;
                for (const auto& name : step->requires_values) values[name] = "INC-" + std::to_string(incident.id());
                incident.complete_step(p.step, who, values);
                break;
            }
            case What::comms: incident.comms_sent("status page and regulator updated: failover in progress", Actor{"comms", base.roster.at("comms")}); break;
            case What::resolve: incident.resolve("serving from the secondary region", ic); break;
            case What::note:
                incident.add_note(fmt::format("observation {}: replication and error rates as expected on the dashboards", ++next_note), "", ic);
                break;
            case What::batch: {
                bool final_batch = ++batch_events == batches;
                while (next_round < rounds && (final_batch || next_round * tick < p.at)) {
                    one_round(pending, targets, start, next_round * tick, promoted_at, samples - made.samples);
                    ++next_round;
                }
                if (pending.empty()) break;
                std::string holder = "fill_journal (probe --db)";
                journal.hold_lease(incident.id(), holder, clock.wall_us(), 60 * kSecond);
                for (auto& s : pending) s.incident = incident.id();
                if (!incident.record_samples(pending, Actor{"observability", base.roster.at("observability")}, holder, clock.wall_us()))
                    throw JournalError("the recording lease was lost");
                made.samples += static_cast<std::int64_t>(pending.size());
                ++made.batches;
                pending.clear();
                break;
            }
        }
    }
    made.events = incident.state().last_seq;
    return made;
}

// Every connection this process opens keeps the samples' indexes in memory: millions of samples
// touch index pages all over the file, and with SQLite's default 2 MB cache each batch would read
// and rewrite them from disk. Only the cache differs from a recorder's connection.
int large_cache(sqlite3* db, char**, const sqlite3_api_routines*) {
    return sqlite3_exec(db, "PRAGMA cache_size = -1048576", nullptr, nullptr, nullptr);  // 1 GiB at most
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    auto began = std::chrono::steady_clock::now();
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(large_cache));
    try {
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(o.db.string() + suffix);
        RunbookResult rb = load_runbook(o.runbook);
        if (!rb.runbook) throw InputError(fmt::format("{}: does not parse", o.runbook.string()));
        EnvironmentResult env = parse_environment(environment_text(o.targets), "staging.env.jsonc");
        if (!env.env) throw InputError("the generated environment does not parse: " + (env.diagnostics.empty() ? "" : env.diagnostics.front().message));
        std::vector<std::string> targets;
        for (const auto& [id, target] : env.env->targets) targets.push_back(id);

        // Built in memory (tmpfs) when it can be, then copied: millions of samples rewrite index pages
        // all over the file, and a virtual disk makes that minutes instead of seconds.
        fs::path work = o.db;
        if (std::error_code ec; fs::is_directory("/dev/shm", ec))
            work = fs::path("/dev/shm") / fmt::format("fill_journal-{}.db", ::getpid());
        auto clock = std::make_shared<ManualClock>(kFirstStart);
        auto journal = std::make_unique<Journal>(work, clock, JournalAccess::create);
        StartRequest req;
        req.runbook = rb.runbook;
        req.env = env.env;
        req.mode = "drill";
        req.severity = "SEV-1";
        req.actor = {"ic", "maria"};
        const char* people[] = {"maria", "sam", "dmitri", "priya", "kwame", "lena", "ana", "tomas"};
        for (std::size_t i = 0; i < rb.runbook->roles.size(); ++i) req.roster[rb.runbook->roles[i]] = people[i % std::size(people)];
        if (!req.roster.count("ic")) req.roster["ic"] = "maria";

        Made total;
        for (std::int64_t n = 0; n < o.incidents; ++n) {
            std::int64_t samples = o.samples / o.incidents + (n < o.samples % o.incidents ? 1 : 0);
            std::int64_t start = kFirstStart + n * 24 * 3600 * kSecond;
            Made made = fill_incident(*journal, *clock, req, start, o.events / o.incidents, samples, o.batches, targets, n + 1 == o.incidents);
            total.events += made.events, total.samples += made.samples, total.batches += made.batches;
        }
        journal.reset();  // the last connection: the WAL is checkpointed into the file and removed
        if (work != o.db) {
            fs::copy_file(work, o.db, fs::copy_options::overwrite_existing);
            fs::remove(work);
        }
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
        std::cout << fmt::format("{}: {} incident{}, {} events, {} samples in {} sealed batches, {} targets, in {:.1f} s\n", o.db.string(),
                                 o.incidents, o.incidents == 1 ? "" : "s", total.events, total.samples, total.batches, targets.size(), seconds);
    } catch (const std::exception& e) {
        std::cerr << "fill_journal: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
