// Long, deep and malformed input through the real binary: each is refused with
// FILE:LINE:COL: error: and a short message, never a crash (std::regex overflowed the stack on
// fields of ~26 kB, exit status 139) and never a raw library message.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "drconsole/runbook.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

constexpr const char* kTable = "| Component | RPO | RTO |\n|---|---|---|\n| app | - | 5m |\n\n";

std::string validate(const test::TempDir& dir, const std::string& runbook, const std::string& env = "", int* exit_code = nullptr) {
    std::vector<std::string> args{"validate", (dir.path() / runbook).string()};
    if (!env.empty()) args.insert(args.end(), {"--env", (dir.path() / env).string()});
    auto r = test::run_drconsole(args);
    if (exit_code) *exit_code = r.exit_code;
    return r.err;
}

}  // namespace

TEST(HostileInput, ALongSeverityLineIsALineTooLongNotACrash) {
    test::TempDir dir;
    dir.write("long.md", std::string("# Long\n\nSeverity: ") + std::string(30'000, 'A') + "\n\n" + kTable +
                             "## Detect\n- [ ] Look {#look role=ic}\n");
    int code = 0;
    std::string err = validate(dir, "long.md", "", &code);
    EXPECT_EQ(code, 2) << err;
    EXPECT_NE(err.find("long.md:3:8193: error: this line is 30010 bytes long; the limit is 8192"), std::string::npos) << err;
}

TEST(HostileInput, ASummaryOfManyLongLinesStillYieldsItsSeverityAndCadence) {
    // Twenty lines of 8000 characters join into one 160 kB paragraph: scanned, not backtracked.
    std::string summary;
    for (int i = 0; i < 20; ++i) summary += std::string(8000, i % 2 ? ' ' : 'x') + "\n";
    summary += "Severity: SEV-1. Comms every 20 min.\n";
    auto rb = parse_runbook("# Long\n\n" + summary + "\n" + kTable + "## Detect\n- [ ] Look {#look role=ic restores=app}\n", "long.md");
    ASSERT_TRUE(rb.runbook) << (rb.diagnostics.empty() ? "" : rb.diagnostics[0].str());
    EXPECT_EQ(rb.runbook->severity, "SEV-1");
    ASSERT_TRUE(rb.runbook->comms_every);
    EXPECT_EQ(rb.runbook->comms_every->count(), 20 * 60'000);
}

TEST(HostileInput, AHugeTemplateNameOrHttpPathIsRefusedByTheLimits) {
    test::TempDir dir;
    dir.write("template.md", std::string("# T\n\n") + kTable + "## Detect\n- [ ] Run {#run role=ic}\n  ```run\n  echo {{" +
                                 std::string(5'000'000, 'a') + "}}\n  ```\n");
    int code = 0;
    std::string err = validate(dir, "template.md", "", &code);
    EXPECT_EQ(code, 2) << err.substr(0, 500);
    EXPECT_NE(err.find("template.md:1:1: error: the runbook is 5000"), std::string::npos) << err.substr(0, 500);
    EXPECT_LT(err.size(), 400u) << "the message does not quote the name";

    dir.write("path.md", std::string("# T\n\n") + kTable + "## Detect\n- [ ] Call {#call role=ic}\n  ```http target=api\n  GET /" +
                             std::string(30'000, 'p') + "\n  ```\n");
    err = validate(dir, "path.md", "", &code);
    EXPECT_EQ(code, 2) << err.substr(0, 500);
    EXPECT_NE(err.find("path.md:10:8193: error: this line is 30007 bytes long"), std::string::npos) << err.substr(0, 500);
}

TEST(HostileInput, EnvironmentFieldsBeyondTheirLimitsAreRefusedWithTheirPlace) {
    test::TempDir dir;
    dir.write("ok.md", std::string("# T\n\n") + kTable + "## Detect\n- [ ] Look {#look role=ic}\n");
    dir.write("id.jsonc", "{\"targets\": {\n  \"" + std::string(30'000, 'a') + "\": {\"type\": \"http\", \"url\": \"http://x/\"}}}\n");
    dir.write("url.jsonc", "{\"targets\": {\"api\": {\"type\": \"http\",\n  \"url\": \"http://x/" + std::string(30'000, 'u') + "\"}}}\n");
    dir.write("big.jsonc", "{\"targets\": {}, \"vars\": {\"n\": 1e99999}}\n");
    dir.write("deep.jsonc", "{\"vars\": " + std::string(200'000, '[') + std::string(200'000, ']') + "}\n");
    int code = 0;
    std::string err = validate(dir, "ok.md", "id.jsonc", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("id.jsonc:2:3: error: target id 'aaaa"), std::string::npos) << err.substr(0, 500);
    EXPECT_NE(err.find("… (30000 bytes)' must use lowercase letters, digits, '-' or '_' (no dots), at most 64 characters"), std::string::npos)
        << err.substr(0, 500);
    EXPECT_LT(err.size(), 400u);

    err = validate(dir, "ok.md", "url.jsonc", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("url.jsonc:2:10: error: this string is 30009 bytes long; the limit is 4096"), std::string::npos) << err.substr(0, 500);

    err = validate(dir, "ok.md", "big.jsonc", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("big.jsonc:1:31: error: number overflow parsing '1e99999'"), std::string::npos) << err;

    err = validate(dir, "ok.md", "deep.jsonc", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("deep.jsonc:1:41: error: objects and arrays nest more than 32 deep here"), std::string::npos) << err.substr(0, 500);
}

TEST(HostileInput, ABareCarriageReturnIsRefusedAtItsOwnLine) {
    test::TempDir dir;
    dir.write("cr.md", std::string("# T\n\n") + kTable + "## Detect\n- [ ] Look {#look role=ic}\r- [ ] Then {#then role=bogus=}\n");
    int code = 0;
    std::string err = validate(dir, "cr.md", "", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("cr.md:8:27: error: a carriage return without a line feed"), std::string::npos) << err;
}

TEST(HostileInput, AClockWithSixtyThousandDigitsIsRefusedBriefly) {
    test::TempDir dir;
    auto r = test::run_drconsole({"status", "--db", (dir.path() / "j.db").string(), "--clock",
                                  "fake:2026-01-03T02:00:00Z+" + std::string(60'000, '9')});
    EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 300);
    EXPECT_NE(r.err.find("write fake:YYYY-MM-DDTHH:MM:SSZ[+RATE]"), std::string::npos) << r.err.substr(0, 300);
    EXPECT_LT(r.err.size(), 400u);
}

TEST(HostileInput, StartRecordsAllOrNothing) {
    test::TempDir dir;
    std::string db = (dir.path() / "j.db").string();
    auto r = test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                                  "--roster", "ic=maria,db=dm\xff\xfeitri", "--as", "ic:maria"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db)) << "a refused start leaves no journal (and no incident without its roster) behind";
    // A start that passes the checks but cannot be recorded (a severity that is not UTF-8)
    // records nothing either.
    r = test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                             "--severity", "SEV\xff", "--as", "ic:maria"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db));
    // Another program's database is never made a journal.
    std::string other = (dir.path() / "other.db").string();
    ASSERT_EQ(test::run_process({"/usr/bin/sqlite3", other, "CREATE TABLE invoices (id INTEGER); INSERT INTO invoices VALUES (7);"}).exit_code, 0);
    r = test::run_drconsole({"start", "--db", other, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                             "--as", "ic:maria"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("other.db: not a drconsole journal (no schema in it)"), std::string::npos) << r.err;
    EXPECT_EQ(test::run_process({"/usr/bin/sqlite3", other, ".tables"}).out, "invoices\n") << "its tables are as they were";
}

TEST(HostileInput, ReadingCommandsNeitherCreateNorWaitForTheWriteLock) {
    test::TempDir dir;
    std::string db = (dir.path() / "j.db").string();
    for (const char* command : {"status", "verify", "note"}) {
        std::vector<std::string> args{command, "--db", (dir.path() / "mistyped.db").string()};
        if (std::string(command) == "note") args.insert(args.end(), {"a note", "--as", "ic:maria"});
        auto r = test::run_drconsole(args);
        EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
        EXPECT_NE(r.err.find("mistyped.db: no such journal"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir.path() / "mistyped.db")) << command << " created it";
    }
    // An existing file that is not a journal is refused and left as it was.
    std::ofstream(dir.path() / "empty.db").close();
    auto empty = test::run_drconsole({"status", "--db", (dir.path() / "empty.db").string()});
    EXPECT_EQ(empty.exit_code, 1) << empty.err;
    EXPECT_NE(empty.err.find("empty.db: not a drconsole journal"), std::string::npos) << empty.err;
    EXPECT_EQ(std::filesystem::file_size(dir.path() / "empty.db"), 0u) << "status made the empty file a journal";
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                                   "--roster", "ic=maria", "--as", "ic:maria"}).exit_code, 0);
    // Another process holds a write transaction (a console recording a batch on a slow disk).
    auto writer = test::run_process({"/bin/sh", "-c", "(echo 'BEGIN IMMEDIATE;'; echo \"INSERT INTO samples (target, metric, wall_us, mono_us, "
                                                      "value, status) VALUES ('t', 'm', 1, 1, 1, 'ok');\"; sleep 20) 2>/dev/null | /usr/bin/sqlite3 \"$0\" >/dev/null 2>&1 & "
                                                      "echo $!", db});
    ASSERT_EQ(writer.exit_code, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto started = std::chrono::steady_clock::now();
    auto status = test::run_drconsole({"status", "--db", db});
    auto took = std::chrono::steady_clock::now() - started;
    test::run_process({"/usr/bin/pkill", "-f", "sqlite3 " + db});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("Quarterly DR drill"), std::string::npos) << status.out;
    EXPECT_LT(took, std::chrono::seconds(10)) << "status waited for the writer's lock";
}

TEST(HostileInput, InvisibleAndControlCharactersNeverReachAnyOutputRaw) {
    test::TempDir dir;
    std::string db = (dir.path() / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                                   "--roster", "ic=maria", "--as", "ic:maria"}).exit_code, 0);
    // ad<ZWSP>min, a line separator, a tag character, a soft hyphen, a BOM, C1 CSI, DEL, RLO.
    const std::vector<std::string> raw{"\xe2\x80\x8b", "\xe2\x80\xa8", "\xf3\xa0\x81\x81", "\xc2\xad", "\xef\xbb\xbf", "\xc2\x9b", "\x7f",
                                       "\xe2\x80\xae"};
    std::string note = "ad\xe2\x80\x8bmin\xe2\x80\xa8x\xf3\xa0\x81\x81\xc2\xad\xef\xbb\xbf\xc2\x9b" "2J\x7f\xe2\x80\xae" "evil";
    auto recorded = test::run_drconsole({"note", "--db", db, note, "--as", "ic:maria"});
    ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
    std::vector<std::pair<std::string, std::string>> outputs{{"note's confirmation", recorded.out + recorded.err}};
    for (const char* format : {"md", "html", "csv", "json"})
        outputs.emplace_back(std::string("report --format ") + format, test::run_drconsole({"report", "--db", db, "--format", format}).out);
    outputs.emplace_back("status", test::run_drconsole({"status", "--db", db}).out);
    auto json = test::run_drconsole({"status", "--db", db, "--json"});
    outputs.emplace_back("status --json", json.out);
    for (const auto& [what, text] : outputs) {
        if (what != "note's confirmation") {
            EXPECT_NE(text.find("ad"), std::string::npos) << what << " does not show the note at all:\n" << text;
        }
        for (const auto& bytes : raw) EXPECT_EQ(text.find(bytes), std::string::npos) << what << " holds a raw " << nlohmann::json(bytes).dump(-1, ' ', true);
    }
    EXPECT_NE(outputs[5].second.find("ad\\u{200b}min"), std::string::npos) << "shown escaped: " << outputs[5].second;
    // JSON escapes them: the same text comes back when parsed.
    auto parsed = nlohmann::json::parse(json.out);
    bool found = false;
    for (const auto& n : parsed["notes"]) found = found || n.value("text", "") == note;
    EXPECT_TRUE(found) << "status --json holds the note's exact text, escaped";
}

TEST(HostileInput, ARunbookOrEnvironmentWithABidiOverrideOrControlIsRefusedAtIt) {
    test::TempDir dir;
    // U+202E (right-to-left override) in a step title: it would show "Promote" reading otherwise.
    dir.write("rlo.md", std::string("# T\n\n") + kTable + "## Detect\n- [ ] Look \xe2\x80\xae" "etomorp {#look role=ic}\n");
    int code = 0;
    std::string err = validate(dir, "rlo.md", "", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("rlo.md:8:12: error: U+202E, a control, bidi or line-separator character"), std::string::npos) << err;
    dir.write("esc.md", std::string("# T \x1b[2J\n\n") + kTable + "## Detect\n- [ ] Look {#look role=ic}\n");
    err = validate(dir, "esc.md", "", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("esc.md:1:5: error: U+001B"), std::string::npos) << err;
    dir.write("ok.md", std::string("# T\n\n") + kTable + "## Detect\n- [ ] Look {#look role=ic}\n");
    dir.write("env.jsonc", "{\"targets\": {\"api\": {\"kind\": \"http\", \"url\": \"http://127.0.0.1:1/\xe2\x81\xa6x\"}}}\n");
    err = validate(dir, "ok.md", "env.jsonc", &code);
    EXPECT_EQ(code, 2);
    EXPECT_NE(err.find("env.jsonc:1:65: error: U+2066"), std::string::npos) << err;
}

TEST(HostileInput, ANameWithAnInvisibleCharacterIsRefusedWhereverANameEnters) {
    test::TempDir dir;
    std::string db = (dir.path() / "j.db").string();
    const std::string lookalike = "ad\xe2\x80\x8bmin";  // "admin" with a zero-width space
    auto start = [&](const std::string& roster, const std::string& as) {
        return test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                                    "--roster", roster, "--as", as});
    };
    auto r = start("ic=" + lookalike, "ic:maria");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("roster: ic=ad\\u{200b}min: it holds U+200B"), std::string::npos) << r.err;
    r = start("ic=maria", "ic:" + lookalike);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--as 'ic:ad\\u{200b}min': it holds U+200B"), std::string::npos) << r.err;
    r = start("ic=maria,ic=bob", "ic:maria");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--roster names role 'ic' twice"), std::string::npos) << r.err;
    ASSERT_EQ(start("ic=maria", "ic:maria").exit_code, 0);
    r = test::run_drconsole({"handover", "--db", db, "scribe", lookalike, "--as", "ic:maria"});
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.err.find("it holds U+200B"), std::string::npos) << r.err;
    r = test::run_drconsole({"note", "--db", db, "hello", "--as", "ic: maria"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("begins or ends with a blank"), std::string::npos) << r.err;
    auto events = test::run_process({"/usr/bin/sqlite3", db, "SELECT count(*) FROM events"});
    EXPECT_EQ(events.out, "2\n") << "only the start and its roster were recorded";
}
