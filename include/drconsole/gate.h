// Gate expressions: "TARGET.METRIC OP NUMBER[unit] [for DURATION]", joined by "and".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drconsole/duration.h"

namespace drconsole {

enum class CompareOp { lt, le, gt, ge, eq, ne };

struct GateCondition {
    std::string target;          // "pg-standby"
    std::string metric;          // "lag_s"
    CompareOp op = CompareOp::lt;
    double value = 0;            // in the metric's base unit: seconds, bytes, or as written
    std::string literal;         // the number as written, with its unit: "30s", "16MiB"
    std::optional<Millis> held_for;  // "for 3m": the condition must hold that long
    std::size_t offset = 0;      // byte offset of the condition in the expression
};

struct GateExpr {
    std::vector<GateCondition> all_of;
};

// Throws TextError with the byte offset of the offending token.
GateExpr parse_gate(std::string_view text);

std::string_view to_string(CompareOp op);
bool compare(double reading, CompareOp op, double threshold);

}  // namespace drconsole
