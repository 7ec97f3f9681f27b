// Running a program as argv (never a shell) in a process group of its own, under a deadline.
#include "drconsole/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "drconsole/runner.h"

namespace drconsole {
namespace {

constexpr const char* kCleanPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string resolve(const std::string& program) {
    if (program.find('/') != std::string::npos) return program;
    std::string_view dirs(kCleanPath);
    for (std::size_t start = 0; start <= dirs.size();) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string_view::npos) end = dirs.size();
        std::string candidate = std::string(dirs.substr(start, end - start)) + "/" + program;
        struct stat st{};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return {};
}

void kill_group(pid_t pgid, int sig) {
    if (pgid > 0) ::kill(-pgid, sig);
}

}  // namespace

SubprocessOutcome run_subprocess(const std::vector<std::string>& argv, SteadyTime deadline, const std::vector<std::string>& env,
                                 const std::function<void(std::string_view)>& on_output, const std::atomic<bool>* cancel) {
    SubprocessOutcome o;
    std::string path = resolve(argv.at(0));
    if (path.empty()) {
        o.exit_code = 127;
        o.error = fmt::format("command not found: {}", argv[0]);
        return o;
    }
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        o.error = fmt::format("pipe: {}", std::strerror(errno));
        return o;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    // No journal, socket or pipe of ours reaches the child, whatever its close-on-exec flag.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigfillset(&defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> cargv, cenv;
    std::vector<std::string> args = argv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    std::vector<std::string> envs = env;
    for (auto& e : envs) cenv.push_back(e.data());
    cenv.push_back(nullptr);

    pid_t pid = 0;
    int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(pipe_fds[1]);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        o.exit_code = 126;
        o.error = fmt::format("cannot start {}: {}", path, std::strerror(rc));
        return o;
    }
    int status = 0;
    bool exited = false, pipe_open = true;
    auto stop_group = [&](int first_signal) {
        kill_group(pid, first_signal);
        auto grace = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (std::chrono::steady_clock::now() < grace) {
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                exited = true;
                break;
            }
            ::poll(nullptr, 0, 20);
        }
        kill_group(pid, SIGKILL);  // and whatever the command left behind in its group
        if (!exited && ::waitpid(pid, &status, 0) == pid) exited = true;
    };
    while (!exited || pipe_open) {
        if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) {
            exited = true;
            kill_group(pid, SIGKILL);  // children left in the group would hold the pipe open
        }
        if (cancel && cancel->load()) {
            o.cancelled = true;
            stop_group(SIGTERM);
            break;
        }
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            o.timed_out = true;
            if (!exited) stop_group(SIGTERM);
            break;
        }
        if (!pipe_open) {
            ::poll(nullptr, 0, 10);
            continue;
        }
        pollfd p{pipe_fds[0], POLLIN, 0};
        int wait_ms = static_cast<int>(std::min<long>(100, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1));
        if (::poll(&p, 1, wait_ms) > 0) {
            char buf[8192];
            ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
            if (n > 0) on_output(std::string_view(buf, static_cast<std::size_t>(n)));
            else pipe_open = false;
        }
    }
    ::close(pipe_fds[0]);
    if (exited) {
        if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) o.exit_code = 128 + WTERMSIG(status);
    }
    if (o.timed_out) o.error = fmt::format("{} timed out: killed with its process group", argv[0]);
    else if (o.cancelled) o.error = fmt::format("{} cancelled: killed with its process group", argv[0]);
    else if (o.exit_code != 0) o.error = fmt::format("{} exited with status {}", argv[0], o.exit_code);
    return o;
}


std::vector<std::string> clean_environment(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env{{"PATH", kCleanPath}, {"LANG", "C.UTF-8"}};
    if (const char* home = std::getenv("HOME")) env["HOME"] = home;
    for (const auto& [k, v] : extra) env[k] = v;
    // Marks the commands as this process's, so that if it dies they are found and ended.
    std::vector<std::string> envp{runner_marker(this_runner())};
    for (const auto& [k, v] : env) envp.push_back(k + "=" + v);
    return envp;
}

}  // namespace drconsole
