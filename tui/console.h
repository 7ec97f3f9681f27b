// The console's controller: keys become commands on the incident; state becomes a View. No curses here.
#pragma once

#include <functional>
#include <future>
#include <memory>

#include "drconsole/environment.h"

#include "drconsole/clock.h"
#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "drconsole/step_wait.h"
#include "tui/canvas.h"
#include "tui/view.h"

namespace drconsole::tui {

class ConsoleApp {
public:
    // `who` is the person at this console and the role they act in; `store` may be null (no probes).
    ConsoleApp(Journal& journal, Incident incident, Actor who, std::shared_ptr<ReadingStore> store,
               std::shared_ptr<const Clock> clock, std::shared_ptr<const Environment> env = nullptr);
    ~ConsoleApp();

    // Where the header learns whether this console's readings are recorded (none: they are not).
    void on_recorder_status(std::function<RecorderStatus()> status) { recorder_status_ = std::move(status); }
    // Called from a worker when it has something for the UI (set by the event loop).
    void on_wake(std::function<void()> wake) { wake_ = std::move(wake); }
    // Records the result of a finished action, if one finished, and says when the report is
    // written; true when the screen changed.
    bool tick();
    // Waits for work in the background (the report being written) and shows its outcome.
    void settle();

    void handle(const Key& key);
    // Reads what other consoles and scripts recorded; true when something new arrived.
    bool poll_journal();
    void render(Canvas& canvas) const;
    bool quit_requested() const { return quit_; }
    // The first-time user's guide: a line saying what to press next (drconsole demo).
    void show_guide(bool on) { guide_ = on; }
    // With a key ($DRCONSOLE_SIGNING_KEY), resolving also signs a checkpoint.
    void sign_with(std::shared_ptr<const SigningKey> key) { signing_key_ = std::move(key); }
    bool dialog_open() const { return dialog_.kind != Dialog::Kind::none; }
    // A key that opens a dialog and the next key less than this apart are someone typing a
    // sentence into the main screen ("check the standby": c, then "heck…"), not a person who
    // has read the dialog: it closes, and nothing typed is recorded. No one reads a dialog and
    // starts answering it faster than this; typists type the next letter faster.
    static constexpr std::int64_t kTypingBurstUs = 250'000;
    // A y that answers a question is held this long before it records: a key within it means
    // the y began a word ("yes", typed into the wrong place) and nothing is recorded; Enter
    // records at once ("y⏎"). Key scripts (no read time) record at once.
    static constexpr std::int64_t kConfirmHoldUs = 700'000;
    bool confirm_held() const { return confirm_hold_until_us_ != 0; }
    const IncidentState& state() const { return incident_.state(); }
    // The journal file this console records in (a key script's <Exec … {journal}> names it).
    std::string journal_path() const { return journal_.path().string(); }
    View view() const;

private:
    void act(Action action);
    void dialog_key(const Key& key);
    void submit_dialog();
    // After resolve: the drill report (md, html, json) beside the journal.
    void write_report();
    void open_text(Action purpose, std::string title, std::string prompt, std::string step = {});
    void open_confirm(Action purpose, std::string title, std::string prompt, std::string step = {});
    // The commands that ask twice (skip, fail, override, fault): the event they would record,
    // checked by the rules before asking, and the question.
    struct Twice {
        EventDraft draft;
        std::string question;
    };
    std::optional<Twice> asks_twice(Action purpose, const Step* step, const std::string& text) const;
    // Runs one recording command; on success clears NOT RECORDED; on a journal failure shows it.
    // needs_override: a gate or preflight refused, and the IC may go past it with o and a reason.
    enum class Outcome { recorded, refused, needs_override, not_recorded };
    Outcome record(const std::function<Event()>& command, const std::string& step = {});
    void sign_if_due();
    std::map<Action, std::string> disabled_actions(const std::map<std::string, GateResult>& gates) const;
    std::map<std::string, GateResult> gate_results() const;
    std::vector<std::string> phase_steps() const;
    const Step* selected_step() const;
    Actor step_actor(const Step& step) const;
    void move(int delta);
    void ensure_selection();

