// RTO per component and for the service, phase durations, the success criteria and deviations.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/deadlines.h"
#include "drconsole/measure.h"

namespace drconsole {
namespace {

// Whether the incident recorded any sample at all (the input may hold only the RPO targets').
bool recorded(const MeasureInput& in) { return in.samples_recorded >= 0 ? in.samples_recorded > 0 : !in.samples->empty(); }

namespace k = event_kind;

double to_s(std::int64_t us) { return static_cast<double>(us) / 1e6; }
double to_s(Millis ms) { return static_cast<double>(ms.count()) / 1000.0; }

bool contains_word(std::string haystack, std::string_view needle) {
    std::transform(haystack.begin(), haystack.end(), haystack.begin(), [](unsigned char c) { return std::tolower(c); });
    return haystack.find(needle) != std::string::npos;
}

Restoration restored_by_steps(const IncidentState& s, const std::string& component) {
    Restoration r;
    std::vector<std::string> open;
    bool named = false, applicable = false;
    for (const auto& phase : s.runbook->phases)
        for (const auto& step : phase.steps) {
            if (std::find(step.restores.begin(), step.restores.end(), component) == step.restores.end()) continue;
            named = true;
            const StepState& st = s.step(step.id);
            if (st.status == StepStatus::not_applicable) continue;
            applicable = true;
            if (st.status != StepStatus::done || !st.ended_us) {
                open.push_back(fmt::format("{} is {}", step.id, to_string(st.status)));
            } else if (!r.at_us || *st.ended_us > *r.at_us) {
                r.at_us = st.ended_us;
                r.by = step.id;
            }
        }
    if (!named) r.why_not = "no step restores it (restores=" + component + ")";
    if (named && !applicable) {
        r.not_applicable = true;
        r.why_not = "not applicable here: every step that restores it needs a target missing from the environment";
    }
    if (!open.empty()) {
        std::string list;
        for (const auto& o : open) list += (list.empty() ? "" : ", ") + o;
        r = Restoration{std::nullopt, "", "not restored: " + list};
    }
    return r;
}

// RTO: T0 to the completion of the last step that restores the component.
void measure_rto(ComponentResult& c, const IncidentState& s, const Timeline& timeline, std::int64_t t0) {
    Restoration r = restoration(s, c.component);
    c.restored_us = r.at_us;
    c.restored_by = r.by;
    c.reason = r.why_not;
    c.not_applicable = r.not_applicable;
    if (r.at_us) c.rto_s = to_s(timeline.at(*r.at_us) - t0);
}

std::string rpo_target_of(const Runbook& rb, const std::string& component) {
    for (const auto& phase : rb.phases)
        for (const auto& step : phase.steps)
            if (!step.rpo_target.empty() && std::find(step.restores.begin(), step.restores.end(), component) != step.restores.end())
                return step.rpo_target;
    return "";
}

// Pass when every objective it has is met by a measured figure.
void judge(ComponentResult& c) {
    if (c.not_applicable) {  // its reason says so; no objective is judged on what did not run
        c.pass = true;
        return;
    }
    std::vector<std::string> why;
    bool pass = true;
    // How the RTO was measured: from T0 to the completion of the last step that restores it.
    std::string span = c.restored_by.empty() ? "" : fmt::format(" (T0 to {} done)", c.restored_by);
    if (c.rto_objective_s) {
        if (!c.rto_s) pass = false, why.push_back("RTO not measured: " + c.reason);
        else if (*c.rto_s > *c.rto_objective_s)
            pass = false, why.push_back(fmt::format("RTO {}{} exceeds {}", format_seconds(c.rto_s), span, format_seconds(c.rto_objective_s)));
        else why.push_back(fmt::format("RTO {}{} within {}", format_seconds(c.rto_s), span, format_seconds(c.rto_objective_s)));
    }
    if (c.rpo_objective_s) {
        if (!c.rpo.rpo_s) pass = false, why.push_back("RPO not measured: " + c.rpo.reason);
        else if (*c.rpo.rpo_s > *c.rpo_objective_s)
            pass = false, why.push_back(fmt::format("RPO {} exceeds {}", format_seconds(c.rpo.rpo_s), format_seconds(c.rpo_objective_s)));
        else if (*c.rpo.rpo_s + c.rpo.uncertainty_s.value_or(0) > *c.rpo_objective_s)
            why.push_back(fmt::format("RPO {} within {}, but not with its uncertainty ±{}", format_seconds(c.rpo.rpo_s),
                                      format_seconds(c.rpo_objective_s), format_seconds(c.rpo.uncertainty_s)));
        else why.push_back(fmt::format("RPO {} within {}", format_seconds(c.rpo.rpo_s), format_seconds(c.rpo_objective_s)));
    }
    if (why.empty()) why.push_back("no objective");
    c.pass = pass;
    c.reason.clear();
    for (const auto& w : why) c.reason += (c.reason.empty() ? "" : "; ") + w;
}

// The service: its own restoring step, else the last restoring milestone; its data loss is
// the worst component's unless a step measures it directly.
ComponentResult measure_service(const Objective* objective, const std::vector<ComponentResult>& parts, const IncidentState& s,
                                const Timeline& timeline, std::int64_t t0, const MeasureInput& in) {
    ComponentResult c;
    c.component = std::string(kServiceComponent);
    if (objective && objective->rto) c.rto_objective_s = to_s(*objective->rto);
    if (objective && objective->rpo) c.rpo_objective_s = to_s(*objective->rpo);
    measure_rto(c, s, timeline, t0);
    std::string target = rpo_target_of(*s.runbook, c.component);
    if (!target.empty()) {
        c.rpo = measure_rpo(target, in.env, *in.samples, c.restored_us.value_or(s.resolved_us.value_or(INT64_MAX)), recorded(in));
    } else {
        c.rpo.method = "worst component";
        for (const auto& p : parts) {
            if (!p.rpo_objective_s || p.not_applicable) continue;
            if (!p.rpo.rpo_s) {
                c.rpo = RpoFigure{};
                c.rpo.reason = fmt::format("{}'s RPO is not measured", p.component);
                break;
            }
            if (!c.rpo.rpo_s || *p.rpo.rpo_s > *c.rpo.rpo_s) {
                c.rpo.rpo_s = p.rpo.rpo_s;
                c.rpo.uncertainty_s = p.rpo.uncertainty_s;
                c.rpo.target = p.rpo.target;
            }
        }
    }
    return c;
}

void add_deviations(Measurement& m, const IncidentState& s, const std::vector<Event>& events) {
    for (const auto& phase : s.runbook->phases)
        for (const auto& step : phase.steps) {
            const StepState& st = s.step(step.id);
            if (st.status == StepStatus::skipped) m.deviations.push_back({"skipped", step.id, *st.ended_us, st.reason});
            if (st.status == StepStatus::failed) m.deviations.push_back({"failed", step.id, *st.ended_us, st.reason});
            if (s.resolved() && st.open())
                m.deviations.push_back({"not done", step.id, *s.resolved_us, fmt::format("{} when the incident was resolved", to_string(st.status))});
        }
    // Time budgets: a step that ended after its deadline, or was still open past it at the end.
    std::int64_t end = s.resolved_us.value_or(events.empty() ? m.t0_us : events.back().wall_us);
    for (const auto& d : step_deadlines(s)) {
        std::int64_t late = d.late_us(end);
        if (late <= 0) continue;
        m.deviations.push_back({"overdue", d.step, d.due_us,
                                d.ended_us ? fmt::format("ended {} late ({})", format_seconds(to_s(late)), d.basis)
                                           : fmt::format("still open at the end, {} past its deadline ({})", format_seconds(to_s(late)), d.basis)});
    }
    for (const auto& e : events) {
        if (e.kind == k::gate_overridden)
            m.deviations.push_back({"gate overridden", e.step, e.wall_us, fmt::format("{} by {} ({})", e.payload.value("reason", ""), e.actor.person, e.actor.role)});
        if (e.kind == k::wait_ended && (e.payload.value("outcome", "") == "forced" || e.payload.value("outcome", "") == "timed_out")) {
            std::string live = live_reasons(e.payload);
            bool forced = e.payload.value("outcome", "") == "forced";
            m.deviations.push_back({forced ? "forced" : "wait timed out", e.step, e.wall_us,
                                    forced ? fmt::format("went without waiting for {}: {} ({} by {}); at that instant: {}", e.payload.value("condition", ""),
                                                         e.payload.value("reason", ""), e.actor.role, e.actor.person, live.empty() ? "no reading" : live)
                                           : fmt::format("{} did not hold within the wait: {}", e.payload.value("condition", ""), live)});
        }
        if (e.kind == k::preflight_checked && !e.payload.value("overridden", std::string()).empty())
            m.deviations.push_back({"preflight overridden", e.step, e.wall_us, e.payload.value("overridden", "")});
    }
    // Stakeholder updates: the first due one cadence after T0, each next one cadence after the last.
    if (s.comms.every) {
        std::int64_t cadence = s.comms.every->count() * 1000;
        std::int64_t last = m.t0_us;
        for (std::int64_t sent : s.comms_us) {
            if (sent < m.t0_us) continue;
            if (sent - last > cadence)
                m.deviations.push_back({"comms late", "", sent, fmt::format("update sent {} after the previous one (due every {})",
                                                                             format_seconds(to_s(sent - last)), format_duration(*s.comms.every))});
            last = sent;
        }
        if (end - last > cadence)
            m.deviations.push_back({"comms late", "", last + cadence, fmt::format("no update for {} before the end (due every {})",
                                                                                  format_seconds(to_s(end - last)), format_duration(*s.comms.every))});
    }
    std::stable_sort(m.deviations.begin(), m.deviations.end(), [](const Deviation& a, const Deviation& b) { return a.at_us < b.at_us; });
}

void add_criteria(Measurement& m, const IncidentState& s, bool chain_verified) {
    bool rto_ok = true, rpo_ok = true;
    std::string rto_why, rpo_why;
    for (const auto& c : m.components) {
        if (c.not_applicable) continue;
        if (c.rto_objective_s && !(c.rto_s && *c.rto_s <= *c.rto_objective_s)) rto_ok = false, rto_why += (rto_why.empty() ? "" : ", ") + c.component;
        if (c.rpo_objective_s && !(c.rpo.rpo_s && *c.rpo.rpo_s <= *c.rpo_objective_s)) rpo_ok = false, rpo_why += (rpo_why.empty() ? "" : ", ") + c.component;
    }
    m.criteria.push_back({"RTO within objective", rto_ok, rto_ok ? "every component" : "not met by: " + rto_why});
    m.criteria.push_back({"RPO within objective", rpo_ok, rpo_ok ? "every component, measured" : "not met or not measured: " + rpo_why});

    std::vector<std::string> undecided;
    for (const auto& [step_id, step_state] : s.steps) {
        const std::string& id = step_id;  // named, so that the lambda may capture it
        const StepState& st = step_state;
        if (st.status != StepStatus::failed) continue;
        bool decided = std::any_of(s.notes.begin(), s.notes.end(), [&](const Note& n) { return n.step == id && n.wall_us >= *st.ended_us; });
        // A cleanup step the IC resolved past, with a reason, was decided on.
        const Step* step = s.runbook->find_step(id);
        if (step && step->always && !s.cleanup_reason.empty()) decided = true;
        if (!decided) undecided.push_back(id);
    }
    std::string list;
    for (const auto& u : undecided) list += (list.empty() ? "" : ", ") + u;
    m.criteria.push_back({"No step failed without a recorded decision", undecided.empty(),
                          undecided.empty() ? "every failed step has a note saying what was decided" : "failed, no note since: " + list});

    std::vector<const Step*> integrity;
    for (const auto& phase : s.runbook->phases)
        for (const auto& step : phase.steps)
            if (phase.kind == PhaseKind::verify && (contains_word(step.id, "integrity") || contains_word(step.text, "integrity")))
                integrity.push_back(&step);
    if (integrity.empty()) {
        m.criteria.push_back({"Integrity verification step passed", std::nullopt, "the runbook has no integrity step in a verify phase"});
    } else {
        std::string bad;
        for (const Step* step : integrity)
            if (s.step(step->id).status != StepStatus::done) bad += (bad.empty() ? "" : ", ") + fmt::format("{} is {}", step->id, to_string(s.step(step->id).status));
        m.criteria.push_back({"Integrity verification step passed", bad.empty(), bad.empty() ? integrity.front()->id + " done" : bad});
    }
    m.criteria.push_back({"Journal chain verified", chain_verified, chain_verified ? "every event hashes to its successor and every sample matches its seal"
                                                                       : "the journal does not verify: its events or its sealed samples were changed (see Evidence)"});
}

// The result in one line, honest about what the drill did not do: objectives met or not, then
// the criteria that failed, the phases never exercised and the criteria nothing evidenced.
void add_headline(Measurement& m, const IncidentState& s) {
    std::vector<std::string> failed;
    bool objectives = true;
    for (const auto& c : m.criteria) {
        if (!c.pass.has_value()) m.not_evidenced.push_back(c.name);
        else if (!*c.pass) failed.push_back(c.name);
        if ((c.name == "RTO within objective" || c.name == "RPO within objective") && c.pass == false) objectives = false;
    }
    m.objectives_met = objectives;
    std::vector<std::string> gaps;
    for (const auto& phase : s.runbook->phases) {
        if (phase.steps.empty()) continue;
        bool done = std::any_of(phase.steps.begin(), phase.steps.end(), [&](const Step& st) { return s.step(st.id).status == StepStatus::done; });
        if (done) continue;
        bool not_applicable = std::all_of(phase.steps.begin(), phase.steps.end(),
                                          [&](const Step& st) { return s.step(st.id).status == StepStatus::not_applicable; });
        if (not_applicable) {
            gaps.push_back(phase.name + " not applicable here");
            continue;
        }
        m.not_exercised.push_back(phase.name);
        // The phase's kind reads shorter in a headline where it names one phase only.
        auto same_kind = std::count_if(s.runbook->phases.begin(), s.runbook->phases.end(), [&](const Phase& p) { return p.kind == phase.kind; });
        gaps.push_back(fmt::format("{} not exercised", same_kind == 1 ? std::string(to_string(phase.kind)) : phase.name));
    }
    for (const auto& c : m.components)
        if (c.not_applicable) gaps.push_back(c.component + " not applicable here");
    for (const auto& c : m.not_evidenced) gaps.push_back("not evidenced: " + c);
    auto join = [](const std::vector<std::string>& parts, std::string_view sep) {
        std::string out;
        for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
        return out;
    };
    if (!failed.empty()) m.headline = "FAIL: not met: " + join(failed, ", ");
    else m.headline = gaps.empty() ? "PASS: objectives met, every phase exercised" : "objectives met";
    if (!gaps.empty()) m.headline += " — " + join(gaps, "; ");
}

}  // namespace

std::optional<std::int64_t> next_comms_due_us(const IncidentState& s) {
    if (!s.comms.every) return std::nullopt;
    std::int64_t last = s.t0_us();
    for (std::int64_t sent : s.comms_us)
        if (sent >= s.t0_us()) last = std::max(last, sent);
    return last + std::chrono::duration_cast<std::chrono::microseconds>(*s.comms.every).count();
}

Restoration restoration(const IncidentState& s, const std::string& component) {
    Restoration own = restored_by_steps(s, component);
    bool named = own.why_not.rfind("no step restores", 0) != 0;
    if (component != kServiceComponent) return own;
    // The service: its own restoring steps where the runbook names them, and every component
    // restored (docs/reports.md): a service is not back while one of its parts is not.
    if (named && !own.at_us) return own;
    Restoration r = named ? own : Restoration{};
    for (const auto& o : s.runbook->objectives) {
        if (o.component == kServiceComponent) continue;
        Restoration part = restored_by_steps(s, o.component);
        if (part.not_applicable) continue;
        if (!part.at_us) return Restoration{std::nullopt, "", fmt::format("not restored: {} is not ({})", o.component, part.why_not)};
        if (!r.at_us || *part.at_us > *r.at_us) r.at_us = part.at_us, r.by = part.by;
    }
    if (!r.at_us) r.why_not = "no step restores anything (restores=)";
    return r;
}

std::vector<RtoBudget> rto_budgets(const IncidentState& s, std::int64_t now_us) {
    bool t0_happened = s.mode != "drill" || s.fault_us || s.declared_us;  // choose_t0 falls back to the start
    std::int64_t elapsed = (s.resolved() ? *s.resolved_us : now_us) - s.t0_us();
    std::vector<RtoBudget> out;
    for (const auto& o : s.runbook->objectives) {
        if (!o.rto) continue;
        RtoBudget b{o.component, std::chrono::duration_cast<std::chrono::microseconds>(*o.rto).count(), std::nullopt,
                    restoration(s, o.component).at_us.has_value()};
        if (t0_happened) b.left_us = b.budget_us - elapsed;
        out.push_back(std::move(b));
    }
    return out;
}

Measurement measure(const MeasureInput& in) {
    const IncidentState& s = *in.state;
    Measurement m;
    Timeline timeline(*in.events);
    m.clock_jumps = timeline.jumps();
    m.clock_restarts = timeline.reboots();
    m.t0_us = s.t0_us();
    m.t0_source = std::string(s.t0_source());
    std::int64_t t0 = timeline.at(m.t0_us);

    const Objective* service_objective = nullptr;
    for (const auto& o : s.runbook->objectives) {
        if (o.component == kServiceComponent) {
            service_objective = &o;
            continue;
        }
        ComponentResult c;
        c.component = o.component;
        if (o.rto) c.rto_objective_s = to_s(*o.rto);
        if (o.rpo) c.rpo_objective_s = to_s(*o.rpo);
        measure_rto(c, s, timeline, t0);
        std::int64_t boundary = c.restored_us.value_or(s.resolved_us.value_or(INT64_MAX));
        c.rpo = measure_rpo(rpo_target_of(*s.runbook, c.component), in.env, *in.samples, boundary, recorded(in));
        m.components.push_back(std::move(c));
    }
    ComponentResult service = measure_service(service_objective, m.components, s, timeline, t0, in);
    for (auto& c : m.components) judge(c);
    judge(service);
    m.components.push_back(std::move(service));

    for (const auto& phase : s.runbook->phases) {
        PhaseTiming p{phase.name, std::string(to_string(phase.kind)), std::nullopt, std::nullopt, std::nullopt};
        for (const auto& step : phase.steps) {
            const StepState& st = s.step(step.id);
            std::optional<std::int64_t> began = st.started_us ? st.started_us : st.ended_us;
            if (began && (!p.started_us || *began < *p.started_us)) p.started_us = began;
            if (st.ended_us && (!p.ended_us || *st.ended_us > *p.ended_us)) p.ended_us = st.ended_us;
        }
        if (p.started_us && p.ended_us) p.duration_s = to_s(timeline.at(*p.ended_us) - timeline.at(*p.started_us));
        m.phases.push_back(std::move(p));
    }
    add_deviations(m, s, *in.events);
    add_criteria(m, s, in.chain_verified);
    m.pass = std::all_of(m.criteria.begin(), m.criteria.end(), [](const Criterion& c) { return c.pass.value_or(true); });
    add_headline(m, s);
    return m;
}

}  // namespace drconsole
