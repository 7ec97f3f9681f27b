// Pane renderers: each draws part of a View into a rectangle of the canvas. Pure; no curses.
#pragma once

#include "tui/canvas.h"
#include "tui/view.h"

namespace drconsole::tui {

void render_header(const View& v, Canvas& c, Rect r);
void render_rail(const View& v, Canvas& c, Rect r);
void render_checklist(const View& v, Canvas& c, Rect r);
// The selected step's owner, gate, action, preflight and last output; `wrap` folds long lines
// (the `i` popup) instead of cutting them (the pane).
void render_details(const View& v, Canvas& c, Rect r, bool wrap = false);
void render_lag(const View& v, Canvas& c, Rect r);
void render_timeline(const View& v, Canvas& c, Rect r);
void render_footer(const View& v, Canvas& c, Rect r);
void render_help(const View& v, Canvas& c);
void render_dialog(const View& v, Canvas& c);
void render_too_small(Canvas& c);

// The phase rail as one string (for fitting), and drawn.
std::string rail_text(const View& v, const Glyphs& g, bool counts);
void draw_rail(const View& v, Canvas& c, Rect r, bool counts);

// Shared drawing helpers.
void draw_title(Canvas& c, Rect r, const std::string& title, bool focused);
std::string mmss(std::int64_t us);  // format_elapsed (drconsole/clock.h): "12:05", "1:02:03", "2d 03:15"
std::string sparkline(const std::vector<double>& values, int width, const Glyphs& g);

}  // namespace drconsole::tui
