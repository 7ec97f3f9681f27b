// The drill report as one self-contained HTML file: no scripts, no external resources, inline SVG.
#include <fmt/format.h>

#include "drconsole/report.h"
#include "escape.h"
#include "html_page.h"
#include "svg.h"

namespace drconsole {
namespace {

using nlohmann::json;
using report::html;
using report::secs;
using report::str;

std::string mark(const json& pass) {
    if (!pass.is_boolean()) return R"(<span class="na">–</span>)";
    return pass.get<bool>() ? R"(<span class="pass">✓ pass</span>)" : R"(<span class="fail">✗ fail</span>)";
}

std::string td(const std::string& escaped) { return "<td>" + escaped + "</td>"; }

void summary(std::string& o, const json& r) {
    const json& i = r["incident"];
    o += "<table class=\"summary\">";
    if (!str(i["scenario"]).empty()) o += "<tr><th>Scenario</th>" + td(html(str(i["scenario"]))) + "</tr>";
    o += "<tr><th>Incident</th>" + td(html(fmt::format("#{}, {}{}", str(i["id"]), str(i["mode"]), str(i["severity"]).empty() ? "" : ", " + str(i["severity"])))) + "</tr>";
    o += "<tr><th>Started</th>" + td(html(str(i["started_at"]))) + "</tr>";
    o += "<tr><th>T0</th>" + td(html(str(i["t0"]) + " (" + str(i["t0_source"]) + ")")) + "</tr>";
    std::string corrections;
    for (const auto& c : i.value("resolution_corrections", json::array()))
        corrections += fmt::format("<br><em>corrected (#{}, {}):</em> {}", c["seq"].get<std::int64_t>(), html(str(c["by"])), html(str(c["text"])));
    o += "<tr><th>Resolved</th>" + td(i["resolved_at"].is_null() ? "not yet" : html(str(i["resolved_at"]) + (str(i["resolution"]).empty() ? "" : ": " + str(i["resolution"]))) + corrections) + "</tr>";
    if (i.contains("comms_cadence")) o += "<tr><th>Comms</th>" + td(html(str(i["comms_cadence"]["text"]))) + "</tr>";
    o += "<tr><th>Result</th>" + td(mark(i["pass"]) + " " + html(str(i["headline"]))) + "</tr></table>\n";
    o += "<h2>Participants and roles</h2><table><tr><th>Role</th><th>Person</th><th>From</th><th>To</th></tr>";
    for (const auto& role : r["roles"])
        o += "<tr>" + td(html(str(role["role"]))) + td(html(str(role["person"]))) + td(html(str(role["from"]))) + td(role["to"].is_null() ? "end" : html(str(role["to"]))) + "</tr>";
    o += "</table>\n";
}

void objectives(std::string& o, const json& r) {
    o += "<h2>Objectives vs achieved</h2><table><tr><th>Component</th><th>RTO objective</th><th>RTO achieved</th><th>RPO objective</th>"
         "<th>RPO achieved</th><th>RPO method</th><th>Result</th><th>Why</th></tr>";
    json rows = report::component_rows(r);
    for (const auto& c : rows) {
        std::string rpo = report::rpo_achieved(c);
        if (!c["rpo_s"].is_number() && !str(c["rpo_note"]).empty()) rpo += ": " + str(c["rpo_note"]);
        o += "<tr>" + td(html(str(c["component"]))) + td(c["rto_objective_s"].is_number() ? secs(c["rto_objective_s"]) : "–") +
             td(c["rto_s"].is_number() ? secs(c["rto_s"]) : "not restored") + td(c["rpo_objective_s"].is_number() ? secs(c["rpo_objective_s"]) : "–") +
             td(html(rpo)) + td(html(str(c["rpo_method"]))) + td(mark(c["pass"])) + td(html(str(c["reason"]))) + "</tr>";
    }
    o += "</table>\n<h2>Success criteria</h2><ul>";
    for (const auto& c : r["criteria"]) o += "<li>" + mark(c["pass"]) + " " + html(str(c["name"])) + ": " + html(str(c["detail"])) + "</li>";
    o += "</ul>\n";
}

void charts(std::string& o, const json& r) {
    o += "<h2>Timeline of phases and steps</h2><figure>" + report::gantt_svg(r) + "</figure>\n";
    o += "<h2>Replication lag</h2>";
    if (r["lag_series"].empty()) o += "<p>No lag was recorded for any component's RPO target.</p>";
    for (const auto& s : r["lag_series"])
        o += "<figure>" + report::lag_svg(s) + "<figcaption>" + html(str(s["component"])) + " (" + html(s.value("points_shown", "")) +
             ")</figcaption></figure>";
    o += "\n<h2>Phase durations</h2><table><tr><th>Phase</th><th>Kind</th><th>Started</th><th>Ended</th><th>Duration</th></tr>";
    for (const auto& p : r["phases"])
        o += "<tr>" + td(html(str(p["name"]))) + td(html(str(p["kind"]))) + td(report::t_plus(p["start_offset_s"])) + td(report::t_plus(p["end_offset_s"])) +
             td(p["duration_s"].is_number() ? secs(p["duration_s"]) : "–") + "</tr>";
    o += "</table>\n";
}

// Approvals, required values and cleanup: each section only when the runbook has any.
void controls(std::string& o, const json& r) {
    auto cell = [](const json& row, const char* key) { return td(html(str(row.value(key, json(""))))); };
    if (!r.value("approvals", json::array()).empty()) {
        o += "<h2>Approvals</h2><table><tr><th>Step</th><th>Approver role</th><th>Asked by</th><th>State</th><th>By</th><th>T+</th><th>Comment</th></tr>";
        for (const auto& a : r["approvals"])
            o += "<tr>" + cell(a, "step") + cell(a, "role") + cell(a, "requested_by") + cell(a, "state") + cell(a, "approved_by") + cell(a, "t_plus") +
                 cell(a, "comment") + "</tr>";
        o += "</table>\n";
    }
    if (!r.value("waits", json::array()).empty()) {
        o += "<h2>Graceful or forced</h2><table><tr><th>Step</th><th>Waited for</th><th>Mode</th><th>Waited</th><th>T+</th><th>Values at that instant</th>"
             "<th>By</th><th>Reason</th></tr>";
        for (const auto& w : r["waits"])
            o += "<tr>" + cell(w, "step") + cell(w, "condition") + cell(w, "mode") + td(secs(w["waited_s"])) + cell(w, "t_plus") + cell(w, "values") +
                 cell(w, "by") + cell(w, "reason") + "</tr>";
        o += "</table>\n";
    }
    if (!r.value("values", json::array()).empty()) {
        o += "<h2>Recorded values</h2><table><tr><th>Step</th><th>Name</th><th>Value</th><th>By</th><th>T+</th></tr>";
        for (const auto& v : r["values"])
            o += "<tr>" + cell(v, "step") + cell(v, "name") + td(v["value"].is_null() ? std::string("not recorded") : "<code>" + html(str(v["value"])) + "</code>") +
                 cell(v, "by") + cell(v, "t_plus") + "</tr>";
        o += "</table>\n";
    }
    if (!r.value("cleanup", json::array()).empty()) {
        o += "<h2>Cleanup</h2><ul>";
        for (const auto& c : r["cleanup"])
            o += "<li>" + html(fmt::format("{} {} {}: {}{}{}{}", str(c["state"]) == "done" ? "✓" : "✗", str(c["step"]), str(c["text"]), str(c["state"]),
                                           c.contains("t_plus") ? " at " + str(c["t_plus"]) : "", c.contains("action") ? "; action " + str(c["action"]) : "",
                                           str(c["reason"]).empty() ? "" : " — " + str(c["reason"]))) + "</li>";
        if (!str(r["incident"].value("cleanup_reason", json(""))).empty())
            o += "<li>" + html("Resolved with cleanup incomplete: " + str(r["incident"]["cleanup_reason"])) + "</li>";
        o += "</ul>\n";
    }
}

void timeline(std::string& o, const json& r) {
    o += "<h2>Timeline</h2><table class=\"timeline\"><tr><th>T+</th><th>Wall clock (UTC)</th><th>Role</th><th>Person</th><th>What</th></tr>";
    for (const auto& e : r["events"])
        o += "<tr>" + td(html(str(e["t_plus"]))) + td(html(str(e["at"]))) + td(html(str(e["role"]))) + td(html(str(e["person"]))) + td(html(str(e["what"]))) + "</tr>";
    o += "</table>\n";
    if (!r.value("not_applicable", json::array()).empty()) {
        o += "<h2>Not applicable here</h2><p>Steps recorded at the start as not part of this incident: a target this environment lacks "
             "(start --allow-missing), or a step for the other mode (when=):</p><ul>";
        for (const auto& n : r["not_applicable"])
            o += "<li>" + html(str(n["step"]) + " (" + str(n["phase"]) + "): " + str(n["reason"])) + "</li>";
        o += "</ul>\n";
    }
    controls(o, r);
    o += "<h2>Deviations</h2><ul>";
    if (r["deviations"].empty()) o += "<li>None: every step was done as written.</li>";
    for (const auto& d : r["deviations"])
        o += "<li>" + html(str(d["t_plus"]) + " " + str(d["kind"]) + (d["step"] == "" ? "" : " " + str(d["step"])) + ": " + str(d["detail"])) + "</li>";
    o += "</ul>\n<h2>Issues found / action items</h2><ul>";
    if (r["action_items"].empty()) o += "<li>None recorded.</li>";
    for (const auto& a : r["action_items"])
        o += "<li>" + html(str(a["text"]) + (a["owner"] == "" ? "" : " (owner: " + str(a["owner"]) + ")") + ", raised by " + str(a["raised_by"])) + "</li>";
    o += "</ul>\n";
    if (!r["notes"].empty()) {
        o += "<h2>Notes</h2><ul>";
        for (const auto& n : r["notes"])
            o += "<li>" + html(str(n["at"]) + " " + str(n["person"]) + (n["step"] == "" ? "" : " on " + str(n["step"])) + ": " + str(n["text"])) + "</li>";
        o += "</ul>\n";
    }
}

void evidence(std::string& o, const json& r) {
    o += "<h2>RPO method notes</h2><ul>";
    json rows = report::component_rows(r);
    for (const auto& c : rows) {
        std::string line = str(c["component"]) + ": ";
        if (!c["rpo_s"].is_number()) line += "not measured — " + (str(c["rpo_note"]).empty() ? std::string("no RPO source") : str(c["rpo_note"]));
        else {
            line += fmt::format("{} on {}, uncertainty ± {}", str(c["rpo_method"]), str(c["rpo_target"]), secs(c["rpo_uncertainty_s"]));
            for (const auto& [key, value] : c["rpo_detail"].items())
                if (!value.is_structured()) line += "; " + key + " " + str(value);
            if (!str(c["rpo_note"]).empty()) line += ". " + str(c["rpo_note"]);
        }
        o += "<li>" + html(line);
        auto readings = report::rpo_readings(c);
        if (!readings.empty()) {
            o += "<ul>";
            for (const auto& reading : readings) o += "<li>reading used: " + html(reading) + "</li>";
            o += "</ul>";
        }
        o += "</li>";
    }
    const json& chain = r["chain"];
    const json& i = r["incident"];
    o += "</ul>\n<h2>Evidence</h2><ul>";
    if (chain["verified"].get<bool>())
        o += "<li>" + html(fmt::format("Journal chain: {} events, head {}, ", str(chain["count"]), str(chain["head"]))) +
             "<span class=\"pass\">verified ✓</span></li>";
    else
        o += "<li>Journal chain: <span class=\"fail\">NOT verified: " + html(str(chain["problem"])) +
             "; nothing in this report can be relied on</span></li>";
    o += "<li>" + html("Signed checkpoints: " + report::checkpoints_line(chain["checkpoints"])) + "</li>";
    o += "<li>" + html(fmt::format("Samples: {} readings in {} batches sealed in the chain", str(chain["samples"]), str(chain["sealed_sample_batches"])));
    if (!chain["sample_problems"].empty()) {
        o += " <span class=\"fail\">" + html(fmt::format("{} do NOT verify", chain["sample_problems"].size())) + "</span><ul>";
        for (const auto& p : chain["sample_problems"]) o += "<li>" + html(str(p)) + "</li>";
        o += "</ul>";
    }
    o += "</li>";
    o += "<li>" + html(fmt::format("Runbook: {} (SHA-256 {})", str(i["runbook"]), str(i["runbook_sha256"]))) + "</li>";
    for (const auto& f : i.value("includes", json::array()))
        o += "<li>" + html(fmt::format("Included: {} (SHA-256 {})", str(f["path"]), str(f["sha256"]))) + "</li>";
    o += "<li>" + html(i["env"].is_null() ? std::string("Environment: none") : fmt::format("Environment: {} (SHA-256 {})", str(i["env"]), str(i["env_sha256"]))) + "</li>";
    if (r["clock"]["jumps"].empty() && r["clock"]["restarts"] == 0) o += "<li>Clock: no wall-clock jump during the incident</li>";
    for (const auto& j : r["clock"]["jumps"])
        o += "<li>" + html(fmt::format("Clock: the wall clock jumped {} before event #{} at {}; durations use the monotonic clock", secs(j["jump_s"]), str(j["seq"]), str(j["at"]))) + "</li>";
    o += "</ul>\n";
}

}  // namespace

std::string render_html(const json& r) {
    const json& i = r["incident"];
    std::string title = (i["mode"] == "drill" ? "Drill report: " : "Post-mortem: ") + str(i["title"]);
    std::string o = report::page_head(title);
    o += "<h1>" + html(title) + "</h1>\n";
    summary(o, r);
    objectives(o, r);
    charts(o, r);
    timeline(o, r);
    evidence(o, r);
    return o + report::page_foot();
}

}  // namespace drconsole
