// make reliability: the journal tried as an attacker and a careless operator would, each figure
// printed beside the target it is held to. `--quick` is the reduced run inside make test (it
// fails when a target is missed); without it, the full run of make reliability.
//
//   kill points   `drconsole note` processes SIGKILLed at each of their fsyncs (strace's
//                 fault injection) and at random moments, by one writer and by two at once;
//                 every acknowledged note must be there afterwards and the chain intact.
//   tamper        mutations of a signed journal and of its signed bundle, each checked by
//                 verify without and with the public key.
//   hostile       control, bidi and invisible characters written into every output.
//   canary        a secret used by actions, looked for everywhere it must not be.
//   full disk     notes written under a file size limit: no false acknowledgement.
//   screen        key → repaint in a real terminal while every target is dead in its own way.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "drconsole/report.h"
#include "drconsole/sha256.h"
#include "drconsole/signing.h"
#include "drconsole/text.h"
#include "support/fixtures.h"
#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tmux.h"

using namespace drconsole;
namespace fs = std::filesystem;

namespace {

struct Row {
    std::string figure, measured, target;
    bool met = false;
};

// ---- kill points -------------------------------------------------------------------------

struct Kills {
    int attempts = 0, killed = 0, acknowledged = 0, lost = 0;
    bool intact = false;
};

// One `drconsole note`, SIGKILLed at its `fsync_index`-th fsync (strace) or after `after_ms`.
test::ProcessResult killed_note(const std::string& db, const std::string& text, int fsync_index, int after_ms) {
    std::vector<std::string> note{DRCONSOLE_BIN, "note", "--db", db, text, "--as", "ic:maria"};
    std::vector<std::string> argv;
    if (fsync_index > 0)
        argv = {"/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=fdatasync,fsync",
                "-e", fmt::format("inject=fdatasync,fsync:signal=SIGKILL:when={}", fsync_index)};
    else
        argv = {"/usr/bin/timeout", "-s", "KILL", fmt::format("{}.{:03}", after_ms / 1000, after_ms % 1000)};
    argv.insert(argv.end(), note.begin(), note.end());
    return test::run_process(argv, {"ASAN_OPTIONS=detect_leaks=0"});  // LeakSanitizer cannot run under ptrace
}

Kills kill_points(const fs::path& dir, int writers, int kills_wanted) {
    std::string db = (dir / fmt::format("kills-{}.db", writers)).string();
    test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                         "--roster", "ic=maria", "--as", "ic:maria"});
    std::atomic<int> attempts{0}, killed{0};
    std::vector<std::set<std::string>> acked(static_cast<std::size_t>(writers));
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            std::mt19937 random(static_cast<unsigned>(1000 + w));
            for (int i = 0; killed.load() < kills_wanted; ++i) {
                std::string text = fmt::format("writer {} note {}", w, i);
                // Every fsync of a note in turn (a note makes five), a random moment, or no kill
                // at all: acknowledged notes between the kills, which must all survive them.
                int fsync_index = i % 3 == 0 ? (i / 3) % 5 + 1 : 0;
                int after_ms = i % 3 == 1 ? std::uniform_int_distribution<int>(30, 350)(random) : 60'000;
                auto r = killed_note(db, text, fsync_index, after_ms);
                ++attempts;
                if (r.exit_code == 0 && !r.out.empty()) acked[static_cast<std::size_t>(w)].insert(text);
                else if (r.exit_code != 2) ++killed;  // 2: refused, nothing recorded
            }
        });
    for (auto& t : threads) t.join();
    Kills k;
    k.attempts = attempts;
    k.killed = killed;
    auto status = nlohmann::json::parse(test::run_drconsole({"status", "--db", db, "--json"}).out, nullptr, false);
    std::set<std::string> present;
    if (status.is_object())
        for (const auto& n : status["notes"]) present.insert(n.value("text", ""));
    for (const auto& set : acked)
        for (const auto& text : set) {
            ++k.acknowledged;
            if (!present.count(text)) ++k.lost;
        }
    k.intact = test::run_drconsole({"verify", "--db", db}).exit_code == 0;
    return k;
}

