// The benchmark driver's common parts: whole processes timed with their CPU and peak memory,
// medians and percentiles, the lab this machine runs, and the rows of bench/results.md.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench {

struct Options {
    bool quick = false;
    std::filesystem::path drconsole;    // the Release binary under test
    std::filesystem::path fill_journal; // the journal generator (bench/fill_journal.cpp)
    std::filesystem::path source;       // the checkout (runbooks)
    std::filesystem::path work;         // scratch directory, removed at the end
    std::vector<std::string> only;      // row keys to run; empty: all
};

// One line of bench/results.md.
struct Row {
    std::string figure;       // what was measured
    std::string drconsole;    // drconsole's figure
    std::string comparison;   // what it is compared with, and its figure
    std::string ratio;        // e.g. "72× less wall"
    std::string target;       // the target
    std::optional<bool> met;  // nothing: no target, only reported
    std::string note;         // how it was measured
};

// A whole process run to its end: wall time, its CPU (user + system, from wait4) and peak RSS;
// `out` holds its standard output and error.
struct Process {
    int status = -1;           // exit status, or 128 + signal
    double wall_ms = 0, cpu_ms = 0;
    long max_rss_kb = 0;
    std::string out;           // its standard output
};
Process run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

// Thread CPU time of the calling thread (getrusage RUSAGE_THREAD), in ms.
double thread_cpu_ms();
double process_cpu_ms();
double now_ms();  // steady clock

double median(std::vector<double> v);
double percentile(std::vector<double> v, double p);  // p in [0, 100], nearest rank
double maximum(const std::vector<double>& v);

std::string ms(double v);          // "1.23 ms" / "84 ms"
std::string times(double ratio);   // "72×" / "1.12×"

// The lab (`drconsole lab up` in a directory of its own, tied to this process).
struct Lab {
    std::filesystem::path dir;
    nlohmann::json state;  // DIR/lab.json
    std::string pg_dsn(const std::string& which) const;  // "primary" or "standby"
    int port(const char* key) const { return state.value(key, 0); }
    std::string str(const char* key) const { return state.value(key, std::string()); }
};
Lab lab_up(const Options& o);
void lab_down(const Options& o, const Lab& lab);
// `drconsole lab lag pg 5s` and the like; throws when it fails.
void lab_command(const Options& o, const Lab& lab, const std::vector<std::string>& args);

// What this machine is, for the top of results.md.
std::string machine_description();

void write_results(const std::filesystem::path& path, const Options& o, const std::vector<Row>& rows, double seconds);

}  // namespace bench

namespace bench {

// A listening socket that never accepts (backlog 1): once its queue is full a connection attempt
// gets no answer at all, as from a black-holed host. Closed by the destructor.
struct BlackHole {
    int fd = -1, port = 0;
    BlackHole();
    ~BlackHole();
};

// An environment of many targets against the lab: `http` HTTP targets spread over the lab's
// health endpoints, `pg` PostgreSQL targets spread over primary and standby, `holes` targets
// (half HTTP, half PostgreSQL) on a black-holed port.
void write_many_targets(const std::filesystem::path& path, const Lab& lab, int http, int pg, int holes, int hole_port);

// A child process started without waiting (for readings while it runs).
struct Child {
    pid_t pid = -1;
    int out = -1;  // its stdout, non-blocking
    double started_ms = 0;
};
Child spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {}, bool with_stderr = false);
// Waits for it: wall, CPU and peak RSS as run() gives them (out: what was not read yet).
Process finish(Child& child);
int threads_of(pid_t pid);  // from /proc/PID/status; 0 when gone

}  // namespace bench
