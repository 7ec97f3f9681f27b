// The SQL the PostgreSQL probe sends: here so that a benchmark can send the very same text.
#pragma once

namespace drconsole::probes {

constexpr const char* kIsInRecovery = "SELECT pg_is_in_recovery()";

// Lag per standby as the primary sees it; bytes from the current WAL position.
constexpr const char* kReplication = R"sql(
SELECT application_name, state, sync_state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn)   AS sent_lag_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), write_lsn)  AS write_lag_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)  AS flush_lag_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes,
       EXTRACT(EPOCH FROM replay_lag)                    AS replay_lag_s,
       EXTRACT(EPOCH FROM clock_timestamp() - reply_time) AS reply_age_s
FROM pg_stat_replication)sql";

// On a standby: its positions, replay state and WAL receiver. The receiver's columns are
// NULL for a role without pg_read_all_stats; then only its presence is known. It also answers
// on a primary (in_recovery false, the rest NULL): a standby is read in one round trip, and one
// promoted since its last reading is found by the same query.
constexpr const char* kStandby = R"sql(
SELECT pg_is_in_recovery() AS in_recovery,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0') AS receive_lsn,
       pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')  AS replay_lsn,
       CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' END AS replay_paused,
       EXTRACT(EPOCH FROM pg_last_xact_replay_timestamp()) AS replay_ts,
       EXTRACT(EPOCH FROM clock_timestamp())               AS now_ts,
       to_regclass('drconsole.heartbeat') IS NOT NULL      AS has_heartbeat,
       (SELECT count(*) FROM pg_stat_wal_receiver)         AS receivers,
       (SELECT status FROM pg_stat_wal_receiver)           AS receiver_status,
       (SELECT EXTRACT(EPOCH FROM clock_timestamp() - last_msg_receipt_time) FROM pg_stat_wal_receiver) AS receiver_silent_s)sql";

// The same and the heartbeat row, once the standby is known to hold the heartbeat table.
constexpr const char* kHeartbeatColumn = ",\n       (SELECT EXTRACT(EPOCH FROM ts) FROM drconsole.heartbeat WHERE id = 1) AS heartbeat_ts";

constexpr const char* kHeartbeatSetup =
    "CREATE SCHEMA IF NOT EXISTS drconsole; "
    "CREATE TABLE IF NOT EXISTS drconsole.heartbeat (id int PRIMARY KEY, ts timestamptz NOT NULL)";
constexpr const char* kHeartbeatWrite =
    "INSERT INTO drconsole.heartbeat (id, ts) VALUES (1, clock_timestamp()) "
    "ON CONFLICT (id) DO UPDATE SET ts = excluded.ts RETURNING EXTRACT(EPOCH FROM ts) AS ts";
constexpr const char* kHeartbeatRead = "SELECT EXTRACT(EPOCH FROM ts) AS ts FROM drconsole.heartbeat WHERE id = 1";
constexpr const char* kWalPosition = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')";
// A standby that has been promoted: what it holds of the old primary's writes.
constexpr const char* kPromoted = R"sql(
SELECT EXTRACT(EPOCH FROM pg_last_xact_replay_timestamp()) AS replay_ts,
       to_regclass('drconsole.heartbeat') IS NOT NULL      AS has_heartbeat)sql";

}  // namespace drconsole::probes
