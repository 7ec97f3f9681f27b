// Journal and incident selection, actors and diagnostics for the command line.
#include "cli/cli_common.h"
#include "drconsole/step_run.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "drconsole/text.h"

namespace drconsole::cli {

void add_incident_options(CLI::App& cmd, IncidentOptions& opts, bool with_actor) {
    cmd.add_option("--db", opts.db, "Journal file (default: $XDG_DATA_HOME/drconsole/journal.db)");
    cmd.add_option("--incident", opts.incident, "Incident id (default: the only open incident)");
    if (with_actor)
        cmd.add_option("--as", opts.as, "Acting ROLE[:PERSON] (default role: the step's owner or ic; person: $USER)");
}

namespace {
std::shared_ptr<FakeClock> g_fake_clock;
}

void set_clock(const std::string& spec) { g_fake_clock = parse_fake_clock(spec); }
std::shared_ptr<FakeClock> fake_clock() { return g_fake_clock; }
std::shared_ptr<const Clock> command_clock() {
    if (g_fake_clock) return g_fake_clock;
    return std::make_shared<SystemClock>();
}

Journal open_journal(const std::string& db) {
    std::filesystem::path path = db.empty() ? default_journal_path() : std::filesystem::path(db);
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) throw JournalError(fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()));
    }
    return Journal(path, command_clock());
}

Incident attach_incident(Journal& journal, const std::optional<std::int64_t>& id) {
    if (id) return Incident::attach(journal, *id);
    std::vector<IncidentState> open;
    for (const auto& record : journal.incidents()) {
        Incident candidate = Incident::attach(journal, record.id);
        if (!candidate.state().resolved()) open.push_back(candidate.state());
    }
    if (open.size() == 1) return Incident::attach(journal, open.front().id);
    if (open.empty())
        throw InputError(fmt::format("no open incident in {}: start one, e.g.\n  drconsole start --runbook checklists/region-failover.md "
                                     "--env data/lab.env.jsonc --mode drill", journal.path().string()));
    std::string list;
    for (const auto& s : open)
        list += fmt::format("\n  {:>4}  {:<5}  {}  {}", s.id, s.mode, format_utc(s.started_us).substr(0, 16), safe_text(s.title));
    throw InputError(fmt::format("several open incidents in {}; name one with --incident ID:{}", journal.path().string(), list));
}

std::string current_user() {
    if (const char* user = std::getenv("USER"); user && *user) return user;
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
    return "unknown";
}

Actor resolve_actor(const std::string& as, const std::string& default_role) {
    std::string spec = as;
    if (spec.empty())
        if (const char* env = std::getenv("DRCONSOLE_AS"); env) spec = env;
    Actor actor;
    if (spec.empty()) {
        actor.role = default_role;
    } else {
        std::size_t colon = spec.find(':');
        actor.role = spec.substr(0, colon);
        if (colon != std::string::npos) actor.person = spec.substr(colon + 1);
    }
    if (actor.role.empty()) throw InputError("name the acting role with --as ROLE:PERSON");
    if (actor.person.empty()) actor.person = current_user();
    if (first_invalid_utf8(actor.person) || first_invalid_utf8(actor.role)) throw InputError("--as is not valid UTF-8");
    return actor;
}

void print_diagnostics(const std::vector<Diagnostic>& diagnostics) {
    for (const auto& d : diagnostics) std::cerr << safe_text(d.str()) << '\n';
}

std::shared_ptr<const Environment> load_environment_or_refuse(const std::string& path) {
    if (path.empty()) return nullptr;
    EnvironmentResult loaded = load_environment(path);
    if (!loaded.env) throw InputError(loaded.diagnostics);
    print_diagnostics(loaded.diagnostics);  // warnings
    return loaded.env;
}

Journal open_existing_journal(const std::string& db) {
    if (!db.empty() && !std::filesystem::exists(db)) throw InputError(fmt::format("{}: no such journal", db));
    return open_journal(db);
}

std::shared_ptr<const Environment> incident_environment(const Journal& journal, const IncidentState& s, const std::string& path) {
    if (!path.empty()) return load_environment_or_refuse(path);
    if (s.env_sha256.empty()) return nullptr;
    auto doc = journal.document(s.env_sha256);
    if (!doc) return nullptr;
    EnvironmentResult env = parse_environment(doc->content, doc->path);
    if (!env.env) throw InputError(env.diagnostics);
    return env.env;
}

void print_recorded(const Event& e) {
    std::cerr << safe_text(fmt::format("recorded #{} {}{}{} as {}:{}", e.seq, e.kind, e.step.empty() ? "" : " ", e.step,
                                       e.actor.role, e.actor.person))
              << '\n';
}

}  // namespace drconsole::cli

namespace drconsole::cli {

void reap_abandoned(Incident& incident, const Actor& actor) {
    if (incident.state().resolved()) return;
    for (const auto& e : reap_abandoned_actions(incident, actor)) {
        print_recorded(e);
        std::cerr << safe_text("drconsole: " + describe(e)) << '\n';
    }
}

}  // namespace drconsole::cli
