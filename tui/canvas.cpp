// The canvas: UTF-8 decoding, wcwidth, cutting with an ellipsis, and the plain-text dump.
#include "tui/canvas.h"

#include <cwchar>

#include "drconsole/text.h"

namespace drconsole::tui {
namespace {

int width_of(char32_t cp, bool utf8) {
    if (!utf8) return cp < 0x20 || cp == 0x7F ? 0 : 1;
    int w = ::wcwidth(static_cast<wchar_t>(cp));
    return w < 0 ? 1 : w;  // unknown to this locale's tables: one column, shown as is
}

}  // namespace

const Glyphs& Glyphs::utf8() {
    static const Glyphs g{"→", "✓", "✗", "↷", "▶", "·", "•", "…", "─", "│", "━", {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}};
    return g;
}

const Glyphs& Glyphs::ascii() {
    static const Glyphs g{"->", "x", "!", "-", ">", ".", "*", "~", "-", "|", "=", {"_", "_", ".", ".", "-", "=", "#", "#"}};
    return g;
}

int columns(std::string_view text, bool utf8) {
    int total = 0;
    for (std::size_t i = 0; i < text.size();) total += width_of(next_code_point(text, i), utf8);
    return total;
}

Canvas::Canvas(int width, int height, bool utf8)
    : width_(std::max(width, 0)), height_(std::max(height, 0)), utf8_(utf8), cells_(static_cast<std::size_t>(width_ * height_)) {}

int Canvas::put(int x, int y, std::string_view text, Role role, int max) {
    if (y < 0 || y >= height_ || x >= width_) return 0;
    int limit = max < 0 ? width_ - x : std::min(max, width_ - x);
    if (limit <= 0) return 0;
    std::string_view ellipsis = glyphs().ellipsis;
    int ellipsis_w = columns(ellipsis, utf8_);
    bool cut = columns(text, utf8_) > limit;
    int room = cut ? limit - ellipsis_w : limit;
    int col = 0;
    auto place = [&](char32_t cp, int w) {
        if (x + col < 0) {
            col += w;
            return;
        }
        Cell& cell = cells_[static_cast<std::size_t>(y * width_ + x + col)];
        cell.glyph = std::u32string(1, cp);
        cell.role = role;
        for (int k = 1; k < w; ++k) {
            Cell& rest = cells_[static_cast<std::size_t>(y * width_ + x + col + k)];
            rest.glyph.clear();
            rest.role = role;
        }
        col += w;
    };
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = next_code_point(text, i);
        if (!utf8_ && cp >= 0x80) cp = U'?';
        // The last guard before the terminal: what safe_text() would have escaped, had a caller
        // forgotten it, never reaches the screen raw.
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_hidden_code_point(cp)) cp = utf8_ ? U'\uFFFD' : U'?';
        int w = width_of(cp, utf8_);
        if (w == 0) {
            // A combining mark joins the cell before it.
            if (col > 0) cells_[static_cast<std::size_t>(y * width_ + x + col - 1)].glyph += cp;
            continue;
        }
        if (col + w > room) break;
        place(cp, w);
    }
    if (cut) {
        for (std::size_t i = 0; i < ellipsis.size();) place(next_code_point(ellipsis, i), 1);
    }
    return col;
}

int Canvas::put_wrapped(int x, int y, std::string_view text, Role role, int width, int max_lines) {
    int lines = 0;
    while (!text.empty() && lines < max_lines && width > 0) {
        if (lines == max_lines - 1 || columns(text, utf8_) <= width) {
            put(x, y + lines, text, role, width);
            return lines + 1;
        }
        // The longest prefix that fits.
        std::size_t cut = 0, i = 0;
        int used = 0;
        while (i < text.size()) {
            std::size_t start = i;
            int w = width_of(next_code_point(text, i), utf8_);
            if (used + w > width) {
                i = start;
                break;
            }
            used += w;
            cut = i;
        }
        // Break after the last space that fits, so that words stay whole ("no W" / "AL receiver").
        std::size_t space = text.substr(0, cut).rfind(' ');
        if (space != std::string_view::npos && space > 0 && cut < text.size() && text[cut] != ' ') cut = space + 1;
        put(x, y + lines, text.substr(0, cut), role, width);
        text.remove_prefix(cut);
        if (!text.empty() && text.front() == ' ') text.remove_prefix(1);  // the break's own space starts no line
        ++lines;
    }
    return lines;
}

void Canvas::fill(Rect r, Role role, char32_t ch) {
    for (int y = std::max(r.y, 0); y < std::min(r.y + r.h, height_); ++y)
        for (int x = std::max(r.x, 0); x < std::min(r.x + r.w, width_); ++x) {
            Cell& cell = cells_[static_cast<std::size_t>(y * width_ + x)];
            cell.glyph = std::u32string(1, ch);
            cell.role = role;
        }
}

void Canvas::set_role(Rect r, Role role) {
    for (int y = std::max(r.y, 0); y < std::min(r.y + r.h, height_); ++y)
        for (int x = std::max(r.x, 0); x < std::min(r.x + r.w, width_); ++x) cells_[static_cast<std::size_t>(y * width_ + x)].role = role;
}

std::string Canvas::text() const {
    std::string out;
    for (int y = 0; y < height_; ++y) {
        std::string line;
        for (int x = 0; x < width_; ++x)
            for (char32_t cp : at(x, y).glyph) append_utf8(line, cp);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line;
        out += '\n';
    }
    return out;
}

}  // namespace drconsole::tui
