// The probe scheduler: a coordinating thread that never blocks, and one worker thread per target.
#include "drconsole/probes.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace drconsole {

std::int64_t steady_now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Shared with the worker thread, which may outlive the scheduler if its probe is stuck.
struct ProbeScheduler::Worker {
    std::string target;
    std::unique_ptr<Probe> probe;
    Millis interval, deadline;
    std::shared_ptr<ReadingStore> store;
    std::shared_ptr<std::function<void()>> callback;

    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable idle;
    bool go = false;
    bool busy = false;
    bool stopping = false;
    SteadyTime next_due{};
    std::thread thread;

    void run() {
        while (true) {
            SteadyTime deadline_at;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return go || stopping; });
                if (stopping) return;
                go = false;
                deadline_at = std::chrono::steady_clock::now() + deadline;
            }
            auto started = std::chrono::steady_clock::now();
            Reading r;
            try {
                r = probe->read(deadline_at);
            } catch (const std::exception& e) {
                r.status = ProbeStatus::error;
                r.error = e.what();
            }
            r.target = target;
            r.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            r.mono_us = steady_now_us();
            if (r.wall_us == 0) r.wall_us = SystemClock().wall_us();
            {
                std::lock_guard lock(mutex);
                busy = false;
                // An abandoned worker whose probe finally returned publishes nothing: the
                // scheduler and whoever it called back may be gone.
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
};

struct ProbeScheduler::State {
    std::mutex mutex;
    std::condition_variable wake;
    bool running = false;
    bool stopping = false;
    std::thread coordinator;
    SchedulerStats stats;
};

ProbeScheduler::ProbeScheduler(std::shared_ptr<ReadingStore> store, std::shared_ptr<const Clock> clock)
    : store_(std::move(store)),
      clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()),
      callback_(std::make_shared<std::function<void()>>()),
      state_(std::make_shared<State>()) {}

ProbeScheduler::~ProbeScheduler() { stop(); }

void ProbeScheduler::add(const std::string& target, std::unique_ptr<Probe> probe, Millis interval, Millis deadline) {
    auto w = std::make_shared<Worker>();
    w->target = target;
    w->probe = std::move(probe);
    w->interval = interval;
    w->deadline = deadline;
    w->store = store_;
    w->callback = callback_;
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
    for (auto& w : workers_) {
        w->next_due = now;
        w->thread = std::thread([w] { w->run(); });
    }
    state_->coordinator = std::thread([this] { coordinate(); });
}

void ProbeScheduler::coordinate() {
    constexpr auto kTick = std::chrono::milliseconds(20);
    while (true) {
        {
            std::unique_lock lock(state_->mutex);
            if (state_->wake.wait_for(lock, kTick, [&] { return state_->stopping; })) return;
        }
        auto loop_start = std::chrono::steady_clock::now();
        std::int64_t skipped = 0;
        for (auto& w : workers_) {
            // try_lock: a worker that holds its lock is between readings for a moment;
            // the coordinator never waits on it.
            std::unique_lock lock(w->mutex, std::try_to_lock);
            if (!lock.owns_lock() || loop_start < w->next_due) continue;
            if (w->busy) {
                ++skipped;  // still in its probe: never more than one run per target
            } else {
                w->busy = true;
                w->go = true;
                w->wake.notify_one();
            }
            while (w->next_due <= loop_start) w->next_due += w->interval;
        }
        auto spent = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - loop_start).count();
        std::lock_guard lock(state_->mutex);
        state_->stats.loops++;
        state_->stats.skipped += skipped;
        state_->stats.max_loop_us = std::max<std::int64_t>(state_->stats.max_loop_us, spent);
    }
}

void ProbeScheduler::stop() {
    {
        std::lock_guard lock(state_->mutex);
        if (!state_->running) return;
        state_->stopping = true;
        state_->running = false;
    }
    state_->wake.notify_all();
    if (state_->coordinator.joinable()) state_->coordinator.join();
    for (auto& w : workers_) {
        bool stuck;
        {
            std::unique_lock lock(w->mutex);
            w->stopping = true;
            w->wake.notify_one();
            // A probe in progress gets until its deadline; one that ignores its deadline
            // (librdkafka) is abandoned: it holds its own copy of everything it touches.
            stuck = !w->idle.wait_for(lock, w->deadline, [&] { return !w->busy; });
        }
        if (stuck) w->thread.detach();
        else if (w->thread.joinable()) w->thread.join();
    }
}

SchedulerStats ProbeScheduler::stats() const {
    std::lock_guard lock(state_->mutex);
    return state_->stats;
}

}  // namespace drconsole
