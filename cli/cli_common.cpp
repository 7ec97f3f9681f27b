// Journal and incident selection, actors and diagnostics for the command line.
#include "cli/cli_common.h"
#include "drconsole/step_run.h"

#include <climits>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <utility>

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

Journal open_journal(const std::string& db, JournalAccess access) {
    std::filesystem::path path = db.empty() ? default_journal_path() : std::filesystem::path(db);
    if (access != JournalAccess::create && !std::filesystem::exists(path))
        throw InputError(fmt::format("{}: no such journal (start an incident with 'drconsole start', or give --db)", path.string()));
    if (access == JournalAccess::create && path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) throw JournalError(fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()));
    }
    return Journal(path, command_clock(), access);
}

Incident attach_incident(Journal& journal, const std::optional<std::int64_t>& id) {
    if (id) return Incident::attach(journal, *id);
    std::vector<IncidentState> open, resolved;
    for (const auto& record : journal.incidents()) {
        Incident candidate = Incident::attach(journal, record.id);
        (candidate.state().resolved() ? resolved : open).push_back(candidate.state());
    }
    if (open.size() == 1) return Incident::attach(journal, open.front().id);
    auto listed = [](const std::vector<IncidentState>& states, std::size_t most) {
        std::string list;
        for (std::size_t i = states.size() > most ? states.size() - most : 0; i < states.size(); ++i) {
            const IncidentState& s = states[i];
            list += fmt::format("\n  {:>4}  {:<5}  started {}  {}  {}", s.id, s.mode, format_utc(s.started_us).substr(0, 16),
                                s.resolved() ? "resolved " + format_utc(*s.resolved_us).substr(0, 16) : std::string("open"), safe_text(s.title));
        }
        return list;
    };
    if (open.empty() && resolved.empty())
        throw InputError(fmt::format("no incident in {}: start one, e.g.\n  drconsole start --runbook checklists/region-failover.md "
                                     "--env data/lab.env.jsonc --mode drill", journal.path().string()));
    if (open.empty())
        throw InputError(fmt::format(
            "no open incident in {}; the latest, resolved:{}\nname one with --incident N: notes, corrections, status, reports and the "
            "console still take a resolved incident; 'drconsole reopen --incident N REASON' (IC) reopens one resolved by mistake; "
            "'drconsole start' starts a new one",
            journal.path().string(), listed(resolved, 5)));
    throw InputError(fmt::format("several open incidents in {}; name one with --incident N:{}", journal.path().string(), listed(open, open.size())));
}

std::string current_user() {
    auto set = [](const char* name) -> std::string {
        const char* value = std::getenv(name);
        return value && *value ? value : "";
    };
    if (std::string user = set("USER"); !user.empty()) return user;
    // Who logged in on this terminal (still them after su or sudo -i), then the login variables.
    if (char login[256] = {}; getlogin_r(login, sizeof login) == 0 && login[0]) return login;
    for (const char* name : {"LOGNAME", "SUDO_USER"})
        if (std::string user = set(name); !user.empty()) return user;
    std::string account = "unknown";
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) account = pw->pw_name;
    static bool warned = false;  // once per command, however many times the actor is resolved
    if (!std::exchange(warned, true))
        std::cerr << safe_text(fmt::format("drconsole: warning: $USER is not set and no login name is known; recording as '{}', the "
                                       "account running drconsole: name the person with --as ROLE:PERSON or DRCONSOLE_AS",
                                       account))
              << '\n';
    return account;
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
    for (const auto& name : {actor.role, actor.person})
        if (auto problem = name_problem(name))
            throw InputError(spec.empty() || (actor.person == name && spec.find(':') == std::string::npos)
                                 ? fmt::format("your login name '{}' ($USER): {}; name yourself with --as ROLE:PERSON", safe_text(name), *problem)
                                 : fmt::format("--as '{}': {}", safe_text(spec), *problem));
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
    auto say = [](const std::vector<Event>& found) {
        for (const auto& e : found) {
            print_recorded(e);
            std::cerr << safe_text("drconsole: " + describe(e)) << '\n';
        }
    };
    say(reap_abandoned_actions(incident, actor));
    // An approval that did not come in time is found now and recorded as timed out.
    say(incident.expire_approvals(actor));
}

std::map<std::string, std::string> parse_set_values(const std::vector<std::string>& items) {
    std::map<std::string, std::string> out;
    for (const auto& item : items) {
        std::size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InputError(fmt::format("--set '{}': write NAME=VALUE, e.g. --set lsn=0/3000060", safe_text(item)));
        std::string name = item.substr(0, eq);
        if (auto bad = first_invalid_utf8(item)) throw InputError(fmt::format("--set {}: not valid UTF-8 (byte {})", safe_text(name), *bad + 1));
        if (out.count(name)) throw InputError(fmt::format("--set {} is given twice", safe_text(name)));
        out[name] = item.substr(eq + 1);
    }
    return out;
}

std::string self_exe() {
    char buf[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw std::runtime_error("cannot find this program's path (/proc/self/exe)");
    return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace drconsole::cli
