// The report of the demo's scripted quarterly drill, byte for byte (JSON, Markdown, CSV), CSV
// cells made inert, the trend and the readiness metrics.
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drconsole/report.h"
#include "support/fixtures.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The demo walks quarterly-drill.md on a scripted clock; its reports never change by accident.
class QuarterlyDrillReport : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir = new test::TempDir();
        auto r = test::run_process({"/bin/bash", test::source_path("scripts/scripted-drill.sh"), DRCONSOLE_BIN, (*dir / "demo").string()});
        ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    }
    static void TearDownTestSuite() { delete dir; }
    static std::filesystem::path out(const std::string& name) { return *dir / "demo" / name; }
    static test::TempDir* dir;

    void expect_golden(const std::string& name) {
        std::filesystem::path golden = test::source_path("tests/report/golden/quarterly-drill." + name);
        std::string got = slurp(out("report." + name));
        if (std::getenv("DRCONSOLE_UPDATE_GOLDEN")) {
            std::ofstream(golden, std::ios::binary) << got;
            return;
        }
        EXPECT_EQ(got, slurp(golden)) << "report." << name << " differs from " << golden
                                      << " (DRCONSOLE_UPDATE_GOLDEN=1 rewrites it; review the diff)";
    }
};
test::TempDir* QuarterlyDrillReport::dir = nullptr;

}  // namespace

TEST_F(QuarterlyDrillReport, JsonMarkdownAndCsvMatchTheirGoldens) {
    expect_golden("json");
    expect_golden("md");
    expect_golden("csv");
}

TEST_F(QuarterlyDrillReport, TheJsonHasEveryFieldAndTheScriptedFigures) {
    auto r = nlohmann::json::parse(slurp(out("report.json")));
    for (const char* key : {"incident", "roles", "objectives", "achieved", "service", "phases", "steps", "events", "deviations",
                            "action_items", "chain", "clock"})
        EXPECT_TRUE(r.contains(key)) << key;
    for (const char* key : {"id", "title", "mode", "severity", "runbook", "runbook_sha256", "env_sha256", "t0", "t0_source", "resolved_at"})
        EXPECT_TRUE(r["incident"].contains(key)) << key;
    EXPECT_EQ(r["incident"]["t0"], "2026-01-03T02:00:05.000000Z");
    EXPECT_EQ(r["incident"]["t0_source"], "fault injected");
    const auto& pg = r["achieved"][0];
    EXPECT_EQ(pg["component"], "postgres");
    EXPECT_DOUBLE_EQ(pg["rto_s"].get<double>(), 427.0) << "02:07:12 − 02:00:05";
    EXPECT_TRUE(pg["rpo_s"].is_null()) << "no samples in the demo: not measured, never 0";
    EXPECT_NE(pg["reason"].get<std::string>().find("RPO not measured"), std::string::npos);
    EXPECT_DOUBLE_EQ(r["achieved"][1]["rto_s"].get<double>(), 575.0) << "kafka: 02:09:40 − 02:00:05";
    EXPECT_EQ(r["achieved"][1]["pass"], false) << "over its 5m objective";
    EXPECT_DOUBLE_EQ(r["service"]["rto_s"].get<double>(), 825.0) << "test-ingestion at 02:13:50";
    EXPECT_EQ(r["chain"]["verified"], true);
    EXPECT_EQ(r["chain"]["count"], r["events"].size());
    for (const auto& step : r["steps"])
        for (const char* key : {"id", "phase", "text", "role", "state", "started_at", "ended_at", "waited_s", "ran_s", "actor", "gate_overrides", "action"})
            ASSERT_TRUE(step.contains(key)) << key;
    bool late_comms = false;
    for (const auto& d : r["deviations"]) late_comms |= d["kind"] == "comms late";
    EXPECT_TRUE(late_comms) << "02:10:40 → 02:45:00 is past the 30 min cadence";
    ASSERT_EQ(r["action_items"].size(), 1u);
    EXPECT_EQ(r["action_items"][0]["owner"], "sofia");
}

