// libcurl multi: connect and total timeouts always set, no signals, threaded resolver, a hard deadline.
#include "clients/http_fetch.h"

#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

namespace drconsole::clients {
namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
    std::string* body;
    std::size_t max;
    bool* truncated;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t n = size * count;
    size_t room = sink->max > sink->body->size() ? sink->max - sink->body->size() : 0;
    if (n > room) *sink->truncated = true;
    sink->body->append(data, std::min(n, room));
    return n;  // keep reading (and discarding) so the server is not cut off mid-answer
}

long remaining_ms(SteadyTime deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    return left > 1 ? static_cast<long>(left) : 1;
}

}  // namespace

std::string url_encode(const std::string& text) {
    global_init();
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
    char* out = curl_easy_escape(easy.get(), text.c_str(), static_cast<int>(text.size()));
    std::string encoded = out ? out : "";
    curl_free(out);
    return encoded;
}

struct HttpClient::Handles {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy{curl_easy_init(), &curl_easy_cleanup};
    std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi{curl_multi_init(), &curl_multi_cleanup};
};

HttpClient::HttpClient() {
    global_init();
    handles_ = std::make_unique<Handles>();
}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResponse http_fetch(const HttpRequest& req, SteadyTime deadline, const std::atomic<bool>* cancel) {
    return HttpClient().fetch(req, deadline, cancel);
}

HttpResponse HttpClient::fetch(const HttpRequest& req, SteadyTime deadline, const std::atomic<bool>* cancel) {
    HttpResponse resp;
    auto started = std::chrono::steady_clock::now();
    if (!handles_->easy || !handles_->multi) {
        resp.error = "libcurl could not start a request";
        return resp;
    }
    CURL* e = handles_->easy.get();
    CURLM* multi = handles_->multi.get();
    curl_easy_reset(e);  // nothing of the last request's options; its connection and DNS caches stay
    Sink sink{&resp.body, req.max_body, &resp.truncated};
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, &curl_slist_free_all);
    for (const auto& h : req.headers) headers.reset(curl_slist_append(headers.release(), h.c_str()));
    long budget = remaining_ms(deadline);
    curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, budget);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, budget);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (req.method == "HEAD") curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    if (!req.body.empty()) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body.c_str());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
    }
    if (headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
    curl_multi_add_handle(multi, e);

    CURLcode result = CURLE_OPERATION_TIMEDOUT;
    bool done = false;
    while (!done) {
        int running = 0;
        curl_multi_perform(multi, &running);
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
            if (msg->msg == CURLMSG_DONE) {
                result = msg->data.result;
                done = true;
            }
        }
        if (done) break;
        if (std::chrono::steady_clock::now() >= deadline) break;
        if (cancel && *cancel) {
            resp.cancelled = true;
            break;
        }
        curl_multi_poll(multi, nullptr, 0, static_cast<int>(std::min(remaining_ms(deadline), 50L)), nullptr);
    }
    curl_multi_remove_handle(multi, e);
    resp.total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (done && result == CURLE_OK) {
        resp.completed = true;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp.status);
    } else if (resp.cancelled) {
        resp.error = fmt::format("cancelled after {:.0f} ms: the request was abandoned", resp.total_ms);
    } else if (!done || result == CURLE_OPERATION_TIMEDOUT) {
        resp.error = fmt::format("no answer within {:.0f} ms", resp.total_ms);
    } else {
        resp.error = curl_easy_strerror(result);
    }
    return resp;
}

}  // namespace drconsole::clients
