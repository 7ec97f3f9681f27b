// A real HTTP server on 127.0.0.1 for tests: answers, never answers, or never accepts.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace drconsole::test {

class HttpServer {
public:
    enum class Mode {
        respond,       // answers each request with the handler's status and body
        never_answer,  // accepts and reads, never writes a byte
        black_hole,    // a full accept queue: connecting hangs (SYNs are dropped)
        trickle,       // answers 200 with a body it sends one byte every 300 ms, never finishing
    };
    using Handler = std::function<std::pair<int, std::string>(const std::string& target)>;

    explicit HttpServer(Mode mode = Mode::respond);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path = "/") const;
    // The handler gets the request target ("/api/v1/query?query=…").
    void handle(Handler handler);
    int requests() const { return requests_; }
    // The last request as received: request line, headers and body.
    std::string last_request() const;

private:
    void serve();

    Mode mode_;
    int listen_fd_ = -1;
    int port_ = 0;
    int stop_pipe_[2] = {-1, -1};
    std::vector<int> held_;  // connections kept open (never_answer) or queue fillers (black_hole)
    mutable std::mutex mutex_;
    std::string last_request_;
    Handler handler_;
    std::atomic<int> requests_{0};
    std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (connections are refused).
int closed_port();
// A free port on 127.0.0.1 to start a server on.
int free_port();

}  // namespace drconsole::test
