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

std::string recompute_chain(const std::filesystem::path& db, std::int64_t from_seq, const std::function<void(Event&)>& edit) {
    std::vector<Event> events = Journal(db).events(1);
    auto quoted = [](std::string text) {  // an SQL string literal's content
        for (std::size_t at = text.find('\''); at != std::string::npos; at = text.find('\'', at + 2)) text.insert(at, 1, '\'');
        return text;
    };
    std::string prev = from_seq <= 1 ? kGenesisHash : events.at(static_cast<std::size_t>(from_seq - 2)).hash;
    std::string sql;
    for (auto& e : events) {
        if (e.seq < from_seq) continue;
        if (e.seq == from_seq) edit(e);
        e.prev_hash = prev;
        e.hash = chain_hash(prev, canonical_json(e));
        prev = e.hash;
        sql += fmt::format("UPDATE events SET person = '{}', payload = '{}', prev_hash = '{}', hash = '{}' WHERE incident_id = 1 AND seq = {};",
                           quoted(e.actor.person), quoted(e.payload.dump()), e.prev_hash, e.hash, e.seq);
    }
    return outsider_sql(db, sql);
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
