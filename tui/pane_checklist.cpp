// The checklist of the shown phase, and the selected step's details.
#include <algorithm>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/text.h"
#include "tui/panes.h"

namespace drconsole::tui {
namespace {

// "T+03:12", or "T-00:40" for a step started before T0 (pre-drill checks).
std::string offset_text(std::int64_t us) { return us >= 0 ? "T+" + mmss(us) : "T-" + mmss(-us); }

// Command output as text: tabs become the spaces they stand for (psql's columns), before
// every other control byte is made visible.
std::string expand_tabs(std::string_view line) {
    std::string out;
    for (char ch : line) {
        if (ch == '\t') out.append(8 - out.size() % 8, ' ');
        else out += ch;
    }
    return out;
}

}  // namespace

void draw_title(Canvas& c, Rect r, const std::string& title, bool focused) {
    const Glyphs& g = c.glyphs();
    // The pane that has the keys is drawn with a heavier rule, so that it shows without colour.
    std::string line;
    for (int i = 0; i < r.w; ++i) line += focused ? g.hline_focus : g.hline;
    c.put(r.x, r.y, line, focused ? Role::focus : Role::dim, r.w);
    c.put(r.x + 1, r.y, " " + title + " ", focused ? Role::focus : Role::title, r.w - 2);
}

void render_checklist(const View& v, Canvas& c, Rect r) {
    const IncidentState& s = *v.state;
    const Glyphs& g = c.glyphs();
    c.fill(r, Role::normal);
    const auto& phases = s.runbook->phases;
    if (v.phase >= phases.size()) return;
    const Phase& phase = phases[v.phase];
    // The steps of the other mode (when=drill in a real incident, when=real in a drill) are not shown.
    std::vector<const Step*> shown;
    for (const auto& st : phase.steps)
        if (st.in_mode(s.mode)) shown.push_back(&st);
    draw_title(c, r, fmt::format("{} {}/{}: {} ({})", g.bullet, v.phase + 1, phases.size(), safe_text(phase.name), to_string(phase.kind)),
               v.focus == Pane::checklist);
    int y = r.y + 1;
    // Keep the selection visible when the phase has more steps than rows.
    std::size_t first = 0, selected_index = 0;
    for (std::size_t i = 0; i < shown.size(); ++i)
        if (shown[i]->id == v.selected) selected_index = i;
    std::size_t rows = static_cast<std::size_t>(std::max(r.h - 1, 1));
    if (selected_index >= rows) first = selected_index - rows + 1;
    bool narrow = r.w < 70;
    // The role column is as wide as the runbook's longest owner role, within a fifth of the pane.
    int longest = 1;
    for (const auto& ph : phases)
        for (const auto& st : ph.steps) longest = std::max(longest, columns(safe_text(st.role)));
    // Narrow, the role column goes (the details below name the owner) so the step reads.
    int role_w = narrow ? 0 : std::clamp(longest + 1, 4, std::max(9, r.w / 5)), status_w = narrow ? 15 : std::max(16, r.w / 4);
    int text_w = r.w - 4 - role_w - status_w - (narrow ? 1 : 2);
    for (std::size_t i = first; i < shown.size() && y < r.y + r.h; ++i, ++y) {
        const Step& step = *shown[i];
        const StepState& st = s.step(step.id);
        Role role = Role::step_pending;
        std::string mark(g.pending), status;
        switch (st.status) {
            case StepStatus::done:
                role = Role::step_done;
                mark = g.check;
                status = fmt::format("done {}", st.ended_us ? offset_text(*st.ended_us - s.t0_us()) : "");
                break;
            case StepStatus::started:
                role = Role::step_active;
                mark = g.active;
                status = fmt::format("started {}", st.started_us ? offset_text(*st.started_us - s.t0_us()) : "");
                break;
            case StepStatus::skipped:
                role = Role::step_skipped;
                mark = g.skip;
                status = "skipped: " + safe_text(st.reason);
                break;
            case StepStatus::failed:
                role = Role::step_failed;
                mark = g.cross;
                status = "FAILED: " + safe_text(st.reason);
                break;
            case StepStatus::not_applicable:
                role = Role::step_pending;
                mark = g.skip;
                status = "n/a here: " + safe_text(st.reason);
                break;
            case StepStatus::pending: break;
        }
        bool open = st.open();
        if (open && step.gate) {
            auto gate = v.gates.find(step.id);
            if (s.gate_overrides.count(step.id)) status = "gate overridden";
            else if (gate != v.gates.end() && gate->second.outcome == GateOutcome::pass) status += status.empty() ? "gate ok" : ", gate ok";
            else if (gate != v.gates.end()) {
                // What blocks the step matters more than when it started.
                role = st.status == StepStatus::started ? Role::step_blocked : role;
                status = "gate " + std::string(to_string(gate->second.outcome)) + ": " + safe_text(gate->second.reason);
            }
        }
        if (!step.approve.empty() && st.status == StepStatus::started) {
            if (st.approved_us) status += ", approved by " + safe_text(st.approved_by->person);
            else {
                role = Role::step_blocked;
                status = "awaiting approval: " + safe_text(step.approve) + (v.who.role == step.approve ? " (p approves)" : "");
            }
        }
        // A time budget: late is said before anything else about an open step.
        if (auto d = v.deadlines.find(step.id); d != v.deadlines.end()) {
            std::int64_t late = d->second.late_us(v.now_us);
            if (open && late > 0) {
                role = Role::step_failed;
                status = "LATE +" + mmss(late) + " " + status;
            } else if (open) {
                status += (status.empty() ? "due " : ", due ") + offset_text(d->second.due_us - s.t0_us());
            } else if (late > 0) {
                status += " (+" + mmss(late) + " late)";
            }
        }
        if (step.always && status.empty()) status = "cleanup";
        if (step.id == v.waiting_step) {
            role = Role::step_blocked;
            status = "waiting: " + safe_text(v.waiting_text);
        } else if (auto w = v.waiting_elsewhere.find(step.id); w != v.waiting_elsewhere.end()) {
            role = Role::step_blocked;
            status = "waiting: " + safe_text(w->second);
        }
        if (step.id == v.running_step) {
            role = Role::step_active;
            status = "running " + mmss(v.running_us) + " (a cancels)";
        }
        if (step.id == v.not_recorded_step && !v.not_recorded.empty()) {
            role = Role::not_recorded;
            status = "NOT RECORDED: " + safe_text(v.not_recorded);
        }
        bool selected = step.id == v.selected;
        int x = r.x;
        x += c.put(x, y, selected ? (c.utf8() ? "▸ " : "> ") : "  ", selected ? Role::selected : role);
        x += c.put(x, y, mark + " ", role, 2);
        std::string text = safe_text(step.text) + (step.action ? fmt::format(" [{}]", to_string(step.action->kind)) : "");
        // A step with nothing to say in the status column uses its room when narrow.
        c.put(x, y, text, selected ? Role::selected : role, narrow && status.empty() ? text_w + 1 + status_w : text_w);
        if (role_w > 0) c.put(r.x + 4 + text_w + 1, y, step.role.empty() ? "-" : safe_text(step.role), Role::dim, role_w);
        c.put(r.x + 4 + text_w + 1 + role_w, y, status, role, status_w);
    }
}

void render_details(const View& v, Canvas& c, Rect r, bool wrap) {
    const IncidentState& s = *v.state;
    c.fill(r, Role::normal);
    const Step* step = s.runbook->find_step(v.selected);
    if (!step) {
        draw_title(c, r, "step", false);
        return;
    }
    const StepState& st = s.step(step->id);
    draw_title(c, r, "#" + safe_text(step->id), false);
    int y = r.y + 1;
    auto line = [&](const std::string& text, Role role = Role::normal) {
        if (y >= r.y + r.h) return;
        if (wrap) y += std::max(1, c.put_wrapped(r.x + 1, y, text, role, r.w - 2, r.y + r.h - y));
        else c.put(r.x + 1, y++, text, role, r.w - 2);
    };
    std::string owner = step->role.empty() ? "no owner role" : "owner " + safe_text(step->role);
    if (auto held = s.roster.find(step->role); held != s.roster.end()) owner += " (" + safe_text(held->second) + ")";
    line(fmt::format("{}   {}{}", owner, to_string(st.status), st.attempts > 1 ? fmt::format(", attempt {}", st.attempts) : ""));
    if (step->gate) {
        auto gate = v.gates.find(step->id);
        std::string result = gate == v.gates.end() ? "" : std::string(to_string(gate->second.outcome)) + ": " + safe_text(gate->second.reason);
        if (s.gate_overrides.count(step->id)) result = "overridden: " + safe_text(s.gate_overrides.at(step->id));
        line("gate " + safe_text(step->gate_text) + "  " + result, gate != v.gates.end() && gate->second.outcome == GateOutcome::pass ? Role::step_done : Role::step_blocked);
    }
    if (!step->confirm.empty()) line("asks first: " + safe_text(step->confirm == "yes" ? "confirm" : step->confirm), Role::dim);
    if (!step->approve.empty()) {
        std::string approval = st.approved_us ? fmt::format("approved by {} at {}{}", safe_text(st.approved_by->person),
                                                            offset_text(*st.approved_us - s.t0_us()),
                                                            st.approval_comment.empty() ? "" : ": " + safe_text(st.approval_comment))
                               : st.approval_expired ? std::string("the approval timed out: reopen to ask again")
                               : st.status == StepStatus::started ? std::string("awaiting approval (p at the approver's console)")
                                                                  : std::string("asked for when it starts");
        line(fmt::format("approval by {} (another person){}: {}", safe_text(step->approve),
                         step->approve_timeout ? ", within " + format_duration(*step->approve_timeout) : "", approval),
             st.approved_us ? Role::step_done : Role::step_blocked);
    }
    if (auto d = v.deadlines.find(step->id); d != v.deadlines.end())
        line(fmt::format("due by {} ({}){}", offset_text(d->second.due_us - s.t0_us()), safe_text(d->second.basis),
                         d->second.late_us(v.now_us) > 0 ? fmt::format(", LATE +{}", mmss(d->second.late_us(v.now_us))) : ""),
             d->second.late_us(v.now_us) > 0 ? Role::step_failed : Role::dim);
    if (!step->requires_values.empty()) {
        std::string values;
        for (const auto& name : step->requires_values) {
            auto it = st.values.find(name);
            values += fmt::format("{}{}={}", values.empty() ? "" : ", ", safe_text(name), it == st.values.end() ? "…" : safe_text(it->second));
        }
        line("records on completion: " + values, Role::dim);
    }
    if (step->always) line("cleanup: runs before the incident is resolved, whatever happened before it", Role::dim);
    if (step->id == v.waiting_step) line("waiting: " + safe_text(v.waiting_text) + " (g goes now, a stops)", Role::step_blocked);
    if (auto w = v.waiting_elsewhere.find(step->id); w != v.waiting_elsewhere.end())
        line("waiting: " + safe_text(w->second) + " (g goes now: the IC, accepting the loss)", Role::step_blocked);
    if (step->wait)
        line(fmt::format("waits for {}{} before its action (graceful); g goes now (forced, the IC){}", safe_text(step->wait_text),
                         step->wait_timeout ? ", up to " + format_duration(*step->wait_timeout) : "",
                         st.wait_outcome.empty() ? "" : "; last wait: " + safe_text(st.wait_outcome)),
             Role::dim);
    if (!step->when.empty()) line(fmt::format("only in a {}", step->when == "drill" ? "drill" : "real incident"), Role::dim);
    if (!step->included_by.empty())
        line(fmt::format("from {}:{} (a shared procedure, as it was when the incident started; included by {})", safe_text(step->file),
                         step->pos.line, safe_text(step->included_by)),
             Role::dim);
    for (const auto& d : step->details) line(safe_text(d), Role::dim);
    if (step->action) {
        line(fmt::format("action: {}{}  (a runs it)", to_string(step->action->kind), step->action->target.empty() ? "" : " on " + safe_text(step->action->target)));
        for (const auto& l : split_lines(step->action->body))
            if (!l.empty()) line("  " + safe_text(l), Role::dim);
        // The newest preflight of this step: what failed or warned, named.
        for (auto it = v.events->rbegin(); it != v.events->rend(); ++it) {
            if (it->kind != event_kind::preflight_checked || it->step != step->id) continue;
            std::string failed, warned;
            for (const auto& ch : it->payload.value("checks", nlohmann::json::array())) {
                std::string item = ch.value("check", "") + ": " + ch.value("value", ""), outcome = ch.value("outcome", "");
                if (outcome == "fail") failed += (failed.empty() ? "" : "; ") + item;
                else if (outcome == "warn") warned += (warned.empty() ? "" : "; ") + item;
            }
            std::string over = it->payload.value("overridden", "");
            if (!failed.empty()) line("preflight FAILED: " + safe_text(failed) + (over.empty() ? "" : " (overridden: " + safe_text(over) + ")"), Role::step_failed);
            else line("preflight passed", Role::step_done);
            if (!warned.empty()) line("preflight warned: " + safe_text(warned), Role::dim);
            break;
        }
        // The newest recorded outcome of this step's action, from any console or script.
        for (auto it = v.events->rbegin(); it != v.events->rend(); ++it) {
            if (it->kind != event_kind::action_finished || it->step != step->id) continue;
            bool ok = it->payload.value("ok", false);
            line(ok ? "last run: ok" : "last run: FAILED: " + safe_text(it->payload.value("error", "")), ok ? Role::step_done : Role::step_failed);
            std::string output = it->payload.value("output", "");  // split_lines() views into it
            for (const auto& l : split_lines(output))
                if (!l.empty()) line("  " + safe_text(expand_tabs(l)), Role::dim);
            break;
        }
    }
}

}  // namespace drconsole::tui