// ---- tamper --------------------------------------------------------------------------------

struct Mutation {
    std::string name;
    bool plain = false, keyed = false;  // detected without / with the public key
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

// What a careful forger does after editing a bundle file: SHA256SUMS made again.
void reseal(const fs::path& bundle) {
    std::istringstream in(slurp(bundle / "SHA256SUMS"));
    std::string line, sums;
    while (std::getline(in, line)) sums += sha256_hex(slurp(bundle / line.substr(66))) + "  " + line.substr(66) + "\n";
    write(bundle / "SHA256SUMS", sums);
}

void replace_in(const fs::path& file, const std::string& from, const std::string& to) {
    std::string text = slurp(file);
    auto at = text.find(from);
    if (at != std::string::npos) write(file, text.replace(at, from.size(), to));
}

std::vector<Mutation> tamper(const fs::path& dir) {
    generate_signing_key(dir / "ic.key");
    SigningKey key = SigningKey::load(dir / "ic.key");
    VerifyKey pub = VerifyKey::load(dir / "ic.key.pub");
    fs::path pristine = dir / "pristine.db";
    Actor ic{"ic", "alice"};
    {
        auto clock = std::make_shared<ManualClock>();
        Journal journal(pristine, clock);
        StartRequest req = test::drill_request();
        req.env = parse_environment(R"({"targets": {"pg": {"type": "postgres", "dsn": "host=127.0.0.1 dbname=ledger"}}})", "lab.env.jsonc").env;
        Incident i = Incident::start(journal, req);                          // 1-3
        i.inject_fault("stopped the primary", ic);                           // 4
        std::int64_t now = clock->wall_us();
        journal.hold_lease(1, "recorder", now, 60'000'000);
        i.record_samples({{0, "pg", "lag_s", now, now, 0.5, "ok", "{}"}, {0, "pg", "lag_s", now + 1, now + 1, 0.7, "ok", "{}"}}, ic, "recorder", now);  // 5
        i.sign_checkpoint(key, ic);                                          // 6: not final
        clock->advance_us(90'000'000);
        i.complete_step("pg-promote", {"db", "bob"});                        // 7
        i.add_note("standby lag 0.7 s at promotion", "pg-promote", ic);      // 8
        i.resolve("failed over", ic);                                        // 9
        i.sign_checkpoint(key, ic);                                          // 10: final
    }
    std::vector<Mutation> out;
    auto journal_case = [&](const std::string& name, const std::function<void(const fs::path&)>& mutate) {
        fs::path db = dir / fmt::format("m{}.db", out.size());
        fs::copy_file(pristine, db);
        mutate(db);
        Mutation m{name};
        try {
            m.plain = !Journal(db).verify(1).at(0).intact;
            m.keyed = !Journal(db).verify(1, &pub).at(0).intact;
        } catch (const std::exception&) {
            m.plain = m.keyed = true;  // refused outright
        }
        out.push_back(m);
    };
    auto sql = [](const std::string& statements) { return [statements](const fs::path& db) { test::outsider_sql(db, statements); }; };
    auto documents = [](const std::string& kind) {
        return [kind](const fs::path& db) {
            test::outsider_sql(db, "DROP TRIGGER documents_no_update; UPDATE documents SET content = content || ' ' WHERE kind = '" + kind + "';");
        };
    };
    journal_case("event payload edited", sql("UPDATE events SET payload = '{\"text\":\"lag 0 s\"}' WHERE seq = 8"));
    journal_case("event actor edited", sql("UPDATE events SET person = 'mallory' WHERE seq = 7"));
    journal_case("middle event deleted", sql("DELETE FROM events WHERE seq = 7"));
    journal_case("two events swapped", sql("UPDATE events SET seq = 100 WHERE seq = 7; UPDATE events SET seq = 7 WHERE seq = 8; "
                                           "UPDATE events SET seq = 8 WHERE seq = 100"));
    journal_case("runbook document edited", documents("runbook"));
    journal_case("environment document edited", documents("environment"));
    journal_case("sample edited", sql("UPDATE samples SET value = 0 WHERE value > 0.6"));
    journal_case("sample deleted", sql("DELETE FROM samples WHERE value > 0.6"));
    journal_case("sample inserted", sql("INSERT INTO samples SELECT incident_id, target, metric, wall_us + 7, mono_us + 7, 0.1, status, labels, "
                                        "batch FROM samples WHERE value > 0.6"));
    journal_case("tail cut with the final checkpoint", sql("DELETE FROM events WHERE seq >= 9"));
    journal_case("tail cut back to an earlier checkpoint", sql("DELETE FROM events WHERE seq >= 7"));
    journal_case("chain recomputed after an edit",
                 [](const fs::path& db) { test::recompute_chain(db, 8, [](Event& e) { e.payload["text"] = "standby lag 0 s"; }); });
    // A forger who knows the checkpoints name the hash they cover rewrites that too.
    auto recompute_under_checkpoint = [](const fs::path& db) {
        test::recompute_chain(db, 8, [](Event& e) { e.payload["text"] = "standby lag 0 s"; });
        std::string ninth = Journal(db).events(1).at(8).hash;
        test::recompute_chain(db, 10, [&](Event& e) { e.payload["covers_hash"] = ninth; });
    };
    journal_case("chain recomputed after an edit, the checkpoint's covered hash rewritten too", recompute_under_checkpoint);
    journal_case("appended after the last checkpoint, chained", [&](const fs::path& db) {
        Journal journal(db);
        Incident::attach(journal, 1).add_note("nothing was lost", "", ic);
    });

    // The signed bundle, and forgeries of it.
    fs::path bundle = dir / "bundle";
    {
        Journal journal(pristine, nullptr, JournalAccess::read_only);
        export_bundle(journal, 1, bundle, &key);
    }
    auto bundle_case = [&](const std::string& name, const std::function<void(const fs::path&)>& mutate) {
        fs::path copy = dir / fmt::format("b{}", out.size());
        fs::copy(bundle, copy, fs::copy_options::recursive);
        mutate(copy);
        out.push_back({name, !verify_bundle(copy).empty(), !verify_bundle(copy, &pub).empty()});
    };
    for (const auto& [file, from, to] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"report.json", "alice", "mallory"}, {"report.md", "alice", "mallory"}, {"report.html", "alice", "mallory"},
             {"runbook.md", "Promote", "Skip"}, {"environment.jsonc", "127.0.0.1", "10.0.0.9"}})
        bundle_case("bundle " + file + " edited, SHA256SUMS recomputed", [file, from, to](const fs::path& b) {
            replace_in(b / file, from, to);
            reseal(b);
        });
    bundle_case("bundle journal.db sample edited, SHA256SUMS recomputed", [](const fs::path& b) {
        test::outsider_sql(b / "journal.db", "UPDATE samples SET value = 0 WHERE value > 0.6");
        reseal(b);
    });
    bundle_case("bundle rebuilt from a recomputed chain, every file remade", [&](const fs::path& b) {
        fs::path forged = dir / "forged.db";
        fs::copy_file(pristine, forged);
        recompute_under_checkpoint(forged);
        fs::path remade = dir / "remade";
        Journal journal(forged, nullptr, JournalAccess::read_only);
        export_bundle(journal, 1, remade);
        std::string signature = slurp(b / "SHA256SUMS.sig");  // the forger keeps the old signature
        fs::remove_all(b);
        fs::copy(remade, b, fs::copy_options::recursive);
        write(b / "SHA256SUMS.sig", signature);
    });
    return out;
}

