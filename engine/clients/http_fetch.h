// One HTTP request through libcurl's multi interface, bounded by a deadline.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "drconsole/clock.h"

namespace drconsole::clients {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers;
    std::string body;
    std::size_t max_body = 1 << 20;  // what is kept of the answer
};

struct HttpResponse {
    bool completed = false;  // an HTTP answer arrived (any status)
    long status = 0;
    std::string body;
    bool truncated = false;
    double total_ms = 0;
    std::string error;       // why it did not complete: refused, timed out, resolve failure…
    bool cancelled = false;  // `cancel` was set: the request was abandoned and its connection closed
};

// Never returns later than `deadline` (plus the slice of one poll, at most 50 ms); nor, once
// `cancel` is set, later than one slice after.
HttpResponse http_fetch(const HttpRequest& request, SteadyTime deadline, const std::atomic<bool>* cancel = nullptr);

// The same through handles kept from one request to the next (a probe's): no new multi handle and
// wake-up socket pair per request, and the connection kept where the server allows it. One
// request at a time.
class HttpClient {
public:
    HttpClient();
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;
    HttpResponse fetch(const HttpRequest& request, SteadyTime deadline, const std::atomic<bool>* cancel = nullptr);

private:
    struct Handles;
    std::unique_ptr<Handles> handles_;
};

std::string url_encode(const std::string& text);

}  // namespace drconsole::clients
