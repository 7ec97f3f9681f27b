// drconsole lab: a real primary/secondary setup on this machine's loopback — PostgreSQL 15
// primary + streaming standby, two Kafka clusters with a mirror, HTTP health and admin
// endpoints, Prometheus — with real faults and real replication lag, for the demo, for drills
// rehearsed without a cloud account, and for the end-to-end test.
//
// One background process (the lab daemon, `drconsole lab serve`) owns everything and answers on
// the admin endpoint; the other commands talk to it there. DIR/lab.json says where it all is.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace drconsole::lab {

// $DRCONSOLE_LAB, else ./drconsole-lab.
std::filesystem::path default_dir();

// Each prints what it did (stdout) or why not (stderr) and returns the exit status: 0 done (or
// nothing to do), 1 failed, 2 bad input.
// `hints`: end with what to run next (the demo, which runs it, says no).
int up(const std::filesystem::path& dir, const std::string& self_exe, bool hints = true);
int status(const std::filesystem::path& dir, bool json);
int fail(const std::filesystem::path& dir, const std::string& what);
int lag(const std::filesystem::path& dir, const std::string& system, const std::string& amount);
int truth(const std::filesystem::path& dir, bool json);
int down(const std::filesystem::path& dir);
// The lab's stand-ins for the cloud tools the shipped runbooks call (kubectl, aws, …): DIR/bin/NAME
// runs `drconsole lab tool NAME ARGS…`.
int tool(const std::filesystem::path& dir, const std::vector<std::string>& argv);
// The daemon itself (started by `up`): reports its progress on `ready_fd`, then serves until
// SIGTERM or SIGINT, then stops everything.
int serve(const std::filesystem::path& dir, int ready_fd, const std::string& self_exe);

}  // namespace drconsole::lab
