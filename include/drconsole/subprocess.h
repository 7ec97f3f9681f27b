// Running a program as argv (never a shell) in a process group of its own, under a deadline:
// what run actions and command targets share.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "drconsole/clock.h"

namespace drconsole {

struct SubprocessOutcome {
    int exit_code = -1;  // 127: not found; 126: could not start; 128+N: killed by signal N
    bool timed_out = false;
    bool cancelled = false;
    std::string error;   // "" when it ran and exited 0
};

// Runs argv[0] (searched in a clean PATH unless it holds a '/') with stdin from /dev/null and
// stdout and stderr to `on_output`, in a new process group. At `deadline`, or once `cancel` is
// set, the group gets SIGTERM, then SIGKILL 2 s later; the group is killed when the program
// exits too, so that nothing it left behind holds the output open.
SubprocessOutcome run_subprocess(const std::vector<std::string>& argv, SteadyTime deadline, const std::vector<std::string>& envp,
                                 const std::function<void(std::string_view)>& on_output, const std::atomic<bool>* cancel = nullptr);

// PATH (a fixed, clean one), LANG=C.UTF-8, HOME, then `extra`; with this process's runner marker
// (runner.h), so that what it starts can be found and ended if it dies.
std::vector<std::string> clean_environment(const std::map<std::string, std::string>& extra = {});

}  // namespace drconsole
