// Layout: a pure function from terminal size to the rectangles of every pane.
#pragma once

#include "tui/canvas.h"

namespace drconsole::tui {

inline constexpr int kMinWidth = 80;
inline constexpr int kMinHeight = 24;

struct Layout {
    bool too_small = false;
    Rect header, rail, checklist, details, lag, timeline, footer;
};

Layout compute_layout(int width, int height);

}  // namespace drconsole::tui
