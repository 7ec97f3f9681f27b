// A whole screen: the layout, every pane, then the overlays (help, dialog) on top.
#include <fmt/format.h>

#include "drconsole/text.h"
#include "tui/console.h"
#include "tui/layout.h"
#include "tui/panes.h"

namespace drconsole::tui {

void render_too_small(Canvas& c) {
    c.fill({0, 0, c.width(), c.height()}, Role::normal);
    std::string need = fmt::format("terminal too small: need {}x{}", kMinWidth, kMinHeight);
    std::string now = fmt::format("(now {}x{})", c.width(), c.height());
    int y = c.height() / 2;
    c.put(std::max(0, (c.width() - columns(need)) / 2), std::max(0, y - 1), need, Role::overdue);
    c.put(std::max(0, (c.width() - columns(now)) / 2), y, now, Role::dim);
}

namespace {

Rect centered(const Canvas& c, int w, int h) {
    w = std::min(w, c.width() - 2);
    h = std::min(h, c.height() - 2);
    return {(c.width() - w) / 2, (c.height() - h) / 2, w, h};
}

// A filled box with a border all round, so that nothing behind it reads as part of it.
void box(Canvas& c, Rect r, const std::string& title) {
    c.fill({r.x - 1, r.y, r.w + 2, r.h}, Role::normal);  // a blank column each side: nothing behind touches the border
    c.fill(r, Role::dialog);
    draw_title(c, {r.x, r.y, r.w, 1}, title, true);
    const Glyphs& g = c.glyphs();
    std::string bottom;
    for (int i = 0; i < r.w; ++i) bottom += g.hline;
    c.put(r.x, r.y + r.h - 1, bottom, Role::dim, r.w);
    for (int y = r.y + 1; y < r.y + r.h - 1; ++y) {
        c.put(r.x, y, std::string(g.vline), Role::dim, 1);
        c.put(r.x + r.w - 1, y, std::string(g.vline), Role::dim, 1);
    }
}

}  // namespace

void render_help(const View& v, Canvas& c) {
    const auto& table = bindings();
    int label_w = 0;
    for (const auto& b : table) label_w = std::max(label_w, columns(b.label));
    int w = std::min(100, c.width() - 2), text_x = 2 + label_w + 2, text_w = w - text_x - 2;
    int room = std::min(c.height() - 2, static_cast<int>(table.size()) * 4 + 2) - 2;
    // Each key's whole description, wrapped, with why it is off now; where that does not fit the
    // terminal, without the reasons; and where that does not either, every key still gets a line.
    Canvas scratch(std::max(text_w, 1), 4, c.utf8());
    std::vector<std::string> texts;
    std::vector<int> lines;
    for (bool reasons : {true, false}) {
        texts.clear();
        lines.clear();
        int needed = 0;
        for (const auto& b : table) {
            std::string text(b.help);
            if (auto why = v.disabled.find(b.action); reasons && why != v.disabled.end()) text += "  [now: " + safe_text(why->second) + "]";
            lines.push_back(scratch.put_wrapped(0, 0, text, Role::dialog, text_w, 4));
            needed += lines.back();
            texts.push_back(std::move(text));
        }
        if (needed <= room) break;
    }
    int total = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        int after = static_cast<int>(lines.size() - i - 1);
        lines[i] = std::max(1, std::min(lines[i], room - total - after));
        total += lines[i];
    }
    Rect r = centered(c, w, total + 2);
    box(c, r, "keys (any key closes)");
    int y = r.y + 1;
    for (std::size_t i = 0; i < table.size() && y < r.y + r.h - 1; ++i) {
        const auto& b = table[i];
        c.put(r.x + 2, y, std::string(b.label), Role::key_hint, label_w);
        Role role = v.disabled.count(b.action) ? Role::dim : Role::dialog;
        y += c.put_wrapped(r.x + text_x, y, texts[i], role, text_w, lines[i]);
    }
}

void render_dialog(const View& v, Canvas& c) {
    const Dialog& d = v.dialog;
    Rect r = centered(c, 76, 8);
    box(c, r, safe_text(d.title));
    // The question whole (two lines), the answer, then why the last answer was refused.
    c.put_wrapped(r.x + 2, r.y + 1, safe_text(d.prompt), Role::dialog, r.w - 4, 2);
    if (d.kind == Dialog::Kind::text) {
        std::string input = safe_text(d.input) + "_";
        int room = r.w - 4;
        // Show the end of a long input, where the cursor is.
        while (columns(input) > room && !input.empty()) input.erase(0, 1);
        c.put(r.x + 2, r.y + 4, input, Role::focus, room);
    } else {
        c.put(r.x + 2, r.y + 4, "y = yes   n = no   Esc = cancel", Role::focus, r.w - 4);
    }
    if (!d.error.empty()) c.put_wrapped(r.x + 2, r.y + 5, safe_text(d.error), Role::step_failed, r.w - 4, 2);
}

// The selected step whole, over the screen: its full text wrapped, then everything the details
// pane shows, with room for the action and its last output.
void render_step_popup(const View& v, Canvas& c) {
    const Step* step = v.state->runbook->find_step(v.selected);
    if (!step) return;
    Rect r = centered(c, c.width() - 4, c.height() - 4);
    box(c, r, "step " + safe_text(step->id) + " (any key closes)");
    int used = c.put_wrapped(r.x + 2, r.y + 1, safe_text(step->text), Role::dialog, r.w - 4, 4);
    render_details(v, c, {r.x + 1, r.y + 1 + std::max(used, 1), r.w - 2, r.h - 2 - std::max(used, 1)}, true);
}

void render_screen(const View& v, Canvas& c) {
    Layout l = compute_layout(c.width(), c.height());
    if (l.too_small) {
        render_too_small(c);
        return;
    }
    render_header(v, c, l.header);
    render_rail(v, c, l.rail);
    render_checklist(v, c, l.checklist);
    render_details(v, c, l.details);
    render_lag(v, c, l.lag);
    if (!v.guide.empty()) {
        // The guide takes the timeline's first row.
        Rect row{l.timeline.x, l.timeline.y, l.timeline.w, 1};
        c.fill(row, Role::focus);
        c.put(1, row.y, "NEXT  " + safe_text(v.guide), Role::focus, row.w - 2);
        l.timeline = {l.timeline.x, l.timeline.y + 1, l.timeline.w, l.timeline.h - 1};
    }
    render_timeline(v, c, l.timeline);
    render_footer(v, c, l.footer);
    if (v.details) render_step_popup(v, c);
    if (v.help) render_help(v, c);
    if (v.dialog.kind != Dialog::Kind::none) render_dialog(v, c);
}

}  // namespace drconsole::tui
