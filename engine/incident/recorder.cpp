// The sample recorder: its own thread and journal connection; holds the incident's recording lease
// and writes each batch of readings with the event that seals it.
#include "drconsole/recorder.h"

#include <unistd.h>

#include <cmath>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drconsole/clock.h"
#include "drconsole/incident.h"

namespace drconsole {
namespace {

// Enough for a long outage of a slow disk; beyond it the oldest readings go.
constexpr std::size_t kPendingLimit = 200'000;

std::int64_t real_now_us() { return SystemClock().wall_us(); }

std::string holder_name(const std::string& label) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::random_device random;
    return fmt::format("{} (pid {} on {}, #{:04x})", label.empty() ? "recorder" : label, getpid(), host, random() & 0xffff);
}

}  // namespace

std::vector<Sample> samples_of(const Reading& r, std::int64_t incident) {
    std::vector<Sample> out;
    for (const auto& m : r.metrics) {
        if (!std::isfinite(m.value)) continue;  // SQLite would store NULL, and the seal would not match
        out.push_back({incident, r.target, m.name, r.wall_us, r.mono_us, m.value, std::string(to_string(r.status)),
                       nlohmann::json(m.labels).dump()});
    }
    if (r.metrics.empty())
        out.push_back({incident, r.target, "up", r.wall_us, r.mono_us, 0, std::string(to_string(r.status)),
                       nlohmann::json({{"error", r.error}}).dump()});
    return out;
}

std::string_view to_string(RecorderMode mode) {
    switch (mode) {
        case RecorderMode::starting: return "starting";
        case RecorderMode::recording: return "recording";
        case RecorderMode::elsewhere: return "elsewhere";
        case RecorderMode::failing: return "failing";
        case RecorderMode::stopped: return "stopped";
    }
    return "?";
}

SampleRecorder::SampleRecorder(std::filesystem::path path, std::int64_t incident, Actor actor, std::shared_ptr<const Clock> clock,
                               RecorderOptions options)
    : path_(std::move(path)), incident_(incident), actor_(std::move(actor)), options_(std::move(options)),
      holder_(holder_name(options_.label)) {
    journal_ = std::make_unique<Journal>(path_, std::move(clock));
    attached_ = std::make_unique<Incident>(Incident::attach(*journal_, incident_));
}

SampleRecorder::~SampleRecorder() { stop(); }

void SampleRecorder::start(std::shared_ptr<ReadingStore> drain_from) {
    store_ = std::move(drain_from);
    thread_ = std::thread([this] { run(); });
}

void SampleRecorder::offer(const std::vector<Reading>& readings) {
    std::lock_guard lock(mutex_);
    for (const auto& r : readings) {
        auto s = samples_of(r, incident_);
        pending_.insert(pending_.end(), s.begin(), s.end());
    }
    if (pending_.size() > kPendingLimit) pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(pending_.size() - kPendingLimit));
}

void SampleRecorder::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stop_ && !thread_.joinable()) return;
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

RecorderStatus SampleRecorder::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

void SampleRecorder::run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
        lock.unlock();
        step(false);
        lock.lock();
        wake_.wait_for(lock, options_.check_every, [&] { return stop_; });
    }
    lock.unlock();
    step(true);
    try {
        journal_->release_lease(incident_, holder_);
    } catch (const std::exception&) {
        // Expires by itself.
    }
    std::lock_guard done(mutex_);
    status_.mode = RecorderMode::stopped;
}

void SampleRecorder::step(bool final) {
    if (store_) offer(store_->drain());
    auto set = [&](RecorderMode mode, std::string holder, std::string error) {
        std::lock_guard lock(mutex_);
        status_.mode = mode;
        status_.holder = std::move(holder);
        status_.error = std::move(error);
    };
    if (status_.mode == RecorderMode::stopped) return;
    std::int64_t now = real_now_us();
    std::vector<Sample> batch;
    try {
        std::string current;
        auto ttl = std::chrono::duration_cast<std::chrono::microseconds>(options_.lease_for).count();
        if (!journal_->hold_lease(incident_, holder_, now, ttl, &current)) {
            std::lock_guard lock(mutex_);
            pending_.clear();  // the holder records its own readings of the same targets
            status_.mode = RecorderMode::elsewhere;
            status_.holder = current;
            status_.other_holder = current;
            status_.error.clear();
            return;
        }
        {
            std::lock_guard lock(mutex_);
            if (status_.mode != RecorderMode::recording && status_.mode != RecorderMode::failing) last_write_us_ = now;
            status_.mode = status_.mode == RecorderMode::failing ? RecorderMode::failing : RecorderMode::recording;
            status_.holder = holder_;
            auto every = std::chrono::duration_cast<std::chrono::microseconds>(options_.batch_every).count();
            if (pending_.empty() || (!final && now - last_write_us_ < every)) return;
            batch.swap(pending_);
        }
        auto sealed = attached_->record_samples(batch, actor_, holder_, now);
        std::lock_guard lock(mutex_);
        last_write_us_ = now;
        if (!sealed) {
            status_.mode = RecorderMode::elsewhere;  // the lease went to another between the two transactions
            return;
        }
        status_.mode = RecorderMode::recording;
        status_.error.clear();
        status_.samples += static_cast<std::int64_t>(batch.size());
        ++status_.batches;
    } catch (const RuleViolation& e) {
        set(RecorderMode::stopped, holder_, e.what());  // resolved: nothing more is recorded
        try {
            journal_->release_lease(incident_, holder_);
        } catch (const std::exception&) {
        }
    } catch (const std::exception& e) {
        // Disk full, I/O error: the readings stay pending and the next step tries again.
        {
            std::lock_guard lock(mutex_);
            pending_.insert(pending_.begin(), batch.begin(), batch.end());
        }
        set(RecorderMode::failing, holder_, e.what());
    }
}

}  // namespace drconsole
