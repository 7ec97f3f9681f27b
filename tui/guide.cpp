// What a newcomer should press next, in the order a drill goes: answer the open dialog, wait for
// a running action, get past a gate, run the step's action or mark it done, resolve, quit.
#include "tui/guide.h"

#include <fmt/format.h>

#include "drconsole/preflight.h"

namespace drconsole::tui {

std::string guide_for(const View& v) {
    const IncidentState& s = *v.state;
    if (s.resolved()) return "The drill is resolved and its report written beside the journal. q quits: the demo then shows the measured RPO next to the lab's truth.";
    if (v.dialog.kind == Dialog::Kind::confirm) return "Answer the question: y records it, n or Esc cancels.";
    if (v.dialog.kind != Dialog::Kind::none) return "Type your answer, then Enter (Esc cancels).";
    if (!v.running_step.empty()) return fmt::format("The action of {} is running on the lab: watch the timeline and the live readings (a cancels it).", v.running_step);
    bool open_left = false;
    for (const auto& phase : s.runbook->phases)
        for (const auto& step : phase.steps)
            if (s.step(step.id).open()) open_left = true;
    if (!open_left) return "Every step is ended: r resolves the drill (a one-line summary, then type the word resolve).";
    const Step* step = s.runbook->find_step(v.selected);
    if (!step) return "Up and Down select a step; Left and Right show the other phases.";
    const StepState& st = s.step(step->id);
    if (!st.open()) return "This step is ended: Down or Right finds the next open one.";
    auto gate = v.gates.find(step->id);
    bool gate_holds = !step->gate || s.gate_overrides.count(step->id) || (gate != v.gates.end() && gate->second.outcome == GateOutcome::pass);
    if (!gate_holds)
        return fmt::format("Its gate ({}) does not hold yet: wait for the live readings, or g goes past it with a reason (the IC only).", step->gate_text);
    if (step->fault && !s.fault_us)
        return "This step is the drill's fault: a runs it on the lab (y confirms) and T0 starts when it returns. Watch the live readings after.";
    if (step->action && promotes_standby(*step))
        return fmt::format("a promotes the standby for real: type {} to confirm. The measured RPO comes from what the console read before.", step->id);
    if (step->action) return "a runs this step's action on the lab (y confirms); the step is done when it succeeds. (Enter marks it done by hand.)";
    if (st.status == StepStatus::started) return "Enter marks this step done (s skips it with a reason).";
    return "Enter starts this step, Enter again marks it done (s skips it with a reason; ? shows every key).";
}

}  // namespace drconsole::tui