// ---- hostile strings --------------------------------------------------------------------

// Bytes that must never reach an output raw: C0 controls (but newline and tab where text keeps
// them), DEL, C1, bidi controls, zero-width and other hidden characters, as UTF-8.
std::vector<std::string> forbidden_raw() {
    std::vector<std::string> out;
    for (int c = 0; c < 0x20; ++c)
        if (c != '\n' && c != '\t' && c != '\r') out.push_back(std::string(1, static_cast<char>(c)));
    out.push_back("\x7f");
    for (char32_t cp : {U'\u0085', U'\u009b', U'\u200b', U'\u200d', U'\u200e', U'\u202e', U'\u2066', U'\u2028', U'\u2029', U'\u2060',
                        U'\ufeff', U'\u00ad', U'\U000e0041'}) {
        std::string bytes;
        append_utf8(bytes, cp);
        out.push_back(bytes);
    }
    return out;
}

struct Hostile {
    int strings = 0, outputs = 0, raw_found = 0;
    std::string where;
};

Hostile hostile_outputs(const fs::path& dir) {
    const std::vector<std::string> strings{
        "\x1b[2J\x1b[Hwiped", "bell\x07", "ad\xe2\x80\x8bmin", "\xe2\x80\xae" "evil", "line\xe2\x80\xa8sep", "tag\xf3\xa0\x81\x81",
        "soft\xc2\xadhyphen", "\xef\xbb\xbf" "bom", "c1\xc2\x9b" "2J", "del\x7f", "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")",
        "[link](http://x) ![img](http://x)", "cr\roverwrite"};
    std::string db = (dir / "hostile.db").string();
    std::vector<std::string> logs;
    auto run = [&](const std::vector<std::string>& args) {
        auto r = test::run_drconsole(args);
        logs.push_back(r.out + r.err);
    };
    run({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill", "--roster", "ic=maria",
         "--as", "ic:maria"});
    for (const auto& text : strings) {
        run({"note", "--db", db, text, "--as", "ic:maria"});
        run({"step", "--db", db, "notify-stakeholders", "skip", "--reason", text, "--as", "ic:maria"});
        run({"step", "--db", db, "notify-stakeholders", "reopen", "--reason", text, "--as", "ic:maria"});
    }
    run({"resolve", "--db", db, strings[0], "--as", "ic:maria"});
    std::vector<std::pair<std::string, std::string>> outputs;
    for (std::size_t i = 0; i < logs.size(); ++i) outputs.emplace_back(fmt::format("command {} output", i), logs[i]);
    for (const char* format : {"md", "html", "csv", "json"})
        outputs.emplace_back(std::string("report ") + format, test::run_drconsole({"report", "--db", db, "--format", format}).out);
    for (const char* json : {"", "--json"}) {
        std::vector<std::string> args{"status", "--db", db};
        if (*json) args.push_back(json);
        outputs.emplace_back(std::string("status ") + json, test::run_drconsole(args).out);
    }
    fs::path screen = dir / "hostile-screen.txt", keys = dir / "hostile.keys";
    write(keys, "<Poll>jjjjj\n");
    test::run_drconsole({"open", "--db", db, "--as", "ic:maria", "--keys", keys.string(), "--dump-screen", screen.string()});
    outputs.emplace_back("console screen", slurp(screen));
    fs::path bundle = dir / "hostile-bundle";
    test::run_drconsole({"export", "--db", db, "--out", bundle.string()});
    // events.jsonl is left out: it is the canonical encoding, the very bytes that are hashed.
    for (const char* f : {"report.md", "report.html", "report.json"}) outputs.emplace_back(std::string("bundle ") + f, slurp(bundle / f));
    Hostile h{static_cast<int>(strings.size()), static_cast<int>(outputs.size()), 0, {}};
    auto raw = forbidden_raw();
    for (const auto& [name, text] : outputs) {
        for (const auto& bytes : raw) {
            // Output keeps its own line ends: a CR only inside CSV's CRLF.
            if (text.find(bytes) == std::string::npos) continue;
            ++h.raw_found;
            if (h.where.empty()) h.where = fmt::format("{} holds {}", name, nlohmann::json(bytes).dump(-1, ' ', true));
        }
        std::size_t cr = 0;
        for (std::size_t at = text.find('\r'); at != std::string::npos; at = text.find('\r', at + 1))
            if (at + 1 >= text.size() || text[at + 1] != '\n') ++cr;
        if (cr) h.raw_found += 1, h.where = h.where.empty() ? name + " holds a bare CR" : h.where;
    }
    return h;
}

