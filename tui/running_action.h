// The console's one running action: its worker thread, the cancel flag it watches, its result.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "drconsole/actions.h"
#include "tui/console.h"

namespace drconsole::tui {

struct ConsoleApp::Running {
    std::string step;
    std::int64_t started_mono = 0;
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::optional<ActionResult> result;
    std::optional<nlohmann::json> preflight;  // set when a promoting step's preflight failed
    std::thread worker;
};

}  // namespace drconsole::tui
