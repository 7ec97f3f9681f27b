// The runbook's controls at the console: a step's required values, its gate read again when it
// completes, approvals that time out, the steps of the other mode left out, cleanup at resolve.
#include <algorithm>

#include <fmt/format.h>

#include "drconsole/preflight.h"
#include "drconsole/step_run.h"
#include "drconsole/text.h"
#include "tui/console.h"

namespace drconsole::tui {

std::vector<const Step*> ConsoleApp::shown_steps(std::size_t p) const {
    std::vector<const Step*> out;
    const auto& phases = state().runbook->phases;
    if (p < phases.size())
        for (const auto& s : phases[p].steps)
            if (s.in_mode(state().mode)) out.push_back(&s);
    return out;
}

void ConsoleApp::begin_completion(const Step& step) {
    values_.clear();
    values_step_ = step.id;
    if (!step.requires_values.empty()) ask_next_value(step);
    else after_values(step);
}

void ConsoleApp::ask_next_value(const Step& step) {
    std::size_t i = values_.size();
    const std::string& name = step.requires_values[i];
    open_text(Action::act, "Complete " + step.id,
              fmt::format("{} ({} of {}), recorded with the step:", name, i + 1, step.requires_values.size()), step.id);
}

void ConsoleApp::take_value(const Dialog& d, const std::string& text) {
    const Step* step = state().runbook->find_step(d.step);
    if (!step || values_step_ != step->id || values_.size() >= step->requires_values.size()) return;
    if (text.empty()) {
        dialog_ = d;
        dialog_.error = "a value is required: the step records it (Esc cancels)";
        return;
    }
    if (auto bad = first_invalid_utf8(text)) {
        dialog_ = d;
        dialog_.error = "not valid UTF-8";
        return;
    }
    values_[step->requires_values[values_.size()]] = text;
    if (values_.size() < step->requires_values.size()) ask_next_value(*step);
    else after_values(*step);
}

void ConsoleApp::after_values(const Step& step) {
    // An action step whose action succeeded was asked about when it ran: its values complete it.
    if (step.confirm.empty() || (step.action && state().step(step.id).action_ok.value_or(false))) {
        complete_now(step);
        return;
    }
    std::string values;
    for (const auto& [name, value] : values_) values += fmt::format("{}{}={}", values.empty() ? " (" : ", ", name, safe_text(value));
    open_confirm(Action::act, "Complete " + step.id,
                 question_of(step, "Mark it done?") + (values.empty() ? "" : values + ")"), step.id);
}

void ConsoleApp::complete_now(const Step& step) {
    std::map<std::string, std::string> values = values_step_ == step.id ? values_ : std::map<std::string, std::string>{};
    Outcome o = record([&] {
        // Read again at this instant: the dialog, an approval or a wait may have taken minutes,
        // and what held when it opened may not hold now.
        if (step.gate && !state().gate_overrides.count(step.id)) clear_gate(incident_, step, step_actor(step), gate_results()[step.id], "");
        return incident_.complete_step(step.id, step_actor(step), values);
    }, step.id);
    values_.clear();
    values_step_.clear();
    if (o == Outcome::recorded) select_next_open();
}

bool ConsoleApp::expire_approvals() {
    if (state().resolved()) return false;
    std::vector<Event> expired;
    try {
        expired = incident_.expire_approvals(who_);
    } catch (const JournalError& e) {
        return false;  // tried again on the next tick
    }
    if (expired.empty()) return false;
    events_ = journal_.events(incident_.id());
    message_ = "recorded: " + describe(expired.back());
    message_is_error_ = true;
    return true;
}

std::string ConsoleApp::cleanup_incomplete() const {
    std::string out;
    for (const auto& phase : state().runbook->phases)
        for (const auto& step : phase.steps)
            if (const StepState& st = state().step(step.id);
                step.always && (st.status == StepStatus::failed || st.status == StepStatus::skipped))
                out += fmt::format("{}{} {}", out.empty() ? "" : ", ", step.id, to_string(st.status));
    return out;
}

bool ConsoleApp::must_wait(const Step& step) const {
    const StepState& st = state().step(step.id);
    return step.wait && st.wait_outcome != "held" && st.wait_outcome != "forced";
}

bool ConsoleApp::forcible(const Step& step) const {
    const StepState& st = state().step(step.id);
    if (!must_wait(step) || st.status != StepStatus::started || st.action_running || running_) return false;
    if (!step.gate || state().gate_overrides.count(step.id)) return true;
    auto gates = gate_results();
    auto gate = gates.find(step.id);
    return gate != gates.end() && gate->second.outcome == GateOutcome::pass;
}

void ConsoleApp::begin_wait(const Step& step) {
    if (!store_) {
        message_ = fmt::format("refused: {} waits for {}, and this console has no live readings (open it with --env)", step.id, step.wait_text);
        message_is_error_ = true;
        return;
    }
    auto wait = std::make_unique<StepWait>(step, steady_now_us());
    WaitReading r = wait->observe(*store_, steady_now_us());
    Outcome o = record([&] {
        if (state().step(step.id).status == StepStatus::pending) incident_.start_step(step.id, step_actor(step));
        return incident_.wait_started(step.id, wait->started_payload(r), step_actor(step));
    }, step.id);
    if (o != Outcome::recorded) return;
    waiting_ = std::move(wait);
    wait_reading_ = r;
    tick_wait();  // it may hold already
}

bool ConsoleApp::tick_wait() {
    if (!waiting_ || !store_) return false;
    // Another console (the IC's, forcing it) or a script may have ended it meanwhile.
    const std::string id = waiting_->step().id;  // a copy: the wait is let go of below
    if (const StepState& st = state().step(id); !st.waiting) {
        waiting_.reset();
        wait_reading_.reset();
        // Forced elsewhere: this console, which was asked to run it and waited, runs it now.
        if (st.wait_outcome == "forced" && st.status == StepStatus::started && !st.action_running && !running_) {
            message_ = "forced by the IC: running it now";
            message_is_error_ = false;
            if (const Step* s = state().runbook->find_step(id)) start_action(*s);
        }
        return true;
    }
    wait_reading_ = waiting_->observe(*store_, steady_now_us());
    if (wait_reading_->condition.outcome == GateOutcome::pass) end_wait("held");
    else if (wait_reading_->timed_out) end_wait("timed_out");
    return true;
}

void ConsoleApp::end_wait(const std::string& outcome, const std::string& reason) {
    const Step* step = selected_step();
    std::unique_ptr<StepWait> wait = std::move(waiting_);
    if (wait) step = state().runbook->find_step(wait->step().id);
    if (!step) return;
    const StepState& st = state().step(step->id);
    bool waited_here = wait != nullptr;  // this console waited: its a was answered (a promotion's id typed)
    // Forced from a console that is not the one waiting: the wait's time is the journal's.
    bool waited_elsewhere = !wait && st.waiting && st.wait_started_us;
    if (!wait) {
        std::int64_t began = steady_now_us() - (waited_elsewhere ? clock_->wall_us() - *st.wait_started_us : 0);
        wait = std::make_unique<StepWait>(*step, began);
    }
    WaitReading r = store_ ? wait->observe(*store_, steady_now_us()) : WaitReading{};
    wait_reading_.reset();
    Outcome o = record([&] { return incident_.wait_ended(step->id, wait->ended_payload(outcome, r, reason), step_actor(*step)); }, step->id);
    if (o != Outcome::recorded) return;
    if (outcome == "forced" && waited_elsewhere) {
        // The console that waits for it runs it, as the person who asked for it.
        message_ += "; the console that was waiting runs the action (if none does, a runs it here)";
    } else if (outcome == "forced" && !waited_here && promotes_standby(*step)) {
        // A promotion is typed out, forced or not: here nobody typed it yet.
        open_text(Action::run_action, "Run the action of " + step->id, fmt::format("Forced. Type {} to promote now:", step->id), step->id);
    } else if (outcome == "held" || outcome == "forced") {
        std::string said = message_;
        start_action(*step);  // its gate and preflight are read again now, on the worker
        if (message_.empty()) message_ = said;
    } else if (outcome == "timed_out") {
        message_ = fmt::format("{} did not hold within {} ({}); the action did not run: a waits again, g goes now (the IC, accepting the loss)",
                               step->wait_text, format_duration(*step->wait_timeout), r.condition.reason);
        message_is_error_ = true;
    }
}

std::string ConsoleApp::waiting_elsewhere(const Step& step) const {
    const StepState& st = state().step(step.id);
    if (!st.waiting || !step.wait || (waiting_ && waiting_->step().id == step.id)) return {};
    std::string waited = st.wait_started_us ? "; waited " + format_elapsed(clock_->wall_us() - *st.wait_started_us) : "";
    if (!store_) return "another console waits for " + step.wait_text + waited;
    GateResult now = evaluate_gate(*step.wait, *store_, steady_now_us());
    return std::string("another console waits: ") + (now.outcome == GateOutcome::pass ? "holds: " : "") + now.reason + waited;
}

}  // namespace drconsole::tui
