// drconsole lab: a real failover on this machine (lab/lab.h): up, status, fail, lag, truth, down,
// and the stand-ins the lab's environment points the runbooks' cloud tools at.
#include <unistd.h>

#include <climits>
#include <memory>

#include "cli/cli_common.h"
#include "cli/suggest.h"
#include "lab/lab.h"

namespace drconsole::cli {
namespace {

struct LabOptions {
    std::string dir;
    bool json = false;
    std::string what, system, amount;
    std::vector<std::string> tool_args;
};

}  // namespace

void add_lab(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<LabOptions>();
    CLI::App* lab = app.add_subcommand("lab", "A real failover on this machine: PostgreSQL, Kafka, HTTP and Prometheus on loopback");
    lab->require_subcommand(1);
    lab->footer("Every lab command takes --dir DIR (default: $DRCONSOLE_LAB, else ./drconsole-lab). Each is idempotent and says what it did.\n"
                "A drill on the lab: 'drconsole start --runbook checklists/quarterly-drill.md --env DIR/env.jsonc --mode drill …'; "
                "'make demo' does it all.");
    auto dir = [&](CLI::App* cmd) {
        cmd->add_option("--dir", opts->dir, "The lab's directory (default: $DRCONSOLE_LAB, else ./drconsole-lab)");
    };
    auto where = [opts] { return opts->dir.empty() ? lab::default_dir() : std::filesystem::path(opts->dir); };

    CLI::App* up = lab->add_subcommand(
        "up", "Start the lab on free loopback ports: PostgreSQL 15 primary + streaming standby with a writer, two Kafka clusters with "
              "a mirror and a producer, HTTP api-primary/api-secondary/admin, Prometheus; write DIR/env.jsonc");
    dir(up);
    up->callback([&exit_code, where] { exit_code = lab::up(where(), self_exe()); });

    CLI::App* status = lab->add_subcommand("status", "What runs, where, and what the runbooks' actions and the faults have changed (exit 3: no lab)");
    dir(status);
    status->add_flag("--json", opts->json, "The daemon's state as JSON");
    status->callback([&exit_code, where, opts] { exit_code = lab::status(where(), opts->json); });

    CLI::App* fail = lab->add_subcommand(
        "fail", "Inject a real fault: primary-region (all of: SIGKILL the primary PostgreSQL and cut its WAL link, stop the primary Kafka "
                "cluster's producer, mirror and brokers, stop api-primary), or one of pg-primary, kafka-primary, api-primary");
    dir(fail);
    fail->add_option("WHAT", opts->what, "primary-region | pg-primary | kafka-primary | api-primary")
        ->required()
        ->check(one_of({"primary-region", "pg-primary", "kafka-primary", "api-primary"}));
    fail->callback([&exit_code, where, opts] { exit_code = lab::fail(where(), opts->what); });

    CLI::App* lag = lab->add_subcommand(
        "lag", "Make replication really fall behind: 'lag pg 20s' delays the WAL the standby receives by 20 s (at most 50s); "
               "'lag kafka 500' has the mirror hold back the newest 500 messages; 0 ends it");
    dir(lag);
    lag->add_option("SYSTEM", opts->system, "pg | kafka")->required()->check(one_of({"pg", "kafka"}));
    lag->add_option("AMOUNT", opts->amount, "pg: a duration up to 50s (20s, 45s; 0 ends it); kafka: a number of messages")->required();
    lag->callback([&exit_code, where, opts] { exit_code = lab::lag(where(), opts->system, opts->amount); });

    CLI::App* truth = lab->add_subcommand(
        "truth", "The ground truth: acknowledged writes (the writer's and the producer's logs) that the other side does not hold");
    dir(truth);
    truth->add_flag("--json", opts->json, "As JSON");
    truth->callback([&exit_code, where, opts] { exit_code = lab::truth(where(), opts->json); });

    CLI::App* down = lab->add_subcommand("down", "Stop everything the lab runs and remove its files and data");
    dir(down);
    down->callback([&exit_code, where] { exit_code = lab::down(where()); });

    // Listed for --help; run by run_lab_tool before parsing (its arguments are the tool's, not ours).
    lab->add_subcommand("tool", "The lab's stand-in for a cloud tool (DIR/bin/NAME runs this): lab tool [--dir DIR] NAME ARGS…");
}

int run_lab_tool(const std::vector<std::string>& args) {
    // args: lab tool [--dir DIR] NAME ARGS…
    std::size_t at = 2;
    std::filesystem::path dir = lab::default_dir();
    if (at + 1 < args.size() && args[at] == "--dir") {
        dir = args[at + 1];
        at += 2;
    } else if (at < args.size() && args[at].rfind("--dir=", 0) == 0) {
        dir = args[at].substr(6);
        ++at;
    }
    return lab::tool(dir, std::vector<std::string>(args.begin() + static_cast<std::ptrdiff_t>(at), args.end()));
}

}  // namespace drconsole::cli
