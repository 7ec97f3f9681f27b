// The only curses code: paint a Canvas, read keys, keep the terminal sane on every way out.
#pragma once

#include <optional>

#include "tui/canvas.h"
#include "tui/keymap.h"

namespace drconsole::tui {

class Terminal {
public:
    explicit Terminal(bool monochrome);
    ~Terminal();  // restores the terminal
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    void size(int& width, int& height) const;
    void paint(const Canvas& canvas);
    // The next paint redraws every cell (Ctrl-L: after anything else wrote to the terminal).
    void repaint_all();
    // A key if one is waiting (never blocks); Key::Code::resize after a terminal resize.
    std::optional<Key> read_key();
    bool monochrome() const { return monochrome_; }

private:
    bool monochrome_;
};

// True when the locale's character set is UTF-8 (call after setlocale).
bool locale_is_utf8();
// Installs handlers so that SIGTERM/SIGHUP/SIGINT ask the loop to stop, and a crash restores
// the terminal before the process dies.
void install_terminal_signal_handlers();
bool stop_requested();

}  // namespace drconsole::tui
