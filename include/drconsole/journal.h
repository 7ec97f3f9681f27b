// The journal: SQLite file of incidents, hash-chained append-only events, documents and samples.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "drconsole/clock.h"
#include "drconsole/event.h"
#include "drconsole/signing.h"

namespace drconsole {

// A write or read that did not succeed: the caller must not claim it happened.
class JournalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct IncidentRecord {
    std::int64_t id = 0;
    std::int64_t created_us = 0;
    std::string title;
    std::string mode;  // "drill" | "real"
    std::string runbook_path;
    std::string runbook_sha256;
};

// A file the incident depends on (runbook, environment), stored whole so that the
// journal alone can rebuild state and reports.
struct StoredDocument {
    std::string sha256;
    std::string kind;  // "runbook" | "environment"
    std::string path;
    std::string content;
};

struct Sample {
    std::int64_t incident = 0;  // 0: not tied to an incident
    std::string target;
    std::string metric;
    std::int64_t wall_us = 0;
    std::int64_t mono_us = 0;
    double value = 0;
    std::string status;  // ok | stale | down | error | stalled | degraded
    std::string labels;  // JSON object text
    std::int64_t batch = 0;  // seq of the samples.recorded event that seals it; 0: not sealed
};

// A recorded sample that differs from its seal: which (empty target for a whole batch) and the line.
struct SampleProblem {
    std::string target, metric;
    std::int64_t wall_us = 0;
    std::string text;  // "pg-primary heartbeat_ts at 2026-…Z: edited (…; sealed by event 12)"
};

struct ChainReport {
    std::int64_t incident = 0;
    bool intact = false;
    std::string problem;  // "event 17: hash mismatch"
    std::int64_t count = 0;
    std::string head;     // hash of the last event
    std::vector<SampleProblem> sample_problems;  // samples that differ from their seals
    std::int64_t sealed_batches = 0;
    std::int64_t samples = 0;  // the incident's stored samples
    // With a public key: the checkpoints it signed that verify, and the last event they cover
    // (a checkpoint covers every event before it, and itself).
    std::int64_t checkpoints = 0;
    std::int64_t signed_through = 0;
    std::int64_t signed_us = 0;  // when the last of them was recorded
    bool signed_final = false;   // the last of them was made after the incident was resolved
};

// How a journal is opened. `create` makes the file if it is missing; `existing` refuses a missing
// file; both migrate an older schema. `read_only` takes no write lock, changes nothing and
// creates nothing (an older schema is migrated once first, which needs the write lock).
enum class JournalAccess { create, existing, read_only };

class Journal {
public:
    explicit Journal(const std::filesystem::path& path, std::shared_ptr<const Clock> clock = nullptr,
                     JournalAccess access = JournalAccess::create);
    ~Journal();
    Journal(Journal&&) noexcept;
    Journal& operator=(Journal&&) noexcept;

    // Chooses the event to append after seeing the events newer than `known_seq`, inside
    // the write transaction: it may throw to refuse (nothing is written).
    using Decide = std::function<EventDraft(const std::vector<Event>& newer)>;

    // Appends one event; returns only after the commit succeeded. Throws JournalError
    // when it could not be recorded, or whatever `decide` threw.
    Event append(std::int64_t incident, std::int64_t known_seq, const Decide& decide);

    // Creates an incident with its documents and its first events (incident.started, then the
    // roster) in one transaction: all of it is recorded, or none.
    std::vector<Event> create_incident(const IncidentRecord& record, const std::vector<EventDraft>& first_events,
                                       const std::vector<StoredDocument>& documents);

    // How much of a samples.recorded event's payload events() reads: all of it, or its brief
    // ({"count", "from_us", "sha256", "to_us"}) without the series that names every sample (for
    // readers that show or fold events; verify() checks the whole of every seal).
    enum class SealDetail { full, brief };
    std::vector<Event> events(std::int64_t incident, std::int64_t after_seq = 0, SealDetail seals = SealDetail::full) const;
    std::vector<IncidentRecord> incidents() const;
    std::optional<IncidentRecord> incident(std::int64_t id) const;
    std::optional<StoredDocument> document(const std::string& sha256) const;

    // Recomputes the chain of one incident or of all of them.
    // With `key`: every event must also be covered by a checkpoint that key signed; a change to a
    // covered event, a recomputed chain, or events appended after the last checkpoint fail.
    std::vector<ChainReport> verify(std::optional<std::int64_t> incident = std::nullopt, const VerifyKey* key = nullptr) const;

    // Checks a head printed earlier ("COUNT:HASH"): event COUNT must still hash to HASH.
    // Returns the problem, or an empty string when it matches.
    std::string check_head(std::int64_t incident, std::int64_t count, const std::string& hash) const;

    // Appends the event that seals `samples` (its payload holds their seal) and the samples,
    // stored with batch = the event's seq, in one transaction, and only while `holder` holds
    // the incident's recording lease: otherwise nothing is written and nullopt is returned.
    std::optional<Event> append_samples(std::int64_t incident, std::int64_t known_seq, const Decide& decide,
                                        const std::vector<Sample>& samples, const std::string& holder, std::int64_t now_us);
    // The recording lease: one recorder of an incident's samples at a time. Taken when free or
    // expired, renewed when `holder` has it; false while another holds it (`current` says who).
    // Times are the host's real wall clock (several processes compare them).
    bool hold_lease(std::int64_t incident, const std::string& holder, std::int64_t now_us, std::int64_t ttl_us,
                    std::string* current = nullptr);
    void release_lease(std::int64_t incident, const std::string& holder);
    // The process that runs a step's action (drconsole/runner.h as JSON text), kept beside the
    // chain, not in it; set before action.started, read to find an abandoned action.
    void set_action_runner(std::int64_t incident, const std::string& step, const std::string& runner);
    std::optional<std::string> action_runner(std::int64_t incident, const std::string& step) const;

    // Appends readings in one transaction without sealing them: only for readings of no
    // incident. An incident's samples are recorded with append_samples().
    void add_samples(const std::vector<Sample>& samples);
    std::vector<Sample> samples(std::int64_t incident) const;
    // The samples of these targets only (time order, as samples() has them); how many the incident has.
    std::vector<Sample> samples(std::int64_t incident, const std::vector<std::string>& targets) const;
    std::int64_t sample_count(std::int64_t incident) const;

    // Writes a new journal file `to` (which must not exist) holding one incident only, read
    // consistently: its record, events, samples and the runbook and environment it started with.
    void snapshot(const std::filesystem::path& to, std::int64_t incident) const;
    // The incident this journal is a snapshot of (it holds no other), or nullopt for a journal.
    std::optional<std::int64_t> snapshot_of() const;

    const std::filesystem::path& path() const;
    const Clock& clock() const;

private:
    Event append_in_transaction(std::int64_t incident, std::int64_t known_seq, const Decide& decide);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// $XDG_DATA_HOME/drconsole/journal.db, else ~/.local/share/drconsole/journal.db.
std::filesystem::path default_journal_path();

}  // namespace drconsole
