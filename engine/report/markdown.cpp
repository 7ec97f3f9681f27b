// The drill report as Markdown: what people paste into a wiki page or a pull request.
#include <fmt/format.h>

#include "drconsole/report.h"
#include "escape.h"

namespace drconsole {
namespace {

using nlohmann::json;
using report::md;
using report::secs;
using report::str;

std::string mark(const json& pass) { return pass.is_boolean() ? (pass.get<bool>() ? "✓" : "✗") : "–"; }

std::string objective(const json& seconds) { return seconds.is_number() ? secs(seconds) : "–"; }

void objectives_table(std::string& o, const json& r) {
    o += "## Objectives vs achieved\n\n";
    o += "| Component | RTO objective | RTO achieved | RPO objective | RPO achieved | RPO method | Result |\n";
    o += "|-----------|---------------|--------------|---------------|--------------|------------|--------|\n";
    json rows = report::component_rows(r);
    for (const auto& c : rows)
        o += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", md(c["component"].get<std::string>()), objective(c["rto_objective_s"]),
                         c["rto_s"].is_number() ? secs(c["rto_s"]) : "not restored", objective(c["rpo_objective_s"]), report::rpo_achieved(c),
                         md(str(c["rpo_method"])), mark(c["pass"]));
    o += "\n";
    for (const auto& c : rows) o += fmt::format("- **{}**: {}\n", md(c["component"].get<std::string>()), md(str(c["reason"])));
    o += "\n## Success criteria\n\n";
    for (const auto& c : r["criteria"]) o += fmt::format("- {} {}: {}\n", mark(c["pass"]), md(str(c["name"])), md(str(c["detail"])));
    o += "\n";
}

void timeline(std::string& o, const json& r) {
    o += "## Phase durations\n\n| Phase | Kind | Started | Ended | Duration |\n|-------|------|---------|-------|----------|\n";
    for (const auto& p : r["phases"])
        o += fmt::format("| {} | {} | {} | {} | {} |\n", md(str(p["name"])), str(p["kind"]), report::t_plus(p["start_offset_s"]),
                         report::t_plus(p["end_offset_s"]), p["duration_s"].is_number() ? secs(p["duration_s"]) : "–");
    o += "\n## Timeline\n\n| T+ | Wall clock (UTC) | Role | Person | What |\n|----|------------------|------|--------|------|\n";
    for (const auto& e : r["events"])
        o += fmt::format("| {} | {} | {} | {} | {} |\n", str(e["t_plus"]), str(e["at"]), md(str(e["role"])), md(str(e["person"])), md(str(e["what"])));
    o += "\n";
}

// Approvals, required values and cleanup: each section only when the runbook has any.
void controls(std::string& o, const json& r) {
    if (!r.value("approvals", json::array()).empty()) {
        o += "## Approvals\n\n| Step | Approver role | Asked by | State | By | T+ | Comment |\n|------|------|------|------|------|------|------|\n";
        for (const auto& a : r["approvals"])
            o += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", md(str(a["step"])), md(str(a["role"])), md(str(a["requested_by"])),
                             md(str(a["state"])), md(str(a.value("approved_by", json("")))), str(a.value("t_plus", json(""))),
                             md(str(a.value("comment", json("")))));
        o += "\n";
    }
    if (!r.value("waits", json::array()).empty()) {
        o += "## Graceful or forced\n\n| Step | Waited for | Mode | Waited | T+ | Values at that instant | By | Reason |\n"
             "|------|------|------|------|------|------|------|------|\n";
        for (const auto& w : r["waits"])
            o += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} |\n", md(str(w["step"])), md(str(w["condition"])), md(str(w["mode"])),
                             secs(w["waited_s"]), str(w["t_plus"]), md(str(w["values"])), md(str(w["by"])), md(str(w["reason"])));
        o += "\n";
    }
    if (!r.value("values", json::array()).empty()) {
        o += "## Recorded values\n\n| Step | Name | Value | By | T+ |\n|------|------|------|------|------|\n";
        for (const auto& v : r["values"])
            o += fmt::format("| `{}` | {} | {} | {} | {} |\n", md(str(v["step"])), md(str(v["name"])),
                             v["value"].is_null() ? "not recorded" : md(str(v["value"])), md(str(v["by"])), str(v["t_plus"]));
        o += "\n";
    }
    if (!r.value("cleanup", json::array()).empty()) {
        o += "## Cleanup\n\n";
        for (const auto& c : r["cleanup"]) {
            std::string state = str(c["state"]);
            o += fmt::format("- {} `{}` {}: {}{}{}{}\n", state == "done" ? "✓" : "✗", md(str(c["step"])), md(str(c["text"])), md(state),
                             c.contains("t_plus") ? " at " + str(c["t_plus"]) : "", c.contains("action") ? "; action " + md(str(c["action"])) : "",
                             str(c["reason"]).empty() ? "" : " — " + md(str(c["reason"])));
        }
        if (!str(r["incident"].value("cleanup_reason", json(""))).empty())
            o += "- Resolved with cleanup incomplete: " + md(str(r["incident"]["cleanup_reason"])) + "\n";
        o += "\n";
    }
}

