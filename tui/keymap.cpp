// The binding table and the key-script reader.
#include "tui/keymap.h"

#include <fmt/format.h>

#include "drconsole/diagnostic.h"
#include "drconsole/limits.h"
#include "drconsole/text.h"

namespace drconsole::tui {
namespace {

using C = Key::Code;
Key k(C code) { return {code, 0}; }
Key c(char32_t ch) { return Key::of(ch); }

}  // namespace

const std::vector<Binding>& bindings() {
    static const std::vector<Binding> table{
        {Action::move_up, {k(C::up), c(U'k')}, "Up/k", "up", "Move up in the focused pane", false},
        {Action::move_down, {k(C::down), c(U'j')}, "Down/j", "down", "Move down in the focused pane", false},
        {Action::prev_phase, {k(C::left), c(U'[')}, "Left/[", "phase", "Show the previous phase", false},
        {Action::next_phase, {k(C::right), c(U']')}, "Right/]", "phase", "Show the next phase", false},
        {Action::next_pane, {k(C::tab)}, "Tab", "pane", "Focus the next pane (checklist, lag, timeline)", false},
        {Action::act, {k(C::enter)}, "Enter", "start/done", "Start the selected step, or complete it once started (asks first where the runbook says confirm)"},
        {Action::run_action, {c(U'a')}, "a", "run", "Run the selected step's action (SQL, HTTP or commands; asks first, y runs it); while it runs, cancel it"},
        {Action::approve, {c(U'p')}, "p", "approve", "Approve the selected step (approve=ROLE) as another person holding that role, at their own console (a comment, then y)", false},
        {Action::skip, {c(U's')}, "s", "skip", "Skip the selected step (reason required)"},
        {Action::fail, {c(U'f')}, "f", "fail", "Mark the selected step failed (reason required)"},
        {Action::unstart, {c(U'u')}, "u", "unstart", "Put a step started by mistake back to not started (asks, y puts it back)", false},
        {Action::note, {c(U'n')}, "n", "note", "Add a note (attached to the selected step; asks, y records it)"},
        {Action::comms, {c(U'c')}, "c", "comms", "Record that a stakeholder update was sent (asks, y records it)"},
        {Action::handover, {c(U'h')}, "h", "handover", "Hand over a role: ROLE PERSON"},
        {Action::fault, {c(U'x')}, "x", "fault", "Record the injected fault, T0 of a drill (drill only)"},
        {Action::override_gate, {c(U'g')}, "g", "override", "Override the selected step's gate, or go past the failed preflight of its last run (IC only, reason required)"},
        {Action::details, {c(U'i')}, "i", "details", "Show the selected step whole: text, details, gate, owner, action, last output", false},
        {Action::search, {c(U'/')}, "/", "search", "Search the timeline (Esc clears)"},
        {Action::resolve, {c(U'r')}, "r", "resolve", "Resolve the incident: a summary, then the word resolve typed out"},
        {Action::help, {c(U'?')}, "?", "help", "Show or hide this help"},
        {Action::quit, {c(U'q')}, "q", "quit", "Quit; everything shown as recorded is already in the journal"},
    };
    return table;
}

std::optional<Action> action_for(const Key& key) {
    for (const auto& b : bindings())
        for (const auto& bound : b.keys)
            if (bound == key) return b.action;
    return std::nullopt;
}

const Binding& binding(Action action) {
    for (const auto& b : bindings())
        if (b.action == action) return b;
    return bindings().front();
}

std::string keys_markdown() {
    std::string out = "| key | what it does |\n|---|---|\n";
    for (const auto& b : bindings()) out += fmt::format("| `{}` | {} |\n", b.label, b.help);
    return out;
}

namespace {

// A duration inside a <…> token; `column` is where it starts (0-based line `n`).
Millis duration_at(std::string_view text, const std::string& file, std::size_t n, std::size_t column) {
    try {
        return parse_duration(text);
    } catch (const TextError& e) {
        throw InputError(fmt::format("{}:{}:{}: error: {}", file, n + 1, column + e.offset(), e.what()));
    }
}

}  // namespace

std::vector<ScriptItem> parse_key_script(std::string_view text, const std::string& file) {
    static const std::vector<std::pair<std::string_view, C>> kNamed{
        {"Enter", C::enter}, {"Tab", C::tab}, {"BackTab", C::backtab}, {"Esc", C::esc}, {"Up", C::up},
        {"Down", C::down}, {"Left", C::left}, {"Right", C::right}, {"Backspace", C::backspace},
        {"PageUp", C::page_up}, {"PageDown", C::page_down}};
    std::vector<ScriptItem> items;
    if (text.size() > kMaxFileBytes)
        throw InputError(fmt::format("{}:1:1: error: the key script is {} bytes; the limit is {} (1 MiB)", file, text.size(), kMaxFileBytes));
    auto lines = split_lines(text);
    for (std::size_t n = 0; n < lines.size(); ++n) {
        std::string_view line = lines[n];
        if (line.size() > kMaxLineBytes)
            throw InputError(fmt::format("{}:{}:{}: error: this line is {} bytes long; the limit is {}", file, n + 1, kMaxLineBytes + 1,
                                         line.size(), kMaxLineBytes));
        if (!line.empty() && line[0] == '#') continue;
        for (std::size_t i = 0; i < line.size();) {
            if (line[i] == '<') {
                std::size_t close = line.find('>', i);
                if (close == std::string_view::npos)
                    throw InputError(fmt::format("{}:{}:{}: error: '<' without '>' (type a literal '<' as <Lt>)", file, n + 1, i + 1));
                std::string_view name = line.substr(i + 1, close - i - 1);
                ScriptItem item;
                bool known = true;
                if (name == "Space") item.key = Key::of(U' ');
                else if (name == "Lt") item.key = Key::of(U'<');
                else if (name == "Poll") item.kind = ScriptItem::Kind::poll;
                else if (name.substr(0, 8) == "WaitFor ") {
                    item.kind = ScriptItem::Kind::wait_for;
                    item.text = std::string(name.substr(8));
                    item.advance = std::chrono::seconds(10);
                } else if (name.substr(0, 9) == "WaitUpTo ") {
                    item.kind = ScriptItem::Kind::wait_for;
                    std::string_view rest = name.substr(9);
                    std::size_t space = rest.find(' ');
                    if (space == std::string_view::npos) throw InputError(fmt::format("{}:{}:{}: error: write <WaitUpTo 60s TEXT>", file, n + 1, i + 1));
                    item.advance = duration_at(rest.substr(0, space), file, n, i + 11);
                    item.text = std::string(rest.substr(space + 1));
                } else if (name.substr(0, 8) == "IfShown ") {
                    item.kind = ScriptItem::Kind::if_shown;
                    item.text = std::string(name.substr(8));
                } else if (name.substr(0, 6) == "Sleep ") {
                    item.kind = ScriptItem::Kind::sleep;
                    item.advance = duration_at(name.substr(6), file, n, i + 8);
                } else if (name.substr(0, 5) == "Exec ") {
                    item.kind = ScriptItem::Kind::exec;
                    std::string_view rest = name.substr(5);
                    for (std::size_t at = 0; at < rest.size();) {
                        std::size_t end = std::min(rest.find(' ', at), rest.size());
                        if (end > at) item.args.emplace_back(rest.substr(at, end - at));
                        at = end + 1;
                    }
                }
                else if (name.substr(0, 8) == "Advance ") {
                    item.kind = ScriptItem::Kind::advance;
                    item.advance = duration_at(name.substr(8), file, n, i + 10);
                } else if (name.substr(0, 7) == "Resize ") {
                    item.kind = ScriptItem::Kind::resize;
                    if (std::sscanf(std::string(name.substr(7)).c_str(), "%dx%d", &item.width, &item.height) != 2)
                        throw InputError(fmt::format("{}:{}:{}: error: write <Resize WxH>", file, n + 1, i + 1));
                } else {
                    known = false;
                    for (const auto& [spelling, code] : kNamed)
                        if (name == spelling) {
                            item.key = {code, 0};
                            known = true;
                        }
                }
                if (!known) throw InputError(fmt::format("{}:{}:{}: error: unknown key <{}>", file, n + 1, i + 1, name));
                item.line = n;
                items.push_back(item);
                i = close + 1;
                continue;
            }
            // One UTF-8 character typed as one key.
            ScriptItem item;
            item.key = Key::of(next_code_point(line, i));
            item.line = n;
            items.push_back(item);
        }
    }
    return items;
}

}  // namespace drconsole::tui
