// drconsole validate FILE... [--env FILE]: check runbooks before anything starts.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/environment.h"
#include "drconsole/runbook.h"
#include "drconsole/text.h"

namespace drconsole::cli {
namespace {

struct ValidateOptions {
    std::vector<std::string> files;
    std::string env;
};

int run_validate(const ValidateOptions& opts) {
    std::shared_ptr<const Environment> env = load_environment_or_refuse(opts.env);
    int status = 0;
    for (const auto& file : opts.files) {
        RunbookResult result = load_runbook(file);
        std::vector<Diagnostic> all = result.diagnostics;
        if (result.runbook && env) {
            auto more = check_runbook_targets(*result.runbook, *env);
            all.insert(all.end(), more.begin(), more.end());
        }
        print_diagnostics(all);
        bool failed = !result.runbook;
        for (const auto& d : all) failed = failed || d.severity == Severity::error;
        if (failed) {
            status = 2;
            continue;
        }
        const Runbook& rb = *result.runbook;
        std::string includes;
        for (const auto& f : rb.includes) includes += fmt::format("{} {}", includes.empty() ? "; includes" : ",", f.path);
        std::cout << safe_text(fmt::format("ok {} ({}{}, {}{})", file, rb.is_procedure() ? "a procedure: " : "", counted(rb.phases.size(), "phase"),
                                           counted(rb.step_count(), "step"), includes))
                  << '\n';
        if (rb.is_procedure()) std::cout << "   its roles and objectives are checked with the runbooks that include it\n";
    }
    return status;
}

}  // namespace

void add_validate(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<ValidateOptions>();
    CLI::App* cmd = app.add_subcommand("validate", "Check runbooks (and their targets against an environment)");
    cmd->add_option("files", opts->files, "Runbook files (Markdown)")->required();
    cmd->add_option("--env", opts->env, "Environment file: also check that gates, actions and rpo= name its targets");
    cmd->footer("Prints 'ok FILE (N phases, M steps; includes …)' per valid runbook, or FILE:LINE:COL: error: … lines.\n"
                "A '# Procedure: …' file (phases that runbooks include=) is checked on its own terms; its roles and\n"
                "objectives are checked with the runbooks that include it.\n"
                "Exit status: 0 all valid (warnings allowed), 2 any error.");
    cmd->callback([opts, &exit_code] { exit_code = run_validate(*opts); });
}

}  // namespace drconsole::cli
