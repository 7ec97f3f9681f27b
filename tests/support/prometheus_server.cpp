// Starting and stopping the Prometheus daemon for probe tests.
#include "support/prometheus_server.h"

#include <signal.h>
#include <spawn.h>
#include <fcntl.h>
#include <sys/wait.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "clients/http_fetch.h"
#include "support/http_server.h"

extern char** environ;

namespace drconsole::test {

PrometheusServer::PrometheusServer() {
    port_ = free_port();
    auto config = dir_.write("prometheus.yml", "global:\n  scrape_interval: 1h\n");
    std::vector<std::string> args{"/usr/bin/prometheus", "--config.file=" + config.string(),
                                  "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                  "--storage.tsdb.path=" + (dir_ / "data").string(), "--log.level=error"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ / "prometheus.log").c_str(), O_WRONLY | O_CREAT, 0644);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start /usr/bin/prometheus: install Debian's prometheus package");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
        clients::HttpRequest req;
        req.url = url() + "/-/ready";
        if (clients::http_fetch(req, std::chrono::steady_clock::now() + std::chrono::milliseconds(500)).status == 200) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("prometheus did not become ready");
}

PrometheusServer::~PrometheusServer() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

std::string PrometheusServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace drconsole::test
