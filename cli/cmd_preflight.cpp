// drconsole preflight --env FILE TARGET: is this standby safe to promote?
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/gate_eval.h"
#include "drconsole/preflight.h"
#include "drconsole/text.h"
#include "drconsole/safe_json.h"

namespace drconsole::cli {
namespace {

struct PreflightOptions {
    std::string env, target, runbook;
    bool json = false;
};

int run_preflight(const PreflightOptions& opts) {
    auto env = load_environment_or_refuse(opts.env);
    const Target* target = env->find(opts.target);
    if (!target || target->type != TargetType::postgres) {
        std::vector<std::string> postgres;
        for (const auto& [id, t] : env->targets)
            if (t.type == TargetType::postgres) postgres.push_back(id);
        throw InputError(fmt::format("'{}' is not a postgres target of {}{}", safe_text(opts.target), opts.env, did_you_mean(opts.target, postgres)));
    }
    std::optional<Millis> rpo;
    if (!opts.runbook.empty()) {
        RunbookResult rb = load_runbook(opts.runbook);
        if (!rb.runbook) throw InputError(rb.diagnostics);
        auto by_target = rpo_by_target(*rb.runbook);
        if (by_target.count(target->id)) rpo = by_target.at(target->id);
    }
    auto checks = preflight(*env, *target, rpo);
    if (opts.json) {
        std::cout << safe_json(nlohmann::json{{"target", target->id}, {"checks", to_json(checks)}, {"failed", any_failed(checks)}}, 2) << '\n';
    } else {
        for (const auto& c : checks) std::cout << safe_text(fmt::format("{:<38} {:<4}  {}", c.name, to_string(c.outcome), c.value)) << '\n';
    }
    std::string warned, failed;
    for (const auto& c : checks) {
        if (c.outcome == CheckOutcome::warn) warned += (warned.empty() ? "" : ", ") + c.name;
        if (c.outcome == CheckOutcome::fail) failed += (failed.empty() ? "" : ", ") + c.name;
    }
    if (!failed.empty()) std::cerr << safe_text(fmt::format("drconsole: preflight failed: {} (exit status 1)", failed)) << '\n';
    else if (!warned.empty()) std::cerr << safe_text(fmt::format("drconsole: warning: preflight passed with warnings: {}", warned)) << '\n';
    return failed.empty() ? 0 : 1;
}

}  // namespace

void add_preflight(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<PreflightOptions>();
    CLI::App* cmd = app.add_subcommand("preflight", "Check that a PostgreSQL standby is safe to promote");
    cmd->add_option("--env", opts->env, "Environment file")->required();
    cmd->add_option("target", opts->target, "The standby's target id")->required();
    cmd->add_option("--runbook", opts->runbook, "Runbook whose objectives give the RPO the lag is checked against");
    cmd->add_flag("--json", opts->json, "Machine output");
    cmd->footer("Each check: pass / warn / fail with what was seen. Exit status: 0 nothing failed (a warning prints a\n"
                "'warning:' line on stderr and still exits 0), 1 a check failed, 2 bad input.\n"
                "It also runs by itself before any step whose action promotes a standby; a failure blocks that step like a gate.");
    cmd->callback([opts, &exit_code] { exit_code = run_preflight(*opts); });
}

}  // namespace drconsole::cli
