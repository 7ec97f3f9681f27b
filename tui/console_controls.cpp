// The runbook's controls at the console: a step's required values, its gate read again when it
// completes, approvals that time out, the steps of the other mode left out, cleanup at resolve.
#include <algorithm>

#include <fmt/format.h>

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

bool ConsoleApp::take_value(const Dialog& d, const std::string& text) {
    const Step* step = state().runbook->find_step(d.step);
    if (!step || values_step_ != step->id || values_.size() >= step->requires_values.size()) return false;
    if (text.empty()) {
        dialog_ = d;
        dialog_.error = "a value is required: the step records it (Esc cancels)";
        return true;
    }
    if (auto bad = first_invalid_utf8(text)) {
        dialog_ = d;
        dialog_.error = "not valid UTF-8";
        return true;
    }
    values_[step->requires_values[values_.size()]] = text;
    if (values_.size() < step->requires_values.size()) ask_next_value(*step);
    else after_values(*step);
    return true;
}

void ConsoleApp::after_values(const Step& step) {
    if (step.confirm.empty()) {
        complete_now(step);
        return;
    }
    std::string values;
    for (const auto& [name, value] : values_) values += fmt::format("{}{}={}", values.empty() ? " (" : ", ", name, safe_text(value));
    open_confirm(Action::act, "Complete " + step.id,
                 (step.confirm == "yes" ? std::string("Mark it done?") : step.confirm) + (values.empty() ? "" : values + ")"), step.id);
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

}  // namespace drconsole::tui
