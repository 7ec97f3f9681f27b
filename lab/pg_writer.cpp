// One connection, one INSERT … RETURNING per row; a line in the log only after the commit came back.
#include "lab/pg_writer.h"

#include <cstdio>
#include <memory>
#include <random>

#include <fmt/format.h>
#include <libpq-fe.h>

namespace drconsole::lab {

PgWriter::PgWriter(std::string dsn, std::filesystem::path log, std::chrono::milliseconds pause)
    : dsn_(std::move(dsn)), log_(std::move(log)), pause_(pause) {
    thread_ = std::thread([this] { run(); });
}

PgWriter::~PgWriter() {
    stop();
    if (thread_.joinable()) thread_.join();
}

void PgWriter::stop() { stop_ = true; }

void PgWriter::run() {
    std::unique_ptr<FILE, decltype(&std::fclose)> log(std::fopen(log_.c_str(), "a"), &std::fclose);
    std::mt19937 random(std::random_device{}());
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(nullptr, &PQfinish);
    while (!stop_) {
        if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
            connected_ = false;
            conn.reset(PQconnectdb(dsn_.c_str()));
            if (PQstatus(conn.get()) != CONNECTION_OK) {
                conn.reset();
                for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
                continue;
            }
            connected_ = true;
        }
        std::string quantity = std::to_string(1 + random() % 100);
        const char* params[] = {quantity.c_str()};
        std::unique_ptr<PGresult, decltype(&PQclear)> res(
            PQexecParams(conn.get(), "INSERT INTO orders (quantity) VALUES ($1::int) RETURNING id, extract(epoch FROM created_at)", 1,
                         nullptr, params, nullptr, nullptr, 0),
            &PQclear);
        if (PQresultStatus(res.get()) == PGRES_TUPLES_OK && log) {
            // Acknowledged: the commit returned. Logged before anything else happens.
            std::fprintf(log.get(), "%s %s\n", PQgetvalue(res.get(), 0, 0), PQgetvalue(res.get(), 0, 1));
            std::fflush(log.get());
            ++count_;
        }
        std::this_thread::sleep_for(pause_);
    }
    connected_ = false;
}

}  // namespace drconsole::lab
