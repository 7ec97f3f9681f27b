// drconsole probe: live readings of every environment target, printed and optionally recorded as samples.
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "drconsole/gate_eval.h"
#include "drconsole/probes.h"
#include "drconsole/recorder.h"
#include "drconsole/text.h"
#include "drconsole/safe_json.h"

namespace drconsole::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

struct ProbeOptions {
    IncidentOptions incident;
    std::string env, runbook, duration, as;
    bool once = false, json = false;
};

nlohmann::json reading_json(const Reading& r, const std::map<std::string, Millis>& rpo) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& m : r.metrics) {
        nlohmann::json metric = {{"name", m.name}, {"value", m.value}, {"labels", m.labels}};
        if (!m.method.empty()) metric["method"] = m.method;
        metrics.push_back(std::move(metric));
    }
    nlohmann::json j = {{"target", r.target}, {"status", to_string(r.status)}, {"at", format_utc(r.wall_us)},
                        {"duration_ms", r.duration_ms}, {"metrics", metrics}};
    if (!r.error.empty()) j["error"] = r.error;
    if (auto objective = rpo.find(r.target); objective != rpo.end()) {
        if (auto lag = r.value("lag_s")) {
            j["level"] = to_string(level_for(*lag, objective->second));
            j["rpo_s"] = static_cast<double>(objective->second.count()) / 1000.0;
        }
    }
    return j;
}

std::string reading_line(const Reading& r, const std::map<std::string, Millis>& rpo) {
    std::string values;
    std::map<std::string, bool> shown;
    for (const auto& m : r.metrics) {
        if (shown[m.name]) continue;  // the worst value across labels, once per metric
        shown[m.name] = true;
        values += fmt::format(" {}={}", m.name, format_metric(m.name, *r.value(m.name)));
        if (!m.method.empty()) values += fmt::format(" ({})", m.method);
    }
    std::string level;
    if (auto objective = rpo.find(r.target); objective != rpo.end())
        if (auto lag = r.value("lag_s")) level = fmt::format(" [{}]", to_string(level_for(*lag, objective->second)));
    return safe_text(fmt::format("{} {:<16} {:<7}{}{}{}", format_utc(r.wall_us).substr(11, 12), r.target, to_string(r.status), level,
                                 values, r.error.empty() ? "" : "  (" + r.error + ")"));
}

// --once, for scripts: 0 when every target answered and is healthy, kProbeUnanswered when one
// did not answer (down, error, stalled, or stale: nothing within its deadline), kProbeDegraded
// when all answered but replication is broken somewhere. Says which on stderr.
constexpr int kProbeUnanswered = 3;
constexpr int kProbeDegraded = 4;

int once_exit_code(const std::map<std::string, ProbeStatus>& printed) {
    std::string unanswered, degraded;
    for (const auto& [target, status] : printed) {
        std::string item = fmt::format("{} ({})", target, to_string(status));
        if (status == ProbeStatus::degraded) degraded += (degraded.empty() ? "" : ", ") + item;
        else if (status != ProbeStatus::ok) unanswered += (unanswered.empty() ? "" : ", ") + item;
    }
    if (!unanswered.empty()) {
        std::cerr << safe_text(fmt::format("drconsole: not answered: {} (exit status {})", unanswered, kProbeUnanswered)) << '\n';
        return kProbeUnanswered;
    }
    if (!degraded.empty()) {
        std::cerr << safe_text(fmt::format("drconsole: answered but degraded: {} (exit status {})", degraded, kProbeDegraded)) << '\n';
        return kProbeDegraded;
    }
    return 0;
}

