// run actions: each command run as argv (drconsole/subprocess.h), its output captured, the
// first failure ending the block.
#include <chrono>

#include "actions/output.h"
#include "drconsole/actions.h"
#include "drconsole/clock.h"
#include "drconsole/subprocess.h"

namespace drconsole {

ActionResult run_commands(const std::vector<std::vector<std::string>>& commands, Millis timeout,
                          const std::map<std::string, std::string>& extra_env, const std::atomic<bool>* cancel) {
    ActionResult r;
    SystemClock clock;
    r.started_us = clock.wall_us();
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::string> envp = clean_environment(extra_env);
    CapturedOutput out;
    r.ok = true;
    r.exit_code = 0;
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& argv : commands) {
        if (argv.empty()) continue;
        SubprocessOutcome o = run_subprocess(argv, deadline, envp, [&](std::string_view bytes) { out.add(bytes); }, cancel);
        runs.push_back({{"program", argv[0]}, {"exit", o.exit_code}});
        r.exit_code = o.exit_code;
        r.timed_out = o.timed_out;
        r.cancelled = o.cancelled;
        if (!o.error.empty() || o.exit_code != 0) {
            r.ok = false;
            r.error = o.error;
            break;
        }
    }
    r.detail["commands"] = runs;
    out.finish(r);
    r.ended_us = clock.wall_us();
    return r;
}

}  // namespace drconsole
