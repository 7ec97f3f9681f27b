// PostgreSQL probe: replication lag on a primary (per standby) and on a standby, heartbeats, up/down.
//
// It runs on one of the scheduler's reader threads. libpq may resolve a host name with a blocking
// getaddrinfo() inside PQconnectStart: that delays only this target, which then shows stale.
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "drconsole/environment.h"
#include "clients/pg_session.h"
#include "probes/postgres_queries.h"
#include "probes/probe_factory.h"
#include "probes/standby_lag.h"

namespace drconsole::probes {

using namespace clients;  // the client wrappers (engine/clients/)
namespace {

double number(const std::optional<std::string>& v) { return v ? std::strtod(v->c_str(), nullptr) : 0; }
bool truth(const std::optional<std::string>& v) { return v && *v == "t"; }

class PostgresProbe final : public Probe {
public:
    PostgresProbe(const Target& t, std::shared_ptr<const ReadingStore> store, std::vector<std::string> standbys)
        : dsn_(t.dsn), role_(t.pg_role), primary_(t.primary), heartbeat_(t.heartbeat), store_(std::move(store)),
          standbys_(std::move(standbys)) {
        // Silence for longer than two readings while behind the primary is not a blip.
        double interval_s = static_cast<double>(t.interval.value_or(kDefaultInterval).count()) / 1000.0;
        not_receiving_after_s_ = std::max(2.0, 2 * interval_s);
    }

    Reading read(SteadyTime deadline) override {
        Reading r;
        auto now = std::chrono::steady_clock::now();
        if (!session_ || !session_->connected()) {
            if (now < retry_at_) {
                return Reading::down(fmt::format("{} (retrying in {}s)", last_error_,
                                        std::chrono::duration_cast<std::chrono::seconds>(retry_at_ - now).count() + 1));
            }
            session_ = std::make_unique<PgSession>(expand_references(dsn_));
        }
        try {
            session_->connect(deadline);
            backoff_ = std::chrono::seconds(0);
            // A server that was a standby at its last reading is read in one round trip: the
            // standby query also says whether it still is.
            const std::string standby_sql = standby_heartbeat_ ? std::string(kStandby) + kHeartbeatColumn : std::string(kStandby);
            std::optional<PgRows> standby;
            if (was_standby_) {
                standby = session_->query(standby_sql, deadline);
                was_standby_ = truth(standby->at(0, "in_recovery"));
            } else {
                was_standby_ = truth(session_->query(kIsInRecovery, deadline).rows.at(0).at(0));
            }
            bool in_recovery = was_standby_;
            r.set("up", 1);
            r.set("in_recovery", in_recovery ? 1 : 0);
            // (A standby again after a promotion, e.g. at failback: the same query as before it.)
            if (in_recovery) read_standby(r, deadline, standby ? std::move(*standby) : session_->query(standby_sql, deadline));
            else if (role_ == "standby") read_promoted(r, deadline);
            else read_primary(r, deadline);
            if (!role_.empty() && (role_ == "standby") != in_recovery)
                r.error = fmt::format("configured as {} but the server is {}", role_, in_recovery ? "in recovery" : "a primary");
        } catch (const PgError& e) {
            if (session_ && session_->connected()) {  // the server answered with an error
                standby_heartbeat_ = false;  // e.g. the heartbeat table was dropped: the next reading looks again
                was_standby_ = false;
                r.status = ProbeStatus::error;
                r.error = e.what();
                return r;
            }
            last_error_ = e.what();
            backoff_ = std::min<std::chrono::seconds>(std::max<std::chrono::seconds>(backoff_ * 2, std::chrono::seconds(1)),
                                                     std::chrono::seconds(8));
            retry_at_ = std::chrono::steady_clock::now() + backoff_;
            return Reading::down(last_error_);
        }
        return r;
    }

private:
    void read_primary(Reading& r, SteadyTime deadline) {
        if (heartbeat_) {
            auto now = std::chrono::steady_clock::now();
            if (!heartbeat_ready_) {
                session_->query(kHeartbeatSetup, deadline);
                heartbeat_ready_ = true;
            }
            // Due up to 100 ms early: a reading that lands just before the due time would
            // otherwise push the heartbeat a whole interval late.
            if (now + std::chrono::milliseconds(100) >= next_heartbeat_) {
                last_heartbeat_ = number(session_->query(kHeartbeatWrite, deadline).rows.at(0).at(0));
                next_heartbeat_ = now + *heartbeat_;
            }
            r.set("heartbeat_ts", last_heartbeat_);
        }
        r.set("wal_lsn", number(session_->query(kWalPosition, deadline).rows.at(0).at(0)));
        PgRows rows = session_->query(kReplication, deadline);
        r.set("standbys", static_cast<double>(rows.rows.size()));
        if (rows.rows.size() < standbys_.size()) {
            r.status = ProbeStatus::degraded;
            r.error = missing_standbys(rows.rows.size());
        }
        for (std::size_t i = 0; i < rows.rows.size(); ++i) {
            Labels labels{{"application_name", rows.at(i, "application_name").value_or("")},
                          {"state", rows.at(i, "state").value_or("")},
                          {"sync_state", rows.at(i, "sync_state").value_or("")}};
            for (const char* column : {"sent_lag_bytes", "write_lag_bytes", "flush_lag_bytes", "lag_bytes"})
                if (rows.at(i, column)) r.set(column, number(rows.at(i, column)), labels);
            // PostgreSQL's replay_lag is as of the standby's last reply: NULL once it is caught up (0 s),
            // and frozen at its last value while no reply comes (a stalled walsender). With WAL
            // outstanding and no reply for 2 s it says nothing about now, and is left out.
            bool outstanding = number(rows.at(i, "lag_bytes")) > 0;
            bool silent = !rows.at(i, "reply_age_s") || number(rows.at(i, "reply_age_s")) > 2.0;
            if (outstanding && silent) continue;
            if (rows.at(i, "replay_lag_s")) r.set("replay_lag_s", number(rows.at(i, "replay_lag_s")), labels);
            else if (!outstanding) r.set("replay_lag_s", 0, labels);
        }
    }

