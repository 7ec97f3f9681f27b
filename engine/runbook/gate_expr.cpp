// Parsing gate expressions: "pg-standby.lag_s < 30s for 1m and mm2.lag_s < 30".
#include <array>
#include <cstdlib>

#include <fmt/format.h>

#include "drconsole/diagnostic.h"
#include "drconsole/gate.h"

namespace drconsole {
namespace {

struct UnitScale {
    std::string_view name;
    double scale;
};
// Time units scale to seconds, size units to bytes.
constexpr std::array<UnitScale, 12> kUnits{{{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600},
                                            {"B", 1}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9},
                                            {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
                                            {"%", 1}}};

class GateParser {
public:
    explicit GateParser(std::string_view text) : text_(text) {}

    GateExpr parse() {
        GateExpr expr;
        skip_space();
        if (at_end()) throw TextError(0, "empty gate expression");
        while (true) {
            expr.all_of.push_back(condition());
            skip_space();
            if (at_end()) return expr;
            std::size_t word_at = pos_;
            std::string_view w = word();
            if (w != "and")
                throw TextError(word_at, fmt::format("expected 'and', 'for' or the end of the gate, found '{}'", w));
            skip_space();
            if (at_end()) throw TextError(pos_, "gate expression ends after 'and'");
        }
    }

private:
    GateCondition condition() {
        GateCondition c;
        c.offset = pos_;
        c.target = identifier(true, "a target id (as in 'pg-standby.lag_s < 30s')");
        if (at_end() || text_[pos_] != '.')
            throw TextError(pos_, fmt::format("expected '.METRIC' after target '{}'", c.target));
        ++pos_;
        c.metric = identifier(false, "a metric name after '.'");
        skip_space();
        c.op = compare_op();
        skip_space();
        number(c);
        std::size_t save = pos_;
        skip_space();
        if (!at_end() && text_.substr(pos_, 3) == "for" && (pos_ + 3 == text_.size() || text_[pos_ + 3] == ' ')) {
            pos_ += 3;
            skip_space();
            std::size_t d_at = pos_;
            std::string_view d = word();
            if (d.empty()) throw TextError(d_at, "expected a duration after 'for'");
            try {
                c.held_for = parse_duration(d);
            } catch (const TextError& e) {
                throw TextError(d_at + e.offset(), e.what());
            }
        } else {
            pos_ = save;
        }
        return c;
    }

    std::string identifier(bool allow_dash, const char* expected) {
        std::size_t start = pos_;
        while (!at_end()) {
            char ch = text_[pos_];
            bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                      (allow_dash && ch == '-');
            if (!ok) break;
            ++pos_;
        }
        if (pos_ == start) throw TextError(start, fmt::format("expected {}", expected));
        return std::string(text_.substr(start, pos_ - start));
    }

    CompareOp compare_op() {
        static constexpr std::array<std::pair<std::string_view, CompareOp>, 6> kOps{
            {{"<=", CompareOp::le}, {">=", CompareOp::ge}, {"==", CompareOp::eq}, {"!=", CompareOp::ne},
             {"<", CompareOp::lt}, {">", CompareOp::gt}}};
        for (const auto& [spelling, op] : kOps) {
            if (text_.substr(pos_, spelling.size()) == spelling) {
                pos_ += spelling.size();
                return op;
            }
        }
        throw TextError(pos_, "expected a comparison: <, <=, >, >=, == or !=");
    }

    void number(GateCondition& c) {
        std::size_t start = pos_;
        if (!at_end() && text_[pos_] == '-') ++pos_;
        std::size_t digits = pos_;
        while (!at_end() && ((text_[pos_] >= '0' && text_[pos_] <= '9') || text_[pos_] == '.')) ++pos_;
        if (pos_ == digits) throw TextError(start, "expected a number");
        std::string num(text_.substr(start, pos_ - start));
        char* end = nullptr;
        double value = std::strtod(num.c_str(), &end);
        if (end != num.c_str() + num.size()) throw TextError(start, fmt::format("bad number '{}'", num));
        std::size_t unit_at = pos_;
        while (!at_end() && text_[pos_] != ' ') ++pos_;
        std::string_view unit = text_.substr(unit_at, pos_ - unit_at);
        double scale = 1;
        if (!unit.empty()) {
            bool known = false;
            for (const auto& u : kUnits) {
                if (u.name == unit) {
                    scale = u.scale;
                    known = true;
                }
            }
            if (!known)
                throw TextError(unit_at, fmt::format("unknown unit '{}': use ms, s, m, h, B, KB, MB, GB, KiB, MiB, GiB or %", unit));
        }
        c.value = value * scale;
        c.literal = std::string(text_.substr(start, pos_ - start));
    }

    std::string_view word() {
        std::size_t start = pos_;
        while (!at_end() && text_[pos_] != ' ') ++pos_;
        return text_.substr(start, pos_ - start);
    }
    void skip_space() {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    }
    bool at_end() const { return pos_ >= text_.size(); }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

GateExpr parse_gate(std::string_view text) { return GateParser(text).parse(); }

std::string_view to_string(CompareOp op) {
    switch (op) {
        case CompareOp::lt: return "<";
        case CompareOp::le: return "<=";
        case CompareOp::gt: return ">";
        case CompareOp::ge: return ">=";
        case CompareOp::eq: return "==";
        case CompareOp::ne: return "!=";
    }
    return "?";
}

bool compare(double reading, CompareOp op, double threshold) {
    switch (op) {
        case CompareOp::lt: return reading < threshold;
        case CompareOp::le: return reading <= threshold;
        case CompareOp::gt: return reading > threshold;
        case CompareOp::ge: return reading >= threshold;
        case CompareOp::eq: return reading == threshold;
        case CompareOp::ne: return reading != threshold;
    }
    return false;
}

}  // namespace drconsole
