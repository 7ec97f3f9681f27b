// Preflight checks, each read live from the standby and, when reachable, its primary.
#include "drconsole/preflight.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "drconsole/runbook.h"
#include "drconsole/probes.h"
#include "clients/pg_session.h"
#include "probes/standby_lag.h"

namespace drconsole {
namespace {

using clients::PgError;
using clients::PgRows;
using clients::PgSession;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

double number(const std::optional<std::string>& v) { return v ? std::strtod(v->c_str(), nullptr) : 0; }

// Only asked of a server in recovery: pg_get_wal_replay_pause_state() errors on a primary.
constexpr const char* kStandbyState = R"sql(
SELECT pg_get_wal_replay_pause_state() AS pause_state,
       EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) AS replay_age_s,
       pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0') AS replay_lsn,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0') AS receive_lsn,
       (SELECT count(*) FROM pg_stat_wal_receiver) AS receivers,
       (SELECT status FROM pg_stat_wal_receiver) AS receiver,
       (SELECT EXTRACT(EPOCH FROM clock_timestamp() - last_msg_receipt_time) FROM pg_stat_wal_receiver) AS receiver_silent_s,
       (SELECT timeline_id FROM pg_control_checkpoint()) AS timeline,
       current_setting('max_wal_senders')::int AS max_wal_senders,
       current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots) AS free_slots)sql";

constexpr const char* kPrimaryState =
    "SELECT (SELECT timeline_id FROM pg_control_checkpoint()) AS timeline, "
    "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS wal_lsn, "
    "coalesce(max(pg_wal_lsn_diff(replay_lsn, '0/0')), 0) AS best_replay FROM pg_stat_replication";

// Silent this long while behind the primary: the standby is not receiving.
constexpr double kNotReceivingAfterS = 2.0;

}  // namespace

std::string_view to_string(CheckOutcome o) {
    switch (o) {
        case CheckOutcome::pass: return "pass";
        case CheckOutcome::warn: return "warn";
        case CheckOutcome::fail: return "fail";
    }
    return "?";
}

bool any_failed(const std::vector<PreflightCheck>& checks) {
    return std::any_of(checks.begin(), checks.end(), [](const PreflightCheck& c) { return c.outcome == CheckOutcome::fail; });
}

std::string failed_checks(const std::vector<PreflightCheck>& checks) {
    std::string out;
    for (const auto& c : checks)
        if (c.outcome == CheckOutcome::fail) out += (out.empty() ? "" : "; ") + c.name + ": " + c.value;
    return out;
}

nlohmann::json to_json(const std::vector<PreflightCheck>& checks) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : checks) out.push_back({{"check", c.name}, {"outcome", to_string(c.outcome)}, {"value", c.value}});
    return out;
}

bool promotes_standby(const Step& step) {
    if (!step.action) return false;
    std::string body = lower(step.action->body);
    return body.find("pg_promote") != std::string::npos || body.find("pg_ctl promote") != std::string::npos ||
           (body.find("pg_ctlcluster") != std::string::npos && body.find("promote") != std::string::npos) ||
           body.find("patronictl failover") != std::string::npos;
}

