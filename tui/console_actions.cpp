// Running a step's action from the console: the engine's StepRun, its network stages on a
// worker thread, everything it records from the UI thread.
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "drconsole/probes.h"
#include "tui/console.h"
#include "tui/running_action.h"

namespace drconsole::tui {

ConsoleApp::~ConsoleApp() {
    if (running_ && running_->worker.joinable()) {
        running_->cancel = true;
        running_->worker.join();
    }
}

void ConsoleApp::start_action(const Step& step, const std::string& override_reason) {
    std::unique_ptr<StepRun> run;
    try {
        run = std::make_unique<StepRun>(incident_, env_, step.id, step_actor(step), override_reason);
    } catch (const std::exception& e) {  // RuleViolation or InputError: nothing recorded
        message_ = std::string("refused: ") + e.what();
        message_is_error_ = true;
        return;
    }
    running_ = std::make_unique<Running>();
    running_->run = std::move(run);
    running_->started_mono = steady_now_us();
    Running* r = running_.get();
    auto live = store_;
    auto wake = wake_;
    // The gate and the preflight may read the servers: never on the UI thread.
    r->worker = std::thread([r, live, wake] {
        std::string error;
        try {
            r->run->check(live.get());
        } catch (const std::exception& e) {
            error = e.what();
        }
        {
            std::lock_guard lock(r->mutex);
            r->checked = true;
            r->check_error = error;
        }
        if (wake) wake();
    });
}

void ConsoleApp::begin_action() {
    Running* r = running_.get();
    std::string step_id = r->step();
    if (!r->check_error.empty() || r->cancel) {
        message_ = r->cancel ? "cancelled before it ran: nothing recorded" : "refused: " + r->check_error;
        message_is_error_ = !r->cancel;
        running_.reset();
        return;
    }
    Outcome begun = record([&] { return r->run->begin(incident_); }, step_id);
    if (begun == Outcome::needs_override) overridable_step_ = step_id;
    if (begun != Outcome::recorded) {
        running_.reset();
        return;
    }
    if (overridable_step_ == step_id) overridable_step_.clear();
    r->stage = Running::Stage::executing;
    r->started_mono = steady_now_us();
    auto wake = wake_;
    r->worker = std::thread([r, wake] {
        ActionResult result = r->run->execute(&r->cancel);
        {
            std::lock_guard lock(r->mutex);
            r->result = std::move(result);
        }
        if (wake) wake();
    });
}

bool ConsoleApp::tick() {
    bool report = report_written();
    if (expire_approvals()) report = true;
    if (tick_wait()) report = true;
    if (confirm_hold_until_us_ && steady_now_us() >= confirm_hold_until_us_) {
        confirm_hold_until_us_ = 0;  // nothing followed the y: it answered the question
        message_.clear();
        submit_dialog();
        report = true;
    }
    if (!running_) return report;
    {
        std::lock_guard lock(running_->mutex);
        bool ended = running_->stage == Running::Stage::checking ? running_->checked : running_->result.has_value();
        if (!ended) return report;
    }
    running_->worker.join();
    if (running_->stage == Running::Stage::checking) {
        begin_action();
        return true;
    }
    std::unique_ptr<Running> r = std::move(running_);
    std::string step_id = r->step();
    record([&] { return r->run->finish(incident_, *r->result); }, step_id);
    // Warnings do not stop a promotion, but the person who ran it sees them.
    std::string warnings = r->run->preflight_warnings();
    if (!warnings.empty() && not_recorded_.empty() && r->result->ok) message_ += "; preflight warned: " + warnings;
    if (r->result->ok && !r->run->completes_with_values()) {
        std::string names;
        for (const auto& n : r->run->step().requires_values) names += (names.empty() ? "" : ", ") + n;
        message_ += fmt::format("; Enter records {} and completes it", names);
        return true;
    }
    if (r->result->ok) select_next_open();
    return true;
}

}  // namespace drconsole::tui
