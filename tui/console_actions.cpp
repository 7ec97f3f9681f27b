// Running a step's action from the console: on a worker thread, recorded from the UI thread.
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "drconsole/actions.h"
#include "drconsole/preflight.h"
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

void ConsoleApp::start_action(const Step& step) {
    Actor actor = step_actor(step);
    TemplateValues values;
    try {
        values = template_values(env_.get(), state(), step, actor);
    } catch (const InputError& e) {
        message_ = std::string("refused: ") + e.what();
        message_is_error_ = true;
        return;
    }
    bool started = false;
    record([&] {
        Event e = incident_.action_started(step.id, describe_action(step, values), actor);
        started = true;
        return e;
    }, step.id);
    if (!started) return;
    running_ = std::make_unique<Running>();
    running_->step = step.id;
    running_->started_mono = steady_now_us();
    Running* run = running_.get();
    auto env = env_;
    auto wake = wake_;
    Step copy = step;
    auto rpo = rpo_by_target(*state().runbook);
    auto live = store_;
    run->worker = std::thread([run, env, wake, copy, values, rpo, live] {
        ActionResult result;
        try {
            // A promoting step runs its preflight first; a failure stops it here.
            if (promotes_standby(copy) && copy.action->kind == ActionKind::sql && env) {
                if (const Target* t = env->find(copy.action->target)) {
                    auto objective = rpo.count(t->id) ? std::optional<Millis>(rpo.at(t->id)) : std::nullopt;
                    auto checks = preflight(*env, *t, objective, Millis(5000), live.get());
                    std::lock_guard lock(run->mutex);
                    // On record whether it passed or not, as from the command line.
                    run->preflight = nlohmann::json{{"target", t->id}, {"checks", to_json(checks)}, {"failed", any_failed(checks)}};
                    if (any_failed(checks)) {
                        result.error = "preflight failed: " + failed_checks(checks);
                        result.started_us = result.ended_us = SystemClock().wall_us();
                    }
                }
            }
            if (result.error.empty()) result = execute_action(copy, env.get(), values, &run->cancel);
        } catch (const std::exception& e) {
            result.ok = false;
            result.error = e.what();
            result.started_us = result.ended_us = SystemClock().wall_us();
        }
        {
            std::lock_guard lock(run->mutex);
            run->result = std::move(result);
        }
        if (wake) wake();
    });
}

bool ConsoleApp::tick() {
    if (!running_) return false;
    std::optional<ActionResult> result;
    std::optional<nlohmann::json> preflight_result;
    {
        std::lock_guard lock(running_->mutex);
        if (!running_->result) return false;
        result = std::move(running_->result);
        preflight_result = running_->preflight;
    }
    running_->worker.join();
    std::string step_id = running_->step;
    running_.reset();
    const Step* step = state().runbook->find_step(step_id);
    Actor actor = step_actor(*step);
    if (preflight_result) record([&] { return incident_.preflight_checked(step_id, *preflight_result, actor); }, step_id);
    record([&] { return incident_.action_finished(step_id, evidence_of(*result), actor); }, step_id);
    if (result->ok) record([&] { return incident_.complete_step(step_id, actor); }, step_id);
    // Warnings do not stop a promotion, but the person who ran it sees them.
    std::string warnings;
    if (preflight_result)
        for (const auto& c : (*preflight_result)["checks"])
            if (c.value("outcome", "") == "warn") warnings += (warnings.empty() ? "" : "; ") + c.value("check", "") + ": " + c.value("value", "");
    if (!warnings.empty() && not_recorded_.empty() && result->ok) message_ += "; preflight warned: " + warnings;
    return true;
}

}  // namespace drconsole::tui
