// The test HTTP server: one thread, poll() on the listener, a stop pipe and the open connections.
#include "support/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

namespace drconsole::test {
namespace {

int bound_socket(int backlog, int* port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind failed");
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    *port = ntohs(addr.sin_port);
    if (backlog >= 0 && listen(fd, backlog) != 0) throw std::runtime_error("listen failed");
    return fd;
}

int connect_nonblocking(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    return fd;
}

}  // namespace

int free_port() {
    int port = 0;
    int fd = bound_socket(-1, &port);
    close(fd);
    return port;
}

int closed_port() { return free_port(); }

HttpServer::HttpServer(Mode mode) : mode_(mode) {
    handler_ = [](const std::string&) { return std::pair<int, std::string>{200, "ok"}; };
    listen_fd_ = bound_socket(mode == Mode::black_hole ? 0 : 64, &port_);
    if (pipe2(stop_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    if (mode == Mode::black_hole) {
        // Fill the accept queue (backlog 0 holds one); later SYNs are dropped and the
        // client's connect waits, as it would for a host that vanished.
        for (int i = 0; i < 4; ++i) held_.push_back(connect_nonblocking(port_));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return;
    }
    thread_ = std::thread([this] { serve(); });
}

HttpServer::~HttpServer() {
    if (thread_.joinable()) {
        (void)!write(stop_pipe_[1], "x", 1);
        thread_.join();
    }
    for (int fd : held_) close(fd);
    close(listen_fd_);
    close(stop_pipe_[0]);
    close(stop_pipe_[1]);
}

std::string HttpServer::url(const std::string& path) const { return fmt::format("http://127.0.0.1:{}{}", port_, path); }

std::string HttpServer::last_request() const {
    std::lock_guard lock(mutex_);
    return last_request_;
}

void HttpServer::handle(Handler handler) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
}

void HttpServer::serve() {
    while (true) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        if (poll(fds, 2, mode_ == Mode::trickle ? 300 : -1) < 0) continue;
        if (fds[1].revents) return;
        if (mode_ == Mode::trickle)
            for (int fd : held_) (void)!send(fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (!(fds[0].revents & POLLIN)) continue;
        int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        std::string request;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            pollfd p{client, POLLIN, 0};
            if (poll(&p, 1, 2000) <= 0) break;
            ssize_t n = read(client, buf, sizeof buf);
            if (n <= 0) break;
            request.append(buf, static_cast<std::size_t>(n));
        }
        // Read the body too, as long as Content-Length says.
        std::size_t header_end = request.find("\r\n\r\n");
        std::size_t length_at = request.find("Content-Length: ");
        if (header_end != std::string::npos && length_at != std::string::npos && length_at < header_end) {
            std::size_t want = header_end + 4 + std::stoul(request.substr(length_at + 16));
            while (request.size() < want) {
                pollfd p{client, POLLIN, 0};
                if (poll(&p, 1, 2000) <= 0) break;
                ssize_t n = read(client, buf, sizeof buf);
                if (n <= 0) break;
                request.append(buf, static_cast<std::size_t>(n));
            }
        }
        {
            std::lock_guard lock(mutex_);
            last_request_ = request;
        }
        ++requests_;
        if (mode_ == Mode::never_answer || mode_ == Mode::trickle) {
            if (mode_ == Mode::trickle) {
                std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n";
                (void)!send(client, head.data(), head.size(), MSG_NOSIGNAL);
            }
            held_.push_back(client);
            continue;
        }
        std::size_t sp1 = request.find(' ');
        std::size_t sp2 = request.find(' ', sp1 + 1);
        std::string target = sp1 == std::string::npos ? "/" : request.substr(sp1 + 1, sp2 - sp1 - 1);
        std::pair<int, std::string> answer;
        {
            std::lock_guard lock(mutex_);
            answer = handler_(target);
        }
        std::string response = fmt::format("HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                                           answer.first, answer.second.size(), answer.second);
        (void)!write(client, response.data(), response.size());
        close(client);
    }
}

}  // namespace drconsole::test