    void read_standby(Reading& r, SteadyTime deadline, const PgRows& rows) {
        std::int64_t at = steady_now_us();
        double replay = number(rows.at(0, "replay_lsn"));
        double receive = rows.at(0, "receive_lsn") ? number(rows.at(0, "receive_lsn")) : replay;
        bool paused = truth(rows.at(0, "replay_paused"));
        r.set("receive_lsn", receive);
        r.set("replay_lsn", replay);
        r.set("replay_paused", paused ? 1 : 0);
        if (rows.at(0, "replay_ts")) r.set("replay_ts", number(rows.at(0, "replay_ts")));
        StandbyReading in;
        in.at_mono_us = at;
        in.replay_lsn = replay;
        in.receive_lsn = receive;
        if (rows.at(0, "replay_ts")) in.replay_age_s = number(rows.at(0, "now_ts")) - number(rows.at(0, "replay_ts"));
        in.replay_paused = paused;
        in.receiver.present = number(rows.at(0, "receivers")) > 0;
        in.receiver.status = rows.at(0, "receiver_status").value_or("");
        if (rows.at(0, "receiver_silent_s")) in.receiver.silent_s = number(rows.at(0, "receiver_silent_s"));
        in.has_primary = !primary_.empty();
        if (in.has_primary && store_) {
            for (const auto& p : store_->history(primary_, "wal_lsn"))
                if (p.present) in.primary.push_back({p.mono_us, p.value});
            auto view = store_->view(primary_, steady_now_us());
            in.primary_never_read = !view || view->never_read;
            in.primary_reachable = view && !view->never_read && view->status != ProbeStatus::stale && view->status != ProbeStatus::down;
        }
        in.not_receiving_after_s = not_receiving_after_s_;
        StandbyFigures f = standby_figures(in);
        // 1 while it receives what the primary has; 0 when the reading says "not receiving".
        r.set("receiving", f.receiving ? 1 : 0);
        if (f.lag.seconds) r.set("lag_s", *f.lag.seconds, {}, f.lag.method);
        if (f.lag.bytes) r.set("lag_bytes", *f.lag.bytes, {}, f.bytes_method);
        r.provisional = f.provisional;
        if (!f.problems.empty()) r.status = ProbeStatus::degraded;
        for (const auto& list : {f.problems, f.notes})
            for (const auto& p : list) r.error += (r.error.empty() ? "" : "; ") + p;
        if (truth(rows.at(0, "has_heartbeat"))) {
            std::optional<std::string> heartbeat;
            if (standby_heartbeat_) {
                heartbeat = rows.at(0, "heartbeat_ts");
            } else {
                PgRows hb = session_->query(kHeartbeatRead, deadline);
                if (!hb.rows.empty()) heartbeat = hb.rows[0][0];
                standby_heartbeat_ = true;  // from the next reading on, in the same round trip
            }
            if (heartbeat) {
                double standby_ts = number(heartbeat);
                r.set("heartbeat_ts", standby_ts);
                if (auto primary = primary_heartbeat())
                    r.set("heartbeat_lag_s", std::max(0.0, *primary - standby_ts), {}, "heartbeat");
            }
        }
    }

