// Across drills: the quarter-on-quarter trend of one runbook, and readiness metrics for Prometheus.
#include <map>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/incident.h"
#include "drconsole/report.h"
#include "escape.h"
#include "html_page.h"
#include "svg.h"

namespace drconsole {
namespace {

using nlohmann::json;
using report::secs;
using report::str;

// Every resolved drill's report, oldest first, with its runbook title.
std::vector<json> resolved_drills(Journal& journal) {
    std::vector<json> out;
    for (const auto& record : journal.incidents()) {
        if (record.mode != "drill") continue;
        json r = build_report(journal, record.id);
        if (r["incident"]["resolved_at"].is_null()) continue;
        out.push_back(std::move(r));
    }
    return out;
}

json trend_row(const json& r) {
    json rpo = json::object();
    for (const auto& c : r["achieved"]) rpo[c["component"].get<std::string>()] = c["rpo_s"];
    return {{"incident", r["incident"]["id"]},
            {"date", r["incident"]["t0"]},
            {"service_rto_s", r.contains("service") ? r["service"]["rto_s"] : json(nullptr)},
            {"rpo_s", rpo},
            {"pass", r["incident"]["pass"]}};
}

std::string label_value(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\', out += c;
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

}  // namespace

json build_trend(Journal& journal, const std::string& runbook_title) {
    std::vector<json> drills = resolved_drills(journal);
    std::string title = runbook_title;
    if (title.empty() && !drills.empty()) title = drills.back()["incident"]["title"].get<std::string>();
    json rows = json::array();
    std::vector<std::string> components;
    json objective = nullptr;
    for (const auto& r : drills) {
        if (r["incident"]["title"] != title) continue;
        rows.push_back(trend_row(r));
        components.clear();
        for (const auto& c : r["achieved"]) components.push_back(c["component"].get<std::string>());
        if (r.contains("service")) objective = r["service"]["rto_objective_s"];
    }
    return {{"runbook", title}, {"components", components}, {"rto_objective_s", objective}, {"drills", rows}};
}

std::string render_trend_markdown(const json& t) {
    std::string o = fmt::format("# Drill trend: {}\n\n", report::md(str(t["runbook"])));
    if (t["drills"].empty()) return o + "No resolved drill of this runbook yet.\n";
    o += "| Date (T0) | Incident | Service RTO |";
    std::string rule = "|-----------|----------|-------------|";
    for (const auto& c : t["components"]) o += fmt::format(" RPO {} |", report::md(str(c))), rule += "------|";
    o += " Result |\n" + rule + "--------|\n";
    for (const auto& d : t["drills"]) {
        o += fmt::format("| {} | #{} | {} |", str(d["date"]), str(d["incident"]), d["service_rto_s"].is_number() ? secs(d["service_rto_s"]) : "not restored");
        for (const auto& c : t["components"]) o += " " + secs(d["rpo_s"].value(c.get<std::string>(), json(nullptr))) + " |";
        o += d["pass"].get<bool>() ? " ✓ |\n" : " ✗ |\n";
    }
    return o;
}

std::string render_trend_html(const json& t) {
    std::string title = "Drill trend: " + str(t["runbook"]);
    std::string o = report::page_head(title) + "<h1>" + report::html(title) + "</h1>\n";
    if (t["drills"].empty()) return o + "<p>No resolved drill of this runbook yet.</p>" + report::page_foot();
    o += "<figure>" + report::trend_svg(t) + "</figure>\n<table><tr><th>Date (T0)</th><th>Incident</th><th>Service RTO</th>";
    for (const auto& c : t["components"]) o += "<th>RPO " + report::html(str(c)) + "</th>";
    o += "<th>Result</th></tr>";
    for (const auto& d : t["drills"]) {
        o += "<tr><td>" + report::html(str(d["date"])) + "</td><td>#" + str(d["incident"]) + "</td><td>" +
             (d["service_rto_s"].is_number() ? secs(d["service_rto_s"]) : "not restored") + "</td>";
        for (const auto& c : t["components"]) o += "<td>" + secs(d["rpo_s"].value(c.get<std::string>(), json(nullptr))) + "</td>";
        o += d["pass"].get<bool>() ? "<td class=\"pass\">✓</td></tr>" : "<td class=\"fail\">✗</td></tr>";
    }
    return o + "</table>\n" + report::page_foot();
}

std::string render_metrics(Journal& journal) {
    std::map<std::string, json> newest;  // runbook title -> its newest resolved drill
    for (auto& r : resolved_drills(journal)) {
        std::string title = r["incident"]["title"].get<std::string>();
        newest[title] = std::move(r);
    }
    std::string last = "# HELP dr_drill_last_run_timestamp_seconds When the newest resolved drill of the runbook started (T0).\n"
                       "# TYPE dr_drill_last_run_timestamp_seconds gauge\n";
    std::string success = "# HELP dr_drill_success 1 when the newest drill met every success criterion, else 0.\n# TYPE dr_drill_success gauge\n";
    std::string failover = "# HELP dr_failover_time_seconds Achieved service RTO of the newest drill.\n# TYPE dr_failover_time_seconds gauge\n";
    std::string rpo = "# HELP dr_rpo_achieved_seconds Achieved RPO per component of the newest drill (absent when not measured).\n"
                      "# TYPE dr_rpo_achieved_seconds gauge\n";
    for (const auto& [title, r] : newest) {
        std::string label = fmt::format("runbook=\"{}\"", label_value(title));
        std::string t0 = str(r["incident"]["t0"]);
        auto t0_us = parse_utc(t0);
        if (t0_us) last += fmt::format("dr_drill_last_run_timestamp_seconds{{{}}} {:.3f}\n", label, static_cast<double>(*t0_us) / 1e6);
        success += fmt::format("dr_drill_success{{{}}} {}\n", label, r["incident"]["pass"].get<bool>() ? 1 : 0);
        if (r.contains("service") && r["service"]["rto_s"].is_number())
            failover += fmt::format("dr_failover_time_seconds{{{}}} {:.3f}\n", label, r["service"]["rto_s"].get<double>());
        for (const auto& c : r["achieved"])
            if (c["rpo_s"].is_number())
                rpo += fmt::format("dr_rpo_achieved_seconds{{{},component=\"{}\"}} {:.3f}\n", label, label_value(str(c["component"])), c["rpo_s"].get<double>());
    }
    return last + success + failover + rpo;
}

}  // namespace drconsole