int run_probe(const ProbeOptions& opts) {
    auto env = load_environment_or_refuse(opts.env);
    std::map<std::string, Millis> rpo;
    std::unique_ptr<SampleRecorder> recorder;
    std::shared_ptr<const Runbook> runbook;
    if (!opts.runbook.empty()) {
        RunbookResult rb = load_runbook(opts.runbook);
        if (!rb.runbook) throw InputError(rb.diagnostics);
        runbook = rb.runbook;
    }
    bool recording = !opts.incident.db.empty() || opts.incident.incident.has_value();
    if (recording) {
        Journal journal = open_journal(opts.incident.db, JournalAccess::existing);
        Incident incident = attach_incident(journal, opts.incident.incident);
        if (incident.state().resolved()) throw InputError(fmt::format("incident {} is resolved: nothing more is recorded", incident.id()));
        if (!runbook) runbook = incident.state().runbook;
        const Runbook& rb = *incident.state().runbook;
        Actor actor = resolve_actor(opts.as, rb.has_role("ic") || rb.roles.empty() ? "ic" : rb.roles.front());
        recorder = std::make_unique<SampleRecorder>(journal.path(), incident.id(), actor, command_clock(),
                                                    RecorderOptions{.label = fmt::format("probe --db ({}:{})", actor.role, actor.person)});
        recorder->start();
    }
    if (runbook) rpo = rpo_by_target(*runbook);
    std::optional<Millis> limit;
    if (!opts.duration.empty()) {
        try {
            limit = parse_duration(opts.duration);
        } catch (const TextError& e) {
            throw InputError(fmt::format("--for: {}", e.what()));
        }
    }

    auto store = std::make_shared<ReadingStore>();
    ProbeScheduler scheduler(store);
    add_environment_probes(scheduler, *env);
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    scheduler.start();

    auto started = std::chrono::steady_clock::now();
    Millis longest_deadline{0};
    for (const auto& [id, t] : env->targets) longest_deadline = std::max(longest_deadline, t.deadline.value_or(kDefaultDeadline));
    std::set<std::string> seen;
    std::map<std::string, Reading> provisional;  // --once: a standby read before its primary
    std::map<std::string, ProbeStatus> printed;  // the last status printed per target
    auto print = [&](const Reading& r) {
        printed[r.target] = r.status;
        if (opts.json) std::cout << safe_json(reading_json(r, rpo), -1) << '\n';
        else std::cout << reading_line(r, rpo) << '\n';
    };
    while (!g_stop) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (const auto& r : store->drain()) {
            if (recorder) recorder->offer({r});
            if (opts.once && r.provisional && !seen.count(r.target)) {
                provisional[r.target] = r;  // printed only if nothing better comes in time
                continue;
            }
            if (opts.once && !seen.insert(r.target).second) continue;
            seen.insert(r.target);
            print(r);
        }
        std::cout.flush();
        auto now = std::chrono::steady_clock::now();
        if (opts.once && (seen.size() == env->targets.size() || now - started > longest_deadline + std::chrono::milliseconds(500))) break;
        if (limit && now - started >= *limit) break;
    }
    scheduler.stop();
    for (const auto& r : store->drain()) {  // readings that landed while stopping
        if (recorder) recorder->offer({r});
        if (opts.once && seen.count(r.target)) continue;
        print(r);
    }
    if (opts.once) {
        // A target that gave nothing within its deadline is reported as stale, not left out.
        for (const auto& [id, view] : store->snapshot(steady_now_us())) {
            if (auto p = provisional.find(id); p != provisional.end() && !seen.count(id)) {
                print(p->second);
                continue;
            }
            if (!view.never_read) continue;
            Reading r;
            r.target = id;
            r.status = ProbeStatus::stale;
            r.error = "no reading within the deadline";
            r.wall_us = SystemClock().wall_us();
            print(r);
        }
    }
    if (recorder) {
        recorder->stop();
        RecorderStatus st = recorder->status();
        std::cerr << safe_text(fmt::format("recorded {} samples in {} sealed batches", st.samples, st.batches)) << '\n';
        if (!st.other_holder.empty())
            std::cerr << safe_text(fmt::format("while {} held the incident's recording lease, it recorded the readings", st.other_holder)) << '\n';
        if (!st.error.empty()) std::cerr << safe_text(fmt::format("drconsole: recording: {}", st.error)) << '\n';
    }
    return opts.once ? once_exit_code(printed) : 0;
}

}  // namespace

void add_probe(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<ProbeOptions>();
    CLI::App* cmd = app.add_subcommand("probe", "Read every environment target live: lag, up/down, health");
    cmd->add_option("--env", opts->env, "Environment file")->required();
    cmd->add_flag("--once", opts->once, "One reading per target (or stale after its deadline), then exit");
    cmd->add_flag("--json", opts->json, "One JSON object per reading, one per line");
    cmd->add_option("--for", opts->duration, "Stop after this long, e.g. 30s (default: until Ctrl-C)");
    cmd->add_option("--runbook", opts->runbook, "Runbook whose objectives give each rpo= target a level (ok/warn/breach)");
    cmd->add_option("--db", opts->incident.db, "Record the readings as samples of an incident in this journal");
    cmd->add_option("--incident", opts->incident.incident, "The incident to record samples for (default: the only open one)");
    cmd->add_option("--as", opts->as, "Who records (ROLE[:PERSON]); the sealing events name them (default: ic:$USER)");
    cmd->footer("--once exit status: 0 every target answered and is ok; 3 a target did not answer (down, error, stalled,\n"
                "or stale: no reading within its deadline); 4 all answered but one is degraded (replication broken);\n"
                "2 bad input. Without --once: 0 when stopped by Ctrl-C, SIGTERM or --for.\n"
                "Recording writes samples in batches every 2 s, each sealed by an event in the incident's chain; Ctrl-C or SIGTERM\n"
                "writes the last batch before exiting. One recorder per incident at a time: while a console open on the\n"
                "incident records its readings, this one only prints, and takes over within a few seconds if that one stops.");
    cmd->callback([opts, &exit_code] { exit_code = run_probe(*opts); });
}

}  // namespace drconsole::cli
