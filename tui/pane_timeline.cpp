// The timeline: newest events last, T+ and wall clock, role:person, what happened; filtered by /search.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/text.h"
#include "tui/panes.h"

namespace drconsole::tui {
namespace {

bool contains_ci(const std::string& hay, const std::string& needle) {
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
        return s;
    };
    return lower(hay).find(lower(needle)) != std::string::npos;
}

}  // namespace

void render_timeline(const View& v, Canvas& c, Rect r) {
    const IncidentState& s = *v.state;
    c.fill(r, Role::normal);
    std::vector<const Event*> shown;
    std::size_t total = 0;
    for (const auto& e : *v.events) {
        if (!shown_in_timeline(e)) continue;
        ++total;
        std::string line = describe(e) + " " + e.actor.role + ":" + e.actor.person;
        if (v.search.empty() || contains_ci(line, v.search)) shown.push_back(&e);
    }
    std::string title = v.search.empty() ? fmt::format("timeline ({} events)", total)
                                         : fmt::format("timeline: {} of {} events match \"{}\" (Esc clears)", shown.size(), total, safe_text(v.search));
    int rows = r.h - 1;
    std::size_t back = std::min<std::size_t>(static_cast<std::size_t>(std::max(v.timeline_back, 0)), shown.size());
    // Scrolled back, newer events are below and out of sight: the title says how many.
    if (back > 0) title += fmt::format("; {} newer below (Down shows them)", back);
    draw_title(c, r, title, v.focus == Pane::timeline);
    std::size_t end = shown.size() - back;
    std::size_t begin = end > static_cast<std::size_t>(rows) ? end - static_cast<std::size_t>(rows) : 0;
    int y = r.y + 1;
    // An incident that runs past midnight (UTC) shows each event's date too.
    bool dates = !v.events->empty() && format_utc(v.events->front().wall_us).substr(0, 10) != format_utc(v.now_us).substr(0, 10);
    for (std::size_t i = begin; i < end; ++i, ++y) {
        const Event& e = *shown[i];
        std::int64_t acted = acted_us(e);  // when the person acted, not when the dialog was closed
        std::string when = acted >= s.t0_us() ? "T+" + mmss(acted - s.t0_us()) : "T-" + mmss(s.t0_us() - acted);
        Role role = Role::normal;
        if (e.kind == event_kind::step_failed || e.kind == event_kind::fault_injected) role = Role::step_failed;
        else if (e.kind == event_kind::step_completed || e.kind == event_kind::incident_resolved) role = Role::step_done;
        else if (e.kind == event_kind::gate_overridden || e.kind == event_kind::step_skipped) role = Role::step_skipped;
        int x = r.x + 1;
        std::string at = format_utc(acted);
        x += c.put(x, y, fmt::format("{:>9} {} ", when, dates ? at.substr(5, 5) + " " + at.substr(11, 8) : at.substr(11, 8)), Role::dim);
        x += c.put(x, y, safe_text(e.actor.role + ":" + e.actor.person), Role::title, 22) + 1;
        std::string what = describe(e);
        if (e.payload.value("at_source", "") == "backfilled") what += " (backfilled)";
        c.put(x, y, safe_text(what), role, r.w - (x - r.x) - 1);
    }
}

}  // namespace drconsole::tui
