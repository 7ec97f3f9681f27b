// The ground truth: what the lab's writers had acknowledged against what reached the other side.
// PostgreSQL: the writer's log of acknowledged commits against the rows the standby holds;
// Kafka: the producer's log of acknowledged offsets against the mirrored copy's high watermark.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lab/lab_state.h"

namespace drconsole::lab {

struct Truth {
    long pg_acknowledged = 0;                  // commits the primary acknowledged to the writer
    std::optional<double> pg_newest_acknowledged;  // epoch seconds
    std::optional<double> pg_newest_on_standby;    // the newest acknowledged row the standby holds
    long pg_rows_lost = 0;
    std::optional<double> pg_loss_s;           // newest acknowledged − newest on the standby
    std::string pg_note;                       // why a figure is missing
    long kafka_acknowledged = 0, kafka_mirrored = 0, kafka_lost = 0;
    std::optional<double> kafka_loss_s;        // newest acknowledged − newest mirrored (message timestamps)
    std::string kafka_note;

    nlohmann::json to_json() const;
};

// Reads DIR/truth/*.log, the standby (PostgreSQL) and the daemon (how much was mirrored).
Truth ground_truth(const std::filesystem::path& dir, const LabState& state);

}  // namespace drconsole::lab
