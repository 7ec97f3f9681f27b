// One libpq connection driven asynchronously: every wait is a poll() bounded by the caller's deadline.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "drconsole/probes.h"

namespace drconsole::probes {

class PgError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PgRows {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt: SQL NULL

    const std::optional<std::string>& at(std::size_t row, const std::string& column) const;
};

class PgSession {
public:
    explicit PgSession(std::string conninfo) : conninfo_(std::move(conninfo)) {}

    bool connected() const { return conn_ != nullptr; }
    // Connects (PQconnectStart / PQconnectPoll on poll()) unless connected. Throws PgError.
    void connect(SteadyTime deadline);
    // Sends one statement with text parameters and reads all of its result. Throws PgError;
    // on a timeout or a broken connection the session is dropped, to reconnect next time.
    // `single_statement` sends it with the extended protocol even without parameters, so the
    // server refuses a second statement.
    PgRows query(const std::string& sql, SteadyTime deadline, const std::vector<std::string>& params = {}, bool single_statement = false);
    void drop() { conn_.reset(); }

private:
    void wait(int events, SteadyTime deadline, const char* what);

    struct Finish {
        void operator()(PGconn* c) const { PQfinish(c); }
    };
    std::string conninfo_;
    std::unique_ptr<PGconn, Finish> conn_;
};

}  // namespace drconsole::probes