TEST_F(QuarterlyDrillReport, NotMeasuredReadsAsSuchInMarkdown) {
    std::string md = slurp(out("report.md"));
    EXPECT_NE(md.find("| postgres | 10m00s | 7m07s | 1m00s | not measured |"), std::string::npos);
    EXPECT_NE(md.find("- **postgres**: not measured — no readings were recorded for this incident: no console was open on it"), std::string::npos)
        << "the demo walks headless: the reason says so, not a guess";
}

TEST(Csv, FormulaLookingCellsAreNeutralisedAndQuoted) {
    nlohmann::json r = {{"events", {{{"seq", 1}, {"at", "2026-01-03T02:00:00.000000Z"}, {"t_plus", "T+00:00"}, {"kind", "note"},
                                     {"role", "-2+3"}, {"person", "@SUM(A1)"}, {"step", "+cmd"},
                                     {"what", "=HYPERLINK(\"http://evil\",\"x\")"}, {"hash", "ab"}}}}};
    std::string csv = render_csv(r);
    EXPECT_EQ(csv, "seq,at_utc,t_plus,kind,role,person,step,what,hash\r\n"
                   "1,2026-01-03T02:00:00.000000Z,T+00:00,note,'-2+3,'@SUM(A1),'+cmd,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",ab\r\n");
}

TEST(Csv, FormulasAfterSpacesAndInFullwidthFormsAreNeutralisedToo) {
    nlohmann::json r = {{"events", {{{"seq", 1}, {"at", " =1+1"}, {"t_plus", "\xef\xbc\x9d" "1+1"}, {"kind", "\xef\xbc\xa0" "x"},
                                     {"role", "  +1"}, {"person", "\xef\xbc\x8b" "1"}, {"step", "\xef\xbc\x8d" "1"},
                                     {"what", "plain"}, {"hash", "ab"}}}}};
    std::string csv = render_csv(r);
    EXPECT_EQ(csv, "seq,at_utc,t_plus,kind,role,person,step,what,hash\r\n"
                   "1,' =1+1,'\xef\xbc\x9d" "1+1,'\xef\xbc\xa0" "x,'  +1,'\xef\xbc\x8b" "1,'\xef\xbc\x8d" "1,plain,ab\r\n");
}

TEST(Trend, EachResolvedDrillOfTheRunbookIsARowAndMetricsShowTheNewest) {
    test::TempDir dir;
    auto clock = std::make_shared<ManualClock>();
    Journal journal(dir / "j.db", clock);
    const Actor ic{"ic", "alice"}, db{"db", "bob"}, mq{"messaging", "carol"};
    for (std::int64_t rto_s : {600, 420}) {  // the second drill is faster
        Incident i = Incident::start(journal, test::drill_request());
        i.inject_fault("stopped the primary", ic);
        clock->advance_us(rto_s * 1'000'000 - 60'000'000);
        i.complete_step("pg-promote", db);
        clock->advance_us(60'000'000);
        i.complete_step("kafka-promote", mq);
        i.resolve("done", ic);
        clock->advance_us(90LL * 24 * 3600 * 1'000'000);  // next quarter
    }
    Incident::start(journal, test::drill_request());  // open: not in the trend
    auto trend = build_trend(journal, "");
    EXPECT_EQ(trend["runbook"], "Small failover");
    ASSERT_EQ(trend["drills"].size(), 2u);
    EXPECT_DOUBLE_EQ(trend["drills"][0]["service_rto_s"].get<double>(), 600.0);
    EXPECT_DOUBLE_EQ(trend["drills"][1]["service_rto_s"].get<double>(), 420.0);
    std::string md = render_trend_markdown(trend);
    EXPECT_NE(md.find("| #2 | 7m00s | not measured | not measured | ✗ |"), std::string::npos) << md;
    EXPECT_NE(render_trend_html(trend).find("<svg class=\"chart trend\""), std::string::npos);

    std::string metrics = render_metrics(journal);
    EXPECT_NE(metrics.find("dr_failover_time_seconds{runbook=\"Small failover\"} 420.000\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("dr_drill_success{runbook=\"Small failover\"} 0\n"), std::string::npos) << "RPO not measured: not a success";
    EXPECT_NE(metrics.find("# TYPE dr_drill_last_run_timestamp_seconds gauge"), std::string::npos);
    EXPECT_EQ(metrics.find("dr_rpo_achieved_seconds{"), std::string::npos) << "no figure for what was not measured";
}
