// Which process runs an action, so that an action whose process died can be told from one that
// still runs, and the commands it left behind can be found and ended.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace drconsole {

struct Runner {
    int pid = 0;
    long long start = 0;  // the process's start time in clock ticks since boot (/proc/PID/stat field 22)
    std::string host;

    nlohmann::json to_json() const;
    static Runner from_json(const nlohmann::json& j);  // pid 0 when absent
};

// This process.
const Runner& this_runner();
// True while the process is alive (same pid and start time) on this host; true too when it
// cannot be known here (another host, no pid recorded): nothing is declared dead on a guess.
bool may_be_alive(const Runner& runner);

// Every command an action runs carries DRCONSOLE_RUNNER=<pid>:<start> in its environment.
inline constexpr const char* kRunnerVariable = "DRCONSOLE_RUNNER";
std::string runner_marker(const Runner& runner);
// Ends (SIGKILL) every process group with a process whose environment carries the runner's
// marker, waits up to 2 s for them to go, and returns the process groups it ended.
std::vector<int> kill_left_behind(const Runner& runner);

}  // namespace drconsole