    // The engine's StepRun: checked on a worker, begun and finished here (tui/console_actions.cpp).
    void start_action(const Step& step, const std::string& override_reason = {});
    void begin_action();
    // Completing a step (tui/console_controls.cpp): the values its requires= names, one dialog
    // each, then its confirm question, then its gate read again at that instant.
    void begin_completion(const Step& step);
    void ask_next_value(const Step& step);
    void after_values(const Step& step);
    void complete_now(const Step& step);
    // A text dialog of the completion: a value typed (one that is not stays in the dialog with why).
    void take_value(const Dialog& d, const std::string& text);
    // Approvals that did not come in time, recorded as timed out; true when any was.
    bool expire_approvals();
    // Graceful or forced (wait=…): waiting for the step's condition on live readings, then its
    // action; g forces it (the IC, with a reason); a stops waiting.
    void begin_wait(const Step& step);
    bool tick_wait();  // true when the screen changed
    void end_wait(const std::string& outcome, const std::string& reason = {});
    // A wait another console runs, read on this console's readings ("" when none).
    std::string waiting_elsewhere(const Step& step) const;
    // The step's action waits for its condition (not yet held or forced this run).
    bool must_wait(const Step& step) const;
    // g forces it now: started, waiting or not, its action not running, its gate not in the way.
    bool forcible(const Step& step) const;
    // The cleanup (always) steps that failed or were skipped: "a, b failed".
    std::string cleanup_incomplete() const;
    // Steps shown in phase `p`: those of this incident's mode.
    std::vector<const Step*> shown_steps(std::size_t p) const;
    // After a step is done: the next open step of the phase, else of the next phases.
    void select_next_open();
    // Why the rules would refuse `kind` on the selected step now; nothing when they would take it.
    std::optional<std::string> refusal(std::string_view kind, const Step* step, nlohmann::json payload = nlohmann::json::object()) const;

    bool guide_ = false;
    std::shared_ptr<const SigningKey> signing_key_;
    Journal& journal_;
    std::shared_ptr<const Environment> env_;
    std::function<void()> wake_;
    std::function<RecorderStatus()> recorder_status_;
    // The one running action: its worker thread, the cancel flag it watches, its result.
    struct Running;
    std::unique_ptr<Running> running_;
    // The report being written on a worker (its own journal connection): ok, and what to say.
    std::future<std::pair<bool, std::string>> report_job_;
    bool report_written();
    Incident incident_;
    Actor who_;
    std::shared_ptr<ReadingStore> store_;
    std::shared_ptr<const Clock> clock_;
    std::vector<Event> events_;
    std::size_t phase_ = 0;
    std::string selected_;
    Pane focus_ = Pane::checklist;
    std::size_t lag_selected_ = 0;
    int timeline_back_ = 0;
    std::string search_;
    std::string not_recorded_, not_recorded_step_;
    std::string overridable_step_;  // its last run was refused by a gate or preflight the IC may override
    std::string message_;
    bool message_is_error_ = false;
    Dialog dialog_;
    bool help_ = false;
    bool details_ = false;
    std::int64_t confirm_hold_until_us_ = 0;  // a y is held until then (steady clock); 0: none
    std::int64_t dialog_key_us_ = 0;  // when the key that opened the dialog was read (0: scripted)
    bool dialog_fresh_ = false;       // no key has reached the dialog yet
    bool typing_guard_ = false;  // a confirm got a non-answer key: typed keys are text, dropped until Enter/Esc
    bool quit_ = false;
    std::map<std::string, std::string> values_;  // typed so far for the step being completed
    std::string values_step_;
    std::string resolve_cleanup_reason_;  // the IC's reason to resolve with cleanup incomplete
    std::unique_ptr<StepWait> waiting_;     // the wait this console is running, if any
    std::optional<WaitReading> wait_reading_;
};

// The runbook's own question for a step (confirm="…"), else `fallback` (also for confirm=yes).
std::string question_of(const Step& step, std::string fallback);

// Renders a whole screen from a View (pure: no curses).
void render_screen(const View& view, Canvas& canvas);

}  // namespace drconsole::tui
