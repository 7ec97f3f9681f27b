// drconsole: the command line. Exit status 0 success, 1 runtime failure, 2 bad input.
#include <clocale>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"
#include "cli/suggest.h"
#include "drconsole/text.h"

int main(int argc, char** argv) {
    std::setlocale(LC_ALL, "");
    using namespace drconsole;
    CLI::App app{"drconsole: run a disaster-recovery runbook, record every action, measure RPO and RTO"};
    app.set_version_flag("--version", "drconsole 0.1.0");
    app.require_subcommand(0, 1);
    app.footer("Exit status: 0 success, 1 runtime failure (journal, I/O), 2 bad input or a refused command.\n"
               "Run 'drconsole COMMAND --help' for each command's options.");
    int exit_code = 0;
    app.fallthrough();  // global options may follow the command
    app.add_option_function<std::string>("--clock", [](const std::string& spec) { cli::set_clock(spec); },
                                         "Test hook: fake:YYYY-MM-DDTHH:MM:SSZ[+RATE] for deterministic clocks");
    cli::add_validate(app, exit_code);
    cli::add_start(app, exit_code);
    cli::add_record_commands(app, exit_code);
    cli::add_status(app, exit_code);
    cli::add_verify(app, exit_code);
    cli::add_signing(app, exit_code);
    cli::add_probe(app, exit_code);
    CLI::App* open = cli::add_open(app, exit_code);
    cli::add_keys(app, exit_code);
    cli::add_preflight(app, exit_code);
    cli::add_report_commands(app, exit_code);
    cli::add_lab(app, exit_code);
    cli::add_demo(app, exit_code);
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() >= 2 && args[0] == "lab" && args[1] == "tool" && !(args.size() == 3 && args[2] == "--help")) return cli::run_lab_tool(args);
        cli::refuse_unknown_command(app, args);
        app.parse(argc, argv);
        // No command: open the console, as `drconsole open` would with its defaults.
        if (app.get_subcommands().empty()) open->parse(std::vector<std::string>{});
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() != 0)
            if (std::string unknown = cli::unknown_option(app, args); !unknown.empty()) {
                std::cerr << "drconsole: error: " << unknown << '\n';
                return 2;
            }
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        std::cerr << "drconsole: error: " << safe_text(e.what()) << "; '" << cli::help_command(app, args) << "' lists what it takes\n";
        return 2;
    } catch (const InputError& e) {
        if (e.diagnostics().empty()) std::cerr << "drconsole: error: " << safe_text(e.what(), true) << '\n';
        else cli::print_diagnostics(e.diagnostics());
        return 2;
    } catch (const RuleViolation& e) {
        std::cerr << "drconsole: refused: " << safe_text(e.what()) << " (nothing recorded)\n";
        return 2;
    } catch (const JournalError& e) {
        // Said only by a command that records: a report or a verify records nothing anyway.
        bool reads_only = false;
        for (const CLI::App* sub : app.get_subcommands())
            for (const char* name : {"status", "list", "verify", "report", "export", "metrics", "validate", "keygen"})
                reads_only = reads_only || sub->get_name() == name;
        std::cerr << "drconsole: error: " << safe_text(e.what()) << (reads_only ? "\n" : " (nothing was recorded)\n");
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "drconsole: error: " << safe_text(e.what()) << '\n';
        return 1;
    }
    return exit_code;
}
