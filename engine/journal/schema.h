// The journal's schema, versioned with PRAGMA user_version and migrated forward only.
#pragma once

#include "journal/sqlite.h"

namespace drconsole::journal {

inline constexpr int kSchemaVersion = 3;

// Brings an empty or older journal up to kSchemaVersion; refuses a newer one.
void migrate(Database& db);
// The journal's schema version (0 for a new, empty file).
int schema_version(Database& db);

}  // namespace drconsole::journal
