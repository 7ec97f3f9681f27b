// The console with live readings from real servers: gates blocked with the live value, hostile
// server and note text escaped, and a full filesystem that shows NOT RECORDED.
#include <sys/mount.h>
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/journal.h"
#include "support/http_server.h"
#include "tui/console_run.h"

using namespace drconsole;

namespace {

constexpr const char* kGateRunbook = R"(# Gate drill

| Component | RPO | RTO |
|-----------|-----|-----|
| db        | 30s | 5m  |

## Promote
- [ ] Check the API answers fast {#check-api role=ic gate="api.latency_ms < 0.001"}
- [ ] Promote the standby {#promote role=ic restores=db rpo=prom}
)";

}  // namespace

TEST(ConsoleLive, GatesShowTheLiveValueAndHostileServerTextIsEscaped) {
    test::TempDir dir;
    test::HttpServer api;
    test::HttpServer prom;
    prom.handle([](const std::string&) {
        return std::pair<int, std::string>{400, R"({"status":"error","error":"\u001b[2J\r\u202espoof"})"};
    });
    auto env = dir.write("env.jsonc", R"({"targets": {
        "api": {"type": "http", "url": ")" + api.url("/healthz") + R"(", "interval": "200ms"},
        "prom": {"type": "prometheus", "url": ")" + prom.url("") + R"js(", "queries": {"lag": "max(rpo_lag_seconds)"}, "interval": "200ms"}}})js");
    auto runbook = dir.write("gate.md", kGateRunbook);
    auto start = test::run_drconsole({"start", "--clock", test::kFakeClock, "--db", (dir / "j.db").string(), "--runbook",
                                      runbook.string(), "--env", env.string(), "--mode", "drill", "--as", "ic:maria"});
    ASSERT_EQ(start.exit_code, 0) << start.err;
    // The console finds the environment in the journal: no --env needed.
    auto r = test::console_keys(dir, "<WaitFor api.latency_ms is>\n<WaitFor spoof>\n<Enter><Enter>\n");
    ASSERT_EQ(r.exit_code, 0) << r.err << test::slurp(dir / "screen.txt");
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("gate fail: api.late"), std::string::npos) << "the step's row shows what blocks it:\n" << screen;
    EXPECT_NE(screen.find("fail: api.latency_ms is "), std::string::npos) << screen;
    EXPECT_NE(screen.find(", needs < 0.001"), std::string::npos) << screen;
    EXPECT_NE(screen.find("start/done: gate: api.latency_ms is "), std::string::npos) << "the footer says why Enter did nothing";
    // The error wraps over two lines of the panel, between words; each escape is visible.
    for (const char* piece : {"lag: HTTP 400:", "\\x1b[2J\\x0d\\u{202e}spoof"})
        EXPECT_NE(screen.find(piece), std::string::npos) << piece << " missing:\n" << screen;
    EXPECT_EQ(screen.find('\x1b'), std::string::npos);
    EXPECT_EQ(screen.find('\r'), std::string::npos);
    auto j = nlohmann::json::parse(test::run_drconsole({"status", "--db", (dir / "j.db").string(), "--json"}).out);
    EXPECT_EQ(j["phases"][0]["steps"][0]["state"], "started") << "blocked by its gate, the step stays started";
}

TEST(ConsoleLive, AHostileNoteFromAnotherWriterIsEscaped) {
    test::TempDir dir;
    ASSERT_EQ(test::start_drill(dir, "checklists/quarterly-drill.md").exit_code, 0);
    ASSERT_EQ(test::run_drconsole({"note", "--db", (dir / "j.db").string(), "--as", "scribe:jun", "lag ok\r\x1b[31mEVIL\xe2\x80\xae"}).exit_code, 0);
    ASSERT_EQ(test::console_keys(dir, "<Poll>\n").exit_code, 0);
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("note: lag ok\\x0d\\x1b[31mEVIL\\u{202e}"), std::string::npos) << screen;
    EXPECT_EQ(screen.find('\x1b'), std::string::npos);
}

TEST(ConsoleLive, AFullFilesystemShowsNotRecordedAndChangesNothing) {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tiny tmpfs needs root";
    test::TempDir dir;
    std::filesystem::path fs = dir / "fs";
    std::filesystem::create_directories(fs);
    ASSERT_EQ(mount("tmpfs", fs.c_str(), "tmpfs", 0, "size=4m"), 0) << "mount tmpfs: " << std::strerror(errno);
    struct Unmount {
        std::filesystem::path p;
        ~Unmount() { umount2(p.c_str(), MNT_DETACH); }
    } unmount{fs};
    std::string db = (fs / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--clock", test::kFakeClock, "--db", db, "--runbook",
                                   test::source_path("checklists/quarterly-drill.md"), "--mode", "drill", "--as", "ic:maria"})
                  .exit_code, 0);
    std::size_t before = Journal(db).events(1).size();
    // Fill the filesystem, leaving room for SQLite's shared-memory file (32 KiB) and no more.
    ASSERT_EQ(test::run_process({"/bin/dd", "if=/dev/zero", "of=" + (fs / "filler").string(), "bs=4096", "count=100000"}).exit_code, 1);
    ASSERT_EQ(test::run_process({"/usr/bin/truncate", "-s", "-36K", (fs / "filler").string()}).exit_code, 0);

    auto script = dir.write("keys.txt", "<Enter>\n");
    auto r = test::run_drconsole({"open", "--clock", test::kFakeClock, "--db", db, "--keys", script.string(), "--size", "120x40",
                                  "--dump-screen", (dir / "screen.txt").string(), "--as", "ic:maria"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string screen = test::slurp(dir / "screen.txt");
    EXPECT_NE(screen.find("NOT RECORDED — journal:"), std::string::npos) << screen;
    EXPECT_NE(screen.find("NOT RECORDED: journ"), std::string::npos) << "the step's row says so too:\n" << screen;
    EXPECT_NE(screen.find("NOT RECORDED: press the same key to retry"), std::string::npos) << screen;

    std::filesystem::remove(fs / "filler");
    Journal journal(db);
    EXPECT_EQ(journal.events(1).size(), before) << "nothing was recorded";
    EXPECT_TRUE(journal.verify(1).at(0).intact);
    // With room again, the same key records it.
    auto retry = test::run_drconsole({"open", "--clock", test::kFakeClock, "--db", db, "--keys", script.string(), "--size", "120x40",
                                      "--dump-screen", (dir / "screen2.txt").string(), "--as", "ic:maria"});
    ASSERT_EQ(retry.exit_code, 0) << retry.err;
    EXPECT_EQ(Journal(db).events(1).size(), before + 1);
}
