// libpq, asynchronously: PQconnectPoll and PQconsumeInput/PQisBusy, waiting only in poll().
#include "clients/pg_session.h"

#include <poll.h>

#include <libpq-fe.h>

#include <fmt/format.h>

#include "drconsole/text.h"

namespace drconsole::clients {
namespace {

// libpq's messages span lines ("…failed: Connection refused\n\tIs the server running…"): one line.
std::string pq_message(const char* raw) {
    std::string text;
    for (const char* p = raw ? raw : ""; *p; ++p) {
        bool space = *p == '\n' || *p == '\t' || *p == ' ';
        if (space && (text.empty() || text.back() == ' ')) continue;
        text += space ? ' ' : *p;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text.empty() ? std::string("unknown libpq error") : text;
}

}  // namespace

const std::optional<std::string>& PgRows::at(std::size_t row, const std::string& column) const {
    for (std::size_t c = 0; c < columns.size(); ++c)
        if (columns[c] == column) return rows.at(row).at(c);
    throw PgError("no column " + column);
}

void PgSession::wait(int events, SteadyTime deadline, const char* what) {
    int fd = PQsocket(conn_.get());
    if (fd < 0) {
        drop();
        throw PgError(fmt::format("{}: no socket", what));
    }
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (cancel_ && *cancel_) {
            cancel_statement();
            drop();
            throw PgCancelled(fmt::format("{}: cancelled (the server was asked to cancel it)", what));
        }
        if (left <= 0) {
            cancel_statement();
            drop();
            throw PgError(fmt::format("{}: no answer before the deadline", what));
        }
        pollfd p{fd, static_cast<short>(events), 0};
        // With a cancel flag to watch, wait in slices of 100 ms.
        int n = ::poll(&p, 1, static_cast<int>(cancel_ ? std::min<long>(left, 100) : left));
        if (n > 0) return;
        if (n < 0 && errno != EINTR) {
            drop();
            throw PgError(fmt::format("{}: poll failed", what));
        }
    }
}

void PgSession::Finish::operator()(PGconn* c) const { PQfinish(c); }

void PgSession::cancel_statement() {
    if (!sent_ || !conn_) return;
    sent_ = false;
    if (PGcancel* c = PQgetCancel(conn_.get())) {
        char error[256] = {};
        PQcancel(c, error, sizeof error);
        PQfreeCancel(c);
    }
}

void PgSession::connect(SteadyTime deadline) {
    if (conn_) return;
    conn_.reset(PQconnectStart(conninfo_.c_str()));
    if (!conn_) throw PgError("out of memory starting a connection");
    if (PQstatus(conn_.get()) == CONNECTION_BAD) {
        std::string message = pq_message(PQerrorMessage(conn_.get()));
        drop();
        throw PgError(message);
    }
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK) {
        if (state == PGRES_POLLING_FAILED) {
            std::string message = pq_message(PQerrorMessage(conn_.get()));
            drop();
            throw PgError(message);
        }
        wait(state == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline, "connect");
        state = PQconnectPoll(conn_.get());
    }
    PQsetnonblocking(conn_.get(), 1);
    // Server NOTICEs ("schema … already exists, skipping") would go to stderr, through the
    // console's screen: they say nothing an operator needs.
    PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
}

PgRows PgSession::query(const std::string& sql, SteadyTime deadline, const std::vector<std::string>& params, bool single_statement,
                        const std::atomic<bool>* cancel) {
    struct Watch {
        PgSession& s;
        ~Watch() { s.cancel_ = nullptr, s.sent_ = false; }
    } watch{*this};
    cancel_ = cancel;
    connect(deadline);
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    // Without parameters the simple protocol is used, which also allows several statements.
    int sent = params.empty() && !single_statement ? PQsendQuery(conn_.get(), sql.c_str())
                              : PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                                  nullptr, nullptr, 0);
    if (!sent) {
        std::string message = pq_message(PQerrorMessage(conn_.get()));
        drop();
        throw PgError(message);
    }
    sent_ = true;
    while (int pending = PQflush(conn_.get())) {
        if (pending < 0) {
            std::string message = pq_message(PQerrorMessage(conn_.get()));
            drop();
            throw PgError(message);
        }
        wait(POLLOUT | POLLIN, deadline, "send");
        if (!PQconsumeInput(conn_.get())) break;
    }
    PgRows out;
    std::string failure;
    while (true) {
        while (PQisBusy(conn_.get())) {
            wait(POLLIN, deadline, "query");
            if (!PQconsumeInput(conn_.get())) {
                std::string message = pq_message(PQerrorMessage(conn_.get()));
                drop();
                throw PgError(message);
            }
        }
        PGresult* res = PQgetResult(conn_.get());
        if (!res) break;
        std::unique_ptr<PGresult, decltype(&PQclear)> owned(res, &PQclear);
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_TUPLES_OK) {
            out.columns.clear();
            out.rows.clear();
            for (int c = 0; c < PQnfields(res); ++c) out.columns.emplace_back(PQfname(res, c));
            for (int r = 0; r < PQntuples(res); ++r) {
                std::vector<std::optional<std::string>> row;
                for (int c = 0; c < PQnfields(res); ++c)
                    row.push_back(PQgetisnull(res, r, c) ? std::nullopt : std::optional<std::string>(PQgetvalue(res, r, c)));
                out.rows.push_back(std::move(row));
            }
        } else if (status != PGRES_COMMAND_OK && failure.empty()) {
            failure = pq_message(PQresultErrorMessage(res));
        }
    }
    if (PQstatus(conn_.get()) == CONNECTION_BAD) {
        drop();
        throw PgError(failure.empty() ? "connection lost" : failure);
    }
    if (!failure.empty()) throw PgError(failure);
    return out;
}

}  // namespace drconsole::clients
