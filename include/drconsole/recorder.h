// Recording live readings as an incident's samples, for whoever shows them (a console, probe --db):
// one recorder per incident at a time by a lease in the journal, each batch sealed in the chain.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drconsole/clock.h"
#include "drconsole/duration.h"
#include "drconsole/event.h"
#include "drconsole/journal.h"
#include "drconsole/readings.h"

namespace drconsole {

class Incident;

// The samples of one reading (a reading with no metrics records up = 0 with its error).
std::vector<Sample> samples_of(const Reading& reading, std::int64_t incident);

enum class RecorderMode {
    starting,   // has not tried the lease yet
    recording,  // holds the lease: readings are recorded here
    elsewhere,  // another console or probe holds it and records them
    failing,    // a write failed (disk full, I/O error): readings are NOT being recorded
    stopped,    // stopped, or the incident is resolved
};
std::string_view to_string(RecorderMode mode);

struct RecorderStatus {
    RecorderMode mode = RecorderMode::starting;
    std::string holder;  // who holds the lease (this recorder's own name while recording)
    std::string error;   // why failing or stopped
    std::string other_holder;  // the last other recorder seen holding the lease
    std::int64_t samples = 0, batches = 0;
};

struct RecorderOptions {
    Millis batch_every{2000};  // as probe --db has always written
    Millis lease_for{3000};    // a recorder that died is replaced within this (plus one check)
    Millis check_every{250};
    std::string label;         // shown to the others: "console ic:maria", "probe --db"
};

class SampleRecorder {
public:
    // Opens its own connection to the journal at `path` (its events on `clock`); records for
    // `incident` as `actor`. Throws JournalError / InputError when it cannot attach.
    SampleRecorder(std::filesystem::path path, std::int64_t incident, Actor actor, std::shared_ptr<const Clock> clock,
                   RecorderOptions options = {});
    ~SampleRecorder();  // stop()
    SampleRecorder(const SampleRecorder&) = delete;
    SampleRecorder& operator=(const SampleRecorder&) = delete;

    // Starts the recorder's thread; with `drain_from`, it drains that store itself (the
    // console), else readings arrive through offer() (probe --db).
    void start(std::shared_ptr<ReadingStore> drain_from = nullptr);
    void offer(const std::vector<Reading>& readings);
    // Writes the last batch (while holding the lease) and gives the lease up.
    void stop();
    RecorderStatus status() const;

private:
    void run();
    void step(bool final);

    std::filesystem::path path_;
    std::int64_t incident_;
    Actor actor_;
    RecorderOptions options_;
    std::string holder_;
    std::shared_ptr<ReadingStore> store_;
    std::unique_ptr<Journal> journal_;
    std::unique_ptr<Incident> attached_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::vector<Sample> pending_;
    RecorderStatus status_;
    std::int64_t last_write_us_ = 0;
    std::thread thread_;
};

}  // namespace drconsole
