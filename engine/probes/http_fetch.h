// One HTTP request through libcurl's multi interface, bounded by a deadline.
#pragma once

#include <string>
#include <vector>

#include "drconsole/probes.h"

namespace drconsole::probes {

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
};

// Never returns later than `deadline` (plus the slice of one poll, at most 50 ms).
HttpResponse http_fetch(const HttpRequest& request, SteadyTime deadline);

std::string url_encode(const std::string& text);

}  // namespace drconsole::probes
