// Runner identity from /proc, and finding what a dead runner's commands left behind.
#include "drconsole/runner.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace drconsole {
namespace {

// Field 22 of /proc/PID/stat (after the command name in parentheses, which may hold spaces).
long long start_time(int pid) {
    std::ifstream in(fmt::format("/proc/{}/stat", pid));
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i)
        if (i == 22) return std::atoll(field.c_str());
    return 0;
}

std::string host_name() {
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    return name;
}

bool carries(int pid, const std::string& marker) {
    std::ifstream in(fmt::format("/proc/{}/environ", pid), std::ios::binary);
    std::string entry;
    while (std::getline(in, entry, '\0'))
        if (entry == marker) return true;
    return false;
}

}  // namespace

nlohmann::json Runner::to_json() const { return {{"pid", pid}, {"start", start}, {"host", host}}; }

Runner Runner::from_json(const nlohmann::json& j) {
    Runner r;
    if (!j.is_object()) return r;
    r.pid = j.value("pid", 0);
    r.start = j.value("start", 0LL);
    r.host = j.value("host", "");
    return r;
}

const Runner& this_runner() {
    static const Runner self{static_cast<int>(getpid()), start_time(static_cast<int>(getpid())), host_name()};
    return self;
}

bool may_be_alive(const Runner& r) {
    if (r.pid <= 0 || r.host != this_runner().host) return true;
    return start_time(r.pid) == r.start && r.start != 0;
}

std::string runner_marker(const Runner& r) { return fmt::format("{}={}:{}", kRunnerVariable, r.pid, r.start); }

std::vector<int> kill_left_behind(const Runner& r) {
    std::string marker = runner_marker(r);
    std::set<int> groups;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        int pid = std::atoi(entry.path().filename().c_str());
        if (pid <= 1 || pid == getpid() || !carries(pid, marker)) continue;
        pid_t group = getpgid(pid);
        if (group > 1 && group != getpgrp()) groups.insert(group);
        else kill(pid, SIGKILL);
    }
    for (int g : groups) kill(-g, SIGKILL);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (int g : groups)
        while (kill(-g, 0) == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return {groups.begin(), groups.end()};
}

}  // namespace drconsole
