// Canary: a secret used by actions never reaches the journal, the output metadata, or any
// command line in /proc/*/cmdline.
#include <dirent.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

constexpr const char* kCanary = "s3cr3t-canary-7f3a9c";

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every process's command line, read while the action runs.
bool canary_in_any_cmdline() {
    DIR* proc = opendir("/proc");
    bool found = false;
    while (dirent* d = proc ? readdir(proc) : nullptr) {
        if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
        std::string cmdline = slurp(std::string("/proc/") + d->d_name + "/cmdline");
        if (cmdline.find(kCanary) != std::string::npos) found = true;
    }
    if (proc) closedir(proc);
    return found;
}

}  // namespace

TEST(Secrets, ACanaryNeverShowsInTheJournalOutputMetadataOrCommandLines) {
    test::TempDir dir;
    test::HttpServer server;
    auto env = dir.write("env.jsonc", R"({
      "targets": { "api": { "type": "http", "url": ")" + server.url("") + R"(" } },
      "vars": { "token": "${DRC_CANARY_TOKEN}" }
    })");
    auto runbook = dir.write("secret.md", R"(# Secret drill

| Component | RPO | RTO |
|-----------|-----|-----|
| app       | -   | 5m  |

## Repoint
- [ ] Use the token in a command {#use-token role=app}
  ```run
  # uses {{token}}
  sh -c 'sleep 0.5; test -n "$DRC_CANARY_TOKEN" && echo token-present'
  sh -c 'echo "$DRC_CANARY_TOKEN" | sha256sum'
  ```
- [ ] Use the token in a header {#call-api role=app restores=app}
  ```http target=api
  POST /rotate
  Authorization: Bearer {{token}}

  {"by": "{{actor.person}}"}
  ```
- [ ] Use the token in a query string {#query role=app}
  ```http target=api
  GET /status?key={{token}}&by={{actor.person}}
  ```
- [ ] Print the token {#print role=app}
  ```run
  # uses {{token}}
  printenv DRC_CANARY_TOKEN
  ```
- [ ] A command that names no secret gets none {#no-secret role=app}
  ```run
  sh -c 'test -z "$DRC_CANARY_TOKEN" && echo no-secret-here'
  ```
)");
    std::vector<std::string> with_canary{std::string("DRC_CANARY_TOKEN=") + kCanary};
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill",
                                   "--as", "app:kim"}, with_canary).exit_code, 0);

    std::atomic<bool> seen{false}, done{false};
    std::thread watcher([&] {
        while (!done) {
            if (canary_in_any_cmdline()) seen = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    auto run = test::run_drconsole({"step", "--db", db, "use-token", "run", "--as", "app:kim"}, with_canary);
    auto api = test::run_drconsole({"step", "--db", db, "call-api", "run", "--as", "app:kim"}, with_canary);
    std::string api_request = server.last_request();
    auto query = test::run_drconsole({"step", "--db", db, "query", "run", "--as", "app:kim"}, with_canary);
    std::string query_request = server.last_request();
    auto print = test::run_drconsole({"step", "--db", db, "print", "run", "--as", "app:kim"}, with_canary);
    auto no_secret = test::run_drconsole({"step", "--db", db, "no-secret", "run", "--as", "app:kim"}, with_canary);
    done = true;
    watcher.join();

    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("token-present"), std::string::npos) << "the command got the secret in its environment:\n" << run.out;
    auto sha = test::run_process({"/bin/sh", "-c", std::string("echo ") + kCanary + " | sha256sum"});
    EXPECT_NE(run.out.find(sha.out.substr(0, 64)), std::string::npos) << "the value itself, checked by its hash";
    EXPECT_EQ(api.exit_code, 0) << api.err;
    EXPECT_NE(api_request.find(std::string("Authorization: Bearer ") + kCanary), std::string::npos)
        << "the server received the secret in the header";
    // A secret as an argument is refused before anything starts.
    auto leaky = dir.write("leak.md", R"(# Leak

| Component | RPO | RTO |
|-----------|-----|-----|
| app       | -   | 5m  |

## Repoint
- [ ] Try the token as an argument {#leak role=app restores=app}
  ```run
  echo {{token}}
  ```
)");
    auto leak = test::run_drconsole({"validate", "--env", env.string(), leaky.string()});
    EXPECT_EQ(leak.exit_code, 2);
    EXPECT_NE(leak.err.find("leak.md:9:3: error: {{token}} is a secret (from $DRC_CANARY_TOKEN) and cannot be a command's argument: name it "
                            "in a comment (# uses {{token}}) and read $DRC_CANARY_TOKEN in the command"),
              std::string::npos)
        << leak.err;

    EXPECT_EQ(query.exit_code, 0) << query.err;
    EXPECT_NE(query_request.find(std::string("GET /status?key=") + kCanary), std::string::npos) << "the server got the secret:\n" << query_request;
    EXPECT_EQ(print.exit_code, 0) << print.err;
    EXPECT_EQ(print.out.find(kCanary), std::string::npos) << "printed output is redacted too:\n" << print.out;
    EXPECT_NE(print.out.find("<from $DRC_CANARY_TOKEN>"), std::string::npos) << print.out;
    EXPECT_EQ(no_secret.exit_code, 0) << no_secret.out << no_secret.err;
    EXPECT_NE(no_secret.out.find("no-secret-here"), std::string::npos) << "a block that names no secret gets none:\n" << no_secret.out;

    EXPECT_FALSE(seen) << "the canary appeared in a /proc/*/cmdline";
    for (const char* suffix : {"", "-wal"}) {
        std::string bytes = slurp(db + suffix);
        EXPECT_EQ(bytes.find(kCanary), std::string::npos) << "the canary is in the journal file " << db << suffix;
    }
    auto status = test::run_drconsole({"status", "--db", db, "--json"});
    EXPECT_EQ(status.out.find(kCanary), std::string::npos);
    auto payloads = test::run_process({"/usr/bin/sqlite3", db, "SELECT payload FROM events WHERE kind = 'action.started'"});
    EXPECT_NE(payloads.out.find("<from $DRC_CANARY_TOKEN>"), std::string::npos) << payloads.out;
    auto finished = test::run_process({"/usr/bin/sqlite3", db, "SELECT payload FROM events WHERE kind = 'action.finished' AND step_id = 'query'"});
    EXPECT_NE(finished.out.find("/status?key=<from $DRC_CANARY_TOKEN>&by=kim"), std::string::npos) << finished.out;
}

TEST(Secrets, ASecretIsRedactedInTheFormsThisProgramEncodesItIntoARequest) {
    test::TempDir dir;
    test::HttpServer server;
    server.handle([](const std::string& target) { return std::pair<int, std::string>{200, "you asked for " + target}; });  // an echo
    auto env = dir.write("env.jsonc", R"({
      "targets": { "api": { "type": "http", "url": ")" + server.url("") + R"(" } },
      "vars": { "token": "${DRC_ODD_TOKEN}" }
    })");
    auto runbook = dir.write("odd.md", R"(# Odd token

| Component | RPO | RTO |
|-----------|-----|-----|
| app       | -   | 5m  |

## Repoint
- [ ] Ask with the token in the query {#ask role=app restores=app}
  ```http target=api
  GET /status?key={{token}}
  ```
)");
    const std::string odd = "CANARY/odd+tok=en\"q";
    std::vector<std::string> with_token{"DRC_ODD_TOKEN=" + odd};
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill",
                                   "--as", "app:kim"}, with_token).exit_code, 0);
    auto ask = test::run_drconsole({"step", "--db", db, "ask", "run", "--as", "app:kim"}, with_token);
    EXPECT_EQ(ask.exit_code, 0) << ask.err;
    EXPECT_NE(server.last_request().find("key=CANARY%2Fodd%2Btok%3Den%22q"), std::string::npos) << "sent URL-encoded: " << server.last_request();
    std::string journal = slurp(db) + slurp(db + "-wal");
    for (const std::string& form : {odd, std::string("CANARY%2Fodd%2Btok%3Den%22q"), std::string("CANARY/odd+tok=en\\\"q")}) {
        EXPECT_EQ(journal.find(form), std::string::npos) << "the journal holds " << form;
        EXPECT_EQ(ask.out.find(form), std::string::npos) << "the output shows " << form << ":\n" << ask.out;
    }
    EXPECT_NE(ask.out.find("you asked for /status?key=<from $DRC_ODD_TOKEN>"), std::string::npos) << ask.out;
}
