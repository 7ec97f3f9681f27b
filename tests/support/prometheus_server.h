// Debian's real Prometheus on a free loopback port, with no scrape targets: enough to answer queries.
#pragma once

#include <sys/types.h>

#include <string>

#include "support/temp_dir.h"

namespace drconsole::test {

class PrometheusServer {
public:
    PrometheusServer();   // starts /usr/bin/prometheus and waits until /-/ready answers
    ~PrometheusServer();  // stops it
    std::string url() const;

private:
    TempDir dir_;
    int port_ = 0;
    pid_t pid_ = 0;
};

}  // namespace drconsole::test
