// Schema migrations. Each entry upgrades from version N to N+1; never edit a shipped entry.
#include "journal/schema.h"

#include <array>
#include <string_view>

#include <fmt/format.h>

namespace drconsole::journal {
namespace {

constexpr std::string_view kV1 = R"sql(
CREATE TABLE incidents (
  id             INTEGER PRIMARY KEY,
  created_us     INTEGER NOT NULL,
  title          TEXT NOT NULL,
  mode           TEXT NOT NULL CHECK (mode IN ('drill', 'real')),
  runbook_path   TEXT NOT NULL,
  runbook_sha256 TEXT NOT NULL
);
CREATE TABLE events (
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  seq         INTEGER NOT NULL,
  wall_us     INTEGER NOT NULL,
  mono_us     INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  role        TEXT NOT NULL,
  person      TEXT NOT NULL,
  step_id     TEXT,
  payload     TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL,
  PRIMARY KEY (incident_id, seq)
) WITHOUT ROWID;
CREATE TABLE documents (
  sha256  TEXT PRIMARY KEY,
  kind    TEXT NOT NULL,
  path    TEXT NOT NULL,
  content BLOB NOT NULL
);
CREATE TABLE samples (
  incident_id INTEGER,
  target      TEXT NOT NULL,
  metric      TEXT NOT NULL,
  wall_us     INTEGER NOT NULL,
  mono_us     INTEGER NOT NULL,
  value       REAL,
  status      TEXT NOT NULL,
  labels      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX samples_by_incident ON samples(incident_id, target, metric, wall_us);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
CREATE TRIGGER incidents_no_update BEFORE UPDATE ON incidents
  BEGIN SELECT RAISE(ABORT, 'incidents are append-only: UPDATE refused'); END;
CREATE TRIGGER incidents_no_delete BEFORE DELETE ON incidents
  BEGIN SELECT RAISE(ABORT, 'incidents are append-only: DELETE refused'); END;
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
  BEGIN SELECT RAISE(ABORT, 'documents are append-only: UPDATE refused'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
  BEGIN SELECT RAISE(ABORT, 'documents are append-only: DELETE refused'); END;
)sql";

// Samples are sealed into the chain in batches; one recorder per incident holds a lease.
constexpr std::string_view kV2 = R"sql(
ALTER TABLE samples ADD COLUMN batch INTEGER;
CREATE INDEX samples_by_batch ON samples(incident_id, batch);
CREATE TABLE recorder_leases (
  incident_id INTEGER PRIMARY KEY,
  holder      TEXT NOT NULL,
  expires_us  INTEGER NOT NULL
);
CREATE TRIGGER samples_no_update BEFORE UPDATE ON samples
  BEGIN SELECT RAISE(ABORT, 'samples are append-only: UPDATE refused'); END;
CREATE TRIGGER samples_no_delete BEFORE DELETE ON samples
  BEGIN SELECT RAISE(ABORT, 'samples are append-only: DELETE refused'); END;
)sql";

// Which process runs each action (drconsole/runner.h), outside the chain: a pid is no evidence
// and would make a scripted drill's hashes differ run to run. Written before action.started.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE action_runners (
  incident_id INTEGER NOT NULL,
  step        TEXT NOT NULL,
  runner      TEXT NOT NULL,
  PRIMARY KEY (incident_id, step)
);
)sql";

constexpr std::array<std::string_view, kSchemaVersion> kMigrations{kV1, kV2, kV3};

}  // namespace

int schema_version(Database& db) {
    Statement s = db.prepare("PRAGMA user_version");
    return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

void migrate(Database& db) {
    // The common case, a journal of this version, is a read: no write transaction, no sync.
    if (schema_version(db) == kSchemaVersion) return;
    Transaction tx(db);
    int version = schema_version(db);
    if (version > kSchemaVersion)
        throw JournalError(fmt::format("journal schema version {} is newer than this drconsole knows ({}): use a newer drconsole",
                                       version, kSchemaVersion));
    for (int v = version; v < kSchemaVersion; ++v) {
        db.exec(kMigrations[static_cast<std::size_t>(v)]);
        db.exec(fmt::format("PRAGMA user_version = {}", v + 1));
    }
    tx.commit();
}

}  // namespace drconsole::journal
