// Snapshot → cells with colour roles, in-process and without curses.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "drconsole/probes.h"
#include "support/temp_dir.h"
#include "tui/console.h"

using namespace drconsole;
using namespace drconsole::tui;

namespace {

constexpr const char* kRunbook = R"(# Roles drill

| Component | RPO | RTO |
|-----------|-----|-----|
| db        | 30s | 5m  |

## Promote
- [ ] Confirm the outage {#confirm role=ic}
- [ ] Wait for the standby {#catch-up role=ic gate="pg-standby.lag_s < 30s"}
- [ ] Promote the standby {#promote role=ic restores=db rpo=pg-standby}
)";

// The role of the cell where `text` starts on the screen.
Role role_at(const Canvas& c, const std::string& text) {
    std::string screen = c.text();
    std::size_t at = screen.find(text);
    if (at == std::string::npos) throw std::runtime_error("not on the screen: " + text);
    int y = 0;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < at; ++i)
        if (screen[i] == '\n') {
            ++y;
            line_start = i + 1;
        }
    return c.at(columns(screen.substr(line_start, at - line_start)), y).role;
}

// The roles drill, started by maria as IC on a frozen clock.
struct Started {
    static StartRequest request() {
        StartRequest req;
        req.runbook = parse_runbook(kRunbook, "roles.md").runbook;
        req.mode = "drill";
        req.actor = {"ic", "maria"};
        req.roster = {{"ic", "maria"}};
        return req;
    }
    test::TempDir dir;
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>(1'790'000'000'000'000, 0.0);
    Journal journal{dir / "j.db", clock};
    Incident started = Incident::start(journal, request());
};

}  // namespace

TEST(Panes, EachPartOfTheScreenGetsItsColourRole) {
    Started fixture;
    auto& [dir, clock, journal, started] = fixture;
    started.complete_step("confirm", {"ic", "maria"});
    started.start_step("catch-up", {"ic", "maria"});

    auto store = std::make_shared<ReadingStore>();
    store->declare("pg-standby", Millis(2000));
    for (int i = 0; i < 5; ++i) {
        Reading r;
        r.target = "pg-standby";
        r.mono_us = steady_now_us() - (4 - i) * 100'000;
        r.set("lag_s", 20.0 + i);  // 24 s against an RPO of 30 s: warn
        store->publish(r);
    }
    ConsoleApp app(journal, Incident::attach(journal, started.id()), {"ic", "maria"}, store, clock);
    // The console opens on the first open step: catch-up, started, its gate passing.
    Canvas c(120, 40);
    app.render(c);

    EXPECT_EQ(role_at(c, "DRILL"), Role::drill);
    EXPECT_EQ(role_at(c, "Roles drill"), Role::title);
    EXPECT_EQ(role_at(c, "Confirm the outage"), Role::step_done);
    EXPECT_EQ(role_at(c, "Wait for the standby"), Role::selected);
    EXPECT_EQ(role_at(c, "started T+00:00, ga"), Role::step_active);
    EXPECT_EQ(role_at(c, "Promote the standby"), Role::step_pending);
    EXPECT_EQ(role_at(c, "warn db RPO~24s/30s"), Role::level_warn) << "the running RPO estimate of db, against its objective, level first";
    EXPECT_NE(c.text().find("gate pg-standby.lag_s < 30s  pass: pg-standby.lag_s is 24"), std::string::npos) << c.text();
    EXPECT_EQ(role_at(c, "Enter start/done"), Role::key_hint);
    EXPECT_EQ(role_at(c, "timeline ("), Role::title);
}

TEST(Panes, ADegradedStandbyWithinItsObjectiveLeadsWithDegradedNotOk) {
    Started fixture;
    auto& [dir, clock, journal, started] = fixture;
    auto store = std::make_shared<ReadingStore>();
    store->declare("pg-standby", Millis(2000));
    Reading r;
    r.target = "pg-standby";
    r.mono_us = steady_now_us();
    r.status = ProbeStatus::degraded;
    r.error = "not receiving: no WAL receiver running";
    r.set("lag_s", 2.0);  // within the 30 s objective, but the standby receives nothing
    store->publish(r);
    ConsoleApp app(journal, Incident::attach(journal, started.id()), {"ic", "maria"}, store, clock);
    Canvas c(120, 40);
    app.render(c);
    EXPECT_EQ(role_at(c, "degraded db RPO~2.0s/30s"), Role::level_warn) << c.text();
    EXPECT_EQ(c.text().find("ok db RPO~"), std::string::npos) << "no 'ok' beside a broken replication: " << c.text();
}

TEST(Panes, TheLagPaneScrollsToTheSelectedTargetAndCountsWhatItHides) {
    Started fixture;
    auto& [dir, clock, journal, started] = fixture;
    auto store = std::make_shared<ReadingStore>();
    for (int i = 0; i < 12; ++i) store->declare(fmt::format("target-{:02}", i), Millis(2000));
    ConsoleApp app(journal, Incident::attach(journal, started.id()), {"ic", "maria"}, store, clock);
    Canvas c(80, 24);
    app.render(c);
    std::string screen = c.text();
    EXPECT_NE(screen.find("target-00"), std::string::npos) << screen;
    EXPECT_EQ(screen.find("target-11"), std::string::npos) << screen;
    std::size_t below = screen.find(" more below (Tab, then Down)");
    ASSERT_NE(below, std::string::npos) << "what does not fit is counted:\n" << screen;

    // Tab to the lag pane, Down to the last target: it comes into view, the first ones are counted above.
    app.handle({Key::Code::tab, 0});
    for (int i = 0; i < 11; ++i) app.handle({Key::Code::down, 0});
    Canvas after(80, 24);
    app.render(after);
    screen = after.text();
    EXPECT_NE(screen.find("target-11"), std::string::npos) << screen;
    EXPECT_EQ(screen.find("target-00"), std::string::npos) << screen;
    EXPECT_NE(screen.find(" more above"), std::string::npos) << screen;
    EXPECT_NE(screen.find("━ live readings"), std::string::npos) << "the lag pane has the keys:\n" << screen;
}
