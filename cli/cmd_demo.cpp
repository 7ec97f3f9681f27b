// drconsole demo: the lab up, a quarterly drill started against it, the console opened with a
// guide (or, without a terminal, walked by its key script), then the measured RPO next to the
// lab's ground truth, and the lab down. What `make demo` runs.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "drconsole/text.h"
#include "lab/lab.h"
#include "lab/lab_state.h"
#include "lab/truth.h"

extern char** environ;

namespace drconsole::cli {
namespace {

struct DemoOptions {
    std::string dir = "demo-out";
    std::string runbook = "checklists/quarterly-drill.md";
    std::string keys;  // default: data/quarterly-drill-on-the-lab.keys beside the runbook's folder
    bool headless = false, keep_lab = false;
};

volatile sig_atomic_t stop_signal = 0;
volatile pid_t child_pid = 0;

// Runs this program with `args` on the same terminal and waits; a stop signal is passed on.
// `quiet_stdout`: what it prints on stdout is dropped (stderr still shows).
int run_self(const std::vector<std::string>& args, bool quiet_stdout = false) {
    std::vector<std::string> argv{self_exe()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    pid_t pid = 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (quiet_stdout) posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    int rc = ::posix_spawn(&pid, c[0], &actions, nullptr, c.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot run " + argv[0]);
    child_pid = pid;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    child_pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

void say(const std::string& text) {
    bool tty = ::isatty(STDOUT_FILENO);
    std::cout << (tty ? "\n\033[1m== " : "\n== ") << text << (tty ? "\033[0m\n" : "\n") << std::flush;
}

std::string figure(const nlohmann::json& v, const char* unit) { return v.is_number() ? fmt::format("{:.2f}{}", v.get<double>(), unit) : "not measured"; }

// The report's figures next to the lab's ground truth.
void compare(const std::filesystem::path& report_json, const lab::Truth& t) {
    std::ifstream in(report_json);
    auto report = nlohmann::json::parse(in, nullptr, false);
    if (report.is_discarded()) {
        std::cout << "no report at " << report_json.string() << "\n";
        return;
    }
    for (const auto& a : report["achieved"]) {
        std::string c = a.value("component", "");
        if (c == "postgres")
            std::cout << fmt::format("PostgreSQL  RPO measured {} ({}, ±{} s)   true: {} ({} acknowledged commits lost)   RTO {}\n",
                                     figure(a["rpo_s"], " s"), safe_text(a.value("rpo_method", "")), a.value("rpo_uncertainty_s", 0.0),
                                     t.pg_loss_s ? fmt::format("{:.2f} s", *t.pg_loss_s) : "unknown", t.pg_rows_lost, figure(a["rto_s"], " s"));
        else if (c == "kafka")
            std::cout << fmt::format("Kafka       RPO measured {}, {} messages lost   true: {}, {} messages lost   RTO {}\n", figure(a["rpo_s"], " s"),
                                     a["messages_lost"].is_number() ? a["messages_lost"].dump() : "?",
                                     t.kafka_loss_s ? fmt::format("{:.2f} s", *t.kafka_loss_s) : "unknown", t.kafka_lost, figure(a["rto_s"], " s"));
    }
    if (const auto& service = report["service"]; service.is_object())
        std::cout << fmt::format("Service     RTO {}   ({})\n", figure(service["rto_s"], " s"), safe_text(service.value("reason", "")));
    std::cout << "(measured: what the console recorded, in the report; true: the lab's writers' logs against what the promoted side holds)\n";
}

int run_demo(const DemoOptions& o) {
    std::filesystem::path dir = o.dir, lab_dir = dir / "lab", db = dir / "journal.db";
    std::filesystem::path runbook = o.runbook;
    if (!std::filesystem::exists(runbook))
        throw InputError(fmt::format("no runbook at {}: run the demo from the drconsole folder (make demo), or give --runbook", runbook.string()));
    std::filesystem::path keys = o.keys.empty() ? std::filesystem::absolute(runbook).parent_path().parent_path() / "data" / "quarterly-drill-on-the-lab.keys"
                                                : std::filesystem::path(o.keys);
    bool headless = o.headless || !::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO);
    if (headless && !std::filesystem::exists(keys)) throw InputError(fmt::format("no key script at {}: give --keys", keys.string()));

    // A previous demo's lab and journal go first: each demo is a fresh drill.
    if (lab::read_state(lab_dir)) lab::down(lab_dir);
    std::filesystem::create_directories(dir);
    for (const char* stale : {"journal.db", "journal.db-wal", "journal.db-shm", "incident-1-report.md", "incident-1-report.html", "incident-1-report.json"})
        std::filesystem::remove(dir / stale);

    struct sigaction on_stop{};
    on_stop.sa_handler = [](int sig) {
        stop_signal = sig;
        if (child_pid > 0 && sig != SIGINT) ::kill(child_pid, SIGTERM);  // Ctrl-C reaches the console itself
    };
    say("The lab: PostgreSQL, Kafka, HTTP and Prometheus on this machine's loopback");
    // Unless it is to be kept, the lab ends with the demo, even one killed before it can stop it.
    static std::string tied;  // putenv keeps the pointer
    tied = fmt::format("{}={}", lab::kTiedToVariable, ::getpid());
    if (!o.keep_lab) ::putenv(tied.data());
    int code = lab::up(lab_dir, self_exe(), false);
    if (code != 0) return code;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &on_stop, nullptr);
    struct Down {
        std::filesystem::path dir;
        bool keep;
        ~Down() {
            if (keep) return;
            std::cout << "\n";
            lab::down(dir);
        }
    } down{lab_dir, o.keep_lab};

    say("Replication falls behind, as it does under load: the standby receives WAL 3 s late, the mirror holds back 200 messages");
    lab::lag(lab_dir, "pg", "3s");
    lab::lag(lab_dir, "kafka", "200");

    say(fmt::format("A quarterly drill of {} against the lab, in {}", runbook.string(), db.string()));
    std::string person = current_user();
    code = run_self({"start", "--db", db.string(), "--runbook", runbook.string(), "--env", (lab_dir / "env.jsonc").string(), "--mode", "drill",
                     "--roster", fmt::format("ic={},db=dmitri,messaging=sofia,app=kwame,observability=lena,comms=olu,scribe=jun", person), "--as",
                     "ic:" + person},
                    true);
    if (code != 0 || stop_signal) return code ? code : 130;

    if (headless) {
        say(fmt::format("No terminal: the console walks the drill by its key script ({}), on the lab's live systems", keys.string()));
        code = run_self({"open", "--db", db.string(), "--as", "ic:" + person, "--keys", keys.string(), "--size", "160x50", "--dump-screen",
                         (dir / "screen.txt").string()});
        if (code != 0) std::cerr << fmt::format("drconsole demo: the scripted walk stopped; its last screen is in {}\n", (dir / "screen.txt").string());
    } else {
        say("The console opens: the line marked NEXT says what to press. You are the IC.");
        std::cout << "Press Enter to open it… " << std::flush;
        std::string line;
        std::getline(std::cin, line);
        code = run_self({"open", "--db", db.string(), "--as", "ic:" + person, "--guide"});
    }
    auto state = lab::read_state(lab_dir);
    auto report = dir / "incident-1-report.json";
    Journal journal = open_journal(db.string(), JournalAccess::read_only);
    bool resolved = attach_incident(journal, 1).state().resolved();
    // Resolved, but the console's offer to write the report was declined: the comparison needs it.
    if (resolved && !std::filesystem::exists(report))
        run_self({"report", "--db", db.string(), "--incident", "1", "--format", "json", "-o", report.string()}, true);
    if (state && resolved && std::filesystem::exists(report)) {
        say("Measured vs true");
        compare(report, lab::ground_truth(lab_dir, *state));
        bool html = std::filesystem::exists(dir / "incident-1-report.html");
        std::cout << fmt::format("\nThe report: {}{}; the journal: {}\n", report.string(),
                                 html ? " (and .md, .html beside it)" : fmt::format(" ('drconsole report --db {} --format html' writes the others)", db.string()),
                                 db.string());
    } else {
        std::cout << fmt::format("\nThe drill was not resolved, so there is no report to compare yet. {}\n",
                                 o.keep_lab ? fmt::format("The lab keeps running: drconsole open --db {} goes on; drconsole lab down --dir {} stops it.",
                                                          db.string(), lab_dir.string())
                                            : "Run the demo again to start over (--keep-lab keeps the lab running for drconsole open).");
    }
    return stop_signal ? 130 : code;
}

}  // namespace

void add_demo(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<DemoOptions>();
    CLI::App* cmd = app.add_subcommand(
        "demo", "A quarterly drill on live systems: the lab up, the console with a guide, a real fault and promotion, the report's RPO "
                "next to the lab's ground truth, the lab down (what 'make demo' runs)");
    cmd->add_option("--dir", opts->dir, "Where the journal, the report and the lab go (default: demo-out)");
    cmd->add_option("--runbook", opts->runbook, "The drill's runbook (default: checklists/quarterly-drill.md)");
    cmd->add_option("--keys", opts->keys, "The key script for --headless (default: data/quarterly-drill-on-the-lab.keys)");
    cmd->add_flag("--headless", opts->headless, "Walk the drill through the console's code path by its key script (the default without a terminal)");
    cmd->add_flag("--keep-lab", opts->keep_lab, "Leave the lab running afterwards (stop it with: drconsole lab down --dir DIR/lab)");
    cmd->callback([opts, &exit_code] { exit_code = run_demo(*opts); });
}

}  // namespace drconsole::cli
