// drconsole open (and drconsole with no command): the console on an incident.
#include <fcntl.h>
#include <unistd.h>

#include <clocale>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/probes.h"
#include "drconsole/recorder.h"
#include "drconsole/text.h"
#include "tui/keymap.h"
#include "tui/run.h"
#include "tui/terminal.h"

namespace drconsole::cli {
namespace {

struct OpenOptions {
    std::string db, env, as, size, keys, dump;
    bool guide = false;
    std::optional<std::int64_t> incident;
};

std::optional<std::pair<int, int>> parse_size(const std::string& text) {
    if (text.empty()) return std::nullopt;
    int w = 0, h = 0;
    char x = 0;
    if (std::sscanf(text.c_str(), "%d%c%d", &w, &x, &h) != 3 || (x != 'x' && x != 'X') || w < 1 || h < 1)
        throw InputError(fmt::format("--size '{}': write WIDTHxHEIGHT, e.g. 120x40", safe_text(text)));
    return std::pair{w, h};
}

// While the console owns the terminal, nothing else may write to it: standard error (library
// messages, warnings) goes to drconsole-console.log beside the journal, and comes back after.
class StderrToLog {
public:
    StderrToLog(const std::filesystem::path& journal, const Actor& who) {
        std::filesystem::path log = journal.parent_path() / kConsoleLog;
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        saved_ = fd < 0 ? -1 : fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
        if (saved_ >= 0) dup2(fd, STDERR_FILENO);
        if (fd >= 0) close(fd);
        std::cerr << format_utc(SystemClock().wall_us()) << " console opened by " << safe_text(who.role + ":" + who.person) << " (pid " << getpid()
                  << ")" << std::endl;
    }
    ~StderrToLog() {
        if (saved_ < 0) return;
        std::cerr << std::flush;
        dup2(saved_, STDERR_FILENO);
        close(saved_);
    }
    StderrToLog(const StderrToLog&) = delete;
    StderrToLog& operator=(const StderrToLog&) = delete;

