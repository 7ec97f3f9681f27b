// The HTML report in a real browser (Debian's headless Chromium): it renders (not blank, charts
// drawn), loads nothing, and hostile notes stay text.
#include <regex>

#include <gtest/gtest.h>

#include "drconsole/incident.h"
#include "drconsole/report.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

const char* kRunbook = R"(# Failover drill

| Component | RPO | RTO |
|-----------|-----|-----|
| postgres  | 60s | 10m |
| service   | 60s | 15m |

## Detect {kind=detect}
- [ ] Stop the primary {#stop-primary role=ic}

## Promote {kind=promote}
- [ ] Promote the standby {#pg-promote role=db restores=postgres rpo=pg-standby}
- [ ] Check ingestion end to end {#ingestion role=db restores=service}
)";

const char* kEnv = R"({"targets": {
  "pg-primary": {"type": "postgres", "dsn": "host=127.0.0.1 port=1", "role": "primary", "heartbeat": "1s"},
  "pg-standby": {"type": "postgres", "dsn": "host=127.0.0.1 port=2", "role": "standby", "primary": "pg-primary"}}})";

const std::string kHostile = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">\"><b>bold</b>";

test::ProcessResult chromium(const test::TempDir& dir, std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                     "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + (dir / "profile").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_process(argv);
}

// A drill with a measured RPO, recorded lag, and notes written by an attacker.
std::string hostile_report(const test::TempDir& dir) {
    auto clock = std::make_shared<ManualClock>(1'767'405'600'000'000);  // 2026-01-03T02:00:00Z
    Journal journal(dir / "j.db", clock);
    StartRequest req;
    req.runbook = parse_runbook(kRunbook, "failover.md").runbook;
    req.env = parse_environment(kEnv, "lab.env.jsonc").env;
    req.mode = "drill";
    req.actor = {"ic", "alice"};
    req.roster = {{"ic", "alice"}, {"db", "bob"}};
    Incident i = Incident::start(journal, req);
    std::vector<Sample> samples;
    for (int s = 0; s < 120; ++s) {  // lag grows once the standby stops receiving, 60 s before the fault
        std::int64_t at = clock->wall_us() + s * 1'000'000LL;
        double lag = s < 60 ? 0.2 : (s - 60) * 0.5;
        samples.push_back({i.id(), "pg-primary", "heartbeat_ts", at, at, static_cast<double>(at) / 1e6, "ok", "{}"});
        samples.push_back({i.id(), "pg-standby", "heartbeat_lag_s", at, at, lag, "ok", "{}"});
        samples.push_back({i.id(), "pg-standby", "in_recovery", at, at, 1, "ok", "{}"});
    }
    clock->advance_us(120'000'000);
    i.inject_fault("stopped the primary " + kHostile, {"ic", "alice"});
    i.complete_step("stop-primary", {"ic", "alice"});
    clock->advance_us(200'000'000);
    i.complete_step("pg-promote", {"db", "bob"});
    std::int64_t after = clock->wall_us();
    samples.push_back({i.id(), "pg-standby", "in_recovery", after, after, 0, "ok", "{}"});
    samples.push_back({i.id(), "pg-standby", "heartbeat_ts", after, after, static_cast<double>(after - 230'000'000) / 1e6, "ok", "{}"});
    journal.add_samples(samples);
    i.add_note(kHostile, "pg-promote", {"db", "bob"});
    i.add_action_item(kHostile, "<i>mallory</i>", {"ic", "alice"});
    clock->advance_us(300'000'000);
    i.complete_step("ingestion", {"db", "bob"});
    i.resolve("done " + kHostile, {"ic", "alice"});
    return render_html(build_report(journal, i.id()));
}

}  // namespace

TEST(HtmlReport, IsSelfContainedAndHostileTextStaysText) {
    test::TempDir dir;
    std::string html = hostile_report(dir);
    EXPECT_NE(html.find(R"(<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">)"), std::string::npos);
    std::string lower = html;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* tag : {"<script", "<img", "<b>", "<i>", "<link", "<iframe", "url(", " src=\"", " href="})
        EXPECT_EQ(lower.find(tag), std::string::npos) << tag;
    EXPECT_NE(html.find("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"), std::string::npos);
    EXPECT_EQ(std::regex_search(html, std::regex("https?://(?!www\\.w3\\.org/2000/svg)")), false) << "no external resource";
}

TEST(HtmlReport, RendersInChromiumWithChartsAndNoScriptRuns) {
    if (!std::filesystem::exists("/usr/bin/chromium")) GTEST_SKIP() << "chromium is not installed (make test installs it)";
    test::TempDir dir;
    auto page = dir.write("report.html", hostile_report(dir));
    auto blank = dir.write("blank.html", "<!doctype html><html><body></body></html>");

    auto dom = chromium(dir, {"--dump-dom", "file://" + page.string()});
    ASSERT_EQ(dom.exit_code, 0) << dom.err;
    EXPECT_NE(dom.out.find("<title>Drill report: Failover drill</title>"), std::string::npos) << "no script changed the title";
    EXPECT_EQ(dom.out.find("pwned</title>"), std::string::npos);
    EXPECT_EQ(dom.out.find("<img"), std::string::npos) << "the note did not become an element";
    EXPECT_NE(dom.out.find("&lt;img src=x onerror="), std::string::npos) << "it is shown as text";
    EXPECT_NE(dom.out.find("<svg class=\"chart gantt\""), std::string::npos);
    EXPECT_NE(dom.out.find("<svg class=\"chart lag\""), std::string::npos);
    EXPECT_NE(dom.out.find("RPO objective 1m00s"), std::string::npos);

    auto shot = [&](const std::filesystem::path& html, const std::string& png) {
        auto r = chromium(dir, {"--window-size=1100,2400", "--screenshot=" + (dir / png).string(), "file://" + html.string()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return std::filesystem::file_size(dir / png);
    };
    auto report_png = shot(page, "report.png"), blank_png = shot(blank, "blank.png");
    EXPECT_GT(report_png, blank_png * 10) << "the page rendered: " << report_png << " bytes against a blank page's " << blank_png;
    if (const char* keep = std::getenv("DRCONSOLE_KEEP_SCREENSHOT")) std::filesystem::copy_file(dir / "report.png", keep, std::filesystem::copy_options::overwrite_existing);
}