std::vector<PreflightCheck> preflight(const Environment& env, const Target& standby, std::optional<Millis> rpo, Millis timeout,
                                      const ReadingStore* live) {
    std::vector<PreflightCheck> checks;
    auto add = [&](std::string name, CheckOutcome o, std::string value) { checks.push_back({std::move(name), o, std::move(value)}); };
    auto deadline = [&] { return std::chrono::steady_clock::now() + timeout; };

    PgSession session(expand_references(standby.dsn));
    PgRows s;
    try {
        bool in_recovery = session.query("SELECT pg_is_in_recovery()", deadline()).rows.at(0).at(0) == std::optional<std::string>("t");
        add("standby reachable", CheckOutcome::pass, standby.id);
        add("in recovery", in_recovery ? CheckOutcome::pass : CheckOutcome::fail, in_recovery ? "yes" : "no: it is already a primary");
        if (!in_recovery) return checks;
        s = session.query(kStandbyState, deadline());
    } catch (const PgError& e) {
        add(checks.empty() ? "standby reachable" : "standby state", CheckOutcome::fail, e.what());
        return checks;
    }
    // The primary's side first: the lag is counted from what it has committed.
    const Target* primary = standby.primary.empty() ? nullptr : env.find(standby.primary);
    std::optional<PgRows> p;
    std::string primary_error;
    if (primary) {
        try {
            PgSession ps(expand_references(primary->dsn));
            p = ps.query(kPrimaryState, deadline());
        } catch (const PgError& e) {
            primary_error = e.what();
        }
    }
    std::optional<double> primary_lsn;
    if (p && p->at(0, "wal_lsn")) primary_lsn = number(p->at(0, "wal_lsn"));

    std::string pause = s.at(0, "pause_state").value_or("?");
    add("replay not paused", pause == "not paused" ? CheckOutcome::pass : CheckOutcome::fail, pause);

    double replay_lsn = number(s.at(0, "replay_lsn"));
    double receive_lsn = s.at(0, "receive_lsn") ? number(s.at(0, "receive_lsn")) : replay_lsn;
    std::optional<double> replay_age;
    if (s.at(0, "replay_age_s")) replay_age = number(s.at(0, "replay_age_s"));
    probes::LagFigure lag = probes::one_shot_lag(primary_lsn, receive_lsn, replay_lsn, replay_age);
    probes::ReceiverState receiver;
    receiver.present = number(s.at(0, "receivers")) > 0;
    receiver.status = s.at(0, "receiver").value_or("");
    if (s.at(0, "receiver_silent_s")) receiver.silent_s = number(s.at(0, "receiver_silent_s"));
    std::optional<double> unreceived;
    if (primary_lsn) unreceived = *primary_lsn - receive_lsn;
    std::string silence = probes::not_receiving(receiver, unreceived, std::nullopt, kNotReceivingAfterS);

    // The live figure, when this process has been reading the standby: the same definition,
    // with the primary's history behind it.
    if (live) {
        auto view = live->view(standby.id, steady_now_us());
        if (view && !view->never_read && view->status != ProbeStatus::stale && view->last.value("lag_s")) {
            lag.seconds = view->last.value("lag_s");
            lag.bytes = view->last.value("lag_bytes");
            lag.method = view->last.method("lag_s");
            if (view->last.value("receiving") == 0.0) silence = view->last.error;
        }
    }
    // Not receiving, with the primary's position unread: "nothing left to replay" says nothing
    // of what the primary committed after the standby stopped receiving. The lag is unknown.
    bool unknowable = !silence.empty() && !primary_lsn;
    if (unknowable && lag.seconds == 0.0) lag.seconds.reset();
    // Not receiving from a live primary means the standby misses what it commits: fail. With
    // the primary gone it is what a failover expects.
    if (!silence.empty() && p) add("receiving WAL", CheckOutcome::fail, silence);
    else if (!silence.empty()) add("receiving WAL", CheckOutcome::warn, silence + (primary ? " (expected when the primary failed)" : ""));
    else add("receiving WAL", CheckOutcome::pass, receiver.status.empty() ? "receiver running" : receiver.status);

    std::string lag_text = lag.seconds ? fmt::format("{:.1f} s behind, {} unreplayed ({})", *lag.seconds,
                                                     format_metric("lag_bytes", lag.bytes.value_or(0)), lag.method)
                                       : unknowable ? std::string("unknown: the standby is not receiving and the primary's WAL position "
                                                                  "cannot be read; what the primary committed after that is not here")
                                                    : std::string("unknown");
    if (rpo) {
        double objective = static_cast<double>(rpo->count()) / 1000.0;
        // Unknowable with the primary gone is what a failover faces: a warning, not a block.
        CheckOutcome o = !lag.seconds ? (unknowable ? CheckOutcome::warn : CheckOutcome::fail)
                         : *lag.seconds >= objective ? CheckOutcome::fail
                         : *lag.seconds >= objective / 2          ? CheckOutcome::warn
                                                                  : CheckOutcome::pass;
        add("lag within the RPO", o, fmt::format("{}, RPO {}", lag_text, format_duration(*rpo)));
    } else {
        add("lag", !lag.seconds || *lag.seconds > 0 ? CheckOutcome::warn : CheckOutcome::pass, lag_text);
    }
    std::string timeline = s.at(0, "timeline").value_or("?");
    if (!primary) {
        add("primary reachable", CheckOutcome::warn, "no primary named for this standby in the environment");
        add("timeline", CheckOutcome::pass, "timeline " + timeline);
    } else if (p) {
        add("primary reachable", CheckOutcome::pass, primary->id);
        double best = number(p->at(0, "best_replay"));
        double mine = number(s.at(0, "replay_lsn"));
        add("most advanced standby", mine >= best ? CheckOutcome::pass : CheckOutcome::warn,
            mine >= best ? "yes" : fmt::format("another standby has replayed {} more", format_metric("lag_bytes", best - mine)));
        std::string primary_timeline = p->at(0, "timeline").value_or("?");
        add("timeline", primary_timeline == timeline ? CheckOutcome::pass : CheckOutcome::warn,
            fmt::format("standby {}, primary {}", timeline, primary_timeline));
    } else {
        add("primary reachable", CheckOutcome::warn, fmt::format("no: {} (expected when the primary failed)", primary_error));
        add("timeline", CheckOutcome::pass, "timeline " + timeline);
    }
    int senders = static_cast<int>(number(s.at(0, "max_wal_senders")));
    add("WAL senders for the reverse direction", senders > 0 ? CheckOutcome::pass : CheckOutcome::fail, fmt::format("max_wal_senders {}", senders));
    int free_slots = static_cast<int>(number(s.at(0, "free_slots")));
    add("replication slots free", free_slots > 0 ? CheckOutcome::pass : CheckOutcome::warn, fmt::format("{} free", free_slots));
    return checks;
}

}  // namespace drconsole
