// The probe scheduler: a coordinating thread that never blocks, and a bounded pool of reader
// threads that grows while every reader is busy (a black-holed host holds one for its deadline).
#include "drconsole/probes.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace drconsole {

std::int64_t steady_now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// One target: its probe and its schedule. `busy` while a reader has it: never two runs at once.
struct ProbeScheduler::Worker {
    std::string target;
    std::unique_ptr<Probe> probe;
    Millis interval, deadline;
    // Set under the state's mutex; atomic because a stuck reader abandoned by stop() clears them
    // under the old state's mutex when its probe returns at last.
    std::atomic<bool> busy{false};     // queued or being read
    std::atomic<bool> reading{false};  // in its probe
    SteadyTime next_due{};
};

// Shared with the reader threads, which may outlive the scheduler while a probe is stuck.
struct ProbeScheduler::State {
    std::mutex mutex;
    std::condition_variable wake;  // the coordinator: stop
    std::condition_variable work;  // the readers: a target is due, or stop
    std::condition_variable idle;  // stop(): a reader finished its run
    bool running = false;
    bool stopping = false;
    std::thread coordinator;
    std::deque<std::shared_ptr<Worker>> due;  // due and not yet taken by a reader
    int readers = 0, starting = 0, waiting = 0, reading = 0;
    std::vector<std::thread> pool;
    std::shared_ptr<ReadingStore> store;
    std::shared_ptr<std::function<void()>> callback;
    SchedulerStats stats;

    void read_loop() {
        bool first = true;
        while (true) {
            std::shared_ptr<Worker> w;
            {
                std::unique_lock lock(mutex);
                if (first) starting--, first = false;
                ++waiting;
                work.wait(lock, [&] { return stopping || !due.empty(); });
                --waiting;
                if (stopping) return;
                w = std::move(due.front());
                due.pop_front();
                ++reading;
                w->reading = true;
            }
            Reading r = read_one(*w);
            {
                std::lock_guard lock(mutex);
                w->busy = false;
                w->reading = false;
                --reading;
                // A reader whose probe returned after stop() publishes nothing: the scheduler and
                // whoever it called back may be gone.
                if (stopping) {
                    idle.notify_all();
                    return;
                }
            }
            store->publish(std::move(r));
            if (callback && *callback) (*callback)();
            idle.notify_all();
        }
    }

    static Reading read_one(Worker& w) {
        auto started = std::chrono::steady_clock::now();
        Reading r;
        try {
            r = w.probe->read(started + w.deadline);
        } catch (const std::exception& e) {
            r.status = ProbeStatus::error;
            r.error = e.what();
        }
        r.target = w.target;
        r.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        r.mono_us = steady_now_us();
        if (r.wall_us == 0) r.wall_us = SystemClock().wall_us();
        return r;
    }
};

namespace {
// Readers to start with, and at most: enough for every black-holed target of a large environment
// to hold one for its deadline while the others are read on time; beyond that a due target waits
// its turn and shows stale if it waits past its deadline.
constexpr int kFirstReaders = 4;
constexpr int kMostReaders = 48;
}  // namespace

ProbeScheduler::ProbeScheduler(std::shared_ptr<ReadingStore> store, std::shared_ptr<const Clock> clock)
    : store_(std::move(store)),
      clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()),
      callback_(std::make_shared<std::function<void()>>()),
      state_(std::make_shared<State>()) {
    state_->store = store_;
    state_->callback = callback_;
}

ProbeScheduler::~ProbeScheduler() { stop(); }

void ProbeScheduler::add(const std::string& target, std::unique_ptr<Probe> probe, Millis interval, Millis deadline) {
    auto w = std::make_shared<Worker>();
    w->target = target;
    w->probe = std::move(probe);
    w->interval = interval;
    w->deadline = deadline;
    store_->declare(target, deadline);
    workers_.push_back(std::move(w));
}

void ProbeScheduler::on_reading(std::function<void()> callback) { *callback_ = std::move(callback); }

void ProbeScheduler::start() {
    std::lock_guard lock(state_->mutex);
    if (state_->running) return;
    state_->running = true;
    state_->stopping = false;
    auto now = std::chrono::steady_clock::now();
    for (auto& w : workers_) w->next_due = now;
    int first = std::min<int>(kFirstReaders, static_cast<int>(workers_.size()));
    for (int i = 0; i < first; ++i) state_->pool.emplace_back([s = state_] { s->read_loop(); });
    state_->readers = state_->starting = first;
    state_->coordinator = std::thread([this] { coordinate(); });
}

void ProbeScheduler::coordinate() {
    constexpr auto kTick = std::chrono::milliseconds(20);
    auto& s = *state_;
    while (true) {
        std::unique_lock lock(s.mutex);
        if (s.wake.wait_for(lock, kTick, [&] { return s.stopping; })) return;
        auto loop_start = std::chrono::steady_clock::now();
        std::int64_t skipped = 0;
        int queued = 0;
        for (auto& w : workers_) {
            if (loop_start < w->next_due) continue;
            if (w->busy) {
                ++skipped;  // still being read (or waiting for a reader): never more than one run per target
            } else {
                w->busy = true;
                s.due.push_back(w);
                ++queued;
            }
            while (w->next_due <= loop_start) w->next_due += w->interval;
        }
        // More readers while every one is busy and targets wait, up to the bound.
        int wanted = std::min<int>(kMostReaders, s.reading + static_cast<int>(s.due.size()));
        while (s.readers < wanted && s.waiting + s.starting < static_cast<int>(s.due.size())) {
            s.pool.emplace_back([st = state_] { st->read_loop(); });
            ++s.readers, ++s.starting;
        }
        // One reader woken per run queued: not the whole pool each tick.
        for (int i = 0; i < queued; ++i) s.work.notify_one();
        auto spent = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - loop_start).count();
        s.stats.loops++;
        s.stats.skipped += skipped;
        s.stats.max_loop_us = std::max<std::int64_t>(s.stats.max_loop_us, spent);
        s.stats.readers = s.readers;
    }
}

void ProbeScheduler::stop() {
    std::vector<std::thread> pool;
    {
        std::unique_lock lock(state_->mutex);
        if (!state_->running) return;
        state_->stopping = true;
        state_->running = false;
    }
    state_->wake.notify_all();
    if (state_->coordinator.joinable()) state_->coordinator.join();
    bool stuck;
    {
        std::unique_lock lock(state_->mutex);
        state_->work.notify_all();
        // A probe in progress gets until its deadline (one that can end early is told to); one
        // that ignores its deadline (librdkafka) is abandoned: its reader holds its own copy of
        // everything it touches.
        for (auto& w : workers_)
            if (w->reading) w->probe->cancel();
        Millis longest{0};
        for (auto& w : workers_) longest = std::max(longest, w->deadline);
        stuck = !state_->idle.wait_for(lock, longest, [&] { return state_->reading == 0; });
        pool = std::move(state_->pool);
        state_->due.clear();
    }
    for (auto& t : pool) {
        if (stuck) t.detach();  // which reader is stuck is not known: none is waited for
        else t.join();
    }
    for (auto& w : workers_) w->busy = w->reading.load();  // the queued ones are free again
    // A fresh state for a later start(): a stuck reader that returns one day sees its own, stopped.
    auto fresh = std::make_shared<State>();
    fresh->store = store_;
    fresh->callback = callback_;
    fresh->stats = state_->stats;
    state_ = std::move(fresh);
}

SchedulerStats ProbeScheduler::stats() const {
    std::lock_guard lock(state_->mutex);
    return state_->stats;
}

}  // namespace drconsole
