// One libpq connection driven asynchronously: every wait is a poll() bounded by the caller's deadline.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "drconsole/clock.h"

// libpq stays behind this layer: only its handle is named here.
typedef struct pg_conn PGconn;

namespace drconsole::clients {

class PgError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// The caller cancelled: the server was asked to cancel the statement (PQcancel).
class PgCancelled : public PgError {
public:
    using PgError::PgError;
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
    // server refuses a second statement. When `cancel` is set while it runs, or the deadline
    // passes after it was sent, the server is asked to cancel it (PQcancel) before the session
    // is dropped: a statement never runs on after its caller gave up. Throws PgCancelled then.
    PgRows query(const std::string& sql, SteadyTime deadline, const std::vector<std::string>& params = {}, bool single_statement = false,
                 const std::atomic<bool>* cancel = nullptr);
    void drop() { conn_.reset(); }

private:
    void wait(int events, SteadyTime deadline, const char* what);
    // Asks the server to cancel the statement in progress; best effort, bounded by libpq's connect.
    void cancel_statement();

    struct Finish {
        void operator()(PGconn* c) const;
    };
    std::string conninfo_;
    std::unique_ptr<PGconn, Finish> conn_;
    const std::atomic<bool>* cancel_ = nullptr;  // while a query runs
    bool sent_ = false;                          // a statement is on the server
};

}  // namespace drconsole::clients
