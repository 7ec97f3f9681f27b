// A grid of cells with semantic colour roles: what the console draws, before curses sees it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drconsole::tui {

// Semantic colour roles; a theme maps them to colours, or to attributes when monochrome.
enum class Role {
    normal, dim, title, drill, real, header, rail_done, rail_current, rail_pending,
    step_done, step_active, step_blocked, step_skipped, step_failed, step_pending,
    selected, level_ok, level_warn, level_breach, probe_stale, probe_down,
    key_hint, not_recorded, dialog, overdue, focus,
};

struct Cell {
    std::u32string glyph = U" ";  // one character (a combining sequence at most); empty: right half of a wide one
    Role role = Role::normal;
};

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
    bool operator==(const Rect&) const = default;
};

// Characters the console draws itself, with an ASCII set for terminals without UTF-8.
struct Glyphs {
    std::string_view arrow, check, cross, skip, active, pending, bullet, ellipsis, hline, vline, hline_focus, blocks[8];
    static const Glyphs& utf8();
    static const Glyphs& ascii();
};

class Canvas {
public:
    Canvas(int width, int height, bool utf8 = true);

    int width() const { return width_; }
    int height() const { return height_; }
    bool utf8() const { return utf8_; }
    const Glyphs& glyphs() const { return utf8_ ? Glyphs::utf8() : Glyphs::ascii(); }
    const Cell& at(int x, int y) const { return cells_[static_cast<std::size_t>(y * width_ + x)]; }

    // Writes trusted UTF-8 text (already made safe) at (x, y), at most `max` columns; cut with
    // an ellipsis when longer. Returns the columns used. Without UTF-8, non-ASCII becomes '?'.
    int put(int x, int y, std::string_view text, Role role, int max = -1);
    // Like put(), wrapping onto at most `max_lines` lines of `width` columns (the last one cut
    // with an ellipsis). Returns the lines used.
    int put_wrapped(int x, int y, std::string_view text, Role role, int width, int max_lines);
    void fill(Rect r, Role role, char32_t ch = U' ');
    void set_role(Rect r, Role role);

    // The screen as plain text, one line per row, trailing spaces trimmed.
    std::string text() const;

private:
    int width_, height_;
    bool utf8_;
    std::vector<Cell> cells_;
};

// Display columns of UTF-8 text (wcwidth per code point; controls count 0).
int columns(std::string_view text, bool utf8 = true);

}  // namespace drconsole::tui
