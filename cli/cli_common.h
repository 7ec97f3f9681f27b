// Shared pieces of the command line: journal and incident selection, actors, output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "drconsole/clock.h"
#include "drconsole/diagnostic.h"
#include "drconsole/environment.h"
#include "drconsole/event.h"
#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "drconsole/signing.h"

namespace drconsole::cli {

// Options every incident command takes.
struct IncidentOptions {
    std::string db;
    std::optional<std::int64_t> incident;
    std::string as;  // ROLE[:PERSON]
};

void add_incident_options(CLI::App& cmd, IncidentOptions& opts, bool with_actor = true);

// The test hook --clock fake:START[+RATE], for every command; the system clock otherwise.
void set_clock(const std::string& spec);
std::shared_ptr<const Clock> command_clock();
std::shared_ptr<FakeClock> fake_clock();  // null unless --clock was given

// Opens the journal named by --db, or the default one. Only `start` creates one (and its
// folder); every other command refuses a journal that does not exist (InputError), and commands
// that only read open it read-only: no write lock, nothing changed or created.
Journal open_journal(const std::string& db, JournalAccess access);
// The incident named by --incident, or the only open one.
Incident attach_incident(Journal& journal, const std::optional<std::int64_t>& id);

// --as ROLE[:PERSON], else $DRCONSOLE_AS, else `default_role`; the person defaults to
// current_user().
// Throws InputError when no role can be named.
Actor resolve_actor(const std::string& as, const std::string& default_role);
// $USER, else the login name (getlogin), else $LOGNAME or $SUDO_USER, else the account's name
// with a warning on stderr that nobody was named.
std::string current_user();

void print_diagnostics(const std::vector<Diagnostic>& diagnostics);
// The environment given with --env, else the one the incident started with (stored in the
// journal), else none.
std::shared_ptr<const Environment> incident_environment(const Journal& journal, const IncidentState& state, const std::string& path);

// Loads --env FILE, printing its diagnostics; throws InputError (exit 2) when it has errors.
// An empty path means no environment.
std::shared_ptr<const Environment> load_environment_or_refuse(const std::string& path);
// Prints the recorded event on stderr for humans: "recorded #12 step.completed pg-promote".
void print_recorded(const Event& event);
// Finds actions whose process died (drconsole/step_run.h), records them abandoned, and says so.
void reap_abandoned(Incident& incident, const Actor& actor);

// --set NAME=VALUE, repeated: the values a step's requires= names. InputError when malformed.
std::map<std::string, std::string> parse_set_values(const std::vector<std::string>& items);

// Refuses (RuleViolation) unless the step's gate passes on live readings, or is overridden:
// with --override the reason and the live values are recorded first (the rules allow only the IC).
void require_gate(Incident& incident, const Step& step, const Actor& actor, const Environment* env, const std::string& override_reason);

// Runs a step's action (gate checked on live readings, --override for the IC); 0 only when the
// action succeeded and everything was recorded.
int run_step_action(Journal& journal, Incident& incident, const std::string& step, const std::string& as,
                    const std::string& env_path, const std::string& override_reason, bool dry_run = false,
                    const std::map<std::string, std::string>& values = {}, const std::string& force_reason = {});

// Each subcommand file registers itself; the callbacks set `exit_code`.
void add_validate(CLI::App& app, int& exit_code);
void add_start(CLI::App& app, int& exit_code);
void add_record_commands(CLI::App& app, int& exit_code);
void add_status(CLI::App& app, int& exit_code);
void add_verify(CLI::App& app, int& exit_code);
void add_probe(CLI::App& app, int& exit_code);
CLI::App* add_open(CLI::App& app, int& exit_code);
void add_keys(CLI::App& app, int& exit_code);
void add_preflight(CLI::App& app, int& exit_code);
void add_report_commands(CLI::App& app, int& exit_code);
void add_lab(CLI::App& app, int& exit_code);
void add_demo(CLI::App& app, int& exit_code);
void add_signing(CLI::App& app, int& exit_code);

// The signing key named by --key, else by $DRCONSOLE_SIGNING_KEY; nothing when neither is set.
std::optional<SigningKey> signing_key(const std::string& flag);
// With $DRCONSOLE_SIGNING_KEY set, signs a checkpoint when one is due (Incident::sign_if_due);
// a key that cannot be read is a warning: what the command recorded stays recorded.
void sign_if_due(Incident& incident, const Actor& actor);
// What a checkpoint would sign that `key` has not signed before, listed on stderr for the key
// holder to read (a signature vouches for every event it covers, whoever recorded them); then,
// unless `yes`, asks on a terminal (without one, refuses: --yes). True: sign.
bool confirm_unsigned(const Journal& journal, const Incident& incident, const SigningKey& key, bool yes);
// This program's own path (/proc/self/exe), to run it again: the lab daemon, the demo's steps.
std::string self_exe();
// `drconsole lab tool …`, dispatched before parsing: what follows the tool's name is its own.
int run_lab_tool(const std::vector<std::string>& args);

}  // namespace drconsole::cli
