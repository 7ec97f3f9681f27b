// Reading the logs and the other side.
#include "lab/truth.h"

#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "lab/pg_pair.h"

namespace drconsole::lab {
namespace {

struct Line {
    long long key;  // row id or offset
    double ts;      // epoch seconds
};

std::vector<Line> read_log(const std::filesystem::path& path, double ts_scale) {
    std::vector<Line> out;
    std::ifstream in(path);
    std::string text;
    while (std::getline(in, text)) {
        std::istringstream words(text);
        long long key;
        double ts;
        if (words >> key >> ts) out.push_back({key, ts * ts_scale});  // a torn last line is skipped
    }
    return out;
}

nlohmann::json maybe(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json Truth::to_json() const {
    return {{"postgres",
             {{"acknowledged", pg_acknowledged}, {"newest_acknowledged", maybe(pg_newest_acknowledged)},
              {"newest_on_standby", maybe(pg_newest_on_standby)}, {"rows_lost", pg_rows_lost}, {"loss_s", maybe(pg_loss_s)},
              {"note", pg_note}}},
            {"kafka",
             {{"acknowledged", kafka_acknowledged}, {"mirrored", kafka_mirrored}, {"lost", kafka_lost}, {"loss_s", maybe(kafka_loss_s)},
              {"note", kafka_note}}}};
}

Truth ground_truth(const std::filesystem::path& dir, const LabState& state) {
    Truth t;
    auto rows = read_log(dir / "truth" / "pg-acknowledged.log", 1.0);
    t.pg_acknowledged = static_cast<long>(rows.size());
    if (rows.empty()) {
        t.pg_note = "the writer has no acknowledged commit yet";
    } else {
        t.pg_newest_acknowledged = rows.back().ts;
        try {
            // Rows written after a promotion are newer than every acknowledged one: they do not count.
            std::string newest = pg_value(PgPair::dsn(state.pg_standby) + " connect_timeout=3",
                                          fmt::format("SELECT extract(epoch FROM max(created_at)) FROM orders WHERE id <= {} AND created_at <= "
                                                      "to_timestamp({:.6f}) + interval '1 microsecond'",
                                                      rows.back().key, rows.back().ts));
            if (newest.empty()) {
                t.pg_note = "the standby holds none of the acknowledged rows";
                t.pg_rows_lost = t.pg_acknowledged;
            } else {
                double on_standby = std::stod(newest);
                t.pg_newest_on_standby = on_standby;
                for (const auto& r : rows)
                    if (r.ts > on_standby + 1e-6) ++t.pg_rows_lost;
                t.pg_loss_s = t.pg_rows_lost == 0 ? 0.0 : rows.back().ts - on_standby;
            }
        } catch (const std::exception& e) {
            t.pg_note = std::string("the standby does not answer: ") + e.what();
        }
    }
    auto offsets = read_log(dir / "truth" / "kafka-acknowledged.log", 0.001);
    t.kafka_acknowledged = offsets.empty() ? 0 : static_cast<long>(offsets.back().key + 1);
    try {
        nlohmann::json s = admin_request(state, "GET", "/state");
        t.kafka_mirrored = s["kafka"]["mirror"]["mirrored"].get<long>();
        t.kafka_lost = t.kafka_acknowledged - t.kafka_mirrored;
        if (t.kafka_lost <= 0) t.kafka_loss_s = 0.0;
        else if (t.kafka_mirrored > 0 && static_cast<std::size_t>(t.kafka_mirrored) <= offsets.size())
            t.kafka_loss_s = offsets.back().ts - offsets[static_cast<std::size_t>(t.kafka_mirrored - 1)].ts;
    } catch (const std::exception& e) {
        t.kafka_note = e.what();
    }
    return t;
}

}  // namespace drconsole::lab
