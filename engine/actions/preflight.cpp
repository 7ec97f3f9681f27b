// Preflight checks, each read live from the standby and, when reachable, its primary.
#include "drconsole/preflight.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "drconsole/runbook.h"
#include "probes/pg_session.h"

namespace drconsole {
namespace {

using probes::PgError;
using probes::PgRows;
using probes::PgSession;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

double number(const std::optional<std::string>& v) { return v ? std::strtod(v->c_str(), nullptr) : 0; }

// Only asked of a server in recovery: pg_get_wal_replay_pause_state() errors on a primary.
constexpr const char* kStandbyState = R"sql(
SELECT pg_get_wal_replay_pause_state() AS pause_state,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS unreplayed_bytes,
       EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) AS replay_age_s,
       pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0') AS replay_lsn,
       (SELECT status FROM pg_stat_wal_receiver) AS receiver,
       (SELECT timeline_id FROM pg_control_checkpoint()) AS timeline,
       current_setting('max_wal_senders')::int AS max_wal_senders,
       current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots) AS free_slots)sql";

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

std::vector<PreflightCheck> preflight(const Environment& env, const Target& standby, std::optional<Millis> rpo, Millis timeout) {
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
    std::string pause = s.at(0, "pause_state").value_or("?");
    add("replay not paused", pause == "not paused" ? CheckOutcome::pass : CheckOutcome::fail, pause);
    std::string receiver = s.at(0, "receiver").value_or("none");
    add("WAL receiver streaming", receiver == "streaming" ? CheckOutcome::pass : CheckOutcome::warn,
        receiver == "none" ? "no WAL receiver (the primary may be gone)" : receiver);

    double unreplayed = number(s.at(0, "unreplayed_bytes"));
    double lag_s = unreplayed > 0 ? number(s.at(0, "replay_age_s")) : 0;
    if (rpo) {
        double objective = static_cast<double>(rpo->count()) / 1000.0;
        CheckOutcome o = lag_s >= objective ? CheckOutcome::fail : lag_s >= objective / 2 ? CheckOutcome::warn : CheckOutcome::pass;
        add("lag within the RPO", o, fmt::format("{:.1f} s behind, {:.0f} bytes unreplayed, RPO {}", lag_s, unreplayed, format_duration(*rpo)));
    } else {
        add("lag", unreplayed > 0 ? CheckOutcome::warn : CheckOutcome::pass, fmt::format("{:.1f} s behind, {:.0f} bytes unreplayed", lag_s, unreplayed));
    }
    std::string timeline = s.at(0, "timeline").value_or("?");

    const Target* primary = standby.primary.empty() ? nullptr : env.find(standby.primary);
    if (!primary) {
        add("primary reachable", CheckOutcome::warn, "no primary named for this standby in the environment");
        add("timeline", CheckOutcome::pass, "timeline " + timeline);
    } else {
        try {
            PgSession p(expand_references(primary->dsn));
            PgRows rows = p.query("SELECT (SELECT timeline_id FROM pg_control_checkpoint()) AS timeline, "
                                  "coalesce(max(pg_wal_lsn_diff(replay_lsn, '0/0')), 0) AS best_replay FROM pg_stat_replication",
                                  deadline());
            add("primary reachable", CheckOutcome::pass, primary->id);
            double best = number(rows.at(0, "best_replay"));
            double mine = number(s.at(0, "replay_lsn"));
            add("most advanced standby", mine >= best ? CheckOutcome::pass : CheckOutcome::warn,
                mine >= best ? "yes" : fmt::format("another standby has replayed {:.0f} bytes more", best - mine));
            std::string primary_timeline = rows.at(0, "timeline").value_or("?");
            add("timeline", primary_timeline == timeline ? CheckOutcome::pass : CheckOutcome::warn,
                fmt::format("standby {}, primary {}", timeline, primary_timeline));
        } catch (const PgError& e) {
            add("primary reachable", CheckOutcome::warn, fmt::format("no: {} (expected when the primary failed)", e.what()));
            add("timeline", CheckOutcome::pass, "timeline " + timeline);
        }
    }
    int senders = static_cast<int>(number(s.at(0, "max_wal_senders")));
    add("WAL senders for the reverse direction", senders > 0 ? CheckOutcome::pass : CheckOutcome::fail, fmt::format("max_wal_senders {}", senders));
    int free_slots = static_cast<int>(number(s.at(0, "free_slots")));
    add("replication slots free", free_slots > 0 ? CheckOutcome::pass : CheckOutcome::warn, fmt::format("{} free", free_slots));
    return checks;
}

}  // namespace drconsole
