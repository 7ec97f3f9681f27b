// The lab's database workload: commits a timestamped order every `pause` on the primary and logs
// every acknowledged commit (id and commit time) to a file: the ground truth an achieved RPO is
// compared with.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace drconsole::lab {

class PgWriter {
public:
    PgWriter(std::string dsn, std::filesystem::path log, std::chrono::milliseconds pause);
    ~PgWriter();  // stops writing
    PgWriter(const PgWriter&) = delete;
    PgWriter& operator=(const PgWriter&) = delete;

    void stop();
    long acknowledged() const { return count_.load(); }
    bool writing() const { return connected_.load(); }

private:
    void run();
    std::string dsn_;
    std::filesystem::path log_;
    std::chrono::milliseconds pause_;
    std::atomic<long> count_{0};
    std::atomic<bool> stop_{false}, connected_{false};
    std::thread thread_;
};

}  // namespace drconsole::lab
