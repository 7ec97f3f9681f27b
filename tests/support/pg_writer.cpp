// The workload writer: one connection, one INSERT … RETURNING per commit, every acknowledgement logged.
#include "support/pg_writer.h"

#include <chrono>
#include <cstdlib>

#include <libpq-fe.h>

namespace drconsole::test {

PgWriter::PgWriter(const std::string& dsn, int pause_ms) : thread_([this, dsn, pause_ms] { run(dsn, pause_ms); }) {}

PgWriter::~PgWriter() {
    stop();
    join();
}

void PgWriter::stop() { stop_ = true; }

void PgWriter::join() {
    if (thread_.joinable()) thread_.join();
}

std::vector<double> PgWriter::log() const {
    std::lock_guard lock(mutex_);
    return log_;
}

void PgWriter::run(const std::string& dsn, int pause_ms) {
    PGconn* conn = PQconnectdb(dsn.c_str());
    if (PQstatus(conn) == CONNECTION_OK)
        PQclear(PQexec(conn, "SET client_min_messages = warning; "
                             "CREATE TABLE IF NOT EXISTS writes (id bigserial PRIMARY KEY, ts timestamptz NOT NULL)"));
    while (PQstatus(conn) == CONNECTION_OK && !stop_) {
        PGresult* r = PQexec(conn, "INSERT INTO writes (ts) VALUES (clock_timestamp()) RETURNING EXTRACT(EPOCH FROM ts)");
        bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        if (ok) {
            double ts = std::strtod(PQgetvalue(r, 0, 0), nullptr);  // acknowledged: the commit returned
            last_ = ts;
            ++count_;
            std::lock_guard lock(mutex_);
            log_.push_back(ts);
        }
        PQclear(r);
        if (!ok) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
    PQfinish(conn);
}

}  // namespace drconsole::test
