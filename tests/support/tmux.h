// tmux on a private socket: a real terminal for the console, driven with send-keys and read with capture-pane.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace drconsole::test {

class Tmux {
public:
    explicit Tmux(const std::filesystem::path& dir);
    ~Tmux();  // kills the server

    // Starts `command` (run by /bin/sh) in a new session of the given size.
    void start(const std::string& session, const std::string& command, int width, int height);
    void keys(const std::string& session, const std::vector<std::string>& keys);  // tmux key names: Enter, j, …
    std::string screen(const std::string& session, bool with_escapes = false) const;
    void resize(const std::string& session, int width, int height);
    // Polls the screen until it contains `text`; returns the time it took, or -1 ms on timeout.
    std::chrono::milliseconds wait_for(const std::string& session, const std::string& text,
                                       std::chrono::milliseconds deadline = std::chrono::milliseconds(10000)) const;
    // Polls until the screen differs from `before`.
    std::chrono::microseconds wait_change(const std::string& session, const std::string& before,
                                          std::chrono::milliseconds deadline = std::chrono::milliseconds(5000)) const;

private:
    std::string run(const std::vector<std::string>& args) const;
    std::string socket_;
};

}  // namespace drconsole::test
