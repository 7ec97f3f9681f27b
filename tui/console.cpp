// Keys to commands: every command goes through the engine and the journal before the screen changes.
#include "tui/console.h"

#include <algorithm>

#include <fmt/format.h>

#include "drconsole/preflight.h"
#include "drconsole/probes.h"
#include "drconsole/step_run.h"
#include "drconsole/text.h"
#include "tui/guide.h"
#include "tui/running_action.h"

namespace drconsole::tui {

std::string question_of(const Step& step, std::string fallback) {
    return step.confirm.empty() || step.confirm == "yes" ? fallback : step.confirm;
}

ConsoleApp::ConsoleApp(Journal& journal, Incident incident, Actor who, std::shared_ptr<ReadingStore> store,
                       std::shared_ptr<const Clock> clock, std::shared_ptr<const Environment> env)
    : journal_(journal), env_(std::move(env)), incident_(std::move(incident)), who_(std::move(who)), store_(std::move(store)),
      clock_(std::move(clock)) {
    events_ = journal_.events(incident_.id());
    // Start on the first phase with an open step.
    const auto& phases = state().runbook->phases;
    for (std::size_t p = 0; p < phases.size(); ++p) {
        bool open = std::any_of(phases[p].steps.begin(), phases[p].steps.end(), [&](const Step& s) { return state().step(s.id).open(); });
        if (open) {
            phase_ = p;
            break;
        }
    }
    ensure_selection();
}

bool ConsoleApp::poll_journal() { return incident_.refresh(&events_) > 0; }

std::vector<std::string> ConsoleApp::phase_steps() const {
    std::vector<std::string> ids;
    for (const Step* s : shown_steps(phase_)) ids.push_back(s->id);
    return ids;
}

const Step* ConsoleApp::selected_step() const { return state().runbook->find_step(selected_); }

void ConsoleApp::ensure_selection() {
    auto ids = phase_steps();
    if (ids.empty() || std::find(ids.begin(), ids.end(), selected_) != ids.end()) return;
    // The first open step of the phase, else its first step.
    for (const auto& id : ids)
        if (state().step(id).open()) {
            selected_ = id;
            return;
        }
    selected_ = ids.front();
}

void ConsoleApp::select_next_open() {
    const auto& phases = state().runbook->phases;
    auto open = [&](const Step& st) { return state().step(st.id).open(); };
    // After the selected step, in this phase and then the later ones; else leave it where it is.
    bool after = false;
    for (std::size_t p = phase_; p < phases.size(); ++p)
        for (const auto& st : phases[p].steps) {
            if (p == phase_ && !after) {
                after = st.id == selected_;
                continue;
            }
            if (open(st)) {
                if (p != phase_) {
                    message_ += fmt::format("; on to phase {}/{}: {}", p + 1, phases.size(), phases[p].name);
                    phase_ = p;
                }
                selected_ = st.id;
                return;
            }
        }
}

// The journal names who acted: the person at this console, in the role they opened it as,
// whichever role owns the step (the owner is in the runbook; the record says who did it).
Actor ConsoleApp::step_actor(const Step&) const { return who_; }

std::map<std::string, GateResult> ConsoleApp::gate_results() const {
    std::map<std::string, GateResult> out;
    std::int64_t now = steady_now_us();
    for (const auto& phase : state().runbook->phases)
        for (const auto& step : phase.steps) {
            if (!step.gate) continue;
            if (store_) {
                out[step.id] = evaluate_gate(*step.gate, *store_, now);
            } else {
                GateResult unknown;
                unknown.reason = step.gate_text + ": no live readings (the console has no environment)";
                out[step.id] = unknown;
            }
        }
    return out;
}

std::optional<std::string> ConsoleApp::refusal(std::string_view kind, const Step* step, nlohmann::json payload) const {
    return incident_.why_not(EventDraft{std::string(kind), step ? step_actor(*step) : who_, step ? step->id : "", std::move(payload)});
}

// What each key would do now, and why not: the engine's rules answer (Incident::why_not), the
// console adds only what is its own (a live gate, a running action, nothing selected).
std::map<Action, std::string> ConsoleApp::disabled_actions(const std::map<std::string, GateResult>& gates) const {
    namespace k = event_kind;
    std::map<Action, std::string> off;
    const IncidentState& s = state();
    auto refuse = [&](Action a, std::optional<std::string> why) {
        if (why && !off.count(a)) off[a] = *why;
    };
    refuse(Action::comms, refusal(k::comms_sent, nullptr));
    refuse(Action::note, refusal(k::note, selected_step(), {{"text", "?"}}));
    refuse(Action::resolve, refusal(k::incident_resolved, nullptr, {{"summary", "?"}, {"cleanup_reason", "?"}}));
    // Who takes which role is typed in the dialog; any other person taking this console's role asks the same rules.
    refuse(Action::handover, refusal(k::role_assigned, nullptr, {{"role", who_.role}, {"person", "?"}}));
    refuse(Action::fault, refusal(k::fault_injected, nullptr, {{"description", "?"}}));
    const Step* step = selected_step();
    if (!step) {
        for (Action a : {Action::act, Action::run_action, Action::approve, Action::skip, Action::fail, Action::unstart, Action::override_gate, Action::details})
            off[a] = "no step selected";
    } else {
        const StepState& st = s.step(step->id);
        auto gate = gates.find(step->id);
        bool passes = gate != gates.end() && gate->second.outcome == GateOutcome::pass;
        bool gate_holds = !step->gate || s.gate_overrides.count(step->id) || passes;
        std::string gate_why = "gate: " + (gate != gates.end() ? gate->second.reason : std::string("not evaluated"));
        if (st.status == StepStatus::pending) {
            refuse(Action::act, refusal(k::step_started, step));
            refuse(Action::run_action, refusal(k::step_started, step));
            if (!step->approve.empty())
                refuse(Action::run_action, fmt::format("{} needs the approval of {} (another person) first: Enter asks for it", step->id, step->approve));
        } else {
            // The values it records are asked for in the dialog: the rules see them as given.
            nlohmann::json values = nlohmann::json::object();
            for (const auto& name : step->requires_values) values[name] = "?";
            refuse(Action::act, refusal(k::step_completed, step, values.empty() ? nlohmann::json::object() : nlohmann::json{{"values", values}}));
            // A step that waits for its condition first: a starts the wait, then the action.
            refuse(Action::run_action, must_wait(*step) ? refusal(k::wait_started, step) : refusal(k::action_started, step));
            if (!gate_holds) refuse(Action::act, gate_why);
        }
        if (!step->action) refuse(Action::run_action, fmt::format("{} has no action to run", step->id));
        if (!gate_holds) refuse(Action::run_action, gate_why);
        refuse(Action::approve, refusal(k::step_approved, step));
        refuse(Action::skip, refusal(k::step_skipped, step, {{"reason", "?"}}));
        refuse(Action::unstart, refusal(k::step_unstarted, step));
        refuse(Action::fail, refusal(k::step_failed, step, {{"reason", "?"}}));
        // g goes now without waiting (forced), past a failing gate, or past the preflight that refused the step's last run.
        if (forcible(*step)) {
            refuse(Action::override_gate, refusal(k::wait_ended, step, {{"outcome", "forced"}, {"reason", "?"}}));
        } else if (overridable_step_ == step->id && step->action && (!step->gate || s.gate_overrides.count(step->id))) {
            refuse(Action::override_gate, refusal(k::preflight_checked, step, {{"overridden", "?"}}));
        } else if (step->wait && !step->gate) {
            // Its g is "go now", which needs a wait to cut short.
            refuse(Action::override_gate, fmt::format("g goes now once {} waits for {} (it waits when its action runs)", step->id, step->wait_text));
        } else {
            refuse(Action::override_gate, refusal(k::gate_overridden, step, {{"reason", "?"}}));
            if (s.gate_overrides.count(step->id)) refuse(Action::override_gate, "its gate is already overridden");
            else if (passes && overridable_step_ != step->id) refuse(Action::override_gate, "its gate passes");
        }
    }
    if (running_) {
        off[Action::quit] = fmt::format("the action of {} is running: wait, or cancel it with a", running_->step());
        off.erase(Action::run_action);  // a cancels it
    }
    if (waiting_) {
        off[Action::quit] = fmt::format("waiting for {} before the action of {}: a stops waiting first", waiting_->step().wait_text, waiting_->step().id);
        if (step && step->id == waiting_->step().id) off.erase(Action::run_action);  // a stops waiting
    }
    return off;
}

// With a key, a checkpoint once enough events have gone unsigned. What was recorded stays so:
// a signature that fails is said beside it.
void ConsoleApp::sign_if_due() {
    if (!signing_key_) return;
    try {
        if (auto c = incident_.sign_if_due(*signing_key_, who_)) {
            events_ = journal_.events(incident_.id());
            message_ += fmt::format("; checkpoint #{} signed", c->seq);
        }
    } catch (const std::exception& e) {
        message_ += fmt::format("; the checkpoint that was due is NOT signed: {}", e.what());
        message_is_error_ = true;
    }
}

ConsoleApp::Outcome ConsoleApp::record(const std::function<Event()>& command, const std::string& step) {
    Outcome outcome = Outcome::recorded;
    try {
        Event e = command();
        // submit() also folded in what other writers recorded just before: reload the timeline.
        events_ = journal_.events(incident_.id());
        not_recorded_.clear();
        not_recorded_step_.clear();
        message_ = "recorded: " + describe(e);
        message_is_error_ = false;
        sign_if_due();
    } catch (const NeedsOverride& e) {
        message_ = fmt::format("refused: {}{}", e.what(), who_.role == "ic" ? " (g: go ahead anyway, with a reason)" : " (the IC may override)");
        message_is_error_ = true;
        outcome = Outcome::needs_override;
    } catch (const RuleViolation& e) {
        message_ = std::string("refused: ") + e.what();
        message_is_error_ = true;
        outcome = Outcome::refused;
    } catch (const InputError& e) {
        message_ = std::string("refused: ") + e.what();
        message_is_error_ = true;
        outcome = Outcome::refused;
    } catch (const JournalError& e) {
        not_recorded_ = e.what();
        not_recorded_step_ = step;
        message_ = "NOT RECORDED: press the same key to retry";
        message_is_error_ = true;
        outcome = Outcome::not_recorded;
    }
    // A refused workflow may have recorded before it refused (a failed preflight): reload.
    if (outcome != Outcome::recorded) {
        try {
            events_ = journal_.events(incident_.id());
        } catch (const JournalError&) {
        }
    }
    ensure_selection();
    return outcome;
}

void ConsoleApp::handle(const Key& key) {
    if (key.code == Key::Code::resize) return;
    if (dialog_.kind != Dialog::Kind::none) {
        dialog_key(key);
        return;
    }
    if (typing_guard_) {
        if (key.code == Key::Code::enter || key.code == Key::Code::esc) {
            typing_guard_ = false;
            message_ = "typed text ignored: nothing recorded";
            message_is_error_ = false;
        }
        return;
    }
    if (help_ && !(key == Key::of(U'?') || key == Key::of(U'q'))) {
        help_ = false;  // any key closes the overlay
        return;
    }
    if (details_ && !(key == Key::of(U'i') || key == Key::of(U'q'))) {
        details_ = false;  // any key closes the step's details
        return;
    }
    if (key.code == Key::Code::esc) {
        search_.clear();
        message_.clear();
        return;
    }
    auto action = action_for(key);
    message_.clear();
    if (!action) {
        // A letter that is no command here means someone is typing in the wrong place: the rest
        // of what they type is text, and Enter ends it without starting anything.
        if (key.code == Key::Code::ch && key.ch > 0x20 && key.ch != 0x7F) {
            typing_guard_ = true;
            message_ = "that key does nothing here; ignoring typed keys until Enter or Esc";
            message_is_error_ = true;
        }
        return;
    }
    auto off = disabled_actions(gate_results());
    if (auto why = off.find(*action); why != off.end()) {
        message_ = fmt::format("{}: {}", binding(*action).name, why->second);
        message_is_error_ = true;
        return;
    }
    act(*action);
    if (dialog_.kind != Dialog::Kind::none) {
        dialog_key_us_ = key.read_us;
        dialog_fresh_ = true;
    }
}

void ConsoleApp::move(int delta) {
    if (focus_ == Pane::timeline) {
        timeline_back_ = std::max(0, timeline_back_ - delta);
        return;
    }
    if (focus_ == Pane::lag) {
        std::size_t n = store_ ? store_->snapshot(steady_now_us()).size() : 0;
        if (n) lag_selected_ = (lag_selected_ + n + (delta > 0 ? 1 : n - 1)) % n;
        return;
    }
    auto ids = phase_steps();
    auto it = std::find(ids.begin(), ids.end(), selected_);
    long pos = it == ids.end() ? 0 : it - ids.begin();
    long next = pos + delta;
    const auto& phases = state().runbook->phases;
    std::size_t was = phase_;
    // Crossing into the next (or previous) phase skips phases without steps, and says so.
    if (next < 0) {
        for (std::size_t p = phase_; p-- > 0;)
            if (auto shown = shown_steps(p); !shown.empty()) {
                phase_ = p;
                selected_ = shown.back()->id;
                break;
            }
    } else if (next >= static_cast<long>(ids.size())) {
        for (std::size_t p = phase_ + 1; p < phases.size(); ++p)
            if (auto shown = shown_steps(p); !shown.empty()) {
                phase_ = p;
                selected_ = shown.front()->id;
                break;
            }
    } else {
        selected_ = ids[static_cast<std::size_t>(next)];
    }
    if (phase_ != was) {
        message_ = fmt::format("phase {}/{}: {}", phase_ + 1, phases.size(), phases[phase_].name);
        message_is_error_ = false;
    }
}

void ConsoleApp::act(Action action) {
    const Step* step = selected_step();
    const IncidentState& s = state();
    switch (action) {
        case Action::move_up: move(-1); break;
        case Action::move_down: move(+1); break;
        case Action::prev_phase:
        case Action::next_phase: {
            std::size_t n = s.runbook->phases.size();
            phase_ = action == Action::next_phase ? std::min(phase_ + 1, n - 1) : (phase_ == 0 ? 0 : phase_ - 1);
            selected_.clear();
            ensure_selection();
            break;
        }
        case Action::next_pane:
            focus_ = focus_ == Pane::checklist ? Pane::lag : focus_ == Pane::lag ? Pane::timeline : Pane::checklist;
            break;
        case Action::act:
            if (s.step(step->id).status == StepStatus::pending) {
                record([&] { return incident_.start_step(step->id, step_actor(*step)); }, step->id);
            } else {
                begin_completion(*step);
            }
            break;
        case Action::approve:
            open_text(action, "Approve " + step->id,
                      fmt::format("You approve as {} {}; it was asked by {}. Comment (optional):", safe_text(who_.role), safe_text(who_.person),
                                  safe_text(s.step(step->id).started_by ? s.step(step->id).started_by->person : "?")),
                      step->id);
            break;
        case Action::run_action:
            if (waiting_ && waiting_->step().id == step->id) {
                open_confirm(action, "Stop waiting for " + step->id, fmt::format("Stop waiting for {}? The action does not run. (y/n)", step->wait_text),
                             step->id);
            } else if (running_) {
                open_confirm(action, "Cancel the running action of " + running_->step(), "Kill it and its child processes?", running_->step());
            } else if (promotes_standby(*step)) {
                // A promotion cannot be undone: y is not enough, the step's id is typed.
                // The runbook's own question leads when it has one.
                std::string question = question_of(*step, "This promotes a standby; it cannot be undone.");
                open_text(action, "Run the action of " + step->id,
                          fmt::format("{} The preflight runs first. Type {} to run it:", question, step->id), step->id);
            } else {
                // An action cannot be undone: it asks first, and nothing is recorded before y. The
                // question shows what will run (its first line), not only its kind.
                std::string question = question_of(*step, "Run it now?");
                std::string body = std::string(trim(std::string_view(step->action->body).substr(0, step->action->body.find('\n'))));
                if (body.size() > 60) body = body.substr(0, 57) + "...";
                open_confirm(action, "Run the action of " + step->id,
                             fmt::format("{} ({}{}: {}) (y/n)", question, to_string(step->action->kind),
                                         step->action->target.empty() ? std::string() : " on " + step->action->target, safe_text(body)),
                             step->id);
            }
            break;
        case Action::skip: open_text(action, "Skip " + step->id, "Reason:", step->id); break;
        case Action::unstart:
            open_confirm(action, "Put back " + step->id, fmt::format("Put {} back to not started? Nothing else changes. (y/n)", step->id), step->id);
            break;
        case Action::details: details_ = !details_; break;
        case Action::fail: open_text(action, "Fail " + step->id, "Reason:", step->id); break;
        case Action::note: open_text(action, step ? "Note on " + step->id : "Note", "Note:", step ? step->id : ""); break;
        case Action::comms: open_text(action, "Comms update sent", "Summary (optional):"); break;
        case Action::handover: open_text(action, "Hand over a role", "ROLE PERSON:"); break;
        case Action::fault: open_text(action, "Inject the fault (T0)", "What was broken:"); break;
        case Action::override_gate:
            if (forcible(*step))
                open_text(action, "Force " + step->id + " now",
                          fmt::format("Go now without waiting for {}, accepting the loss. Reason:", step->wait_text), step->id);
            else if (overridable_step_ == step->id && step->action) open_text(action, "Run " + step->id + " anyway", "Reason:", step->id);
            else open_text(action, "Override the gate of " + step->id, "Reason:", step->id);
            break;
        case Action::search: open_text(action, "Search the timeline", "Text:"); break;
        case Action::resolve: open_text(action, "Resolve the incident", "Summary:"); break;
        case Action::help: help_ = !help_; break;
        case Action::quit: quit_ = true; break;
    }
}

View ConsoleApp::view() const {
    View v;
    v.state = &incident_.state();
    v.events = &events_;
    v.now_us = clock_->wall_us();
    v.phase = phase_;
    v.selected = selected_;
    v.focus = focus_;
    v.lag_selected = lag_selected_;
    v.timeline_back = timeline_back_;
    v.search = search_;
    v.not_recorded = not_recorded_;
    v.not_recorded_step = not_recorded_step_;
    v.message = message_;
    v.message_is_error = message_is_error_;
    v.dialog = dialog_;
    v.help = help_;
    v.details = details_;
    v.who = who_;
    v.gates = gate_results();
    for (auto& d : step_deadlines(state())) v.deadlines[d.step] = d;
    v.disabled = disabled_actions(v.gates);
    v.has_probes = store_ != nullptr;
    if (recorder_status_) v.recorder = recorder_status_();
    if (waiting_ && wait_reading_) {
        v.waiting_step = waiting_->step().id;
        v.waiting_text = waiting_->describe(*wait_reading_);
    }
    // Waits other consoles run: the IC decides whether to force one, so sees it too.
    for (const auto& phase : state().runbook->phases)
        for (const auto& step : phase.steps)
            if (std::string text = waiting_elsewhere(step); !text.empty()) v.waiting_elsewhere[step.id] = text;
    if (running_) {
        v.running_step = running_->step();
        v.running_us = steady_now_us() - running_->started_mono;
    }
    v.overridable = overridable_step_;
    if (guide_) v.guide = guide_for(v);
    if (store_) {
        auto rpo = rpo_by_target(*state().runbook);
        for (const auto& [id, tv] : store_->snapshot(steady_now_us())) {
            TargetPanel p;
            p.id = id;
            p.view = tv;
            // A target that carries lag always shows its lag, unknown included; others their first figure.
            const Target* target = env_ ? env_->find(id) : nullptr;
            bool carries_lag = target && ((target->type == TargetType::postgres && target->pg_role == "standby") ||
                                          target->type == TargetType::kafka_mirror);
            for (const char* metric : {"lag_s", "heartbeat_lag_s", "lag_messages", "up"})
                if (tv.last.value(metric)) {
                    p.metric = metric;
                    break;
                }
            if (carries_lag && tv.last.value("promoted").value_or(0) == 0 && !tv.last.value("heartbeat_lag_s")) p.metric = "lag_s";
            // An http-json target shows what it was set up to read: a primary/DR comparison first.
            if (target && target->type == TargetType::http_json && !target->json_metrics.empty()) {
                p.metric = target->json_metrics.begin()->first;
                for (const auto& [name, m] : target->json_metrics)
                    if (m.pair()) {
                        p.metric = name;
                        break;
                    }
            }
            if (p.metric.empty()) p.metric = "up";
            p.value = tv.last.value(p.metric);
            p.method = tv.last.method(p.metric);
            if (auto o = rpo.find(id); o != rpo.end()) {
                p.rpo = o->second;
                for (const auto& phase : state().runbook->phases)
                    for (const auto& step : phase.steps)
                        if (step.rpo_target == id && !step.restores.empty() && p.component.empty()) p.component = step.restores.front();
                if (p.value && (p.metric == "lag_s" || p.metric == "heartbeat_lag_s")) p.level = level_for(*p.value, o->second);
            }
            for (const auto& h : store_->history(id, p.metric))
                if (h.present) p.history.push_back(h.value);  // unknown is left out, never drawn as 0
            v.panels.push_back(std::move(p));
        }
    }
    return v;
}

void ConsoleApp::render(Canvas& canvas) const { render_screen(view(), canvas); }

}  // namespace drconsole::tui
