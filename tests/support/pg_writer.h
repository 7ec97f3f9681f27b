// A workload for the real PostgreSQL pair: commits timestamped rows until the primary is gone and
// keeps what was acknowledged, the ground truth an achieved RPO is compared with.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace drconsole::test {

class PgWriter {
public:
    // Creates table `writes` if needed, then inserts a row every `pause_ms` (≥ 50 rows/s at 5 ms).
    explicit PgWriter(const std::string& dsn, int pause_ms = 5);
    ~PgWriter();
    PgWriter(const PgWriter&) = delete;
    PgWriter& operator=(const PgWriter&) = delete;

    void stop();  // stops writing (also happens by itself when the primary is gone)
    void join();
    double last_acknowledged() const { return last_.load(); }  // epoch seconds of the newest acknowledged row
    long acknowledged() const { return count_.load(); }
    std::vector<double> log() const;  // every acknowledged row's timestamp, in order

private:
    void run(const std::string& dsn, int pause_ms);
    std::atomic<double> last_{0};
    std::atomic<long> count_{0};
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<double> log_;
    std::thread thread_;
};

}  // namespace drconsole::test
