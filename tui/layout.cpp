// Pane sizes: the checklist gets the most room; lag panels stay readable; the timeline grows with height.
#include "tui/layout.h"

#include <algorithm>

namespace drconsole::tui {

Layout compute_layout(int w, int h) {
    Layout l;
    if (w < kMinWidth || h < kMinHeight) {
        l.too_small = true;
        return l;
    }
    l.header = {0, 0, w, 2};
    l.rail = {0, 2, w, 1};
    l.footer = {0, h - 1, w, 1};
    int timeline_h = std::clamp(h / 5, 5, 14);
    l.timeline = {0, h - 1 - timeline_h, w, timeline_h};
    int body_y = 3;
    int body_h = l.timeline.y - body_y;
    int lag_w = std::clamp(w / 3, 32, 60);
    int left_w = w - lag_w;
    l.lag = {left_w, body_y, lag_w, body_h};
    int details_h = std::clamp(body_h * 2 / 5, 5, 16);
    l.checklist = {0, body_y, left_w, body_h - details_h};
    l.details = {0, body_y + body_h - details_h, left_w, details_h};
    return l;
}

}  // namespace drconsole::tui
