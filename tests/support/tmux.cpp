// The tmux driver: every call is one tmux command on the private socket.
#include "support/tmux.h"

#include <stdexcept>
#include <thread>

#include "support/process.h"

namespace drconsole::test {

Tmux::Tmux(const std::filesystem::path& dir) : socket_((dir / "tmux.sock").string()) {}

Tmux::~Tmux() { run_process({"/usr/bin/tmux", "-S", socket_, "kill-server"}); }

std::string Tmux::run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"/usr/bin/tmux", "-S", socket_};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = run_process(argv);
    if (r.exit_code != 0) throw std::runtime_error("tmux " + args.front() + " failed: " + r.err);
    return r.out;
}

void Tmux::start(const std::string& session, const std::string& command, int width, int height) {
    run({"-f", "/dev/null", "new-session", "-d", "-s", session, "-x", std::to_string(width), "-y", std::to_string(height), command});
}

void Tmux::keys(const std::string& session, const std::vector<std::string>& keys) {
    std::vector<std::string> args{"send-keys", "-t", session};
    args.insert(args.end(), keys.begin(), keys.end());
    run(args);
}

std::string Tmux::screen(const std::string& session, bool with_escapes) const {
    return with_escapes ? run({"capture-pane", "-p", "-e", "-t", session}) : run({"capture-pane", "-p", "-t", session});
}

void Tmux::resize(const std::string& session, int width, int height) {
    run({"resize-window", "-t", session, "-x", std::to_string(width), "-y", std::to_string(height)});
}

std::chrono::milliseconds Tmux::wait_for(const std::string& session, const std::string& text, std::chrono::milliseconds deadline) const {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < deadline) {
        if (screen(session).find(text) != std::string::npos)
            return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::chrono::milliseconds(-1);
}

std::chrono::microseconds Tmux::wait_change(const std::string& session, const std::string& before, std::chrono::milliseconds deadline) const {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < deadline) {
        if (screen(session) != before)
            return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    }
    return std::chrono::microseconds(-1);
}

}  // namespace drconsole::test
