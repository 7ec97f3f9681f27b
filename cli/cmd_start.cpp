// drconsole start: validate the runbook and environment, record the incident, print its id.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/suggest.h"
#include "drconsole/text.h"

namespace drconsole::cli {
namespace {

struct StartOptions {
    std::string db, runbook, env, mode, severity, as;
    std::vector<std::string> roster, allow_missing;
};

std::map<std::string, std::string> parse_roster(const std::vector<std::string>& items) {
    std::map<std::string, std::string> roster;
    for (const auto& item : items) {
        std::size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
            throw InputError(fmt::format("--roster '{}': write ROLE=PERSON[,ROLE=PERSON…]", safe_text(item)));
        if (!roster.emplace(item.substr(0, eq), item.substr(eq + 1)).second)
            throw InputError(fmt::format("--roster names role '{}' twice: give each role one person", safe_text(item.substr(0, eq))));
    }
    return roster;
}

int run_start(const StartOptions& opts) {
    RunbookResult rb = load_runbook(opts.runbook);
    print_diagnostics(rb.diagnostics);
    if (!rb.runbook) return 2;
    StartRequest req;
    req.runbook = rb.runbook;
    req.env = load_environment_or_refuse(opts.env);
    req.mode = opts.mode;
    req.severity = opts.severity;
    req.roster = parse_roster(opts.roster);
    req.allow_missing = {opts.allow_missing.begin(), opts.allow_missing.end()};
    if (req.env)
        for (const auto& w : allow_missing_warnings(*rb.runbook, *req.env, req.allow_missing))
            std::cerr << safe_text("drconsole: warning: " + w) << '\n';
    req.actor = resolve_actor(opts.as, rb.runbook->has_role("ic") ? "ic" : "");
    Incident::check_start(req);  // a refused start leaves no journal file behind
    Journal journal = open_journal(opts.db, JournalAccess::create);
    Incident incident = Incident::start(journal, req);
    std::cerr << safe_text(fmt::format("started {} incident {} as {}:{}: {} ({}, {}) in {}", opts.mode, incident.id(), req.actor.role, req.actor.person,
                                       rb.runbook->title, counted(rb.runbook->phases.size(), "phase"), counted(rb.runbook->step_count(), "step"),
                                       journal.path().string()))
              << '\n';
    for (const auto& phase : rb.runbook->phases)
        for (const auto& step : phase.steps)
            if (const StepState& st = incident.state().step(step.id); st.status == StepStatus::not_applicable)
                std::cerr << safe_text(fmt::format("  not applicable here: {} ({})", step.id, st.reason)) << '\n';
    std::cout << incident.id() << '\n';
    return 0;
}

}  // namespace

void add_start(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<StartOptions>();
    CLI::App* cmd = app.add_subcommand("start", "Start an incident or drill from a runbook; prints its id on stdout");
    cmd->add_option("--db", opts->db, "Journal file (default: $XDG_DATA_HOME/drconsole/journal.db)");
    cmd->add_option("--runbook", opts->runbook, "Runbook file")->required();
    cmd->add_option("--env", opts->env, "Environment file (targets, roster, comms)");
    cmd->add_option("--mode", opts->mode, "drill or real")->required()->check(one_of({"drill", "real"}));
    cmd->add_option("--severity", opts->severity, "Severity, e.g. SEV1 (default: the runbook's)");
    cmd->add_option("--as", opts->as, "Who starts it: ROLE[:PERSON] (default ic:$USER)");
    cmd->add_option("--roster", opts->roster, "Who plays which role: ROLE=PERSON,… (overrides the environment's roster)")
        ->delimiter(',');
    cmd->add_option("--allow-missing", opts->allow_missing,
                    "TARGET,…: targets of the runbook this environment lacks on purpose (a PostgreSQL-only drill of a runbook that "
                    "also names Kafka); the steps whose gate or action needs one are recorded as not applicable here")
        ->delimiter(',');
    cmd->footer("Only the new incident id goes to stdout, so scripts can capture it:\n"
                "  id=$(drconsole start --runbook checklists/region-failover.md --mode drill)");
    cmd->callback([opts, &exit_code] { exit_code = run_start(*opts); });
}

}  // namespace drconsole::cli
