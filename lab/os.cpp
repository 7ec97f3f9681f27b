// Ports, processes and the PostgreSQL user, on Linux.
#include "lab/os.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace drconsole::lab {
namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
    out.push_back(nullptr);
    return out;
}

// In the child, after fork: no descriptor of the lab's except 0, 1, 2.
void close_from_3() {
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);
}

}  // namespace

namespace {

// Whether `port` (0: any) binds on 127.0.0.1 now; the port it got.
int try_bind(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    socklen_t len = sizeof addr;
    int got = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        got = ntohs(addr.sin_port);
    ::close(fd);
    return got;
}

// The kernel's range for the local ports of outgoing connections.
std::pair<int, int> ephemeral_range() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    int low = 32768, high = 60999;
    in >> low >> high;
    return {low, high};
}

}  // namespace

int free_port() {
    // A port the kernel hands out as the local end of an outgoing connection (a probe's, a
    // test's) may be taken between now and the lab's bind: pick below that range, where only
    // listeners go.
    static std::mt19937 random(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
    auto [low, high] = ephemeral_range();
    (void)high;
    int top = std::min(low, 32768) - 1, bottom = std::max(1024, top - 12000);
    std::uniform_int_distribution<int> pick(bottom, top);
    for (int attempt = 0; attempt < 64 && top > bottom; ++attempt)
        if (int port = try_bind(pick(random))) return port;
    if (int port = try_bind(0)) return port;
    throw std::runtime_error("no free port on 127.0.0.1");
}

int listen_loopback(int port, int backlog) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, backlog) != 0) {
        ::close(fd);
        throw std::runtime_error(fmt::format("cannot listen on 127.0.0.1:{}", port));
    }
    return fd;
}

Finished run(const std::vector<std::string>& argv, int timeout_s) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    auto args = c_argv(argv);
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, 0);
        ::dup2(out[1], 1);
        ::dup2(out[1], 2);
        close_from_3();
        ::execv(args[0], args.data());
        std::fprintf(stderr, "cannot run %s\n", args[0]);
        ::_exit(127);
    }
    ::close(out[1]);
    Finished result;
    if (pid < 0) {
        ::close(out[0]);
        result.output = "fork failed";
        return result;
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    char buf[4096];
    for (;;) {
        pollfd p{out[0], POLLIN, 0};
        int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count());
        if (left <= 0) {
            ::kill(pid, SIGKILL);
            result.output += fmt::format("\n(ended after {} s)", timeout_s);
            break;
        }
        if (::poll(&p, 1, left) <= 0) continue;
        ssize_t n = ::read(out[0], buf, sizeof buf);
        if (n <= 0) break;
        result.output.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log, const std::vector<std::string>& env) {
    auto args = c_argv(argv);
    std::vector<std::string> env_strings = env;
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(1);
        int null = ::open("/dev/null", O_RDONLY);
        int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(null, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        close_from_3();
        for (const auto& e : env_strings) ::putenv(const_cast<char*>(e.c_str()));
        ::execv(args[0], args.data());
        std::fprintf(stderr, "cannot run %s\n", args[0]);
        ::_exit(127);
    }
    if (pid < 0) throw std::runtime_error("fork failed");
    return pid;
}

bool alive(pid_t pid) {
    if (pid <= 0) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

void stop_process(pid_t pid, int grace_ms) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
    while (alive(pid) && std::chrono::steady_clock::now() < until) {
        ::waitpid(pid, nullptr, WNOHANG);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (alive(pid)) ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename().string();
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
        auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        char state = 0;
        int ppid = 0;
        if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent)
            out.push_back(static_cast<pid_t>(std::stoi(name)));
    }
    return out;
}

std::string command_line(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool as_root() { return ::geteuid() == 0; }

std::vector<std::string> as_postgres(std::vector<std::string> argv) {
    if (!as_root()) return argv;
    argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
    return argv;
}

void give_to_postgres(const std::filesystem::path& path) {
    if (!as_root()) return;
    passwd* pw = ::getpwnam("postgres");
    if (!pw) throw std::runtime_error("no 'postgres' user: install postgresql-15");
    if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("cannot chown " + path.string() + " to postgres");
}

}  // namespace drconsole::lab
