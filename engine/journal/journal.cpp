// The journal: appends hash-chained events under BEGIN IMMEDIATE, reads them back, verifies chains.
#include "drconsole/journal.h"

#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "drconsole/diagnostic.h"
#include "drconsole/sha256.h"
#include "journal/sample_seal.h"
#include "journal/schema.h"
#include "journal/sqlite.h"

namespace drconsole {

using journal::Database;
using journal::Statement;
using journal::Transaction;

namespace {

// Opens the file as `access` asks. An existing file that is not a journal (empty, another
// database, text) is refused, never turned into one; a journal of an older schema is brought up
// to date once (which needs the write lock, even to read it).
Database open_database(const std::filesystem::path& p, JournalAccess access) {
    std::error_code ec;
    bool exists = std::filesystem::exists(p, ec);
    if (exists && std::filesystem::is_directory(p, ec)) throw JournalError(fmt::format("{}: a folder, not a journal file", p.string()));
    // A new journal goes into a new or empty file only: never into another program's database.
    if (access == JournalAccess::create && (!exists || std::filesystem::file_size(p, ec) == 0))
        return Database(p.string(), Database::Access::create);
    if (!exists) throw JournalError(fmt::format("{}: no such journal", p.string()));
    std::optional<Database> reader;
    int version = 0;
    try {
        reader.emplace(p.string(), Database::Access::read_only);
        sqlite3_busy_timeout(reader->raw(), 15000);
        version = journal::schema_version(*reader);
    } catch (const JournalError& e) {
        throw JournalError(fmt::format("{}: not a drconsole journal ({})", p.string(), e.what()));
    }
    if (version == 0) throw JournalError(fmt::format("{}: not a drconsole journal (no schema in it)", p.string()));
    if (access == JournalAccess::create) {
        reader.reset();
        return Database(p.string(), Database::Access::create);
    }
    if (access == JournalAccess::existing || version < journal::kSchemaVersion) return Database(p.string(), Database::Access::read_write);
    return std::move(*reader);
}

}  // namespace

struct Journal::Impl {
    Impl(const std::filesystem::path& p, std::shared_ptr<const Clock> c, JournalAccess access)
        : path(p), clock(std::move(c)), db(open_database(p, access)) {
        // Writers wait for each other (several consoles, scripts) rather than fail at once.
        sqlite3_busy_timeout(db.raw(), 15000);
        if (sqlite3_db_readonly(db.raw(), "main") == 1) {
            if (journal::schema_version(db) > journal::kSchemaVersion) journal::migrate(db);  // refuses, naming both versions
            return;
        }
        // A bundle's snapshot is evidence of one incident: nothing is ever recorded in it.
        if (Statement marked = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshot_of'"); marked.step())
            throw JournalError(fmt::format("{}: a bundle's snapshot (evidence of one incident): it is read, never written to", p.string()));
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = FULL");
        db.exec("PRAGMA foreign_keys = ON");
        journal::migrate(db);
    }

    // Statements on the append path, prepared once per connection.
    Statement& cached(std::unique_ptr<Statement>& slot, std::string_view sql) {
        if (!slot) slot = std::make_unique<Statement>(db.raw(), sql);
        slot->reset();
        return *slot;
    }

    std::filesystem::path path;
    std::shared_ptr<const Clock> clock;
    Database db;
    std::unique_ptr<Statement> select_last, select_newer, insert, insert_sample;
};

namespace {

constexpr std::string_view kSelectEvents =
    "SELECT incident_id, seq, wall_us, mono_us, kind, role, person, step_id, payload, prev_hash, hash "
    "FROM events WHERE incident_id = ?1 AND seq > ?2 ORDER BY seq";

// An event's columns; its payload is left as stored (column 8) for the caller to parse or not.
Event read_event_unparsed(const Statement& s) {
    Event e;
    e.incident = s.integer(0);
    e.seq = s.integer(1);
    e.wall_us = s.integer(2);
    e.mono_us = s.integer(3);
    e.kind = s.text(4);
    e.actor = {s.text(5), s.text(6)};
    e.step = s.is_null(7) ? "" : s.text(7);
    e.prev_hash = s.text(9);
    e.hash = s.text(10);
    return e;
}

Event read_event(const Statement& s) {
    Event e = read_event_unparsed(s);
    e.payload = nlohmann::json::parse(s.text(8), nullptr, false);
    return e;
}

constexpr std::string_view kInsertEvent =
    "INSERT INTO events (incident_id, seq, wall_us, mono_us, kind, role, person, step_id, payload, prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

void insert_event(Statement& s, const Event& e) {
    s.bind(1, e.incident).bind(2, e.seq).bind(3, e.wall_us).bind(4, e.mono_us).bind(5, e.kind);
    s.bind(6, e.actor.role).bind(7, e.actor.person);
    if (e.step.empty()) s.bind_null(8);
    else s.bind(8, e.step);
    s.bind(9, e.payload.dump()).bind(10, e.prev_hash).bind(11, e.hash);
    s.run();
}

Event seal(const EventDraft& draft, std::int64_t incident, std::int64_t seq, const std::string& prev_hash, const Clock& clock) {
    Event e;
    e.incident = incident;
    e.seq = seq;
    e.wall_us = clock.wall_us();
    e.mono_us = clock.mono_us();
    e.kind = draft.kind;
    e.actor = draft.actor;
    e.step = draft.step;
    e.payload = draft.payload.is_null() ? nlohmann::json::object() : draft.payload;
    e.prev_hash = prev_hash;
    try {
        e.hash = chain_hash(prev_hash, canonical_json(e));
    } catch (const nlohmann::json::type_error&) {
        throw InputError("text is not valid UTF-8: nothing was recorded");
    }
    return e;
}

}  // namespace

Journal::Journal(const std::filesystem::path& path, std::shared_ptr<const Clock> clock, JournalAccess access)
    : impl_(std::make_unique<Impl>(path, clock ? std::move(clock) : std::make_shared<SystemClock>(), access)) {}
Journal::~Journal() = default;
Journal::Journal(Journal&&) noexcept = default;
Journal& Journal::operator=(Journal&&) noexcept = default;

const std::filesystem::path& Journal::path() const { return impl_->path; }

void Journal::snapshot(const std::filesystem::path& to, std::int64_t incident) const {
    if (std::filesystem::exists(to)) throw JournalError(fmt::format("{}: exists; a snapshot is written to a new file", to.string()));
    Database out(to.string(), Database::Access::create);
    journal::migrate(out);
    Statement attach = out.prepare("ATTACH DATABASE ?1 AS src");
    attach.bind(1, impl_->path.string());
    attach.run();
    // One read of the source (a deferred transaction: no lock on it beyond reading).
    out.exec("BEGIN");
    for (std::string_view sql : {
             "INSERT INTO incidents SELECT * FROM src.incidents WHERE id = ?1",
             "INSERT INTO events SELECT * FROM src.events WHERE incident_id = ?1",
             "INSERT INTO samples SELECT * FROM src.samples WHERE incident_id = ?1",
             "INSERT INTO documents SELECT * FROM src.documents WHERE sha256 IN "
             "(SELECT runbook_sha256 FROM src.incidents WHERE id = ?1 UNION "
             " SELECT json_extract(payload, '$.env_sha256') FROM src.events WHERE incident_id = ?1 AND seq = 1 UNION "
             " SELECT json_extract(i.value, '$.sha256') FROM src.events, json_each(src.events.payload, '$.includes') AS i "
             " WHERE incident_id = ?1 AND seq = 1)",
         }) {
        Statement s = out.prepare(sql);
        s.bind(1, incident);
        s.run();
    }
    // Marked as a snapshot: its incident numbers start wherever that incident's did.
    out.exec("CREATE TABLE snapshot_of (incident_id INTEGER NOT NULL)");
    Statement mark = out.prepare("INSERT INTO snapshot_of (incident_id) VALUES (?1)");
    mark.bind(1, incident);
    mark.run();
    out.exec("COMMIT");
    out.exec("DETACH DATABASE src");
}

std::optional<std::int64_t> Journal::snapshot_of() const {
    Statement table = impl_->db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshot_of'");
    if (!table.step()) return std::nullopt;
    Statement s = impl_->db.prepare("SELECT incident_id FROM snapshot_of");
    if (!s.step()) return std::nullopt;
    return s.integer(0);
}
const Clock& Journal::clock() const { return *impl_->clock; }

namespace {

constexpr std::string_view kInsertSample =
    "INSERT INTO samples (incident_id, target, metric, wall_us, mono_us, value, status, labels, batch) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

void insert_sample(Statement& s, const Sample& x) {
    if (x.incident) s.bind(1, x.incident);
    else s.bind_null(1);
    s.bind(2, x.target).bind(3, x.metric).bind(4, x.wall_us).bind(5, x.mono_us).bind(6, x.value).bind(7, x.status);
    s.bind(8, x.labels.empty() ? std::string_view("{}") : std::string_view(x.labels));
    if (x.batch) s.bind(9, x.batch);
    else s.bind_null(9);
    s.run();
    s.reset();
}

// The lease's holder and expiry, if any.
std::optional<std::pair<std::string, std::int64_t>> current_lease(Database& db, std::int64_t incident) {
    Statement s = db.prepare("SELECT holder, expires_us FROM recorder_leases WHERE incident_id = ?1");
    s.bind(1, incident);
    if (!s.step()) return std::nullopt;
    return std::pair{s.text(0), s.integer(1)};
}

}  // namespace

Event Journal::append(std::int64_t incident, std::int64_t known_seq, const Decide& decide) {
    Transaction tx(impl_->db);
    Event e = append_in_transaction(incident, known_seq, decide);
    tx.commit();
    return e;
}

Event Journal::append_in_transaction(std::int64_t incident, std::int64_t known_seq, const Decide& decide) {
    Statement& last = impl_->cached(impl_->select_last, "SELECT seq, hash FROM events WHERE incident_id = ?1 ORDER BY seq DESC LIMIT 1");
    last.bind(1, incident);
    if (!last.step()) throw InputError(fmt::format("no incident {} in {}", incident, impl_->path.string()));
    std::int64_t last_seq = last.integer(0);
    std::string last_hash = last.text(1);
    last.reset();

    std::vector<Event> newer;
    Statement& s = impl_->cached(impl_->select_newer, kSelectEvents);
    s.bind(1, incident).bind(2, known_seq);
    while (s.step()) newer.push_back(read_event(s));

    EventDraft draft = decide(newer);
    Event e = seal(draft, incident, last_seq + 1, last_hash, *impl_->clock);
    insert_event(impl_->cached(impl_->insert, kInsertEvent), e);
    return e;
}

std::optional<Event> Journal::append_samples(std::int64_t incident, std::int64_t known_seq, const Decide& decide,
                                             const std::vector<Sample>& samples, const std::string& holder, std::int64_t now_us) {
    Transaction tx(impl_->db);
    // Checked inside the write transaction: a recorder whose lease another took writes nothing.
    auto lease = current_lease(impl_->db, incident);
    if (!lease || lease->first != holder || lease->second < now_us) return std::nullopt;
    Event e = append_in_transaction(incident, known_seq, decide);
    Statement& insert = impl_->cached(impl_->insert_sample, kInsertSample);
    for (Sample x : samples) {
        x.incident = incident;
        x.batch = e.seq;
        insert_sample(insert, x);
    }
    tx.commit();
    return e;
}

bool Journal::hold_lease(std::int64_t incident, const std::string& holder, std::int64_t now_us, std::int64_t ttl_us, std::string* current) {
    Transaction tx(impl_->db);
    auto lease = current_lease(impl_->db, incident);
    if (lease && lease->first != holder && lease->second >= now_us) {
        if (current) *current = lease->first;
        return false;
    }
    Statement s = impl_->db.prepare("INSERT OR REPLACE INTO recorder_leases (incident_id, holder, expires_us) VALUES (?1, ?2, ?3)");
    s.bind(1, incident).bind(2, holder).bind(3, now_us + ttl_us);
    s.run();
    tx.commit();
    if (current) *current = holder;
    return true;
}

void Journal::release_lease(std::int64_t incident, const std::string& holder) {
    Statement s = impl_->db.prepare("DELETE FROM recorder_leases WHERE incident_id = ?1 AND holder = ?2");
    s.bind(1, incident).bind(2, holder);
    s.run();
}

void Journal::set_action_runner(std::int64_t incident, const std::string& step, const std::string& runner) {
    Statement s = impl_->db.prepare("INSERT OR REPLACE INTO action_runners (incident_id, step, runner) VALUES (?1, ?2, ?3)");
    s.bind(1, incident).bind(2, step).bind(3, runner);
    s.run();
}

std::optional<std::string> Journal::action_runner(std::int64_t incident, const std::string& step) const {
    Statement s = impl_->db.prepare("SELECT runner FROM action_runners WHERE incident_id = ?1 AND step = ?2");
    s.bind(1, incident).bind(2, step);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

std::vector<Event> Journal::create_incident(const IncidentRecord& record, const std::vector<EventDraft>& first_events,
                                            const std::vector<StoredDocument>& documents) {
    Transaction tx(impl_->db);
    for (const auto& doc : documents) {
        Statement s = impl_->db.prepare("INSERT OR IGNORE INTO documents (sha256, kind, path, content) VALUES (?1, ?2, ?3, ?4)");
        s.bind(1, doc.sha256).bind(2, doc.kind).bind(3, doc.path).bind(4, doc.content);
        s.run();
    }
    Statement s = impl_->db.prepare(
        "INSERT INTO incidents (created_us, title, mode, runbook_path, runbook_sha256) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, impl_->clock->wall_us()).bind(2, record.title).bind(3, record.mode).bind(4, record.runbook_path);
    s.bind(5, record.runbook_sha256);
    s.run();
    std::int64_t id = sqlite3_last_insert_rowid(impl_->db.raw());
    std::vector<Event> sealed;
    std::string prev = kGenesisHash;
    for (const auto& draft : first_events) {
        sealed.push_back(seal(draft, id, static_cast<std::int64_t>(sealed.size()) + 1, prev, *impl_->clock));
        insert_event(impl_->cached(impl_->insert, kInsertEvent), sealed.back());
        prev = sealed.back().hash;
    }
    tx.commit();
    return sealed;
}

std::vector<Event> Journal::events(std::int64_t incident, std::int64_t after_seq, SealDetail seals) const {
    std::vector<Event> out;
    Statement s = impl_->db.prepare(kSelectEvents);
    s.bind(1, incident).bind(2, after_seq);
    while (s.step()) {
        if (seals == SealDetail::full || s.text(4) != event_kind::samples_recorded) {
            out.push_back(read_event(s));
            continue;
        }
        // A seal names every sample of its batch: the brief is a small part of a large text.
        Event e = read_event_unparsed(s);
        std::string text = s.text(8);
        if (auto brief = journal::seal_brief(text)) {
            e.payload = {{"count", brief->count}, {"from_us", brief->from_us}, {"sha256", brief->sha256}, {"to_us", brief->to_us}};
        } else {
            e.payload = nlohmann::json::parse(text, nullptr, false);
            if (e.payload.is_object()) e.payload.erase("series");
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<IncidentRecord> Journal::incidents() const {
    std::vector<IncidentRecord> out;
    Statement s = impl_->db.prepare("SELECT id, created_us, title, mode, runbook_path, runbook_sha256 FROM incidents ORDER BY id");
    while (s.step()) out.push_back({s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5)});
    return out;
}

std::optional<IncidentRecord> Journal::incident(std::int64_t id) const {
    Statement s = impl_->db.prepare("SELECT id, created_us, title, mode, runbook_path, runbook_sha256 FROM incidents WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return IncidentRecord{s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5)};
}

std::optional<StoredDocument> Journal::document(const std::string& sha256) const {
    Statement s = impl_->db.prepare("SELECT sha256, kind, path, content FROM documents WHERE sha256 = ?1");
    s.bind(1, sha256);
    if (!s.step()) return std::nullopt;
    StoredDocument doc{s.text(0), s.text(1), s.text(2), s.text(3)};
    // A document is named by its SHA-256: one that no longer has it is never used.
    if (sha256_hex(doc.content) != sha256)
        throw JournalError(fmt::format("the stored {} {} was changed: its SHA-256 no longer matches", doc.kind, sha256.substr(0, 12)));
    return doc;
}

namespace {

// A checkpoint.signed event read with `key`: empty when it verifies, else why not. Events
// signed with another key are none of this key's business (nullopt).
std::optional<std::string> checkpoint_problem(const Event& e, std::int64_t incident, const std::string& prev_hash, const VerifyKey& key) {
    try {
        if (e.payload.value("key", "") != key.fingerprint()) return std::nullopt;
        // What it covers was checked with the chain: here, that the key signed it.
        if (!key.verify(checkpoint_message(incident, e.seq - 1, prev_hash, e.payload.value("resolved", false)), e.payload.value("signature", "")))
            return fmt::format("event {}: its checkpoint's signature does not verify with {}: the events it covers were changed, or it was forged",
                               e.seq, key.fingerprint());
        return std::string();
    } catch (const nlohmann::json::exception&) {
        return fmt::format("event {}: a checkpoint that is not in checkpoint form", e.seq);
    }
}

}  // namespace

std::vector<ChainReport> Journal::verify(std::optional<std::int64_t> only, const VerifyKey* key) const {
    std::vector<ChainReport> reports;
    for (const auto& record : incidents()) {
        if (only && record.id != *only) continue;
        ChainReport r;
        r.incident = record.id;
        std::string prev = kGenesisHash;
        std::int64_t expected = 1;
        // What, SHA-256: the runbook, then the environment and included files the first event names.
        std::vector<std::pair<std::string, std::string>> documents{{"runbook", record.runbook_sha256}};
        std::string other_keys;  // the keys its checkpoints name, to say which signed when it was not `key`
        Statement s = impl_->db.prepare(kSelectEvents);
        s.bind(1, record.id).bind(2, std::int64_t{0});
        std::vector<journal::SealRef> seals;
        while (s.step() && r.problem.empty()) {
            Event e = read_event_unparsed(s);
            std::string text = s.text(8);
            // Stored in canonical form, the payload hashes as it is: a seal's (which names every
            // sample of its batch) is then read only for its brief. Any other text is parsed and
            // checked as before.
            bool hashes = e.seq == expected && chain_hash_of_stored(prev, e, text) == e.hash;
            bool seal = e.kind == event_kind::samples_recorded;
            std::optional<journal::SealBrief> brief = hashes && seal ? journal::seal_brief(text) : std::nullopt;
            if (!brief) e.payload = nlohmann::json::parse(text, nullptr, false);
            if (e.seq != expected) r.problem = fmt::format("event {}: missing (found event {} next): an event was removed", expected, e.seq);
            else if (!brief && e.payload.is_discarded()) r.problem = fmt::format("event {}: payload is not valid JSON", e.seq);
            else if (e.prev_hash != prev) r.problem = fmt::format("event {}: prev_hash does not match event {}'s hash: events removed or reordered", e.seq, e.seq - 1);
            else if (!hashes && chain_hash(prev, canonical_json(e)) != e.hash) r.problem = fmt::format("event {}: hash mismatch: its content was changed", e.seq);
            else if (e.seq == 1 && (e.kind != event_kind::incident_started || e.payload.value("runbook_sha256", "") != record.runbook_sha256))
                r.problem = "event 1: does not start the incident recorded in the incidents table";
            if (e.seq == 1 && e.payload.is_object()) {
                documents.emplace_back("environment", e.payload.value("env_sha256", ""));
                if (auto inc = e.payload.find("includes"); inc != e.payload.end() && inc->is_array())
                    for (const auto& f : *inc)
                        if (f.is_object()) documents.emplace_back("included file " + f.value("path", "?"), f.value("sha256", ""));
            }
            if (e.kind == event_kind::checkpoint_signed && e.payload.is_object()) {
                std::string named = e.payload.value("key", "");
                if (other_keys.find(named) == std::string::npos) other_keys += (other_keys.empty() ? "" : ", ") + named;
                // Without the key, a checkpoint still says which hash it covered: a chain rewritten
                // (or recomputed) under it no longer has that hash.
                if (r.problem.empty() && (e.payload.value("covers_seq", std::int64_t{-1}) != e.seq - 1 || e.payload.value("covers_hash", "") != prev))
                    r.problem = fmt::format("event {}: a checkpoint (naming {}) covered event {} with another hash than the chain has now: "
                                            "the events before it were rewritten", e.seq, named, e.seq - 1);
            }
            if (key && r.problem.empty() && e.kind == event_kind::checkpoint_signed)
                if (auto problem = checkpoint_problem(e, record.id, prev, *key)) {
                    if (!problem->empty()) r.problem = *problem;
                    else r.signed_through = e.seq, r.signed_us = e.wall_us, r.signed_final = e.payload.value("resolved", false), ++r.checkpoints;
                }
            if (seal && r.problem.empty()) {
                if (brief) seals.push_back({e.seq, std::move(*brief), nullptr});
                else seals.push_back({e.seq, {}, std::make_shared<Event>(std::move(e))});
            }
            prev = s.text(10);
            r.count = s.integer(1);
            ++expected;
        }
        if (r.problem.empty() && r.count == 0) r.problem = "no events: the incident.started event is missing";
        if (r.problem.empty()) {
            // The samples an RPO rests on: each as its seal in the chain says.
            r.sealed_batches = static_cast<std::int64_t>(seals.size());
            r.sample_problems = journal::check_stored_samples(impl_->db, record.id, seals, [&](std::int64_t seq) {
                Statement one = impl_->db.prepare(std::string(kSelectEvents) + " LIMIT 1");
                one.bind(1, record.id).bind(2, seq - 1);
                if (!one.step() || one.integer(1) != seq) throw JournalError(fmt::format("event {} vanished while it was verified", seq));
                return read_event(one);
            }, r.samples);
            if (!r.sample_problems.empty())
                r.problem = fmt::format("{} sample problem{}: {}", r.sample_problems.size(), r.sample_problems.size() == 1 ? "" : "s",
                                        r.sample_problems.front().text);
        }
        if (r.problem.empty()) {
            // The documents the incident started with, as its first event names them.
            for (const auto& [kind, sha] : documents) {
                if (sha.empty() || !r.problem.empty()) continue;
                try {
                    if (!document(sha)) r.problem = fmt::format("{} document is missing", kind);
                } catch (const JournalError&) {
                    r.problem = fmt::format("{} document was changed: its SHA-256 no longer matches", kind);
                }
            }
        }
        if (key && r.problem.empty()) {
            if (r.checkpoints == 0)
                r.problem = fmt::format("no checkpoint signed with {}: nothing of it is covered by that key ({})", key->fingerprint(),
                                        other_keys.empty() ? "it has no checkpoint at all" : "its checkpoints name " + other_keys);
            else if (r.signed_through < r.count)
                r.problem = fmt::format("{} after the last checkpoint signed with {} (event {}): appended after it, or forged",
                                        r.signed_through + 1 == r.count ? fmt::format("event {} comes", r.count)
                                                                        : fmt::format("events {}–{} come", r.signed_through + 1, r.count),
                                        key->fingerprint(), r.signed_through);
            else if (!r.signed_final)
                r.problem = fmt::format("the last checkpoint signed with {} (event {}) was made before the incident was resolved: the record "
                                        "is not finished, or its tail was cut back to that checkpoint",
                                        key->fingerprint(), r.signed_through);
        }
        if (r.samples == 0) r.samples = sample_count(record.id);  // not read when the chain is broken
        r.intact = r.problem.empty();
        r.head = prev;
        reports.push_back(std::move(r));
    }
    return reports;
}

std::string Journal::check_head(std::int64_t incident, std::int64_t count, const std::string& hash) const {
    auto newer = events(incident, count - 1);
    if (newer.empty() || newer.front().seq != count) return fmt::format("event {} is missing", count);
    if (newer.front().hash != hash)
        return fmt::format("event {} now hashes to {}: the chain was rewritten after that head was printed", count, newer.front().hash);
    return {};
}

void Journal::add_samples(const std::vector<Sample>& samples) {
    Transaction tx(impl_->db);
    Statement& insert = impl_->cached(impl_->insert_sample, kInsertSample);
    for (const auto& x : samples) insert_sample(insert, x);
    tx.commit();
}

namespace {

Sample read_sample(const Statement& s) {
    return {s.integer(0), s.text(1), s.text(2), s.integer(3), s.integer(4), s.real(5), s.text(6), s.text(7), s.is_null(8) ? 0 : s.integer(8)};
}

}  // namespace

std::vector<Sample> Journal::samples(std::int64_t incident) const {
    std::vector<Sample> out;
    Statement s = impl_->db.prepare(
        "SELECT incident_id, target, metric, wall_us, mono_us, value, status, labels, batch FROM samples WHERE incident_id = ?1 "
        "ORDER BY wall_us, rowid");
    s.bind(1, incident);
    while (s.step()) out.push_back(read_sample(s));
    return out;
}

std::vector<Sample> Journal::samples(std::int64_t incident, const std::vector<std::string>& targets) const {
    std::vector<Sample> out;
    if (targets.empty()) return out;
    Statement s = impl_->db.prepare(
        "SELECT incident_id, target, metric, wall_us, mono_us, value, status, labels, batch FROM samples "
        "WHERE incident_id = ?1 AND target IN (SELECT value FROM json_each(?2)) ORDER BY wall_us, rowid");
    s.bind(1, incident).bind(2, nlohmann::json(targets).dump());
    while (s.step()) out.push_back(read_sample(s));
    return out;
}

std::int64_t Journal::sample_count(std::int64_t incident) const {
    Statement s = impl_->db.prepare("SELECT count(*) FROM samples WHERE incident_id = ?1");
    s.bind(1, incident);
    return s.step() ? s.integer(0) : 0;
}

std::filesystem::path default_journal_path() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "drconsole" / "journal.db";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local" / "share" / "drconsole" / "journal.db";
}

}  // namespace drconsole
