// The benchmark driver's common parts.
#include "common.h"

#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

extern char** environ;

namespace bench {

Process run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    Child child = spawn(argv, env, true);
    return finish(child);
}

namespace {
double cpu_of(int who) {
    struct rusage ru {};
    getrusage(who, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}
}  // namespace

double thread_cpu_ms() { return cpu_of(RUSAGE_THREAD); }
double process_cpu_ms() { return cpu_of(RUSAGE_SELF); }
double now_ms() { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}
double median(std::vector<double> v) { return percentile(std::move(v), 50); }
double maximum(const std::vector<double>& v) { return v.empty() ? NAN : *std::max_element(v.begin(), v.end()); }

std::string ms(double v) {
    if (std::isnan(v)) return "n/a";
    if (v >= 100) return fmt::format("{:.0f} ms", v);
    if (v >= 10) return fmt::format("{:.1f} ms", v);
    return fmt::format("{:.2f} ms", v);
}
std::string times(double ratio) { return std::isnan(ratio) ? "n/a" : ratio >= 10 ? fmt::format("{:.0f}×", ratio) : fmt::format("{:.2f}×", ratio); }

std::string Lab::pg_dsn(const std::string& which) const {
    return fmt::format("host=127.0.0.1 port={} dbname=ledger user=drconsole connect_timeout=2", port(which == "primary" ? "pg_primary" : "pg_standby"));
}

Lab lab_up(const Options& o) {
    Lab lab;
    lab.dir = o.work / "lab";
    std::map<std::string, std::string> env{{"DRCONSOLE_LAB_TIED_TO", std::to_string(getpid())}};
    Process p = run({o.drconsole.string(), "lab", "up", "--dir", lab.dir.string()}, env);
    if (p.status != 0) throw std::runtime_error("drconsole lab up failed:\n" + p.out);
    std::ifstream in(lab.dir / "lab.json");
    lab.state = nlohmann::json::parse(in);
    return lab;
}

void lab_down(const Options& o, const Lab& lab) { run({o.drconsole.string(), "lab", "down", "--dir", lab.dir.string()}); }

void lab_command(const Options& o, const Lab& lab, const std::vector<std::string>& args) {
    std::vector<std::string> argv{o.drconsole.string(), "lab"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.begin() + 3, {"--dir", lab.dir.string()});
    Process p = run(argv);
    if (p.status != 0) throw std::runtime_error(fmt::format("drconsole lab {} failed:\n{}", args.at(0), p.out));
}

std::string machine_description() {
    std::string model = "unknown CPU";
    std::ifstream cpu("/proc/cpuinfo");
    for (std::string line; std::getline(cpu, line);)
        if (line.rfind("model name", 0) == 0) { model = line.substr(line.find(':') + 2); break; }
    struct utsname u {};
    uname(&u);
    long mem_kb = 0;
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    meminfo >> key >> mem_kb;
    std::string fs = "unknown";
    Process df = run({"df", "--output=fstype", "-h", std::filesystem::temp_directory_path().string()});
    if (df.status == 0 && df.out.find('\n') != std::string::npos) {
        fs = df.out.substr(df.out.find('\n') + 1);
        while (!fs.empty() && std::isspace(static_cast<unsigned char>(fs.back()))) fs.pop_back();
    }
    return fmt::format("{} × {}, {:.1f} GiB RAM, {} {}, scratch file system {} ({})", std::thread::hardware_concurrency(), model,
                       static_cast<double>(mem_kb) / 1048576.0, u.sysname, u.release, fs, std::filesystem::temp_directory_path().string());
}

void write_results(const std::filesystem::path& path, const Options& o, const std::vector<Row>& rows, double seconds) {
    std::ofstream out(path);
    out << "# Benchmark results\n\n"
        << "Written by " << (o.only.empty() ? fmt::format("`make {}`", o.quick ? "bench-quick" : "bench") : std::string("drbench --only"))
        << " (bench/driver): drconsole against what an SRE "
        << "would otherwise run, on the same machine, at the same moment. The machine is shared and noisy: read the "
        << "ratios, not the absolute times.\n\n"
        << "- Machine: " << machine_description() << "\n"
        << "- Build: Release; mode: " << (o.quick ? "quick (fewer rounds, smaller data)" : "full")
        << (o.only.empty() ? std::string() : fmt::format(", only {}", fmt::join(o.only, ", "))) << "; run took "
        << fmt::format("{:.0f} s", seconds) << "\n\n"
        << "| figure | drconsole | comparison | ratio | target | met? |\n|---|---|---|---|---|---|\n";
    auto cell = [](std::string s) {
        std::string r;
        for (char c : s) r += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
        return r;
    };
    for (const auto& r : rows)
        out << "| " << cell(r.figure) << " | " << cell(r.drconsole) << " | " << cell(r.comparison) << " | " << cell(r.ratio) << " | "
            << cell(r.target) << " | " << (r.met ? (*r.met ? "yes" : "**no**") : "—") << " |\n";
    out << "\n## How each figure was measured\n\n";
    for (const auto& r : rows)
        if (!r.note.empty()) out << "- **" << cell(r.figure) << "**: " << r.note << "\n";
}

}  // namespace bench

