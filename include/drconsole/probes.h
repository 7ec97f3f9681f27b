// Probes and their scheduler: each target read on an interval, under a deadline, by a bounded
// pool of reader threads.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "drconsole/clock.h"
#include "drconsole/environment.h"
#include "drconsole/readings.h"

namespace drconsole {

// Reads one target. read() runs on a reader thread of the scheduler (never two runs of one target
// at once) and should return by `deadline`; one that cannot (librdkafka can block far past its
// timeouts) holds only its own reader and delays only its own target, which then shows as stale.
class Probe {
public:
    virtual ~Probe() = default;
    virtual Reading read(SteadyTime deadline) = 0;
    // Called from another thread when the scheduler stops during read(): a probe that can end
    // its read early (a command target's program) does, so that stopping does not wait for it.
    virtual void cancel() {}
};

struct SchedulerStats {
    std::int64_t loops = 0;
    std::int64_t max_loop_us = 0;  // the longest the coordinating thread spent in one loop
    std::int64_t skipped = 0;      // runs not started because the target's previous run was still going
    int readers = 0;               // reader threads: a few, more while targets wait, never more than 48
};

class ProbeScheduler {
public:
    ProbeScheduler(std::shared_ptr<ReadingStore> store, std::shared_ptr<const Clock> clock = nullptr);
    ~ProbeScheduler();  // stops; a reader stuck in its probe is abandoned, not waited for
    ProbeScheduler(const ProbeScheduler&) = delete;
    ProbeScheduler& operator=(const ProbeScheduler&) = delete;

    void add(const std::string& target, std::unique_ptr<Probe> probe, Millis interval, Millis deadline);
    void start();
    void stop();

    // Called on a reader thread after each published reading (e.g. to wake the console).
    void on_reading(std::function<void()> callback);
    SchedulerStats stats() const;
    std::shared_ptr<ReadingStore> store() const { return store_; }

private:
    struct Worker;
    void coordinate();

    std::shared_ptr<ReadingStore> store_;
    std::shared_ptr<const Clock> clock_;
    std::vector<std::shared_ptr<Worker>> workers_;
    std::shared_ptr<std::function<void()>> callback_;
    struct State;
    std::shared_ptr<State> state_;
};

// One probe per target of the environment (readings of a standby that need its primary's
// heartbeat are completed by the store's owner; see PostgresProbe).
void add_environment_probes(ProbeScheduler& scheduler, const Environment& env);

inline constexpr Millis kDefaultInterval{1000};
inline constexpr Millis kDefaultDeadline{2000};

// The monotonic clock the store and scheduler use, in microseconds.
std::int64_t steady_now_us();

}  // namespace drconsole
