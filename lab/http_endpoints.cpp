// poll() over the listeners and a wake pipe; each accepted connection is read (2 s at most),
// answered and closed.
#include "lab/http_endpoints.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "lab/os.h"

namespace drconsole::lab {
namespace {


const char* reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

// Reads one request (headers and a Content-Length body) within 2 s; false if it never came.
bool read_request(int fd, std::string& method, std::string& target, std::string& body) {
    std::string data;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    std::size_t header_end = std::string::npos, want = 0;
    char buf[8192];
    while (std::chrono::steady_clock::now() < until && data.size() < (1 << 20)) {
        if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
            auto at = data.find("Content-Length:");
            if (at == std::string::npos) at = data.find("content-length:");
            if (at != std::string::npos && at < header_end) want = std::stoul(data.substr(at + 15, data.find("\r\n", at) - at - 15));
        }
        if (header_end != std::string::npos && data.size() >= header_end + 4 + want) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        data.append(buf, static_cast<std::size_t>(n));
    }
    if (header_end == std::string::npos) return false;
    auto first = data.substr(0, data.find("\r\n"));
    auto sp1 = first.find(' '), sp2 = first.rfind(' ');
    if (sp1 == std::string::npos || sp2 <= sp1) return false;
    method = first.substr(0, sp1);
    target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    body = data.substr(header_end + 4, want);
    return true;
}

}  // namespace

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

std::string query_value(const std::string& target, const std::string& key) {
    auto q = target.find('?');
    if (q == std::string::npos) return "";
    std::string query = target.substr(q + 1);
    for (std::size_t at = 0; at <= query.size();) {
        auto end = query.find('&', at);
        if (end == std::string::npos) end = query.size();
        std::string pair = query.substr(at, end - at);
        if (pair.rfind(key + "=", 0) == 0) return pair.substr(key.size() + 1);
        at = end + 1;
    }
    return "";
}

HttpEndpoints::HttpEndpoints(const std::map<std::string, int>& ports, Handler handler) : handler_(std::move(handler)) {
    for (const auto& [name, port] : ports) listeners_[name] = listen_loopback(port, 64);
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe failed");
    thread_ = std::thread([this] { serve(); });
}

HttpEndpoints::~HttpEndpoints() {
    stop_ = true;
    [[maybe_unused]] auto n = ::write(wake_[1], "x", 1);
    thread_.join();
    for (auto& [name, fd] : listeners_)
        if (fd >= 0) ::close(fd);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void HttpEndpoints::close_listener(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto it = listeners_.find(name);
    if (it == listeners_.end() || it->second < 0) return;
    ::shutdown(it->second, SHUT_RDWR);
    ::close(it->second);
    it->second = -1;
    [[maybe_unused]] auto n = ::write(wake_[1], "x", 1);
}

void HttpEndpoints::serve() {
    while (!stop_) {
        std::vector<pollfd> fds{{wake_[0], POLLIN, 0}};
        std::vector<std::string> names{""};
        {
            std::lock_guard lock(mutex_);
            for (const auto& [name, fd] : listeners_)
                if (fd >= 0) {
                    fds.push_back({fd, POLLIN, 0});
                    names.push_back(name);
                }
        }
        if (::poll(fds.data(), fds.size(), 200) <= 0) continue;
        if (fds[0].revents) {
            char buf[64];
            while (::read(wake_[0], buf, sizeof buf) > 0) {
            }
            continue;  // the listeners may have changed
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (!(fds[i].revents & POLLIN)) continue;
            int client = ::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            std::string method, target, body;
            if (read_request(client, method, target, body)) {
                HttpAnswer answer = handler_(names[i], method, target, body);
                std::string reply = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                                                answer.status, reason(answer.status), answer.body.size(), answer.body);
                ::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
            }
            ::close(client);
        }
    }
}

}  // namespace drconsole::lab
