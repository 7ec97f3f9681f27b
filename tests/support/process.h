// Runs the real drconsole binary (or any program) and captures what it printed.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace drconsole::test {

struct ProcessResult {
    int exit_code = -1;  // -1: killed by a signal
    std::string out;
    std::string err;
};

// Runs argv[0] with its arguments, no shell, stdin from /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});
// Runs the drconsole binary under test.
ProcessResult run_drconsole(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {});

std::string source_path(const std::string& relative);

// Polls `done` every 50 ms until it holds (true) or `limit` passes (false).
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit);

}  // namespace drconsole::test
