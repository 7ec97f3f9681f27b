// Running the console headless for tests: a journal with a started drill, keys, a screen dump.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace drconsole::test {

inline constexpr const char* kFakeClock = "fake:2026-01-03T02:00:00Z+0";
inline constexpr const char* kFullRoster = "ic=maria,db=dmitri,messaging=sofia,app=kwame,observability=lena,comms=olu,scribe=jun";

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Starts a drill of `runbook` in dir/j.db with the full roster on the fake clock.
inline ProcessResult start_drill(const TempDir& dir, const std::string& runbook, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"start", "--clock", kFakeClock, "--db", (dir / "j.db").string(), "--runbook", source_path(runbook),
                                  "--mode", "drill", "--roster", kFullRoster, "--as", "ic:maria"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_drconsole(args);
}

// Records the quarterly drill's cleanup step (always) as done, as its owner would from the
// command line: so that a test about resolving is not about cleanup.
inline void cleanup_done(const TempDir& dir) {
    auto r = run_drconsole({"step", "restore-object-storage", "done", "--clock", kFakeClock, "--db", (dir / "j.db").string(), "--as", "app:kwame"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

// Runs the console on dir/j.db with a key script; the screen lands in dir/screen.txt.
inline ProcessResult console_keys(const TempDir& dir, const std::string& keys, const std::string& size = "120x40",
                                  const std::vector<std::string>& env = {}, const std::vector<std::string>& extra = {}) {
    auto script = dir.write("keys.txt", keys);
    std::vector<std::string> args{"open", "--clock", kFakeClock, "--db", (dir / "j.db").string(), "--keys", script.string(),
                                  "--size", size, "--dump-screen", (dir / "screen.txt").string(), "--as", "ic:maria"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_drconsole(args, env);
}

}  // namespace drconsole::test
