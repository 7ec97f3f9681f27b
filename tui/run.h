// The console's event loops: interactive on a real terminal, or scripted (headless) for tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drconsole/clock.h"
#include "tui/console.h"

namespace drconsole::tui {

struct RunOptions {
    std::optional<std::pair<int, int>> size;  // --size WxH
    std::string keys_file;                     // --keys FILE: headless, no terminal at all
    std::string dump_file;                     // --dump-screen FILE: the final screen as text
    bool monochrome = false;                   // NO_COLOR or no colour support
    bool utf8 = true;
    std::shared_ptr<FakeClock> fake_clock;     // --clock fake:…
    int wake_fd = -1;                          // readable when a probe published a reading
};

// Returns the process exit status.
int run_console(ConsoleApp& app, const RunOptions& options);

}  // namespace drconsole::tui