void findings(std::string& o, const json& r) {
    if (!r.value("not_applicable", json::array()).empty()) {
        o += "## Not applicable here\n\nSteps recorded at the start as not part of this incident: a target this environment lacks "
             "(`start --allow-missing`), or a step for the other mode (`when=`):\n\n";
        for (const auto& n : r["not_applicable"])
            o += fmt::format("- `{}` ({}): {}\n", md(str(n["step"])), md(str(n["phase"])), md(str(n["reason"])));
        o += "\n";
    }
    controls(o, r);
    o += "## Deviations\n\n";
    if (r["deviations"].empty()) o += "None: every step was done as written.\n";
    for (const auto& d : r["deviations"])
        o += fmt::format("- {} {}{}: {}\n", str(d["t_plus"]), md(str(d["kind"])), d["step"] == "" ? "" : " `" + md(str(d["step"])) + "`", md(str(d["detail"])));
    o += "\n## Issues found / action items\n\n";
    if (r["action_items"].empty()) o += "None recorded (`drconsole note --action-item TEXT`).\n";
    for (const auto& a : r["action_items"])
        o += fmt::format("- [ ] {}{} (raised by {})\n", md(str(a["text"])), a["owner"] == "" ? "" : " — owner: " + md(str(a["owner"])), md(str(a["raised_by"])));
    if (!r["notes"].empty()) {
        o += "\n## Notes\n\n";
        for (const auto& n : r["notes"])
            o += fmt::format("- {} {}{}: {}\n", str(n["at"]), md(str(n["person"])), n["step"] == "" ? "" : " on `" + md(str(n["step"])) + "`", md(str(n["text"])));
    }
    o += "\n";
}

void method_notes(std::string& o, const json& r) {
    o += "## RPO method notes\n\n";
    json rows = report::component_rows(r);
    for (const auto& c : rows) {
        std::string name = md(str(c["component"]));
        if (!c["rpo_s"].is_number()) {
            o += fmt::format("- **{}**: not measured — {}\n", name, md(str(c["rpo_note"]).empty() ? "no RPO source" : str(c["rpo_note"])));
            continue;
        }
        o += fmt::format("- **{}**: {} on `{}`, uncertainty ± {}", name, md(str(c["rpo_method"])), md(str(c["rpo_target"])), secs(c["rpo_uncertainty_s"]));
        for (const auto& [key, value] : c["rpo_detail"].items())
            if (!value.is_structured()) o += fmt::format("; {} {}", md(key), md(str(value)));
        if (c["rpo_detail"].contains("topic_pairs"))
            for (const auto& t : c["rpo_detail"]["topic_pairs"])
                o += fmt::format("; {} → {}: {}, {} messages lost", md(str(t["source_topic"])), md(str(t["target_topic"])), secs(t["rpo_s"]), str(t["messages_lost"]));
        if (!str(c["rpo_note"]).empty()) o += ". " + md(str(c["rpo_note"]));
        o += "\n";
        for (const auto& line : report::rpo_readings(c)) o += "  - reading used: " + md(line) + "\n";
    }
    o += "\n";
}

