// Interactive: poll() stdin and the probes' wake pipe, poll the journal twice a second, repaint.
// Scripted: apply each key of the file in order, then dump the screen. Both draw the same canvas.
#include "tui/run.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include <fmt/format.h>

#include "drconsole/duration.h"
#include "drconsole/files.h"
#include "drconsole/probes.h"  // steady_now_us
#include "tui/layout.h"
#include "tui/terminal.h"

extern char** environ;

namespace drconsole::tui {
namespace {

void dump(const Canvas& canvas, const std::string& file) {
    if (file.empty()) return;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << canvas.text();
    if (!out) throw JournalError(fmt::format("cannot write the screen dump to {}", file));
}

// <Exec ARGS…>: this program with ARGS ({journal} stands for the console's journal), its output passed on
// to stderr; fails the script if it fails.
void exec_self(const std::vector<std::string>& args, const std::string& script) {
    std::vector<std::string> argv{"/proc/self/exe"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    pid_t pid = 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    int rc = ::posix_spawn(&pid, c[0], &actions, nullptr, c.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    if (rc != 0 || ::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string line;
        for (const auto& a : args) line += " " + a;
        throw std::runtime_error(fmt::format("{}: <Exec{}> failed", script, line));
    }
}

int run_script(ConsoleApp& app, const RunOptions& o) {
    const auto size = o.size.value_or(std::pair{120, 40});
    int w = size.first, h = size.second;  // not a structured binding: the lambda below captures them
    auto shows = [&](const std::string& text) {
        Canvas canvas(w, h, o.utf8);
        app.render(canvas);
        return canvas.text().find(text) != std::string::npos;
    };
    std::optional<std::size_t> skipping;  // the line an <IfShown> turned off
    for (const auto& item : parse_key_script(read_file(o.keys_file), o.keys_file)) {
        if (skipping && *skipping == item.line) continue;
        skipping.reset();
        switch (item.kind) {
            case ScriptItem::Kind::if_shown:
                app.poll_journal();
                app.tick();
                if (!shows(item.text)) skipping = item.line;
                break;
            case ScriptItem::Kind::key:
                app.handle(item.key);
                app.tick();
                break;
            case ScriptItem::Kind::advance:
                if (!o.fake_clock) throw InputError("<Advance …> needs --clock fake:…");
                o.fake_clock->advance_us(std::chrono::duration_cast<std::chrono::microseconds>(item.advance).count());
                break;
            case ScriptItem::Kind::resize:
                w = item.width;
                h = item.height;
                break;
            case ScriptItem::Kind::poll: app.poll_journal(); break;
            case ScriptItem::Kind::sleep: {
                auto until = std::chrono::steady_clock::now() + item.advance;
                while (std::chrono::steady_clock::now() < until) {
                    app.poll_journal();
                    app.tick();
                    ::poll(nullptr, 0, 20);
                }
                break;
            }
            case ScriptItem::Kind::exec: {
                // {journal}: this console's journal, for a command another person runs meanwhile.
                std::vector<std::string> args = item.args;
                for (auto& a : args)
                    for (std::size_t at; (at = a.find("{journal}")) != std::string::npos;) a.replace(at, 9, app.journal_path());
                exec_self(args, o.keys_file);
                break;
            }
            case ScriptItem::Kind::wait_for: {
                auto until = std::chrono::steady_clock::now() + item.advance;
                while (true) {
                    app.poll_journal();
                    app.tick();
                    Canvas canvas(w, h, o.utf8);
                    app.render(canvas);
                    if (canvas.text().find(item.text) != std::string::npos) break;
                    if (std::chrono::steady_clock::now() > until) {
                        dump(canvas, o.dump_file);
                        throw std::runtime_error(fmt::format("{}: <WaitFor {}>: not on the screen after {}", o.keys_file, item.text,
                                                       format_duration(item.advance)));
                    }
                    ::poll(nullptr, 0, 20);
                }
                break;
            }
        }
        if (app.quit_requested()) break;
    }
    app.settle();
    Canvas canvas(w, h, o.utf8);
    app.render(canvas);
    dump(canvas, o.dump_file);
    return 0;
}

// Another console's or the CLI's events show within this (plus a repaint): a scribe sees the
// IC's step within a second even on a loaded machine.
constexpr std::chrono::milliseconds kJournalEvery{100};
constexpr std::chrono::milliseconds kPaintEvery{250};
constexpr std::chrono::milliseconds kKeyFirst{50};
constexpr std::chrono::milliseconds kReadingsEvery{100};

int run_terminal(ConsoleApp& app, const RunOptions& o) {
    using Clock = std::chrono::steady_clock;
    install_terminal_signal_handlers();
    Terminal term(o.monochrome);
    auto last_poll = Clock::now(), last_paint = Clock::time_point{}, last_tick = Clock::now();
    bool changed = true, readings = false;
    std::optional<Canvas> last;
    int w = 0, h = 0;
    while (!stop_requested() && !app.quit_requested()) {
        // Painted at once after a key or another's event, within kReadingsEvery of new readings
        // (a hundred targets read each second would otherwise repaint a hundred times a second,
        // and a key would wait behind those paints), and at least every kPaintEvery for the
        // clocks; a look at an unchanged journal paints nothing.
        auto now = Clock::now();
        if (changed || app.confirm_held() || now - last_paint >= kPaintEvery || (readings && now - last_paint >= kReadingsEvery)) {
            term.size(w, h);
            if (o.size) std::tie(w, h) = *o.size;
            Canvas canvas(w, h, o.utf8);
            app.render(canvas);
            term.paint(canvas);
            last = std::move(canvas);
            last_paint = Clock::now();
            changed = readings = false;
        }

        // Wake for a key, a reading, the next look at the journal or the next paint.
        auto due = std::min(last_poll + kJournalEvery, last_paint + (readings ? kReadingsEvery : kPaintEvery));
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count();
        int timeout = static_cast<int>(std::clamp<std::int64_t>(wait, 0, kPaintEvery.count()));
        pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {o.wake_fd, POLLIN, 0}};
        int n = ::poll(fds, o.wake_fd >= 0 ? 2 : 1, app.confirm_held() ? std::min(timeout, 20) : timeout);
        bool keyed = false;
        if (n > 0 && (fds[0].revents & POLLIN)) {
            // While the terminal is too small nobody sees what a key would do: only Esc, q and ?
            // act then. Ctrl-L redraws the whole screen.
            bool too_small = compute_layout(w, h).too_small;
            // q and ? only where no dialog would take them as text.
            while (auto key = term.read_key()) {
                key->read_us = steady_now_us();
                changed = true;
                if (*key == Key::of(U'\x0c')) {
                    term.repaint_all();
                    continue;
                }
                bool q_or_help = *key == Key::of(U'q') || *key == Key::of(U'?');
                if (too_small && !(key->code == Key::Code::esc || (q_or_help && !app.dialog_open()))) continue;
                app.handle(*key);
                keyed = true;
            }
        }
        // What a key did is painted before anything else is looked at: the readings, the clocks
        // and the journal wait for the next turn (at once when they are due), never longer than
        // kKeyFirst however fast keys come, and not while a key is held to confirm.
        if (keyed && !app.confirm_held() && Clock::now() - last_tick < kKeyFirst) continue;
        last_tick = Clock::now();
        if (n > 0 && o.wake_fd >= 0 && (fds[1].revents & POLLIN)) {
            char buf[256];
            while (::read(o.wake_fd, buf, sizeof buf) > 0) {
            }
            readings = true;
        }
        changed = app.tick() || changed;
        if (auto now = Clock::now(); now - last_poll >= kJournalEvery) {
            changed = app.poll_journal() || changed;
            last_poll = now;
        }
    }
    if (last) dump(*last, o.dump_file);
    return 0;
}

}  // namespace

int run_console(ConsoleApp& app, const RunOptions& o) { return o.keys_file.empty() ? run_terminal(app, o) : run_script(app, o); }

}  // namespace drconsole::tui
