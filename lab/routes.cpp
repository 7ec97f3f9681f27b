// What the lab's HTTP endpoints answer: the two APIs' health, and on the admin endpoint the
// state, the stand-ins the runbooks' actions change, and the lab's own controls (faults, lag).
#include <fmt/format.h>

#include "lab/daemon.h"

namespace drconsole::lab {
namespace {

HttpAnswer json_answer(int status, const nlohmann::json& body) { return {status, body.dump()}; }
HttpAnswer error(int status, const std::string& why) { return json_answer(status, {{"error", why}}); }

std::optional<long long> number(const std::string& text) {
    if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(text);
}

}  // namespace

HttpAnswer Daemon::route(const std::string& name, const std::string& method, const std::string& target, const std::string&) {
    std::string path = path_of(target);
    if (name == "api-primary") {
        if (path != "/healthz") return error(404, "api-primary serves /healthz");
        return json_answer(200, {{"region", "primary"}, {"status", "serving"}});
    }
    if (name == "api-secondary") {
        if (path != "/healthz") return error(404, "api-secondary serves /healthz");
        int recovery = standby_in_recovery_;
        if (recovery == 0) return json_answer(200, {{"region", "secondary"}, {"status", "serving"}, {"database", "promoted: takes writes"}});
        return json_answer(503, {{"region", "secondary"},
                                 {"status", recovery == 1 ? "its database is a read-only standby (in recovery)" : "its database does not answer"}});
    }
    std::lock_guard lock(mutex_);
    return admin(method, target);
}

HttpAnswer Daemon::admin(const std::string& method, const std::string& target) {
    std::string path = path_of(target);
    if (method == "GET" && (path == "/state" || path == "/")) return json_answer(200, state_json());
    if (method == "GET" && path == "/healthz") return json_answer(200, {{"status", "ok"}});
    if (method != "POST") return error(404, fmt::format("no {} {} here; GET /state shows what the lab has", method, path));
    if (path == "/admin/strategies/disable-new") {
        bool was = world_.new_strategies_disabled;
        world_.new_strategies_disabled = true;
        if (!was) note("new strategy activations: disabled");
        return json_answer(200, {{"new_strategy_activations", "disabled"}, {"changed", !was}});
    }
    if (path == "/world") return change_world(target);
    if (path == "/lab/fail") return fail(query_value(target, "what"));
    if (path == "/lab/rebuild-primary") return rebuild_primary();
    if (path == "/lab/lag/pg") {
        auto ms = number(query_value(target, "ms"));
        if (!ms || *ms > 50'000) return error(400, "ms: 0 to 50000 (the standby gives up on a link silent for 120 s)");
        if (link_->delay().count() != *ms) note(fmt::format("PostgreSQL WAL link delay: {} ms", *ms));
        link_->set_delay(std::chrono::milliseconds(*ms));
        return json_answer(200, {{"pg_wal_delay_ms", *ms}});
    }
    if (path == "/lab/lag/kafka") {
        auto n = number(query_value(target, "messages"));
        if (!n) return error(400, "messages: a whole number");
        if (kafka_->backlog() != *n) note(fmt::format("Kafka mirror holds back {} messages", *n));
        kafka_->set_backlog(*n);
        return json_answer(200, {{"mirror_backlog", *n}});
    }
    return error(404, fmt::format("no POST {} here; GET /state shows what the lab has", path));
}

HttpAnswer Daemon::change_world(const std::string& target) {
    auto region = [](const std::string& v) { return v == "primary" || v == "secondary"; };
    auto flag = [](const std::string& v) { return v == "true" || v == "false"; };
    nlohmann::json changed = nlohmann::json::object();
    auto set_text = [&](const char* key, std::string& field, const std::string& value) {
        if (field != value) note(fmt::format("{}: {} → {}", key, field, value));
        field = value;
        changed[key] = value;
    };
    auto set_flag = [&](const char* key, bool& field, const std::string& value) {
        bool v = value == "true";
        if (field != v) note(fmt::format("{}: {} → {}", key, field, v));
        field = v;
        changed[key] = v;
    };
    for (const char* key : {"dns", "mesh", "helm_region"}) {
        std::string v = query_value(target, key);
        if (v.empty()) continue;
        if (!region(v)) return error(400, fmt::format("{}: primary or secondary", key));
        set_text(key, key == std::string("dns") ? world_.dns : key == std::string("mesh") ? world_.mesh : world_.helm_region, v);
    }
    for (const char* key : {"accept_new_orders", "deploys_frozen"}) {
        std::string v = query_value(target, key);
        if (v.empty()) continue;
        if (!flag(v)) return error(400, fmt::format("{}: true or false", key));
        set_flag(key, key == std::string("accept_new_orders") ? world_.accept_new_orders : world_.deploys_frozen, v);
    }
    if (std::string v = query_value(target, "secondary_producers"); !v.empty()) {
        auto n = number(v);
        if (!n || *n > 100) return error(400, "secondary_producers: 0 to 100");
        if (world_.secondary_producers != *n) note(fmt::format("secondary producers: {} → {}", world_.secondary_producers, *n));
        world_.secondary_producers = static_cast<int>(*n);
        changed["secondary_producers"] = *n;
    }
    if (std::string v = query_value(target, "mirror"); !v.empty()) {
        if (!flag(v)) return error(400, "mirror: true or false");
        bool on = v == "true";
        if (kafka_->mirroring() != on) note(fmt::format("Kafka mirror: {}", on ? "running" : "stopped"));
        kafka_->set_mirroring(on);
        changed["mirror"] = on;
    }
    if (query_value(target, "restart") == "true") {
        ++world_.restarts;
        note("workloads restarted");
        changed["restarts"] = world_.restarts;
    }
    if (changed.empty()) return error(400, "nothing to change: dns, mesh, helm_region, accept_new_orders, deploys_frozen, secondary_producers, mirror, restart");
    return json_answer(200, {{"changed", changed}});
}

HttpAnswer Daemon::fail(const std::string& what) {
    static const std::vector<std::string> parts{"primary-region", "pg-primary", "kafka-primary", "api-primary"};
    if (std::find(parts.begin(), parts.end(), what) == parts.end())
        return error(400, "what: primary-region (all of the below), pg-primary, kafka-primary or api-primary");
    nlohmann::json done = nlohmann::json::array();
    bool region = what == "primary-region";
    if (region || what == "pg-primary") {
        if (pg_primary_failed_) {
            done.push_back("PostgreSQL primary: already down");
        } else {
            link_->cut();  // what was in flight to the standby is lost with the region
            writer_->stop();
            bool killed = pg_->kill_primary();
            pg_primary_failed_ = true;
            done.push_back(killed ? fmt::format("PostgreSQL primary 127.0.0.1:{}: killed (SIGKILL), its WAL link cut", st_.pg_primary)
                                  : "PostgreSQL primary: was not running");
            note("fault: PostgreSQL primary killed");
        }
    }
    if (region || what == "kafka-primary") {
        bool now = kafka_->fail_primary();
        done.push_back(now ? fmt::format("Kafka primary {}: producer and mirror cut off; its brokers go down in 2 s", st_.kafka_primary)
                           : "Kafka primary: already down");
        if (now) note("fault: Kafka primary brokers down");
    }
    if (region || what == "api-primary") {
        if (api_primary_failed_) {
            done.push_back("api-primary: already down");
        } else {
            http_->close_listener("api-primary");
            api_primary_failed_ = true;
            done.push_back(fmt::format("api-primary 127.0.0.1:{}: stopped (connections refused)", st_.api_primary));
            note("fault: api-primary down");
        }
    }
    return json_answer(200, {{"failed", what}, {"done", done}});
}

// Starts the rebuild on its own thread (a base backup and a start take seconds; the endpoints keep
// answering meanwhile); GET /state says how it went.
HttpAnswer Daemon::rebuild_primary() {
    if (rebuild_state_ == "running" || rebuild_state_ == "done") return json_answer(200, {{"rebuild", rebuild_state_}});
    if (!pg_primary_failed_) return error(409, "the primary still runs: failback rebuilds it only after a failover");
    if (standby_in_recovery_ != 0) return error(409, "the standby is not promoted yet: promote it before rebuilding the old primary from it");
    if (rebuild_.joinable()) rebuild_.join();  // an earlier attempt that failed
    rebuild_state_ = "running";
    rebuild_ = std::thread([this] {
        std::string outcome = "done";
        try {
            pg_->rebuild_primary(st_.pg_primary, st_.pg_standby);
        } catch (const std::exception& e) {
            outcome = std::string("failed: ") + e.what();
        }
        std::lock_guard lock(mutex_);
        rebuild_state_ = outcome;
        primary_rebuilt_ = outcome == "done";
        note(outcome == "done" ? "failback: the old primary rebuilt as a standby of the promoted one" : "failback rebuild " + outcome);
    });
    return json_answer(200, {{"rebuild", rebuild_state_}});
}

nlohmann::json Daemon::state_json() {
    int recovery = standby_in_recovery_;
    return {
        {"started_at", st_.started_at},
        {"postgres",
         {{"primary",
           {{"address", fmt::format("127.0.0.1:{}", st_.pg_primary)},
            {"up", (!pg_primary_failed_ || primary_rebuilt_) && pg_->postmaster("primary") != 0},
            {"role", primary_rebuilt_ ? "standby of the promoted one (rebuilt for failback)" : "primary"},
            {"rebuild", rebuild_state_}}},
          {"standby",
           {{"address", fmt::format("127.0.0.1:{}", st_.pg_standby)},
            {"state", recovery == 1 ? "streaming standby" : recovery == 0 ? "promoted: takes writes" : "not answering"}}},
          {"wal_link", {{"delay_ms", link_->delay().count()}, {"cut", link_->is_cut()}, {"bytes_held", link_->bytes_held()}}},
          {"writer", {{"acknowledged", writer_->acknowledged()}, {"writing", writer_->writing()}}}}},
        {"kafka",
         {{"primary", {{"bootstrap", st_.kafka_primary}, {"up", !kafka_->failed()}}},
          {"dr", {{"bootstrap", st_.kafka_dr}, {"up", true}}},
          {"producer_acknowledged", kafka_->acknowledged()},
          {"mirror", {{"running", kafka_->mirroring()}, {"backlog", kafka_->backlog()}, {"mirrored", kafka_->mirrored()}}}}},
        {"http",
         {{"api-primary", {{"url", fmt::format("http://127.0.0.1:{}/healthz", st_.api_primary)}, {"up", !api_primary_failed_}}},
          {"api-secondary", {{"url", fmt::format("http://127.0.0.1:{}/healthz", st_.api_secondary)}, {"healthy", recovery == 0}}},
          {"admin", fmt::format("http://127.0.0.1:{}", st_.admin)}}},
        {"prometheus", st_.prometheus ? nlohmann::json(fmt::format("http://127.0.0.1:{}", st_.prometheus)) : nlohmann::json(nullptr)},
        {"world",
         {{"dns", world_.dns}, {"mesh", world_.mesh}, {"helm_region", world_.helm_region}, {"accept_new_orders", world_.accept_new_orders},
          {"new_strategies_disabled", world_.new_strategies_disabled}, {"deploys_frozen", world_.deploys_frozen},
          {"secondary_producers", world_.secondary_producers}, {"restarts", world_.restarts}}},
        {"changes", world_.changes},
    };
}

}  // namespace drconsole::lab
