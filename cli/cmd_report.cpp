// drconsole report / export / metrics: the drill report or post-mortem, the evidence bundle, readiness metrics.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/suggest.h"
#include "drconsole/report.h"
#include "drconsole/runbook.h"
#include "drconsole/safe_json.h"

namespace drconsole::cli {
namespace {

struct ReportOptions {
    std::string db, format = "md", out, runbook, dir, key;
    std::optional<std::int64_t> incident;
    bool trend = false;
};

// The named incident, else the newest one.
std::int64_t pick_incident(const Journal& journal, const std::optional<std::int64_t>& id) {
    if (id) {
        if (!journal.incident(*id)) throw InputError(fmt::format("no incident {} in {}", *id, journal.path().string()));
        return *id;
    }
    auto all = journal.incidents();
    if (all.empty()) throw InputError(fmt::format("{} holds no incident yet ('drconsole start' begins one)", journal.path().string()));
    std::int64_t newest = 0;
    for (const auto& r : all) newest = std::max(newest, r.id);
    return newest;
}

// To stdout, or to FILE through a temporary file renamed into place (a reader never sees half);
// written straight into what is not a regular file (/dev/null, /dev/stdout, a FIFO), which a
// rename would replace.
void emit(const std::string& text, const std::string& out) {
    if (out.empty() || out == "-") {
        std::cout << text;
        return;
    }
    std::error_code ec;
    auto kind = std::filesystem::status(out, ec).type();
    if (!ec && kind != std::filesystem::file_type::regular && kind != std::filesystem::file_type::not_found) {
        if (kind == std::filesystem::file_type::directory) throw InputError(fmt::format("{}: a directory, not a file to write the report to", out));
        std::ofstream f(out, std::ios::binary);
        f << text;
        f.close();
        if (!f) throw JournalError(fmt::format("{}: cannot write", out));
        return;
    }
    std::string tmp = fmt::format("{}.tmp-{}", out, ::getpid());
    {
        std::ofstream f(tmp, std::ios::binary);
        f << text;
        f.close();
        if (!f) throw JournalError(fmt::format("{}: cannot write", out));
    }
    std::filesystem::rename(tmp, out);
    std::cerr << "wrote " << out << '\n';
}

int run_report(const ReportOptions& o) {
    Journal journal = open_journal(o.db, JournalAccess::read_only);
    if (o.trend) {
        std::string title;
        if (!o.runbook.empty()) {
            RunbookResult rb = load_runbook(o.runbook);
            if (!rb.runbook) throw InputError(rb.diagnostics);
            title = rb.runbook->title;
        }
        nlohmann::json trend = build_trend(journal, title);
        if (o.format == "json") emit(safe_json(trend) + '\n', o.out);
        else if (o.format == "html") emit(render_trend_html(trend), o.out);
        else if (o.format == "md") emit(render_trend_markdown(trend), o.out);
        else throw InputError("--trend writes md, html or json");
        return 0;
    }
    nlohmann::json report = build_report(journal, pick_incident(journal, o.incident));
    if (o.format == "json") emit(safe_json(report) + '\n', o.out);
    else if (o.format == "html") emit(render_html(report), o.out);
    else if (o.format == "csv") emit(render_csv(report), o.out);
    else emit(render_markdown(report), o.out);
    return 0;
}

}  // namespace

void add_report_commands(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand("report", "Write the drill report / post-mortem of an incident, or the trend across drills");
    cmd->add_option("--db", o->db, "Journal file (default: $XDG_DATA_HOME/drconsole/journal.db)");
    cmd->add_option("--incident", o->incident, "Incident id (default: the newest)");
    cmd->add_option("--format", o->format, "md (default), html, json or csv (the audit timeline)")
        ->check(one_of({"md", "html", "json", "csv"}));
    cmd->add_option("-o,--output", o->out, "Write to FILE instead of standard output");
    cmd->add_flag("--trend", o->trend, "Every resolved drill of one runbook: date, service RTO, RPO per component, pass");
    cmd->add_option("--runbook", o->runbook, "With --trend: the runbook whose drills to show (default: the newest drill's)");
    cmd->footer("The report is computed from the journal alone: events, recorded samples, and the runbook and\n"
                "environment stored when the incident started. A figure that cannot be measured reads\n"
                "'not measured' with the reason, never 0. See docs/reports.md.");
    cmd->callback([o, &exit_code] { exit_code = run_report(*o); });

    auto x = std::make_shared<ReportOptions>();
    cmd = app.add_subcommand("export", "Write the evidence bundle of an incident: reports, events, journal snapshot, SHA256SUMS");
    cmd->add_option("--db", x->db, "Journal file (default: $XDG_DATA_HOME/drconsole/journal.db)");
    cmd->add_option("--incident", x->incident, "Incident id (default: the newest)");
    cmd->add_option("--out", x->dir, "A new (or empty) folder for the bundle")->required();
    cmd->add_option("--key", x->key, "Sign SHA256SUMS into SHA256SUMS.sig (default: $DRCONSOLE_SIGNING_KEY, if set)");
    cmd->footer("Check it later with 'drconsole verify --bundle DIR [--pubkey KEY.pub]' (and 'sha256sum -c SHA256SUMS' inside it).");
    cmd->callback([x, &exit_code] {
        Journal journal = open_journal(x->db, JournalAccess::read_only);
        std::int64_t id = pick_incident(journal, x->incident);
        auto key = signing_key(x->key);
        export_bundle(journal, id, x->dir, key ? &*key : nullptr);
        std::cout << fmt::format("incident {}: evidence bundle written to {}", id, x->dir) << '\n';
        exit_code = 0;
    });

    auto m = std::make_shared<ReportOptions>();
    cmd = app.add_subcommand("metrics", "Print DR readiness metrics (Prometheus text format) from the newest drill of each runbook");
    cmd->add_option("--db", m->db, "Journal file (default: $XDG_DATA_HOME/drconsole/journal.db)");
    cmd->add_option("-o,--output", m->out, "Write to FILE atomically (for node_exporter's textfile collector: a *.prom file)");
    cmd->callback([m, &exit_code] {
        Journal journal = open_journal(m->db, JournalAccess::read_only);
        emit(render_metrics(journal), m->out);
        exit_code = 0;
    });
}

}  // namespace drconsole::cli
