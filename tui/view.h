// Everything a repaint needs, gathered once: incident state, readings, gates, and the console's own state.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drconsole/deadlines.h"
#include "drconsole/gate_eval.h"
#include "drconsole/incident.h"
#include "drconsole/readings.h"
#include "drconsole/recorder.h"
#include "tui/keymap.h"

namespace drconsole::tui {

enum class Pane { checklist, lag, timeline };

struct Dialog {
    enum class Kind { none, text, confirm } kind = Kind::none;
    Action purpose = Action::help;
    std::string title;
    std::string prompt;
    std::string input;
    std::string step;
    std::int64_t opened_us = 0;  // when its key was pressed: the event is stamped with it, not with Enter
    std::string error;           // why the last Enter was refused: the dialog stays open with its text
    std::string pending;         // a confirm's text to record once confirmed (resolve's summary)
};

struct TargetPanel {
    std::string id;
    TargetView view;
    std::string metric;  // the figure shown: lag_s, heartbeat_lag_s, lag_messages or up
    std::optional<double> value;  // nullopt: unknown, shown as "?"
    std::string method;           // how the figure was obtained, when that varies
    std::optional<Millis> rpo;
    std::string component;  // the component whose RPO this target measures, if any
    std::optional<Level> level;
    std::vector<double> history;  // oldest first
};

struct View {
    const IncidentState* state = nullptr;
    const std::vector<Event>* events = nullptr;
    std::vector<TargetPanel> panels;
    bool has_probes = false;
    std::optional<RecorderStatus> recorder;   // whether this console's readings are recorded (none: not recording)
    std::map<std::string, GateResult> gates;  // by step id
    std::map<std::string, StepDeadline> deadlines;  // by step id: the steps with due= or budget=
    std::string waiting_step, waiting_text;         // the step waiting for its condition (graceful), and how it stands
    std::map<std::string, std::string> waiting_elsewhere;  // steps another console waits for, as read here
    std::int64_t now_us = 0;                  // wall clock
    std::size_t phase = 0;                    // index of the phase shown in the checklist
    std::string selected;                     // selected step id
    Pane focus = Pane::checklist;
    std::size_t lag_selected = 0;
    int timeline_back = 0;                    // events scrolled back from the newest
    std::string search;
    std::string not_recorded;                 // the last commit error, until a commit succeeds
    std::string not_recorded_step;
    std::string message;
    bool message_is_error = false;
    Dialog dialog;
    bool help = false;
    bool details = false;                     // the selected step whole, in a popup
    Actor who;
    std::map<Action, std::string> disabled;   // actions not available now, and why
    std::string running_step;                 // the step whose action is running, if any
    std::int64_t running_us = 0;              // for how long
    std::string overridable;                  // the step whose last run a failed preflight refused (g goes past it)
    std::string guide;                        // the first-time user's next step (drconsole demo); empty: no guide
};

}  // namespace drconsole::tui
