// What a newcomer should press next, in the order a drill goes: answer the open dialog, wait for
// a running action, get past a gate, run the step's action or mark it done, resolve, quit.
#include "tui/guide.h"

#include <fmt/format.h>

#include "drconsole/preflight.h"

namespace drconsole::tui {

namespace {

// The hint for the selected open step.
std::string step_hint(const View& v, const IncidentState& s, const Step& step) {
    const StepState& st = s.step(step.id);
    if (!st.open()) return "This step is ended: Down or Right finds the next open one.";
    auto gate = v.gates.find(step.id);
    GateOutcome outcome = gate == v.gates.end() ? GateOutcome::unknown : gate->second.outcome;
    if (step.gate && !s.gate_overrides.count(step.id) && outcome != GateOutcome::pass) {
        if (outcome == GateOutcome::unknown)
            return fmt::format("Its gate ({}) cannot be read now (a target does not answer): g goes past it with a reason (the IC only).",
                               step.gate_text);
        return fmt::format("Its gate ({}) does not hold: wait if it may (a 'for' needs that long in a row), or g goes past it with a "
                           "reason (the IC only).",
                           step.gate_text);
    }
    if (v.waiting_step == step.id)
        return fmt::format("Waiting for {} (graceful): the action runs when it holds. g goes now without waiting (the IC, with a reason: "
                           "the loss is accepted); a stops waiting.", step.wait_text);
    if (!step.approve.empty() && !st.approved_us) {
        if (st.status == StepStatus::pending)
            return fmt::format("This step needs the approval of {} (another person): Enter asks for it.", step.approve);
        return fmt::format("It waits for the approval of {}: another person holding that role presses p at their console (or runs "
                           "drconsole approve {} --as {}:NAME).", step.approve, step.id, step.approve);
    }
    if (v.overridable == step.id)
        return "Its last run was refused by the preflight (the line below says why): g goes past it with a reason (the IC only), then a runs it.";
    if (step.fault && !s.fault_us)
        return "This step is the drill's fault: a runs it on the lab (y goes ahead) and T0 starts when it returns. Watch the live readings after.";
    if (step.action && step.wait && st.wait_outcome != "held" && st.wait_outcome != "forced")
        return fmt::format("a waits until {} holds (graceful), then runs the action{}; g goes now without waiting (the IC, with a reason).",
                           step.wait_text, promotes_standby(step) ? fmt::format(" (type {} to confirm first)", step.id) : "");
    if (step.action && st.action_ok.value_or(false) && !step.requires_values.empty())
        return "The action succeeded: Enter records the values this step asks for and completes it.";
    if (step.action && promotes_standby(step))
        return fmt::format("a promotes the standby for real: type {} to confirm. The measured RPO comes from what the console read before.", step.id);
    if (step.action) return "a runs this step's action on the lab (y goes ahead); the step is done when it succeeds. (Enter marks it done by hand.)";
    if (st.status == StepStatus::started) return "Enter marks this step done (s skips it with a reason).";
    return "Enter starts this step, Enter again marks it done (s skips it with a reason; ? shows every key).";
}

bool has_fault_step(const Runbook& rb) {
    for (const auto& phase : rb.phases)
        for (const auto& step : phase.steps)
            if (step.fault) return true;
    return false;
}

}  // namespace

std::string guide_for(const View& v) {
    const IncidentState& s = *v.state;
    if (v.dialog.kind == Dialog::Kind::confirm) return "Answer the question: y goes ahead, n or Esc cancels.";
    if (v.dialog.kind != Dialog::Kind::none) return "Type your answer, then Enter (Esc cancels).";
    if (s.resolved()) return "The incident is resolved. q quits (the demo then shows the measured RPO next to the lab's truth).";
    if (!v.running_step.empty()) return fmt::format("The action of {} is running: watch the timeline and the live readings (a cancels it).", v.running_step);
    bool open_left = false;
    for (const auto& phase : s.runbook->phases)
        for (const auto& step : phase.steps)
            if (s.step(step.id).open()) open_left = true;
    if (!open_left) return "Every step is ended: r resolves the drill (a one-line summary, then type the word resolve).";
    const Step* step = s.runbook->find_step(v.selected);
    std::string hint = step ? step_hint(v, s, *step) : "Up and Down select a step; Left and Right show the other phases.";
    // A drill whose fault is injected by hand: its moment is T0, so it is recorded as it happens.
    if (s.mode == "drill" && !s.fault_us && !has_fault_step(*s.runbook)) hint += " When you inject the fault, press x at once: T0 is then.";
    return hint;
}

}  // namespace drconsole::tui