void evidence(std::string& o, const json& r) {
    const json& i = r["incident"];
    const json& chain = r["chain"];
    o += "## Evidence\n\n";
    if (chain["verified"].get<bool>())
        o += fmt::format("- Journal chain: {} events, head `{}`, verified ✓\n", str(chain["count"]), str(chain["head"]));
    else
        o += fmt::format("- Journal chain: NOT verified ✗ ({}); nothing in this report can be relied on\n", md(str(chain["problem"])));
    o += "- Signed checkpoints: " + md(report::checkpoints_line(chain["checkpoints"])) + "\n";
    o += fmt::format("- Samples: {} readings in {} batches sealed in the chain{}\n", str(chain["samples"]), str(chain["sealed_sample_batches"]),
                     chain["sample_problems"].empty() ? "" : fmt::format(" — {} do NOT verify ✗", chain["sample_problems"].size()));
    for (const auto& p : chain["sample_problems"]) o += "  - " + md(str(p)) + "\n";
    o += fmt::format("- Runbook: {} (SHA-256 `{}`)\n", md(str(i["runbook"])), str(i["runbook_sha256"]));
    for (const auto& f : i.value("includes", json::array()))
        o += fmt::format("- Included: {} (SHA-256 `{}`)\n", md(str(f["path"])), str(f["sha256"]));
    o += fmt::format("- Environment: {}\n", i["env"].is_null() ? "none" : fmt::format("{} (SHA-256 `{}`)", md(str(i["env"])), str(i["env_sha256"])));
    const json& clock = r["clock"];
    if (clock["jumps"].empty() && clock["restarts"] == 0) o += "- Clock: no wall-clock jump during the incident\n";
    for (const auto& j : clock["jumps"])
        o += fmt::format("- Clock: the wall clock jumped {} before event #{} at {}; durations use the monotonic clock\n", secs(j["jump_s"]), str(j["seq"]), str(j["at"]));
    if (clock["restarts"] != 0) o += fmt::format("- Clock: the monotonic clock restarted {} time(s) (a reboot); those spans use the wall clock\n", str(clock["restarts"]));
}

}  // namespace

std::string render_markdown(const json& r) {
    const json& i = r["incident"];
    std::string o;
    bool drill = i["mode"] == "drill";
    o += fmt::format("# {}: {}\n\n", drill ? "Drill report" : "Post-mortem", md(str(i["title"])));
    std::string corrections;
    for (const auto& c : i.value("resolution_corrections", json::array()))
        corrections += fmt::format(" — *corrected (#{}, {}):* {}", c["seq"].get<std::int64_t>(), md(str(c["by"])), md(str(c["text"])));
    o += "| | |\n|---|---|\n";
    if (!str(i["scenario"]).empty()) o += fmt::format("| Scenario | {} |\n", md(str(i["scenario"])));
    o += fmt::format("| Incident | #{}, {}{} |\n", str(i["id"]), str(i["mode"]), str(i["severity"]).empty() ? "" : ", " + md(str(i["severity"])));
    o += fmt::format("| Started | {} |\n| T0 | {} ({}) |\n| Resolved | {} |\n", str(i["started_at"]), str(i["t0"]), str(i["t0_source"]),
                     i["resolved_at"].is_null() ? "not yet" : str(i["resolved_at"]) + (str(i["resolution"]).empty() ? "" : ": " + md(str(i["resolution"]))) + corrections);
    if (i.contains("comms_cadence")) o += fmt::format("| Comms | {} |\n", md(str(i["comms_cadence"]["text"])));
    o += fmt::format("| Result | **{} {}** |\n\n", i["pass"].get<bool>() ? "✓" : "✗", md(str(i["headline"])));
    o += "## Participants and roles\n\n| Role | Person | From | To |\n|------|--------|------|----|\n";
    for (const auto& role : r["roles"])
        o += fmt::format("| {} | {} | {} | {} |\n", md(str(role["role"])), md(str(role["person"])), str(role["from"]), role["to"].is_null() ? "end" : str(role["to"]));
    o += "\n";
    objectives_table(o, r);
    timeline(o, r);
    findings(o, r);
    method_notes(o, r);
    evidence(o, r);
    return o;
}

}  // namespace drconsole
