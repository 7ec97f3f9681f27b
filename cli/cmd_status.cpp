// drconsole status and list: where an incident stands, for people or (--json) for scripts.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/measure.h"
#include "drconsole/clock.h"
#include "drconsole/text.h"
#include "drconsole/safe_json.h"

namespace drconsole::cli {
namespace {

struct StatusOptions {
    IncidentOptions incident;
    bool json = false;
};

std::string mark(StepStatus status) {
    switch (status) {
        case StepStatus::done: return "[x]";
        case StepStatus::started: return "[>]";
        case StepStatus::skipped: return "[-]";
        case StepStatus::failed: return "[!]";
        case StepStatus::not_applicable: return "[~]";
        case StepStatus::pending: break;
    }
    return "[ ]";
}

void print_status(const IncidentState& s, const ChainReport& chain, std::int64_t now_us) {
    auto line = [](const std::string& text) { std::cout << safe_text(text) << '\n'; };
    line(fmt::format("incident {}: {}  [{}]{}{}", s.id, s.title, s.mode == "drill" ? "DRILL" : "REAL",
                     s.severity.empty() ? "" : "  ", s.severity));
    line(fmt::format("runbook  {} (sha256 {})", s.runbook_path, s.runbook_sha256.substr(0, 12)));
    line(fmt::format("T0       {} ({})", format_utc(s.t0_us()), s.t0_source()));
    if (s.resolved()) {
        line(fmt::format("resolved {} ({} after T0){}", format_utc(*s.resolved_us), format_offset(*s.resolved_us - s.t0_us()),
                         s.resolution.empty() ? "" : ": " + s.resolution));
        for (const auto& n : s.notes)
            if (n.corrects == s.resolved_seq) line(fmt::format("         corrected (#{}, {}:{}): {}", n.seq, n.actor.role, n.actor.person, n.text));
    } else line(fmt::format("elapsed  {}", format_offset(now_us - s.t0_us())));
    std::string roster;
    for (const auto& [role, person] : s.roster) roster += fmt::format("{}{}={}", roster.empty() ? "" : "  ", role, person);
    line(fmt::format("roster   {}", roster.empty() ? "(nobody assigned)" : roster));
    std::string due;
    if (auto next = next_comms_due_us(s); next && !s.resolved())
        due = *next >= now_us ? fmt::format(", next due in {}", format_elapsed(*next - now_us)) : fmt::format(", OVERDUE by {}", format_elapsed(now_us - *next));
    line(fmt::format("comms    {}{}", s.comms.describe(), due));
    int done = 0, total = 0;
    for (const auto& phase : s.runbook->phases) {
        std::cout << '\n';
        line(fmt::format("{} ({})", phase.name, to_string(phase.kind)));
        for (const auto& step : phase.steps) {
            const StepState& st = s.step(step.id);
            if (st.status != StepStatus::not_applicable) ++total;  // n/a here: not work left
            if (st.status == StepStatus::done) ++done;
            std::string detail;
            if (st.ended_us && st.ended_by)
                detail = fmt::format("{} {} by {}:{}", to_string(st.status), format_offset(*st.ended_us - s.t0_us()), st.ended_by->role, st.ended_by->person);
            else if (st.started_us && st.started_by)
                detail = fmt::format("started {} by {}:{}", format_offset(*st.started_us - s.t0_us()), st.started_by->role, st.started_by->person);
            if (st.status == StepStatus::not_applicable) detail = "not applicable here";
            if (!st.reason.empty()) detail += fmt::format(" ({})", st.reason);
            line(fmt::format("  {} {:<36} {:<13} {}", mark(st.status), step.id, step.role.empty() ? "-" : step.role, detail));
        }
    }
    if (!s.notes.empty()) {
        std::cout << "\nnotes\n";
        for (const auto& n : s.notes)
            line(fmt::format("  #{:<4} {} {}:{}{} {}", n.seq, format_offset(n.wall_us - s.t0_us()), n.actor.role, n.actor.person,
                             n.corrects ? fmt::format(" corrects #{}:", *n.corrects) : std::string(n.step.empty() ? ":" : " on " + n.step + ":"),
                             n.text));
    }
    std::cout << '\n';
    line(fmt::format("progress {}/{} steps done; {}; {}", done, total, counted(s.notes.size(), "note"), counted(s.comms_us.size(), "comms update")));
    if (chain.intact) line(fmt::format("chain    {}, head {}, verified", counted(s.last_seq, "event"), s.head_hash));
    else line(fmt::format("chain    NOT verified: {} (drconsole verify --incident {})", chain.problem, s.id));
}

struct ListOptions {
    std::string db;
    bool json = false;
};

void run_list(const ListOptions& opts) {
    Journal journal = open_journal(opts.db, JournalAccess::read_only);
    nlohmann::json all = nlohmann::json::array();
    for (const auto& record : journal.incidents()) {
        IncidentState s = Incident::attach(journal, record.id).state();
        if (opts.json) {
            all.push_back({{"id", s.id}, {"title", s.title}, {"mode", s.mode}, {"severity", s.severity},
                           {"status", s.resolved() ? "resolved" : "open"}, {"started_at", format_utc(s.started_us)},
                           {"runbook", s.runbook_path}, {"events", s.last_seq}});
        } else {
            std::cout << safe_text(fmt::format("{:>4}  {:<5}  {:<8}  {}  {}", s.id, s.mode, s.resolved() ? "resolved" : "open",
                                               format_utc(s.started_us).substr(0, 19) + "Z", s.title))
                      << '\n';
        }
    }
    if (opts.json) std::cout << safe_json(all) << '\n';
}

}  // namespace

void add_status(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<StatusOptions>();
    CLI::App* cmd = app.add_subcommand("status", "Show an incident: phases, steps with times and actors, roster, chain head");
    add_incident_options(*cmd, opts->incident, false);
    cmd->add_flag("--json", opts->json, "Machine output: the whole state as JSON");
    cmd->callback([opts, &exit_code] {
        Journal journal = open_journal(opts->incident.db, JournalAccess::read_only);
        Incident incident = attach_incident(journal, opts->incident.incident);
        // What the figures rest on: a record changed behind the tool's back is said, not shown as fact.
        ChainReport chain = journal.verify(incident.id()).at(0);
        if (!chain.intact)
            std::cerr << safe_text(fmt::format("drconsole: warning: incident {}: the journal does not verify: {}", incident.id(), chain.problem)) << '\n';
        if (opts->json) {
            nlohmann::json state = to_json(incident.state());
            state["chain"]["verified"] = chain.intact;
            state["chain"]["problem"] = chain.problem;
            std::cout << safe_json(state) << '\n';
        } else {
            print_status(incident.state(), chain, SystemClock().wall_us());
        }
        exit_code = 0;
    });

    auto list = std::make_shared<ListOptions>();
    cmd = app.add_subcommand("list", "List the incidents in a journal");
    cmd->add_option("--db", list->db, "Journal file (default: $XDG_DATA_HOME/drconsole/journal.db)");
    cmd->add_flag("--json", list->json, "Machine output");
    cmd->callback([list, &exit_code] {
        run_list(*list);
        exit_code = 0;
    });
}

}  // namespace drconsole::cli