// Names (roster, --as, handover) holding any hidden or control character, and runbooks holding
// a control, bidi or separator character: each refused before anything is recorded.
struct Refusals {
    int tried = 0, refused = 0;
    std::string missed;
};

Refusals hidden_names_and_runbooks(const fs::path& dir) {
    std::string db = (dir / "names.db").string();
    Refusals r;
    auto expect_refused = [&](const std::string& what, const std::vector<std::string>& args) {
        ++r.tried;
        if (test::run_drconsole(args).exit_code == 2) ++r.refused;
        else if (r.missed.empty()) r.missed = what;
    };
    test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill", "--roster",
                         "ic=maria", "--as", "ic:maria"});
    for (const auto& bytes : forbidden_raw()) {
        std::string name = "ma" + bytes + "ria", shown = nlohmann::json(bytes).dump(-1, ' ', true);
        if (bytes != std::string(1, '\0')) {  // a NUL cannot be in an argument: it ends it
            expect_refused("--roster with " + shown, {"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode",
                                                      "drill", "--roster", "ic=" + name, "--as", "ic:maria"});
            expect_refused("--as with " + shown, {"note", "--db", db, "hello", "--as", "ic:" + name});
            expect_refused("handover to " + shown, {"handover", "--db", db, "scribe", name, "--as", "ic:maria"});
        }
        std::size_t i = 0;
        char32_t cp = next_code_point(bytes, i);
        bool deceptive = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
                         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
        if (!deceptive) continue;  // zero-width, BOM, soft hyphen, tags: shown escaped, not refused
        fs::path rb = dir / "deceptive.md";
        write(rb, "# Drill " + bytes + "title\n\n| Component | RPO | RTO |\n|---|---|---|\n| app | - | 5m |\n\n## Detect\n- [ ] Look {#look role=ic}\n");
        expect_refused("runbook title with " + shown, {"validate", rb.string()});
    }
    return r;
}

