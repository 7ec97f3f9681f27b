// ncursesw: newterm on the real terminal, colour pairs from semantic roles, wide-character output and input.
#include "tui/terminal.h"

#include <langinfo.h>
#include <ncursesw/curses.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace drconsole::tui {
namespace {

volatile std::sig_atomic_t g_stop = 0;
bool g_curses_active = false;

struct Style {
    short fg, bg;
    attr_t attrs;       // with colours
    attr_t mono_attrs;  // without
};

Style style_of(Role role) {
    switch (role) {
        case Role::normal: return {-1, -1, A_NORMAL, A_NORMAL};
        case Role::dim: return {-1, -1, A_DIM, A_DIM};
        case Role::title: return {COLOR_CYAN, -1, A_BOLD, A_BOLD};
        case Role::drill: return {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD};
        case Role::real: return {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD};
        case Role::header: return {-1, -1, A_NORMAL, A_NORMAL};
        case Role::rail_done: return {COLOR_GREEN, -1, A_NORMAL, A_NORMAL};
        case Role::rail_current: return {COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE};
        case Role::rail_pending: return {-1, -1, A_DIM, A_DIM};
        case Role::step_done: return {COLOR_GREEN, -1, A_NORMAL, A_NORMAL};
        case Role::step_active: return {COLOR_YELLOW, -1, A_BOLD, A_BOLD};
        case Role::step_blocked: return {COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE};
        case Role::step_skipped: return {COLOR_MAGENTA, -1, A_NORMAL, A_DIM};
        case Role::step_failed: return {COLOR_RED, -1, A_BOLD, A_BOLD};
        case Role::step_pending: return {-1, -1, A_NORMAL, A_NORMAL};
        case Role::selected: return {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE};
        case Role::level_ok: return {COLOR_GREEN, -1, A_NORMAL, A_NORMAL};
        case Role::level_warn: return {COLOR_YELLOW, -1, A_BOLD, A_BOLD};
        case Role::level_breach: return {COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE};
        case Role::probe_stale: return {COLOR_MAGENTA, -1, A_NORMAL, A_DIM | A_UNDERLINE};
        case Role::probe_down: return {COLOR_RED, -1, A_NORMAL, A_BOLD};
        case Role::key_hint: return {-1, -1, A_REVERSE, A_REVERSE};
        case Role::not_recorded: return {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD | A_BLINK};
        case Role::dialog: return {-1, -1, A_NORMAL, A_NORMAL};
        case Role::overdue: return {COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE};
        case Role::focus: return {COLOR_CYAN, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE};
    }
    return {-1, -1, A_NORMAL, A_NORMAL};
}

constexpr int kRoles = static_cast<int>(Role::focus) + 1;

extern "C" void on_stop(int) { g_stop = 1; }

extern "C" void on_crash(int sig) {
    // Best effort: give the person their terminal back, then die as we would have.
    if (g_curses_active) endwin();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

bool locale_is_utf8() {
    const char* codeset = nl_langinfo(CODESET);
    return codeset && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

void install_terminal_signal_handlers() {
    std::signal(SIGTERM, on_stop);
    std::signal(SIGHUP, on_stop);
    std::signal(SIGINT, on_stop);
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_crash);
}

bool stop_requested() { return g_stop != 0; }

Terminal::Terminal(bool monochrome) : monochrome_(monochrome) {
    initscr();
    g_curses_active = true;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    if (!has_colors()) monochrome_ = true;
    if (!monochrome_) {
        start_color();
        use_default_colors();
        for (int role = 0; role < kRoles; ++role) {
            Style s = style_of(static_cast<Role>(role));
            init_pair(static_cast<short>(role + 1), s.fg, s.bg);
        }
    }
}

Terminal::~Terminal() {
    endwin();
    g_curses_active = false;
}

void Terminal::size(int& width, int& height) const { getmaxyx(stdscr, height, width); }

void Terminal::paint(const Canvas& canvas) {
    int w = 0, h = 0;
    size(w, h);
    for (int y = 0; y < std::min(h, canvas.height()); ++y) {
        for (int x = 0; x < std::min(w, canvas.width()); ++x) {
            const Cell& cell = canvas.at(x, y);
            if (cell.glyph.empty()) continue;  // right half of a wide character
            Style s = style_of(cell.role);
            attr_t attrs = monochrome_ ? s.mono_attrs : s.attrs;
            short pair = monochrome_ ? 0 : static_cast<short>(static_cast<int>(cell.role) + 1);
            wchar_t wide[8] = {0};
            std::size_t n = 0;
            for (char32_t cp : cell.glyph)
                if (n < 7) wide[n++] = static_cast<wchar_t>(cp);
            cchar_t cc;
            setcchar(&cc, wide, attrs, pair, nullptr);
            mvadd_wch(y, x, &cc);
        }
    }
    wnoutrefresh(stdscr);
    doupdate();
}

void Terminal::repaint_all() { clearok(curscr, TRUE); }

std::optional<Key> Terminal::read_key() {
    wint_t ch = 0;
    int kind = get_wch(&ch);
    if (kind == ERR) return std::nullopt;
    using C = Key::Code;
    if (kind == KEY_CODE_YES) {
        switch (ch) {
            case KEY_UP: return Key{C::up, 0};
            case KEY_DOWN: return Key{C::down, 0};
            case KEY_LEFT: return Key{C::left, 0};
            case KEY_RIGHT: return Key{C::right, 0};
            case KEY_ENTER: return Key{C::enter, 0};
            case KEY_BACKSPACE: return Key{C::backspace, 0};
            case KEY_BTAB: return Key{C::backtab, 0};
            case KEY_PPAGE: return Key{C::page_up, 0};
            case KEY_NPAGE: return Key{C::page_down, 0};
            case KEY_RESIZE: return Key{C::resize, 0};
            default: return Key{C::none, 0};
        }
    }
    switch (ch) {
        case '\r':
        case '\n': return Key{C::enter, 0};
        case '\t': return Key{C::tab, 0};
        case 27: return Key{C::esc, 0};
        case 127:
        case 8: return Key{C::backspace, 0};
        default: return Key::of(static_cast<char32_t>(ch));
    }
}

}  // namespace drconsole::tui