namespace bench {

BlackHole::BlackHole() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 1) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::runtime_error("cannot open a black-holed port");
    port = ntohs(addr.sin_port);
}
BlackHole::~BlackHole() { if (fd >= 0) ::close(fd); }

void write_many_targets(const std::filesystem::path& path, const Lab& lab, int http, int pg, int holes, int hole_port) {
    nlohmann::json targets = nlohmann::json::object();
    const int http_ports[] = {lab.port("api_primary"), lab.port("api_secondary")};
    for (int i = 0; i < http; ++i)
        targets[fmt::format("http-{:04}", i)] = {{"type", "http"}, {"url", fmt::format("http://127.0.0.1:{}/healthz", http_ports[i % 2])}};
    for (int i = 0; i < pg; ++i)
        targets[fmt::format("pg-{:04}", i)] = {{"type", "postgres"}, {"dsn", lab.pg_dsn(i % 2 ? "standby" : "primary")}};
    for (int i = 0; i < holes; ++i) {
        if (i % 2) targets[fmt::format("hole-pg-{:02}", i)] = {
                       {"type", "postgres"}, {"dsn", fmt::format("host=127.0.0.1 port={} dbname=ledger user=drconsole connect_timeout=2", hole_port)}};
        else targets[fmt::format("hole-http-{:02}", i)] = {{"type", "http"}, {"url", fmt::format("http://127.0.0.1:{}/healthz", hole_port)}};
    }
    nlohmann::json env = {{"name", "bench"}, {"targets", targets}, {"roster", {{"ic", "bench"}}}};
    std::ofstream(path) << env.dump(2) << "\n";
}

Child spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, bool with_stderr) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    Child c;
    c.started_ms = now_ms();
    c.pid = fork();
    if (c.pid == 0) {
        dup2(out[1], 1);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(with_stderr ? out[1] : null, 2);  // run(): what it says on stderr too, the reason when it fails
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(out[1]);
    c.out = out[0];
    fcntl(c.out, F_SETFL, O_NONBLOCK);
    return c;
}

Process finish(Child& c) {
    Process p;
    fcntl(c.out, F_SETFL, 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(c.out, buf, sizeof buf)) > 0) p.out.append(buf, static_cast<std::size_t>(n));
    close(c.out);
    int status = 0;
    struct rusage ru {};
    wait4(c.pid, &status, 0, &ru);
    p.wall_ms = now_ms() - c.started_ms;
    p.cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    p.max_rss_kb = ru.ru_maxrss;
    p.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return p;
}

int threads_of(pid_t pid) {
    std::ifstream in(fmt::format("/proc/{}/status", pid));
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
    return 0;
}

}  // namespace bench