    static constexpr const char* kConsoleLog = "drconsole-console.log";

private:
    int saved_ = -1;
};

// Who sits at this console: --as, else $DRCONSOLE_AS, else the person at the terminal says so
// before the screen opens (every event this console records names them).
std::string ask_who(const OpenOptions& o, const IncidentState& s) {
    const char* env = std::getenv("DRCONSOLE_AS");
    if (!o.as.empty() || (env && *env) || !o.keys.empty() || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) return o.as;
    // The roles, and who holds each now, so that nobody claims a role handed over to someone else.
    std::string roles;
    for (const auto& r : s.runbook->roles) {
        auto held = s.roster.find(r);
        roles += (roles.empty() ? "" : ", ") + r + (held == s.roster.end() ? "" : "=" + held->second);
    }
    // No default: pressing Enter must not make whoever sits here the IC.
    for (int tries = 0; tries < 3; ++tries) {
        std::cout << safe_text(fmt::format("Who is at this console? ROLE:PERSON (roles: {}): ", roles)) << std::flush;
        std::string line;
        if (!std::getline(std::cin, line)) break;
        std::string answer(trim(line));
        if (answer.find(':') != std::string::npos && answer.back() != ':') return answer;
        // A name alone is enough when the roster gives that person exactly one role.
        std::vector<std::string> held;
        for (const auto& [role, person] : s.roster)
            if (person == answer) held.push_back(role);
        if (held.size() == 1) return held.front() + ":" + answer;
        std::cout << (held.size() > 1 ? safe_text(fmt::format("{} holds more than one role: write ROLE:{}\n", answer, answer))
                                      : std::string("write ROLE:PERSON, e.g. ic:maria or scribe:sam\n"));
    }
    throw InputError("say who is at the console: --as ROLE:PERSON (or $DRCONSOLE_AS)");
}

int run_open(const OpenOptions& opts) {
    std::shared_ptr<FakeClock> fake = fake_clock();
    auto size = parse_size(opts.size);
    std::filesystem::path path = opts.db.empty() ? default_journal_path() : std::filesystem::path(opts.db);
    if (!std::filesystem::exists(path))
        throw InputError(fmt::format("no journal at {}: start an incident first:\n  drconsole start --runbook checklists/region-failover.md "
                                     "--env data/lab.env.jsonc --mode drill", path.string()));
    std::shared_ptr<const Clock> clock = command_clock();
    Journal journal(path, clock, JournalAccess::existing);
    Incident incident = attach_incident(journal, opts.incident);
    const Runbook& rb = *incident.state().runbook;
    Actor who = resolve_actor(ask_who(opts, incident.state()), rb.has_role("ic") || rb.roles.empty() ? "ic" : rb.roles.front());

    // Checked once the incident is known (a wrong --incident says so first): without a
    // terminal, curses would write escape codes into a pipe or a file forever.
    if (opts.keys.empty() && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
        throw InputError("the console needs a terminal (stdin and stdout are not one); for a scripted run give --keys FILE "
                         "[--dump-screen FILE], for readings without a console use 'drconsole probe'");
    // An action whose process died (a crash, kill -9) is found now and recorded as abandoned.
    reap_abandoned(incident, who);

    // A disk that fills up must fail a write, not kill the console.
    std::signal(SIGXFSZ, SIG_IGN);
    tui::RunOptions run;
    run.size = size;
    run.keys_file = opts.keys;
    run.dump_file = opts.dump;
    run.fake_clock = fake;
    run.utf8 = tui::locale_is_utf8();
    const char* no_color = std::getenv("NO_COLOR");
    run.monochrome = no_color && *no_color;

    std::shared_ptr<ReadingStore> store;
    std::unique_ptr<ProbeScheduler> scheduler;
    // Probes and running actions wake the UI through this pipe; the UI poll()s it with stdin.
    int wake[2] = {-1, -1};
    std::function<void()> wake_ui = [] {};
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) == 0) {
        int fd = wake[1];
        wake_ui = [fd] { (void)!::write(fd, "w", 1); };
        run.wake_fd = wake[0];
    }
    auto env = incident_environment(journal, incident.state(), opts.env);
    if (env) {
        store = std::make_shared<ReadingStore>();
        scheduler = std::make_unique<ProbeScheduler>(store);
        add_environment_probes(*scheduler, *env);
        scheduler->on_reading(wake_ui);
        scheduler->start();
    }
    // The console records what it reads: the samples an RPO is measured from (one recorder
    // per incident; another console or probe --db may hold the lease).
    std::unique_ptr<SampleRecorder> recorder;
    if (env && !incident.state().resolved()) {
        recorder = std::make_unique<SampleRecorder>(journal.path(), incident.id(), who, clock,
                                                    RecorderOptions{.label = fmt::format("console {}:{}", who.role, who.person)});
        recorder->start(store);
    }
    tui::ConsoleApp app(journal, std::move(incident), who, store, clock, env);
    app.show_guide(opts.guide);
    if (auto key = signing_key("")) app.sign_with(std::make_shared<const SigningKey>(std::move(*key)));
    app.on_wake(wake_ui);
    if (recorder) app.on_recorder_status([&recorder] { return recorder->status(); });
    int status = 0;
    {
        std::optional<StderrToLog> quiet;
        if (opts.keys.empty()) quiet.emplace(journal.path(), who);  // a scripted run has no terminal to keep clean
        status = tui::run_console(app, run);
    }
    if (scheduler) scheduler->stop();
    if (recorder) recorder->stop();  // the last batch, then the lease goes to another console
    for (int fd : wake)
        if (fd >= 0) close(fd);
    return status;
}

}  // namespace

CLI::App* add_open(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<OpenOptions>();
    CLI::App* cmd = app.add_subcommand("open", "Open the console on an incident (also: drconsole with no command)");
    cmd->add_option("--db", opts->db, "Journal file (default: $XDG_DATA_HOME/drconsole/journal.db)");
    cmd->add_option("--incident", opts->incident, "Incident id (default: the only open incident)");
    cmd->add_option("--env", opts->env, "Environment for live readings (default: the one the incident started with)");
    cmd->add_option("--as", opts->as, "Who is at this console: ROLE[:PERSON]; else $DRCONSOLE_AS; else asked before the screen opens (with --keys: ic:$USER)");
    cmd->add_option("--size", opts->size, "Test hook: draw at WIDTHxHEIGHT instead of the terminal's size");
    cmd->add_option("--keys", opts->keys, "Test hook: apply the keys in FILE without a terminal, then exit");
    cmd->add_option("--dump-screen", opts->dump, "Test hook: write the final screen as plain text to FILE");
    cmd->add_flag("--guide", opts->guide, "Show a line saying what to press next (for a first walk; drconsole demo turns it on)");
    cmd->footer(fmt::format("While the console runs, whatever would be written to standard error (library messages) goes to\n"
                            "{} beside the journal instead of onto the screen.\n\nKeys:\n", StderrToLog::kConsoleLog) +
                tui::keys_markdown());
    cmd->callback([opts, &exit_code] { exit_code = run_open(*opts); });
    return cmd;
}

void add_keys(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("keys", "Print the console's key bindings as a Markdown table");
    cmd->callback([&exit_code] {
        std::cout << tui::keys_markdown();
        exit_code = 0;
    });
}

}  // namespace drconsole::cli
