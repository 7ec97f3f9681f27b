// One thread, poll() over the listener and each connection's two sockets; what the primary sends
// waits in a queue stamped with its arrival until the delay has passed.
#include "lab/wal_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <list>
#include <stdexcept>
#include <string>
#include <vector>

#include "lab/os.h"

namespace drconsole::lab {
namespace {

using Clock = std::chrono::steady_clock;

struct Chunk {
    Clock::time_point arrived;
    std::string bytes;
};

struct Connection {
    int standby = -1, primary = -1;
    std::deque<Chunk> to_standby;  // held back by the delay
    std::string to_primary;        // passed on at once
    bool closed = false;
};


int connect_to(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// Writes what it can without blocking; false when the peer is gone.
bool send_some(int fd, std::string& bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
        bytes.erase(0, static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

WalLink::WalLink(int listen_port, int upstream_port) : upstream_port_(upstream_port) {
    listen_fd_ = listen_loopback(listen_port, 16);
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe failed");
    thread_ = std::thread([this] { serve(); });
}

WalLink::~WalLink() {
    stop_ = true;
    [[maybe_unused]] auto n = ::write(wake_[1], "x", 1);
    thread_.join();
    for (int fd : {listen_fd_, wake_[0], wake_[1]})
        if (fd >= 0) ::close(fd);
}

void WalLink::serve() {
    std::list<Connection> connections;
    char buf[65536];
    auto close_all = [&] {
        for (auto& c : connections) {
            ::close(c.standby);
            ::close(c.primary);
        }
        connections.clear();
        held_ = 0;
    };
    while (!stop_) {
        if (cut_) close_all();
        auto delay = std::chrono::milliseconds(delay_ms_.load());
        auto now = Clock::now();
        std::int64_t held = 0;
        // Release what has waited long enough.
        for (auto& c : connections) {
            std::string ready;
            while (!c.to_standby.empty() && c.to_standby.front().arrived + delay <= now) {
                ready += c.to_standby.front().bytes;
                c.to_standby.pop_front();
            }
            if (!ready.empty()) {
                if (!send_some(c.standby, ready)) c.closed = true;
                else if (!ready.empty()) c.to_standby.push_front({now - delay, std::move(ready)});  // the rest, next turn
            }
            if (!send_some(c.primary, c.to_primary)) c.closed = true;
            for (const auto& chunk : c.to_standby) held += static_cast<std::int64_t>(chunk.bytes.size());
        }
        held_ = held;
        connections.remove_if([](Connection& c) {
            if (!c.closed) return false;
            ::close(c.standby);
            ::close(c.primary);
            return true;
        });

        std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        for (auto& c : connections) {
            fds.push_back({c.standby, POLLIN, 0});
            fds.push_back({c.primary, POLLIN, 0});
        }
        ::poll(fds.data(), fds.size(), 10);
        if (fds[1].revents) {
            while (::read(wake_[0], buf, sizeof buf) > 0) {
            }
        }
        if (fds[0].revents & POLLIN) {
            int standby = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (standby >= 0) {
                int primary = cut_ ? -1 : connect_to(upstream_port_);
                if (primary < 0) ::close(standby);  // the region is gone: the standby's retries are refused
                else connections.push_back({standby, primary, {}, {}, false});
            }
        }
        std::size_t i = 2;
        now = Clock::now();
        for (auto& c : connections) {
            if (i + 1 >= fds.size()) break;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = ::recv(c.standby, buf, sizeof buf, MSG_DONTWAIT);
                if (n > 0) c.to_primary.append(buf, static_cast<std::size_t>(n));
                else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) c.closed = true;
            }
            if (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = ::recv(c.primary, buf, sizeof buf, MSG_DONTWAIT);
                if (n > 0) c.to_standby.push_back({now, std::string(buf, static_cast<std::size_t>(n))});
                else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) c.closed = true;
            }
            i += 2;
        }
    }
    close_all();
}

}  // namespace drconsole::lab
