// The lab's HTTP endpoints: several named listeners on 127.0.0.1 served by one thread, one request
// per connection (HTTP/1.1, Connection: close). A listener can be closed (its host is gone).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace drconsole::lab {

struct HttpAnswer {
    int status = 200;
    std::string body;  // JSON
};

class HttpEndpoints {
public:
    // name, method, target ("/path?query"), body → the answer.
    using Handler = std::function<HttpAnswer(const std::string& name, const std::string& method, const std::string& target,
                                             const std::string& body)>;
    HttpEndpoints(const std::map<std::string, int>& ports, Handler handler);  // listens on each, then serves
    ~HttpEndpoints();
    HttpEndpoints(const HttpEndpoints&) = delete;
    HttpEndpoints& operator=(const HttpEndpoints&) = delete;

    // Stops listening on `name`: connections are refused from now on. Idempotent.
    void close_listener(const std::string& name);

private:
    void serve();
    Handler handler_;
    std::mutex mutex_;
    std::map<std::string, int> listeners_;  // name → fd (-1: closed)
    std::map<std::string, int> to_close_;
    int wake_[2] = {-1, -1};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// The value of `key` in a target's query string ("" when absent); no percent-decoding needed for
// the lab's plain values.
std::string query_value(const std::string& target, const std::string& key);
std::string path_of(const std::string& target);

}  // namespace drconsole::lab
