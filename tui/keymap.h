// One table of actions and key bindings: dispatch, the footer, the ? overlay and the README key list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drconsole/duration.h"

namespace drconsole::tui {

struct Key {
    enum class Code { ch, up, down, left, right, enter, tab, backtab, esc, backspace, page_up, page_down, resize, none };
    Code code = Code::none;
    char32_t ch = 0;  // for Code::ch
    std::int64_t read_us = 0;  // when the terminal delivered it (steady clock); 0 in a key script

    static Key of(char32_t c) { return {Code::ch, c}; }
    bool operator==(const Key& other) const { return code == other.code && ch == other.ch; }
};

enum class Action {
    move_up, move_down, prev_phase, next_phase, next_pane, act, run_action, approve, skip, fail, unstart, note, comms, handover,
    fault, override_gate, details, search, resolve, help, quit,
};

struct Binding {
    Action action;
    std::vector<Key> keys;
    std::string_view label;    // "Enter/Space"
    std::string_view name;     // short, for the footer: "start/done"
    std::string_view help;     // one line, for ? and the README
    bool in_footer = true;
};

const std::vector<Binding>& bindings();
std::optional<Action> action_for(const Key& key);
const Binding& binding(Action action);

// The README's key table (Markdown), generated from bindings().
std::string keys_markdown();

// A scripted key file (--keys): each line is typed as it stands, except <Name> tokens:
// <Enter> <Tab> <Esc> <Up> <Down> <Left> <Right> <Space> <Backspace> <PageUp> <PageDown>,
// <Advance 90s> (moves a fake clock on), <Resize 80x24>, <Poll> (reads the journal now),
// <WaitFor TEXT> (until the screen shows TEXT, at most 10 s; the run fails otherwise),
// <WaitUpTo 90s TEXT> (the same with another limit), <Sleep 3s> (real time passes, the console
// working meanwhile), <Exec ARGS…> (runs this drconsole program with ARGS split at spaces, e.g.
// <Exec lab fail primary-region>, and fails the run if it fails: a real fault mid-walk),
// <IfShown TEXT> (the rest of its line applies only if the screen shows TEXT: live systems do
// not always give the same answer, e.g. a gate that passes or cannot be read).
// Lines starting with '#' are comments; the end of a line types nothing.
struct ScriptItem {
    enum class Kind { key, advance, resize, poll, wait_for, sleep, exec, if_shown } kind = Kind::key;
    std::size_t line = 0;  // 0-based line of the script
    Key key;
    Millis advance{0};  // advance and sleep: how long; wait_for: the limit
    std::vector<std::string> args;  // exec
    int width = 0, height = 0;
    std::string text;  // for wait_for and if_shown
};
std::vector<ScriptItem> parse_key_script(std::string_view text, const std::string& file);

}  // namespace drconsole::tui
