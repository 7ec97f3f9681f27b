// The header (title, mode, clocks against RTO and comms), the phase rail, and the footer.
#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/measure.h"
#include "drconsole/text.h"
#include "tui/panes.h"

namespace drconsole::tui {
namespace {

struct Budget {
    std::string text;
    Role role = Role::header;
};

// RTO budget left for the service and the nearest unrestored component (drconsole/measure.h's
// rto_budgets, so that header and report count alike).
// `narrow`: below 100 columns, without the word "left", so the comms clock after it still fits.
Budget rto_budget(const View& v, bool narrow) {
    std::vector<RtoBudget> budgets = rto_budgets(*v.state, v.now_us);
    Budget b;
    if (budgets.empty()) return b;
    if (!budgets.front().left_us) return {"RTO starts at T0 (the fault)", Role::header};
    // Once resolved, what was never restored says so instead of a time left that no longer runs out.
    bool resolved = v.state->resolved();
    auto fmt_left = [resolved, narrow](std::int64_t left) {
        return resolved ? std::string("NOT restored") : left >= 0 ? mmss(left) + (narrow ? "" : " left") : "OVER by " + mmss(-left);
    };
    const RtoBudget* service = nullptr;
    const RtoBudget* nearest = nullptr;
    for (const auto& r : budgets) {
        if (r.component == kServiceComponent) service = &r;
        else if (!r.restored && (!nearest || *r.left_us < *nearest->left_us)) nearest = &r;
        if (!r.restored && (*r.left_us < 0 || resolved)) b.role = Role::overdue;
    }
    std::string service_part = !service ? "" : service->restored ? "service restored" : "service " + fmt_left(*service->left_us);
    std::string nearest_part = nearest ? nearest->component + " " + fmt_left(*nearest->left_us) : "";
    if (!service_part.empty() && !nearest_part.empty()) b.text = fmt::format("RTO {} ({})", service_part, nearest_part);
    else b.text = "RTO " + service_part + nearest_part;
    if (service_part.empty() && nearest_part.empty()) b.text.clear();
    return b;
}

// Whether the readings an RPO is measured from are being recorded, said before anyone relies on it.
std::pair<std::string, Role> recording_text(const View& v, const Glyphs& g) {
    if (v.state->resolved()) return {"", Role::header};
    if (!v.has_probes) return {"RPO WILL NOT BE MEASURED: no environment", Role::overdue};
    if (!v.recorder) return {"RPO WILL NOT BE MEASURED: readings not recorded", Role::overdue};
    switch (v.recorder->mode) {
        case RecorderMode::starting: return {"REC ...", Role::header};
        case RecorderMode::recording: return {std::string(g.active) + " REC", Role::header};
        case RecorderMode::elsewhere: return {"REC by another console", Role::header};
        case RecorderMode::failing: return {"NOT RECORDING READINGS: RPO WILL NOT BE MEASURED", Role::not_recorded};
        case RecorderMode::stopped:
            return {"NOT RECORDING READINGS HERE (another console must): " + safe_text(v.recorder->error), Role::not_recorded};
    }
    return {"", Role::header};
}

}  // namespace

std::string mmss(std::int64_t us) { return format_elapsed(us); }

void render_header(const View& v, Canvas& c, Rect r) {
    const IncidentState& s = *v.state;
    c.fill(r, Role::header);
    int x = 0;
    bool drill = s.mode == "drill";
    x += c.put(x, r.y, drill ? " DRILL " : " REAL INCIDENT ", drill ? Role::drill : Role::real);
    x += 1;
    auto joined = [](std::initializer_list<std::string> parts) {
        std::string out;
        for (const auto& p : parts)
            if (!p.empty()) out += (out.empty() ? "" : "  ") + p;
        return out;
    };
    std::string resolved = s.resolved() ? "RESOLVED" : "", severity = safe_text(s.severity);
    std::string ic = "IC " + (s.roster.count("ic") ? safe_text(s.roster.at("ic")) : std::string("-"));
    std::string right = joined({resolved, severity, ic});
    auto [recording, recording_role] = recording_text(v, c.glyphs());
    int recording_w = recording.empty() ? 0 : columns(recording, c.utf8()) + 2;
    // Who this console records as: on the second line from 100 columns, else here (the IC's
    // name gives way when it is you, then the severity), so that two consoles side by side are
    // told apart at any size.
    std::string you = v.who.person.empty() ? "" : "you: " + safe_text(v.who.role + ":" + v.who.person);
    bool you_here = r.w < 100 && !you.empty();
    if (you_here) {
        if (v.who.role == "ic" && s.roster.count("ic") && s.roster.at("ic") == v.who.person) ic.clear();
        right = joined({resolved, severity, ic, you});
        if (x + 8 + 1 + recording_w + columns(right) >= r.w) right = joined({resolved, ic, you});
    }
    int right_w = columns(right) + recording_w;
    x += c.put(x, r.y, safe_text(s.title), Role::title, std::max(8, r.w - x - std::max(34, right_w + 2)));
    int rx = std::max(x + 1, r.w - right_w - 1);
    if (!recording.empty()) rx += c.put(rx, r.y, recording, recording_role, r.w - rx) + 2;
    c.put(rx, r.y, right, s.resolved() ? Role::rail_done : Role::header, r.w - rx);

    int y = r.y + 1;
    x = 1;
    std::string_view source = s.t0_source();
    std::string t0 = source == "fault injected" ? "since fault" : source == "declared" ? "since declared" : "since start";
    std::int64_t end = s.resolved() ? *s.resolved_us : v.now_us;
    int gap = r.w < 100 ? 2 : 3;
    x += c.put(x, y, fmt::format("T+{} {}", mmss(end - s.t0_us()), t0), Role::header) + gap;
    Budget b = rto_budget(v, r.w < 100);
    if (!b.text.empty()) x += c.put(x, y, b.text, b.role) + gap;
    if (you_here) you.clear();
    if (auto next = next_comms_due_us(s); next && !s.resolved()) {
        std::int64_t due = *next - v.now_us;
        std::string comms = due >= 0 ? "comms in " + mmss(due) : "comms OVERDUE " + mmss(-due);
        // Which cadence and where it came from, when the line has room: "(15m, environment)".
        std::string cadence = fmt::format(" ({}, {})", format_duration(*s.comms.every), s.comms.source);
        if (x + columns(comms + cadence) + columns(you) + 2 < r.w) comms += cadence;
        x += c.put(x, y, comms, due >= 0 ? Role::header : Role::overdue) + gap;
    }
    int you_x = r.w - columns(you) - 1;
    if (!v.not_recorded.empty()) c.put(x, y, "NOT RECORDED — " + safe_text(v.not_recorded), Role::not_recorded, r.w - x);
    else if (!you.empty() && you_x > x) c.put(you_x, y, you, Role::header);
}

void render_rail(const View& v, Canvas& c, Rect r) {
    const Glyphs& g = c.glyphs();
    c.fill(r, Role::normal);
    // The full form when it fits; without the step counts when it does not.
    for (bool counts : {true, false}) {
        std::string probe = rail_text(v, g, counts);
        if (columns(probe, c.utf8()) + 2 <= r.w || !counts) {
            draw_rail(v, c, r, counts);
            return;
        }
    }
}

namespace {
struct RailItem {
    PhaseKind kind;
    std::string text;
    Role role;
};

std::vector<RailItem> rail_items(const View& v, const Glyphs& g, bool counts) {
    const IncidentState& s = *v.state;
    std::vector<RailItem> items;
    std::optional<PhaseKind> current;
    if (v.phase < s.runbook->phases.size()) current = s.runbook->phases[v.phase].kind;
    for (PhaseKind kind : {PhaseKind::detect, PhaseKind::promote, PhaseKind::repoint, PhaseKind::verify, PhaseKind::failback}) {
        int total = 0, closed = 0, skipped = 0, failed = 0, not_applicable = 0;
        std::optional<std::int64_t> first, last;
        for (const auto& phase : s.runbook->phases) {
            if (phase.kind != kind) continue;
            for (const auto& step : phase.steps) {
                const StepState& st = s.step(step.id);
                // A step not applicable here is not counted: it is neither work left nor progress.
                if (st.status == StepStatus::not_applicable) {
                    ++not_applicable;
                    continue;
                }
                ++total;
                if (st.status == StepStatus::done || st.status == StepStatus::skipped) ++closed;
                if (st.status == StepStatus::skipped) ++skipped;
                if (st.status == StepStatus::failed) ++failed;
                auto begin = st.started_us ? st.started_us : st.ended_us;
                if (begin && (!first || *begin < *first)) first = begin;
                if (st.ended_us && (!last || *st.ended_us > *last)) last = st.ended_us;
            }
        }
        bool done = total > 0 && closed == total;
        bool all_skipped = (done && skipped == total) || (total == 0 && not_applicable > 0);  // never exercised: not a check mark
        // Every step ended (a failed one included): the phase's clock stops at the last end, as
        // the report's phase durations do.
        bool ended = total > 0 && closed + failed == total;
        Role role = done ? Role::rail_done : current == kind ? Role::rail_current : Role::rail_pending;
        if (all_skipped) role = Role::step_skipped;
        if (ended && failed > 0) role = Role::step_failed;
        std::string mark(all_skipped ? g.skip : done ? g.check : ended ? g.cross : current == kind ? g.active : g.pending);
        std::string dur;
        // A phase still open stops counting at resolve, like every clock of the incident.
        std::int64_t now = s.resolved() ? *s.resolved_us : v.now_us;
        if (first) dur = " " + mmss((ended && last ? *last : now) - *first);
        if (total == 0) dur = " -";
        std::string text = fmt::format("{} {}{}", mark, to_string(kind), dur);
        if (counts && total > 0) text += fmt::format(" {}/{}", closed, total);  // "-" already says it has none
        items.push_back({kind, text, role});
    }
    return items;
}
}  // namespace

std::string rail_text(const View& v, const Glyphs& g, bool counts) {
    std::string out;
    for (const auto& item : rail_items(v, g, counts)) out += (out.empty() ? "" : " " + std::string(g.arrow) + " ") + item.text;
    return out;
}

void draw_rail(const View& v, Canvas& c, Rect r, bool counts) {
    int x = 1;
    for (const auto& item : rail_items(v, c.glyphs(), counts)) {
        if (x > 1) x += c.put(x, r.y, " " + std::string(c.glyphs().arrow) + " ", Role::dim);
        x += c.put(x, r.y, item.text, item.role);
    }
}

void render_footer(const View& v, Canvas& c, Rect r) {
    c.fill(r, Role::key_hint);
    if (v.dialog.kind != Dialog::Kind::none) {
        c.put(1, r.y, v.dialog.kind == Dialog::Kind::confirm ? "y confirm   n or Esc cancel" : "Enter OK   Esc cancel", Role::key_hint);
        return;
    }
    if (!v.message.empty()) {
        c.put(1, r.y, safe_text(v.message), v.message_is_error ? Role::not_recorded : Role::key_hint, r.w - 2);
        return;
    }
    std::vector<std::pair<std::string, Action>> items;
    int total = 1;
    for (const auto& b : bindings())
        if (b.in_footer) {
            items.emplace_back(fmt::format("{} {}", b.label, b.name), b.action);
            total += columns(items.back().first) + 2;
        }
    // When the keys do not all fit, the last place says where the rest are.
    const std::string more = "? all keys";
    int room = total <= r.w ? r.w : r.w - columns(more) - 2;
    int x = 1;
    for (const auto& [item, action] : items) {
        if (x + columns(item) + 2 > room) {
            x += c.put(x, r.y, more, Role::key_hint) + 2;
            break;
        }
        x += c.put(x, r.y, item, v.disabled.count(action) ? Role::dim : Role::key_hint) + 2;
    }
    if (auto why = v.disabled.find(Action::act); why != v.disabled.end() && why->second.rfind("gate:", 0) == 0 && x < r.w - 20)
        c.put(x, r.y, "| " + safe_text(why->second), Role::step_blocked, r.w - x - 1);
}

}  // namespace drconsole::tui