    // After promotion the heartbeat row and the last replayed transaction are what the old
    // primary's writes reached: the basis of the measured RPO. Nothing is written here.
    void read_promoted(Reading& r, SteadyTime deadline) {
        r.set("promoted", 1);
        PgRows rows = session_->query(kPromoted, deadline);
        if (rows.at(0, "replay_ts")) r.set("replay_ts", number(rows.at(0, "replay_ts")));
        if (truth(rows.at(0, "has_heartbeat"))) {
            PgRows hb = session_->query(kHeartbeatRead, deadline);
            if (!hb.rows.empty() && hb.rows[0][0]) r.set("heartbeat_ts", number(hb.rows[0][0]));
        }
    }

    // The newest heartbeat the primary acknowledged, from the primary's own reading.
    std::optional<double> primary_heartbeat() const {
        if (primary_.empty() || !store_) return std::nullopt;
        auto view = store_->view(primary_, steady_now_us());
        if (!view || view->never_read) return std::nullopt;
        auto history = store_->history(primary_, "heartbeat_ts");
        std::optional<double> newest;
        for (const auto& p : history)
            if (p.present && p.value > 0) newest = std::max(newest.value_or(0), p.value);
        return newest;
    }

    // Which expected standbys are missing: those whose own reading says they are not receiving.
    std::string missing_standbys(std::size_t connected) const {
        std::vector<std::string> named;
        for (const auto& id : standbys_) {
            auto view = store_ ? store_->view(id, steady_now_us()) : std::nullopt;
            if (view && !view->never_read && view->last.value("receiving") == 0.0) named.push_back(id);
        }
        if (named.empty() && standbys_.size() == 1) named = standbys_;
        std::string list;
        for (const auto& id : named) list += (list.empty() ? "" : ", ") + id;
        if (!named.empty()) return fmt::format("standby {} not connected", list);
        return fmt::format("{} of {} standbys connected", connected, standbys_.size());
    }

    std::string dsn_, role_, primary_;
    std::optional<Millis> heartbeat_;
    std::shared_ptr<const ReadingStore> store_;
    std::unique_ptr<PgSession> session_;
    std::string last_error_;
    std::chrono::seconds backoff_{0};
    SteadyTime retry_at_{};
    bool heartbeat_ready_ = false;
    SteadyTime next_heartbeat_{};
    double last_heartbeat_ = 0;
    bool was_standby_ = false;        // in recovery at the last reading
    bool standby_heartbeat_ = false;  // the standby holds the heartbeat table: read with kStandby
    std::vector<std::string> standbys_;  // standby targets that name this one as their primary
    double not_receiving_after_s_ = 2;
};

}  // namespace

std::unique_ptr<Probe> make_postgres_probe(const Target& t, std::shared_ptr<const ReadingStore> store, std::vector<std::string> standbys) {
    return std::make_unique<PostgresProbe>(t, std::move(store), std::move(standbys));
}

}  // namespace drconsole::probes
