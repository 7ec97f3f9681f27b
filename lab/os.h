// What the lab needs of the operating system: free ports, child processes, PostgreSQL's user.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace drconsole::lab {

// A free TCP port on 127.0.0.1 (bound and released: a server started next takes it).
int free_port();
// A listening socket on 127.0.0.1:port (close-on-exec, SO_REUSEADDR); throws naming the port.
int listen_loopback(int port, int backlog);

struct Finished {
    int exit_code = -1;  // -1: killed by a signal or never started
    std::string output;  // stdout and stderr together
};
// Runs argv (no shell), stdin from /dev/null, and waits; `timeout_s` ends it with SIGKILL.
Finished run(const std::vector<std::string>& argv, int timeout_s = 120);

// Starts argv in the background with stdout and stderr appended to `log`; the child gets
// SIGTERM when this process dies (it never outlives the lab).
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log, const std::vector<std::string>& env = {});
// SIGTERM, then SIGKILL after `grace_ms`; reaps a child of ours.
void stop_process(pid_t pid, int grace_ms = 3000);
bool alive(pid_t pid);  // running (a zombie counts as gone)
std::vector<pid_t> children_of(pid_t parent);
std::string command_line(pid_t pid);

// PostgreSQL refuses to run as root: as root its programs run as "postgres" and the files it
// owns are chowned to that user.
bool as_root();
std::vector<std::string> as_postgres(std::vector<std::string> argv);
void give_to_postgres(const std::filesystem::path& path);

}  // namespace drconsole::lab
