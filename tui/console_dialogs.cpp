// The console's dialogs: what they ask, how a refusal keeps them open, and what y records.
#include <fstream>

#include <fmt/format.h>

#include "drconsole/preflight.h"
#include "drconsole/report.h"
#include "drconsole/step_run.h"
#include "drconsole/text.h"
#include "tui/console.h"
#include "tui/running_action.h"
#include "drconsole/safe_json.h"

namespace drconsole::tui {

void ConsoleApp::open_text(Action purpose, std::string title, std::string prompt, std::string step) {
    dialog_ = {Dialog::Kind::text, purpose, std::move(title), std::move(prompt), "", std::move(step), clock_->wall_us(), "", ""};
}

void ConsoleApp::open_confirm(Action purpose, std::string title, std::string prompt, std::string step) {
    dialog_ = {Dialog::Kind::confirm, purpose, std::move(title), std::move(prompt), "", std::move(step), clock_->wall_us(), "", ""};
}

void ConsoleApp::dialog_key(const Key& key) {
    bool fresh = std::exchange(dialog_fresh_, false);
    if (fresh && key.read_us && dialog_key_us_ && key.read_us - dialog_key_us_ < kTypingBurstUs && key.code != Key::Code::esc) {
        std::string title = dialog_.title;
        dialog_ = {};
        typing_guard_ = key.code != Key::Code::enter;
        message_ = fmt::format("\"{}\" closed: typed too fast to be meant for it; nothing recorded{}", safe_text(title),
                               typing_guard_ ? " (keys ignored until Enter)" : "");
        message_is_error_ = true;
        return;
    }
    if (key.code == Key::Code::esc) {
        dialog_ = {};
        confirm_hold_until_us_ = 0;
        message_ = "cancelled: nothing recorded";
        message_is_error_ = false;
        return;
    }
    if (dialog_.kind == Dialog::Kind::confirm) {
        if (std::exchange(confirm_hold_until_us_, 0) != 0) {
            // A key hard on the heels of the y: Enter finishes "y⏎"; anything else made the y
            // the start of a word, and nothing is recorded.
            if (key.code == Key::Code::enter) {
                submit_dialog();
                return;
            }
            dialog_ = {};
            typing_guard_ = key.code == Key::Code::ch;
            message_ = fmt::format("not confirmed: the y was followed at once by more typing; nothing recorded{}",
                                   typing_guard_ ? "; ignoring typed keys until Enter or Esc" : "");
            message_is_error_ = true;
            return;
        }
        if (key == Key::of(U'y') || key == Key::of(U'Y')) {
            if (!key.read_us) {
                submit_dialog();
                return;
            }
            confirm_hold_until_us_ = key.read_us + kConfirmHoldUs;
            dialog_.error = "y: recording…";
        } else if (key == Key::of(U'n') || key == Key::of(U'N')) {
            dialog_ = {};
            message_ = "not confirmed: nothing recorded";
            message_is_error_ = false;
        } else if (key.code == Key::Code::enter) {
            // Enter neither confirms nor throws the typed text away.
            dialog_.error = "y records it; n or Esc cancels";
        } else if (key.code == Key::Code::ch) {
            // Not an answer: someone is typing into the wrong place. What follows is text, not
            // commands ("away" would otherwise open the run dialog again and answer y).
            dialog_ = {};
            typing_guard_ = true;
            message_ = "not confirmed: that was not y or n; ignoring typed keys until Enter or Esc";
            message_is_error_ = true;
        }
        return;
    }
    if (key.code == Key::Code::enter) {
        submit_dialog();
        return;
    }
    dialog_.error.clear();  // the reason of a refusal goes once the text is being changed
    if (key == Key::of(U'\x15')) {
        dialog_.input.clear();  // Ctrl-U: start the line again
    } else if (key.code == Key::Code::backspace) {
        while (!dialog_.input.empty() && (static_cast<unsigned char>(dialog_.input.back()) & 0xC0) == 0x80) dialog_.input.pop_back();
        if (!dialog_.input.empty()) dialog_.input.pop_back();
    } else if (key.code == Key::Code::ch && key.ch >= 0x20 && key.ch != 0x7F && dialog_.input.size() < 1000) {
        append_utf8(dialog_.input, key.ch);
    }
}

std::optional<ConsoleApp::Twice> ConsoleApp::asks_twice(Action purpose, const Step* step, const std::string& text) const {
    namespace k = event_kind;
    auto twice = [&](std::string_view kind, const Actor& actor, nlohmann::json payload, std::string question) {
        return Twice{EventDraft{std::string(kind), actor, step ? step->id : "", std::move(payload)}, std::move(question)};
    };
    switch (purpose) {
        case Action::skip:
            if (!step) return std::nullopt;
            return twice(k::step_skipped, step_actor(*step), {{"reason", text}}, fmt::format("Skip {} because \"{}\"?", step->id, text));
        case Action::fail:
            if (!step) return std::nullopt;
            return twice(k::step_failed, step_actor(*step), {{"reason", text}}, fmt::format("Mark {} failed: \"{}\"?", step->id, text));
        case Action::approve:
            if (!step) return std::nullopt;
            return twice(k::step_approved, who_, text.empty() ? nlohmann::json::object() : nlohmann::json{{"comment", text}},
                         fmt::format("Approve {} as {} {}{}?", step->id, who_.role, who_.person, text.empty() ? "" : ": \"" + text + "\""));
        case Action::override_gate:
            if (!step) return std::nullopt;
            if (forcible(*step))
                return twice(k::wait_ended, who_, {{"outcome", "forced"}, {"reason", text}},
                             fmt::format("Go now without waiting for {}, accepting the loss: \"{}\"?", step->wait_text, text));
            if (overridable_step_ == step->id && step->action) {
                bool gate_open = step->gate && !state().gate_overrides.count(step->id);
                auto kind = gate_open ? k::gate_overridden : k::preflight_checked;
                return twice(kind, who_, {{gate_open ? "reason" : "overridden", text}},
                             fmt::format("Run {} anyway, recorded as overridden: \"{}\"?", step->id, text));
            }
            return twice(k::gate_overridden, who_, {{"reason", text}}, fmt::format("Override the gate of {}: \"{}\"?", step->id, text));
        case Action::fault:
            return twice(k::fault_injected, who_, {{"description", text}}, "Record the fault now? T0 is when x was pressed.");
        case Action::note:
            // A note cannot be taken back either, and "nothing works" typed at the main screen
            // would otherwise be recorded as the note "othing works" on Enter.
            return twice(k::note, who_, {{"text", text}},
                         step ? fmt::format("Record the note on {}: \"{}\"?", step->id, text) : fmt::format("Record the note \"{}\"?", text));
        case Action::comms:
            return twice(k::comms_sent, who_, {{"summary", text}},
                         text.empty() ? std::string("Record that an update was sent? The comms clock restarts.")
                                      : fmt::format("Record that \"{}\" was sent? The comms clock restarts.", text));
        case Action::handover: {
            std::size_t sp = text.find(' ');
            if (sp == std::string::npos) return std::nullopt;  // the handler says how to write it
            std::string role = text.substr(0, sp), person(trim(std::string_view(text).substr(sp + 1)));
            auto held = state().roster.find(role);
            if (held == state().roster.end())
                return twice(k::role_assigned, who_, {{"role", role}, {"person", person}}, fmt::format("Make {} the {}?", person, role));
            return twice(k::role_handed_over, who_, {{"role", role}, {"from", held->second}, {"to", person}},
                         fmt::format("Hand {} over from {} to {}? From now on {} acts as {}.", role, held->second, person, person, role));
        }
        default: return std::nullopt;
    }
}

void ConsoleApp::submit_dialog() {
    Dialog d = dialog_;
    dialog_ = {};
    // A resolve dialog once the incident is resolved can only be the offer to write the report.
    if (d.purpose == Action::resolve && state().resolved()) {
        write_report();
        return;
    }
    std::string text(trim(d.input));
    const Step* step = state().runbook->find_step(d.step);
    // A text dialog whose command is refused stays open with its text and the reason, so
    // that nothing typed for it falls through to the main screen as commands.
    auto keep_open_if_refused = [&](Outcome outcome) {
        if (outcome != Outcome::refused || d.kind != Dialog::Kind::text) return;
        dialog_ = d;
        dialog_.error = message_;
    };
    // The person acted when they pressed the key, not when they finished typing.
    std::optional<ActedAt> at = ActedAt{d.opened_us, false};
    // What cannot be undone asks once more: the text, then y; Enter alone never records it.
    // The rules answer first, so that a refusal keeps the dialog open with its reason.
    if (auto twice = asks_twice(d.purpose, step, text); twice && d.kind == Dialog::Kind::text) {
        if (auto refusal = incident_.why_not(twice->draft)) {
            dialog_ = d;
            dialog_.error = "refused: " + *refusal;
            return;
        }
        open_confirm(d.purpose, d.title, twice->question + " (y/n)", d.step);
        dialog_.opened_us = d.opened_us;
        dialog_.pending = text;
        return;
    }
    if (d.kind == Dialog::Kind::confirm && asks_twice(d.purpose, step, d.pending)) text = d.pending;
    switch (d.purpose) {
        case Action::act:
            if (!step) break;
            if (d.kind == Dialog::Kind::text) take_value(d, text);  // one of the values the step records
            else complete_now(*step);
            break;
        case Action::approve:
            if (step) keep_open_if_refused(record([&] { return incident_.approve_step(step->id, text, who_); }, d.step));
            break;
        case Action::run_action:
            if (running_) {
                running_->cancel = true;
                message_ = "cancelling the action of " + running_->step() + "…";
                message_is_error_ = false;
            } else if (waiting_ && d.step == waiting_->step().id) {
                end_wait("cancelled");
            } else if (step) {
                if (d.kind == Dialog::Kind::text && text != step->id) {
                    dialog_ = d;
                    dialog_.input.clear();
                    dialog_.error = fmt::format("type {} exactly to run it (Esc cancels)", step->id);
                    return;
                }
                if (must_wait(*step)) begin_wait(*step);  // graceful: the action runs once its condition holds
                else start_action(*step);
            }
            break;
        case Action::skip:
        case Action::fail: {
            Outcome o = record([&] {
                return d.purpose == Action::skip ? incident_.skip_step(step->id, text, step_actor(*step), at)
                                                 : incident_.fail_step(step->id, text, step_actor(*step), at);
            }, d.step);
            keep_open_if_refused(o);
            // After a failure the cursor stays: what was decided about it is the next note.
            if (o == Outcome::recorded && d.purpose == Action::skip) select_next_open();
            if (o == Outcome::recorded && d.purpose == Action::fail) message_ += "; n notes what was decided (the report asks for it)";
            break;
        }
        case Action::unstart: record([&] { return incident_.unstart_step(step->id, "", step_actor(*step)); }, d.step); break;
        case Action::note: keep_open_if_refused(record([&] { return incident_.add_note(text, d.step, who_, at); })); break;
        case Action::comms: keep_open_if_refused(record([&] { return incident_.comms_sent(text, who_, at); })); break;
        case Action::fault: keep_open_if_refused(record([&] { return incident_.inject_fault(text, who_, at); })); break;
        case Action::resolve:
            if (d.pending.empty()) {
                // Enter alone never resolves: a summary, then the word resolve typed out.
                if (text.empty()) {
                    dialog_ = d;
                    dialog_.error = "a summary is required: how did it end?";
                    return;
                }
                if (auto refusal = incident_.why_not({std::string(event_kind::incident_resolved), who_, "", {{"summary", text}, {"cleanup_reason", "?"}}})) {
                    dialog_ = d;
                    dialog_.error = "refused: " + *refusal;
                    return;
                }
                // A cleanup step that failed or was skipped: the IC says why it may end anyway.
                resolve_cleanup_reason_.clear();
                if (std::string incomplete = cleanup_incomplete(); !incomplete.empty()) {
                    open_text(Action::resolve, "Resolve: cleanup did not complete",
                              fmt::format("Cleanup did not complete ({}). Your reason to resolve anyway:", incomplete));
                    dialog_.opened_us = d.opened_us;
                    dialog_.pending = text;
                    return;
                }
                // Steps still open are said before the end, not found afterwards in the report.
                int open = 0;
                for (const auto& phase : state().runbook->phases)
                    for (const auto& st : phase.steps) open += state().step(st.id).open();
                // The word to type first: a long summary must not push it out of the dialog.
                open_text(Action::resolve, "Resolve the incident",
                          fmt::format("Type resolve to end the incident now{}; then only notes, corrections, reopen. Summary: \"{}\"",
                                      open ? fmt::format(" ({} step{} still open)", open, open == 1 ? " is" : "s are") : "", text));
                dialog_.opened_us = d.opened_us;
                dialog_.pending = text;
                return;
            }
            if (d.title == "Resolve: cleanup did not complete") {
                if (text.empty()) {
                    dialog_ = d;
                    dialog_.error = "a reason is required: why may the incident end with its cleanup incomplete?";
                    return;
                }
                resolve_cleanup_reason_ = text;
                open_text(Action::resolve, "Resolve the incident",
                          fmt::format("Type resolve to end the incident now (cleanup incomplete: {}); then only notes, corrections, reopen. "
                                      "Summary: \"{}\"", text, d.pending));
                dialog_.opened_us = d.opened_us;
                dialog_.pending = d.pending;
                return;
            }
            if (text != "resolve") {
                dialog_ = d;
                dialog_.input.clear();
                dialog_.error = "type resolve exactly to end the incident (Esc cancels)";
                return;
            }
            keep_open_if_refused(record([&] { return incident_.resolve(d.pending, who_, at, resolve_cleanup_reason_); }));
            if (state().resolved() && signing_key_ && state().last_checkpoint_seq != state().last_seq)
                record([&] { return incident_.sign_checkpoint(*signing_key_, who_); });
            if (state().resolved())
                open_confirm(Action::resolve, "Write the report",
                             fmt::format("Resolved. Write incident-{}-report.md, .html and .json beside the journal? (y/n)", incident_.id()));
            break;
        case Action::handover: {
            std::size_t sp = text.find(' ');
            if (sp == std::string::npos) {
                dialog_ = d;
                dialog_.error = "write ROLE PERSON, e.g. db carol";
                return;
            }
            std::string role = text.substr(0, sp), person(trim(std::string_view(text).substr(sp + 1)));
            record([&] { return incident_.assign_role(role, person, who_); });
            break;
        }
        case Action::override_gate:
            if (!step) break;
            if (d.title.rfind("Force ", 0) == 0) {
                end_wait("forced", text);  // going now, the loss accepted: then the action
            } else if (overridable_step_ == step->id && step->action) {
                // Past the gate or preflight that refused the last run: run it again with the reason.
                start_action(*step, text);
            } else {
                GateResult gate = gate_results()[step->id];
                record([&] {
                    auto e = clear_gate(incident_, *step, who_, gate, text);
                    if (!e) throw RuleViolation(step->id + ": its gate passes now, so there is nothing to override");
                    return *e;
                }, d.step);
            }
            break;
        case Action::search:
            search_ = text;
            timeline_back_ = 0;
            break;
        default: break;
    }
}

void ConsoleApp::write_report() {
    if (report_job_.valid()) {
        message_ = "the report is still being written";
        message_is_error_ = false;
        return;
    }
    std::string base = fmt::format("incident-{}-report", incident_.id());
    // A long incident's report takes seconds: it is written on a worker, and the screen says so.
    report_job_ = std::async(std::launch::async, [db = journal_.path(), id = incident_.id(), base, wake = wake_]() {
        std::pair<bool, std::string> out;
        try {
            Journal journal(db, nullptr, JournalAccess::read_only);  // its own connection: the console keeps reading through its own
            nlohmann::json report = build_report(journal, id);
            for (const auto& [ext, text] : {std::pair{".md", render_markdown(report)}, {".html", render_html(report)}, {".json", safe_json(report) + "\n"}}) {
                std::ofstream file(db.parent_path() / (base + ext), std::ios::binary);
                file << text;
                file.close();
                if (!file) throw JournalError(fmt::format("cannot write {}{}", base, ext));
            }
            out = {true, fmt::format("wrote {}.md, .html and .json beside the journal ('drconsole export' writes the evidence bundle)", base)};
        } catch (const std::exception& e) {
            out = {false, fmt::format("report NOT written: {}", e.what())};
        }
        if (wake) wake();
        return out;
    });
    message_ = fmt::format("writing {}.md, .html and .json beside the journal…", base);
    message_is_error_ = false;
}

bool ConsoleApp::report_written() {
    if (!report_job_.valid() || report_job_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    auto [ok, text] = report_job_.get();
    message_ = std::move(text);
    message_is_error_ = !ok;
    return true;
}

void ConsoleApp::settle() {
    if (report_job_.valid()) report_job_.wait();
    report_written();
}

}  // namespace drconsole::tui
