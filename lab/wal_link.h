// The WAL link: a TCP proxy between the standby and the primary that can hold back what the
// primary sends (real replication lag, steady at the chosen delay) or cut the link (the region
// is gone: what was in flight is lost).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>

namespace drconsole::lab {

class WalLink {
public:
    WalLink(int listen_port, int upstream_port);  // listens at once; serves on its own thread
    ~WalLink();
    WalLink(const WalLink&) = delete;
    WalLink& operator=(const WalLink&) = delete;

    // What the primary sends reaches the standby this much later (0: at once). Lowering it
    // releases what has waited long enough at once.
    void set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
    std::chrono::milliseconds delay() const { return std::chrono::milliseconds(delay_ms_.load()); }
    // Closes every connection, drops what was held, refuses new ones. Idempotent.
    void cut() { cut_ = true; }
    bool is_cut() const { return cut_; }
    std::int64_t bytes_held() const { return held_.load(); }

private:
    void serve();
    int listen_fd_ = -1;
    int upstream_port_ = 0;
    int wake_[2] = {-1, -1};
    std::atomic<std::int64_t> delay_ms_{0};
    std::atomic<bool> cut_{false}, stop_{false};
    std::atomic<std::int64_t> held_{0};
    std::thread thread_;
};

}  // namespace drconsole::lab
