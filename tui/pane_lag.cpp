// Lag panels: one per probed target, with value, level against the objective, status and a sparkline.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "drconsole/measure.h"
#include "drconsole/text.h"
#include "tui/panes.h"

namespace drconsole::tui {

std::string sparkline(const std::vector<double>& values, int width, const Glyphs& g) {
    if (width <= 0 || values.empty()) return {};
    std::size_t n = std::min<std::size_t>(values.size(), static_cast<std::size_t>(width));
    std::vector<double> tail(values.end() - static_cast<long>(n), values.end());
    double top = *std::max_element(tail.begin(), tail.end());
    std::string out;
    for (double v : tail) {
        int level = top <= 0 ? 0 : static_cast<int>(std::lround(v / top * 7));
        out += g.blocks[std::clamp(level, 0, 7)];
    }
    return out;
}

namespace {

// How a figure was obtained, as the lag pane names it.
std::string method_label(const std::string& method) {
    if (method == "wal-position") return "WAL pos";
    if (method == "last-known-primary") return "last known WAL";
    if (method == "replay-timestamp") return "replay ts";
    return method;
}

// ", 10.7 KiB behind" beside a lag in seconds: how much WAL the standby has not replayed.
std::string behind(const TargetPanel& p) {
    auto bytes = p.metric == "lag_s" ? p.view.last.value("lag_bytes") : std::nullopt;
    return bytes && *bytes > 0 ? ", " + format_metric("lag_bytes", *bytes) + " behind" : "";
}

// "9.9s", "42s", "4m05s": short enough for the narrow pane.
std::string compact_seconds(double seconds) {
    if (seconds < 10) return fmt::format("{:.1f}s", seconds);
    return format_duration(Millis(static_cast<std::int64_t>(seconds) * 1000));
}

// One target's panel from row y: name, level and value; then how it was read and its course,
// or why there is no figure (up to three lines). Returns the rows used.
int draw_panel(Canvas& c, Rect r, const TargetPanel& p, bool selected, int y) {
    int top = y;
    Role value_role = Role::level_ok;
    if (p.level == Level::warn) value_role = Role::level_warn;
    if (p.level == Level::breach) value_role = Role::level_breach;
    std::string value = p.value ? fmt::format("{}={:.4g}", p.metric, *p.value) : p.metric + " ?";
    // A lag that measures a component's RPO is the running estimate of what a failure now would lose.
    bool is_lag = p.metric == "lag_s" || p.metric == "heartbeat_lag_s";
    if (p.rpo && !p.component.empty() && is_lag)
        value = fmt::format("{} RPO~{}/{}", safe_text(p.component), p.value ? compact_seconds(*p.value) : "?", format_duration(*p.rpo));
    else if (p.rpo && p.view.last.value("promoted").value_or(0) == 1)
        value += " promoted (no lag now)";  // not "up=1 / RPO 1m", which reads as a lag figure
    else if (p.rpo && p.metric != "up") value += fmt::format(" / RPO {}", format_duration(*p.rpo));
    // The level leads, so that a narrow pane never cuts it off.
    std::string level = p.level ? std::string(to_string(*p.level)) : "";
    // "ok" beside a broken replication reads as the target's status: it says degraded instead
    // (warn and breach still lead, they are worse news).
    if (p.view.status == ProbeStatus::degraded && p.level == Level::ok) {
        level = "degraded";
        value_role = Role::level_warn;
    }
    bool figures = p.view.status == ProbeStatus::ok || p.view.status == ProbeStatus::degraded;
    int x = r.x + 1;
    x += c.put(x, y, safe_text(p.id), selected ? Role::selected : Role::title, 16) + 1;
    if (!level.empty()) x += c.put(x, y, level, figures && p.value ? value_role : Role::probe_stale, r.x + r.w - 1 - x) + 1;
    // A long metric name (an http-json target's) must not cut its figure off: the figure leads.
    if (p.value && !is_lag && !p.rpo && static_cast<int>(value.size()) > r.x + r.w - 1 - x)
        value = fmt::format("{:.4g} {}", *p.value, p.metric);
    c.put(x, y, value, figures && p.value ? value_role : Role::probe_stale, r.x + r.w - 1 - x);
    ++y;
    if (p.view.status == ProbeStatus::ok) {
        // How the figure was obtained and how old it is, then its recent course.
        std::string basis = fmt::format("{}{:.1f}s ago{} ", p.method.empty() ? "" : method_label(p.method) + ", ",
                                        static_cast<double>(p.view.age_us) / 1e6, behind(p));
        int used = c.put(r.x + 3, y, basis, Role::dim, r.w - 5);
        c.put(r.x + 3 + used, y, sparkline(p.history, r.w - 5 - used, c.glyphs()), value_role, r.w - 5 - used);
    } else {
        Role role = p.view.status == ProbeStatus::stale ? Role::probe_stale : Role::probe_down;
        std::string age = p.view.never_read ? "no reading yet" : fmt::format("{} ago", format_duration(Millis(p.view.age_us / 1'000'000 * 1000)));
        std::string basis = p.method.empty() ? "" : method_label(p.method) + behind(p) + ", ";
        std::string why = p.view.last.error.empty() ? "" : ": " + safe_text(p.view.last.error);
        // Errors say what is wrong; give them up to three lines.
        int lines = 3;
        y += c.put_wrapped(r.x + 3, y, fmt::format("{} ({}{}){}", to_string(p.view.status), basis, age, why), role, r.w - 5, lines) - 1;
    }
    return y + 1 - top;
}

}  // namespace

void render_lag(const View& v, Canvas& c, Rect r) {
    c.fill(r, Role::normal);
    draw_title(c, r, "live readings", v.focus == Pane::lag);
    int y = r.y + 1;
    if (!v.has_probes) {
        c.put(r.x + 1, y, "no environment: no live readings", Role::dim, r.w - 2);
        c.put(r.x + 1, y + 1, "open with --env FILE, or start the", Role::dim, r.w - 2);
        c.put(r.x + 1, y + 2, "incident with one", Role::dim, r.w - 2);
        return;
    }
    // The panels from the first that keeps the selected one in view; the rows each takes are
    // measured on a scratch canvas first. What does not fit is counted on the last row.
    Canvas scratch(c.width(), c.height() + 8, c.utf8());
    std::vector<int> rows;
    for (const auto& p : v.panels) rows.push_back(draw_panel(scratch, r, p, false, r.y + 1));
    int room = r.y + r.h - y;
    std::size_t first = 0;
    if (v.focus == Pane::lag && v.lag_selected < rows.size()) {
        auto span = [&](std::size_t from) {
            int sum = from > 0 ? 1 : 0;  // the "above" line
            for (std::size_t i = from; i <= v.lag_selected; ++i) sum += rows[i];
            return sum;
        };
        while (first < v.lag_selected && span(first) > room - 1) ++first;
    }
    if (first > 0) {
        c.put(r.x + 1, y++, fmt::format("{} more above", first), Role::dim, r.w - 2);
        --room;
    }
    std::size_t i = first;
    for (; i < v.panels.size(); ++i) {
        bool last = i + 1 == v.panels.size();
        if (rows[i] > r.y + r.h - y - (last ? 0 : 1)) break;
        y += draw_panel(c, r, v.panels[i], v.focus == Pane::lag && i == v.lag_selected, y);
    }
    if (i < v.panels.size())
        c.put(r.x + 1, std::min(y, r.y + r.h - 1), fmt::format("{} more below (Tab, then Down)", v.panels.size() - i), Role::dim, r.w - 2);
}
}  // namespace drconsole::tui
