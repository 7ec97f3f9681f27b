// The console's one running action: the engine's StepRun, the worker thread of its current
// stage (checking the gate and preflight, then running), the cancel flag it watches.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "drconsole/step_run.h"
#include "tui/console.h"

namespace drconsole::tui {

struct ConsoleApp::Running {
    enum class Stage { checking, executing };
    std::unique_ptr<StepRun> run;
    Stage stage = Stage::checking;
    std::int64_t started_mono = 0;
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    bool checked = false;                 // the checking stage ended
    std::string check_error;              // it threw
    std::optional<ActionResult> result;   // the executing stage ended
    std::thread worker;

    const std::string& step() const { return run->step().id; }
};

}  // namespace drconsole::tui
