// Pure tests, no curses: layout rectangles at each size, and how text lands on the canvas.
#include <clocale>

#include <gtest/gtest.h>

#include "drconsole/text.h"
#include "tui/canvas.h"
#include "tui/layout.h"

using namespace drconsole::tui;

namespace {

bool inside(Rect r, int w, int h) { return r.x >= 0 && r.y >= 0 && r.w > 0 && r.h > 0 && r.x + r.w <= w && r.y + r.h <= h; }
bool overlap(Rect a, Rect b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }

}  // namespace

TEST(Layout, EveryPaneFitsWithoutOverlapAtEachSize) {
    for (auto [w, h] : {std::pair{80, 24}, {120, 40}, {200, 60}, {kMinWidth, kMinHeight}}) {
        Layout l = compute_layout(w, h);
        ASSERT_FALSE(l.too_small) << w << "x" << h;
        std::vector<Rect> panes{l.header, l.rail, l.checklist, l.details, l.lag, l.timeline, l.footer};
        int area = 0;
        for (std::size_t i = 0; i < panes.size(); ++i) {
            EXPECT_TRUE(inside(panes[i], w, h)) << "pane " << i << " at " << w << "x" << h;
            area += panes[i].w * panes[i].h;
            for (std::size_t j = i + 1; j < panes.size(); ++j) EXPECT_FALSE(overlap(panes[i], panes[j])) << i << "/" << j;
        }
        EXPECT_EQ(area, w * h) << "the panes tile the whole screen";
        EXPECT_GE(l.checklist.h, 5) << "at least four steps show at " << w << "x" << h;
        EXPECT_GE(l.timeline.h, 5);
        EXPECT_GE(l.lag.w, 32);
        EXPECT_EQ(l.footer.y, h - 1);
    }
}

TEST(Layout, ExactRectanglesAt80x24And120x40) {
    Layout small = compute_layout(80, 24);
    EXPECT_EQ(small.checklist, (Rect{0, 3, 48, 9}));
    EXPECT_EQ(small.details, (Rect{0, 12, 48, 6}));
    EXPECT_EQ(small.lag, (Rect{48, 3, 32, 15}));
    EXPECT_EQ(small.timeline, (Rect{0, 18, 80, 5}));
    Layout big = compute_layout(120, 40);
    EXPECT_EQ(big.lag, (Rect{80, 3, 40, 28}));
    EXPECT_EQ(big.timeline, (Rect{0, 31, 120, 8}));
}

TEST(Layout, BelowTheMinimumIsTooSmall) {
    EXPECT_TRUE(compute_layout(79, 40).too_small);
    EXPECT_TRUE(compute_layout(120, 23).too_small);
    EXPECT_FALSE(compute_layout(80, 24).too_small);
}

TEST(Canvas, LongTextIsCutWithAnEllipsis) {
    Canvas c(20, 1);
    EXPECT_EQ(c.put(0, 0, "Promote the PostgreSQL standby", Role::normal, 12), 12);
    EXPECT_EQ(c.text(), "Promote the…\n");
    Canvas a(20, 1, false);
    a.put(0, 0, "Promote the PostgreSQL standby", Role::normal, 12);
    EXPECT_EQ(a.text(), "Promote the~\n");
}

TEST(Canvas, WideCharactersTakeTwoColumnsAndNeverSplit) {
    ASSERT_TRUE(std::setlocale(LC_ALL, "C.UTF-8")) << "wcwidth needs a UTF-8 locale";
    Canvas c(6, 1);
    EXPECT_EQ(c.put(0, 0, "障害対応", Role::normal), 5);  // two wide characters and the ellipsis
    EXPECT_EQ(c.text(), "障害…\n");
    EXPECT_EQ(columns("障害"), 4);
}

TEST(Canvas, LongErrorsWrapOntoTheNextLines) {
    Canvas c(10, 3);
    EXPECT_EQ(c.put_wrapped(0, 0, "connection refused by host", Role::normal, 10, 3), 3);
    EXPECT_EQ(c.text(), "connection\nrefused by\nhost\n") << "words stay whole; the break's space starts no line";
    Canvas cut(10, 2);
    EXPECT_EQ(cut.put_wrapped(0, 0, "connection refused by host", Role::normal, 10, 2), 2);
    EXPECT_EQ(cut.text(), "connection\nrefused b…\n");
}

TEST(Canvas, WithoutUtf8NonAsciiBecomesQuestionMarks) {
    Canvas c(30, 1, false);
    c.put(0, 0, "primary → secondary", Role::normal);
    EXPECT_EQ(c.text(), "primary ? secondary\n");
}

TEST(Canvas, HostileTextIsVisibleEscapesOnceMadeSafe) {
    Canvas c(60, 1);
    c.put(0, 0, drconsole::safe_text("lag ok\r\x1b[2Jspoof\xe2\x80\xae"), Role::normal);
    EXPECT_EQ(c.text(), "lag ok\\x0d\\x1b[2Jspoof\\u{202e}\n");
}