// ---- full disk --------------------------------------------------------------------------

struct DiskFull {
    int writes = 0, acknowledged = 0, refused = 0, false_acks = 0;
    bool intact = false;
};

// Notes written with the file size limit just above the journal's size (SIGXFSZ ignored, so
// the write fails with EFBIG as a full disk fails with ENOSPC): each is acknowledged and present,
// or refused and absent.
DiskFull disk_full(const fs::path& dir, int writes) {
    std::string db = (dir / "full.db").string();
    test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill",
                         "--roster", "ic=maria", "--as", "ic:maria"});
    DiskFull d;
    for (int i = 0; i < writes; ++i) {
        // Writes past the limit fail; SQLite writes the WAL and the database file in place, so
        // the limit falls anywhere from half the larger file's size to 9 kB above it.
        auto size = std::max(fs::file_size(db), fs::exists(db + "-wal") ? fs::file_size(db + "-wal") : std::uintmax_t{0});
        std::string text = fmt::format("note {} {}", i, std::string(static_cast<std::size_t>(200 + i * 37 % 3000), 'x'));
        auto r = test::run_process({"/bin/sh", "-c", "trap '' XFSZ; exec /usr/bin/prlimit --fsize=\"$1\" \"$2\" note --db \"$3\" \"$4\" --as ic:maria", "sh",
                                    std::to_string(size / 2 + static_cast<std::uintmax_t>(i * 7919) % (size / 2 + 9000)), DRCONSOLE_BIN, db, text});
        ++d.writes;
        bool acked = r.exit_code == 0;
        auto status = nlohmann::json::parse(test::run_drconsole({"status", "--db", db, "--json"}).out, nullptr, false);
        bool present = false;
        if (status.is_object())
            for (const auto& n : status["notes"]) present = present || n.value("text", "") == text;
        if (acked) ++d.acknowledged;
        else ++d.refused;
        if (acked && !present) ++d.false_acks;
    }
    d.intact = test::run_drconsole({"verify", "--db", db}).exit_code == 0;
    return d;
}

