// Shared test fixtures.
#include "support/fixtures.h"

#include <sqlite3.h>

#include <stdexcept>

#include <fmt/format.h>

namespace drconsole::test {

std::string outsider_sql(const std::filesystem::path& db, const std::string& sql) {
    sqlite3* h = nullptr;
    if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) {
        sqlite3_close(h);
        return "cannot open " + db.string();
    }
    std::string all;
    for (const char* table : {"events", "samples"})
        for (const char* verb : {"update", "delete"}) all += fmt::format("DROP TRIGGER IF EXISTS {}_no_{}; ", table, verb);
    char* msg = nullptr;
    int rc = sqlite3_exec(h, (all + sql).c_str(), nullptr, nullptr, &msg);
    std::string error = rc == SQLITE_OK ? "" : msg ? msg : "error";
    sqlite3_free(msg);
    sqlite3_close(h);
    return error;
}

std::shared_ptr<const Runbook> small_runbook() {
    RunbookResult r = parse_runbook(kSmallRunbook, "small.md");
    if (!r.runbook) throw std::runtime_error("the small runbook does not parse: " + r.diagnostics.at(0).str());
    return r.runbook;
}

StartRequest drill_request(const std::string& mode) {
    StartRequest req;
    req.runbook = small_runbook();
    req.mode = mode;
    req.actor = {"ic", "alice"};
    req.roster = {{"ic", "alice"}, {"db", "bob"}};
    return req;
}

}  // namespace drconsole::test
