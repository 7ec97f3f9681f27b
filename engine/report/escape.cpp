// Escaping for Markdown, HTML and CSV; small formatting helpers shared by the renderers.
#include "escape.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/measure.h"
#include "drconsole/text.h"

namespace drconsole::report {

std::string md(std::string_view untrusted) {
    std::string flat(untrusted);
    for (char& c : flat)
        if (c == '\n' || c == '\r') c = ' ';
    std::string safe = safe_text(flat);
    std::string out;
    out.reserve(safe.size());
    for (char c : safe) {
        if (std::strchr("\\`*_[]<>|~&", c)) out += '\\';
        out += c;
    }
    return out;
}

std::string html(std::string_view untrusted) {
    std::string safe = safe_text(untrusted, true);
    std::string out;
    out.reserve(safe.size());
    for (char c : safe) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string csv(std::string_view untrusted) {
    std::string cell = safe_text(untrusted);
    // A spreadsheet reads a formula after leading spaces too, and in fullwidth forms (＝ ＋ － ＠).
    std::size_t i = cell.find_first_not_of(' ');
    char32_t first = i == std::string::npos ? 0 : next_code_point(cell, i);
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == 0xFF1D || first == 0xFF0B || first == 0xFF0D ||
        first == 0xFF20 || (!cell.empty() && (cell.front() == '\t' || cell.front() == '\r')))
        cell = "'" + cell;
    if (cell.find_first_of(",\"") == std::string::npos) return cell;
    std::string quoted = "\"";
    for (char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + '"';
}

std::string str(const nlohmann::json& v) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

std::string secs(const nlohmann::json& seconds) {
    if (!seconds.is_number()) return "not measured";
    return format_seconds(seconds.get<double>());
}

std::string t_plus(const nlohmann::json& offset_s) {
    if (!offset_s.is_number()) return "";
    return format_offset(static_cast<std::int64_t>(std::llround(offset_s.get<double>() * 1e6)));
}

std::vector<std::string> rpo_readings(const nlohmann::json& component) {
    std::vector<std::string> out;
    if (!component.contains("rpo_detail") || !component["rpo_detail"].contains("readings")) return out;
    const auto& readings = component["rpo_detail"]["readings"];
    constexpr std::size_t kShown = 12;  // a mirror of many partitions: the rest are in report.json
    for (const auto& r : readings) {
        if (out.size() == kShown) {
            out.push_back(fmt::format("… and {} more readings (report.json: rpo_detail.readings)", readings.size() - kShown));
            break;
        }
        std::string value = r.contains("value_utc") ? str(r["value_utc"]) : fmt::format("{:g}", r.value("value", 0.0));
        std::string sealed = r.contains("sealed_by_event") ? fmt::format(" (sealed by event {})", str(r["sealed_by_event"])) : " (not sealed)";
        std::string labels = r.contains("labels") ? " " + str(r["labels"]) : "";
        out.push_back(fmt::format("{} {}{} read at {}: {}{}", str(r["target"]), str(r["metric"]), labels, str(r["at"]), value, sealed));
    }
    return out;
}

std::string checkpoints_line(const nlohmann::json& checkpoints) {
    if (checkpoints.empty())
        return "none (the chain alone does not reveal a recomputed chain or a cut tail: keep its head outside, see docs/journal.md)";
    const auto& last = checkpoints.back();
    return fmt::format("{}, the last at event {} over events 1–{}{}, naming key {}; the signatures are checked by "
                       "'drconsole verify --pubkey KEY.pub', not by this report",
                       checkpoints.size(), str(last["seq"]), str(last["covers_seq"]),
                       last.value("resolved", false) ? " after the resolution" : " before the resolution", str(last["key"]));
}

nlohmann::json component_rows(const nlohmann::json& report) {
    nlohmann::json rows = report["achieved"];
    if (report.contains("service")) rows.push_back(report["service"]);
    return rows;
}

std::string rpo_achieved(const nlohmann::json& c) {
    if (!c["rpo_s"].is_number()) return "not measured";
    std::string out = secs(c["rpo_s"]);
    if (c["rpo_uncertainty_s"].is_number()) out += " ± " + secs(c["rpo_uncertainty_s"]);
    if (c["messages_lost"].is_number()) out += " (" + std::to_string(c["messages_lost"].get<std::int64_t>()) + " messages lost)";
    return out;
}

}  // namespace drconsole::report