// ---- secrets -----------------------------------------------------------------------------

struct Canary {
    int places = 0, hits = 0;
    std::string where;
};

// A secret from ${DRC_CANARY} used every way an action can use one (HTTP query, header and body,
// a server echoing it back, a run command printing it, one that names none), then
// looked for everywhere: journal and WAL, reports, the bundle, every command's output, and
// every process's command line while the actions run.
Canary canary_hits(const fs::path& dir) {
    const std::string secret = "c4n4ry-8d1f-secret-value";
    test::HttpServer server;
    server.handle([](const std::string& target) { return std::pair<int, std::string>{200, "you sent " + target}; });
    fs::path env = dir / "canary.env.jsonc", runbook = dir / "canary.md";
    write(env, R"({"targets": {"api": {"type": "http", "url": ")" + server.url("") + R"("}}, "vars": {"token": "${DRC_CANARY}"}})");
    write(runbook, R"(# Canary drill

| Component | RPO | RTO |
|-----------|-----|-----|
| app       | -   | 5m  |

## Repoint
- [ ] Query with the token {#query role=ic}
  ```http target=api
  GET /rotate?key={{token}}
  Authorization: Bearer {{token}}

  {"token": "{{token}}"}
  ```
- [ ] Print the token {#print role=ic}
  ```run
  # uses {{token}}
  printenv DRC_CANARY
  ```
- [ ] Print what a command that names no secret gets {#unnamed role=ic restores=app}
  ```run
  sh -c 'echo "[$DRC_CANARY]"'
  ```
)");
    std::string db = (dir / "canary.db").string();
    std::vector<std::string> with{"DRC_CANARY=" + secret};
    std::string logs;
    auto run = [&](const std::vector<std::string>& args) {
        auto r = test::run_drconsole(args, with);
        logs += r.out + r.err;
    };
    std::atomic<bool> done{false};
    std::atomic<int> cmdline_hits{0};
    std::thread watcher([&] {
        while (!done) {
            for (const auto& e : fs::directory_iterator("/proc")) {
                std::string name = e.path().filename().string();
                if (name.empty() || name[0] < '0' || name[0] > '9') continue;
                if (slurp(e.path() / "cmdline").find(secret) != std::string::npos) ++cmdline_hits;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    run({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill", "--as", "ic:maria"});
    for (const char* step : {"query", "print", "unnamed"}) run({"step", "--db", db, step, "run", "--as", "ic:maria"});
    run({"resolve", "--db", db, "done", "--as", "ic:maria"});
    done = true;
    watcher.join();
    std::vector<std::pair<std::string, std::string>> places{{"journal", slurp(db)}, {"journal WAL", slurp(db + "-wal")}, {"command output", logs}};
    for (const char* format : {"md", "html", "csv", "json"})
        places.emplace_back(std::string("report ") + format, test::run_drconsole({"report", "--db", db, "--format", format}).out);
    places.emplace_back("status --json", test::run_drconsole({"status", "--db", db, "--json"}).out);
    fs::path bundle = dir / "canary-bundle";
    test::run_drconsole({"export", "--db", db, "--out", bundle.string()});
    for (const auto& e : fs::directory_iterator(bundle)) places.emplace_back("bundle " + e.path().filename().string(), slurp(e.path()));
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".log") places.emplace_back("log " + e.path().filename().string(), slurp(e.path()));
    Canary c{static_cast<int>(places.size()) + 1, cmdline_hits, {}};
    if (cmdline_hits) c.where = "a process's command line";
    for (const auto& [name, bytes] : places)
        if (bytes.find(secret) != std::string::npos) ++c.hits, c.where = c.where.empty() ? name : c.where;
    // The server did get it: the canary was really used.
    if (server.requests() == 0) c.hits = -1, c.where = "the HTTP action never reached the server";
    return c;
}

// ---- the screen beside dead systems ---------------------------------------------------------

// The console in a real terminal (tmux) with every target unreachable in a different way: a
// PostgreSQL host and an HTTP host whose connections hang, a Kafka bootstrap that refuses, a
// server that answers one byte at a time. Keys must repaint at once all the same.
std::chrono::microseconds worst_key_repaint(const fs::path& dir, int keys) {
    test::HttpServer hole(test::HttpServer::Mode::black_hole), trickle(test::HttpServer::Mode::trickle);
    std::string dead_kafka = "127.0.0.1:" + std::to_string(test::closed_port());
    fs::path env = dir / "dead.env.jsonc";
    write(env, R"({"targets": {
        "pg-standby": {"type": "postgres", "dsn": "host=127.0.0.1 port=)" + std::to_string(hole.port()) + R"( dbname=ledger user=drconsole"},
        "kafka-primary": {"type": "kafka", "bootstrap": ")" + dead_kafka + R"("},
        "kafka-dr": {"type": "kafka", "bootstrap": ")" + dead_kafka + R"("},
        "mm2": {"type": "kafka-mirror", "source": "kafka-primary", "target": "kafka-dr", "topics": ["orders"]},
        "api-secondary": {"type": "http", "url": ")" + hole.url("/healthz") + R"("},
        "prom": {"type": "prometheus", "url": ")" + trickle.url("") + R"(", "queries": {"lag": "up"}}}, )" + test::kShippedRunbookVars + "}");
    std::string db = (dir / "dead.db").string();
    test::run_drconsole({"start", "--db", db, "--runbook", test::source_path("checklists/quarterly-drill.md"), "--mode", "drill", "--env",
                         env.string(), "--roster", "ic=maria", "--as", "ic:maria"});
    test::Tmux tmux(dir);
    tmux.start("ic", fmt::format("LANG=C.UTF-8 {} open --db {} --env {} --as ic:maria", DRCONSOLE_BIN, db, env.string()), 120, 40);
    if (tmux.wait_for("ic", "down (", std::chrono::milliseconds(20'000)).count() < 0) return std::chrono::microseconds(-1);
    std::chrono::microseconds worst{0};
    for (int i = 0; i < keys; ++i) {
        std::string before = tmux.screen("ic");
        tmux.keys("ic", {i % 4 < 2 ? "j" : "k"});
        auto took = tmux.wait_change("ic", before, std::chrono::milliseconds(5000));
        if (took.count() < 0) return took;
        worst = std::max(worst, took);
    }
    tmux.keys("ic", {"q"});
    return worst;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    int kills = quick ? 30 : 200;
    test::TempDir dir;
    std::vector<Row> rows;

    for (int writers : {1, 2}) {
        Kills k = kill_points(dir.path(), writers, kills);
        rows.push_back({fmt::format("kill points, {} writer{} (each fsync of a note, and random moments)", writers, writers == 1 ? "" : "s"),
                        fmt::format("{} kills in {} notes; {} acknowledged, {} lost; chain {}", k.killed, k.attempts, k.acknowledged, k.lost,
                                    k.intact ? "intact" : "BROKEN"),
                        fmt::format("≥ {} kills, 0 lost, intact", kills), k.killed >= kills && k.lost == 0 && k.intact});
    }

    auto mutations = tamper(dir.path());
    int plain = 0, keyed = 0;
    std::string missed_plain, missed_keyed;
    for (const auto& m : mutations) {
        plain += m.plain;
        keyed += m.keyed;
        if (!m.plain) missed_plain += (missed_plain.empty() ? "" : "; ") + m.name;
        if (!m.keyed) missed_keyed += (missed_keyed.empty() ? "" : "; ") + m.name;
    }
    int n = static_cast<int>(mutations.size());
    rows.push_back({"tamper mutations detected, with signed checkpoints and a signed bundle (verify --pubkey)",
                    fmt::format("{}/{}{}", keyed, n, missed_keyed.empty() ? "" : " — missed: " + missed_keyed), fmt::format("{}/{}", n, n), keyed == n});
    rows.push_back({"tamper mutations detected by the chain alone (no key, no head kept elsewhere)",
                    fmt::format("{}/{} — not detected without a key: {}", plain, n, missed_plain.empty() ? "none" : missed_plain), "(shown)", true});

    Hostile h = hostile_outputs(dir.path());
    rows.push_back({"hostile strings × outputs (stdout, stderr, status, status --json, reports md/html/csv/json, bundle, console screen)",
                    fmt::format("{} strings × {} outputs: {} raw control, bidi or invisible characters found{}", h.strings, h.outputs, h.raw_found,
                                h.where.empty() ? "" : " (" + h.where + ")"),
                    "0 raw", h.raw_found == 0});

    Refusals names = hidden_names_and_runbooks(dir.path());
    rows.push_back({"names (roster, --as, handover) with a hidden or control character, runbooks with a control, bidi or separator",
                    fmt::format("{}/{} refused before anything was recorded{}", names.refused, names.tried,
                                names.missed.empty() ? "" : " — accepted: " + names.missed),
                    "all refused", names.refused == names.tried && names.tried > 0});

    Canary c = canary_hits(dir.path());
    rows.push_back({"secret canary (journal, WAL, reports, bundle, command output, logs, /proc/*/cmdline)",
                    fmt::format("{} places checked: {} hits{}", c.places, c.hits, c.where.empty() ? "" : " (" + c.where + ")"), "0 hits",
                    c.hits == 0});

    DiskFull d = disk_full(dir.path(), quick ? 20 : 200);
    rows.push_back({"full disk (a file size limit from half the journal's size to 9 kB above it)",
                    fmt::format("{} writes: {} acknowledged, {} refused as not recorded, {} false acknowledgements; chain {}", d.writes,
                                d.acknowledged, d.refused, d.false_acks, d.intact ? "intact" : "BROKEN"),
                    "0 false acknowledgements, some refused, intact", d.false_acks == 0 && d.refused > 0 && d.intact});

    auto stall = worst_key_repaint(dir.path(), quick ? 12 : 60);
    rows.push_back({"key → repaint beside a black-holed PostgreSQL and HTTP host, a refused Kafka and a trickling server (tmux)",
                    stall.count() < 0 ? std::string("a key never repainted") : fmt::format("worst {:.1f} ms of {} keys", stall.count() / 1000.0, quick ? 12 : 60),
                    "< 100 ms", stall.count() >= 0 && stall < std::chrono::microseconds(100'000)});

    std::printf("| figure | measured | target | met |\n|---|---|---|---|\n");
    bool all = true;
    for (const auto& r : rows) {
        std::printf("| %s | %s | %s | %s |\n", r.figure.c_str(), r.measured.c_str(), r.target.c_str(), r.met ? "yes" : "NO");
        all = all && r.met;
    }
    std::printf("\n(%s run; each mutation on a fresh copy of a signed drill journal or its signed bundle)\n", quick ? "quick" : "full");
    return all ? 0 : 1;
}
