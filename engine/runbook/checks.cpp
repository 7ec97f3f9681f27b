// Whole-runbook checks (ids, roles, milestones) and the Runbook model's look-ups.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "drconsole/scan.h"
#include "drconsole/text.h"

#include "runbook/parse_context.h"

namespace drconsole {
namespace {

constexpr std::array<std::pair<std::string_view, PhaseKind>, 5> kKinds{{{"detect", PhaseKind::detect},
                                                                         {"promote", PhaseKind::promote},
                                                                         {"repoint", PhaseKind::repoint},
                                                                         {"verify", PhaseKind::verify},
                                                                         {"failback", PhaseKind::failback}}};

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// "line 12", or "other.md:12" when the first use is in another file than `s`.
std::string where(const Step& first, const Step& s) {
    return first.file == s.file ? fmt::format("line {}", first.pos.line) : fmt::format("{}:{}", first.file, first.pos.line);
}

}  // namespace

std::optional<PhaseKind> phase_kind_from(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto& [spelling, kind] : kKinds)
        if (lower == spelling) return kind;
    return std::nullopt;
}

std::string_view to_string(PhaseKind kind) {
    for (const auto& [spelling, k] : kKinds)
        if (k == kind) return spelling;
    return "?";
}

std::string_view to_string(ActionKind kind) {
    switch (kind) {
        case ActionKind::sql: return "sql";
        case ActionKind::http: return "http";
        case ActionKind::run: return "run";
    }
    return "?";
}

std::string Step::included_note() const { return included_by.empty() ? "" : fmt::format(" (included by {})", included_by); }

bool Runbook::is_procedure() const { return find_nocase(title, "procedure:") == 0; }

const Step* Runbook::find_step(std::string_view id) const {
    for (const auto& phase : phases)
        for (const auto& step : phase.steps)
            if (step.id == id) return &step;
    return nullptr;
}

std::vector<std::string> Runbook::step_ids() const {
    std::vector<std::string> ids;
    for (const auto& phase : phases)
        for (const auto& step : phase.steps) ids.push_back(step.id);
    return ids;
}

std::string Runbook::no_such_step(std::string_view id) const {
    return fmt::format("no step '{}' in runbook {}{}", id, path, did_you_mean(id, step_ids()));
}

const Phase* Runbook::phase_of(std::string_view step_id) const {
    for (const auto& phase : phases)
        for (const auto& step : phase.steps)
            if (step.id == step_id) return &phase;
    return nullptr;
}

const Objective* Runbook::objective(std::string_view component) const {
    for (const auto& o : objectives)
        if (o.component == component) return &o;
    return nullptr;
}

bool Runbook::has_role(std::string_view role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }

std::size_t Runbook::step_count() const {
    std::size_t n = 0;
    for (const auto& phase : phases) n += phase.steps.size();
    return n;
}

namespace runbook {

void check_runbook(ParseContext& ctx, Runbook& rb) {
    if (rb.title.empty()) ctx.diag.error({1, 1}, "runbook has no title: start it with '# Title'");
    if (rb.phases.empty()) {
        ctx.diag.error({1, 1}, "runbook has no phases: add '## Detect', '## Promote', … headings with '- [ ]' steps");
    }
    // A procedure's roles, objectives and targets are those of the runbooks that include it.
    bool procedure = rb.is_procedure();
    std::map<std::string, const Step*> ids;
    std::vector<std::string> used_roles;
    std::map<std::string, bool> restored;
    const Step* fault_step = nullptr;
    for (const auto& phase : rb.phases) {
        if (phase.steps.empty() && !ctx.attributes_incomplete) ctx.diag.error(phase.pos, fmt::format("phase '{}' has no steps", phase.name));
        for (const auto& step : phase.steps) {
            auto error = [&](SourcePos pos, std::string message) { ctx.diag.error_in(step.file, pos, std::move(message)); };
            auto [it, fresh] = ids.emplace(step.id, &step);
            if (!fresh) {
                error(step.pos, step.explicit_id
                                    ? fmt::format("duplicate step id '{}' (first used at {}){}", step.id, where(*it->second, step), step.included_note())
                                    : fmt::format("duplicate step id '{}' derived from the text (first used at {}): "
                                                  "give one of them an id with {{#…}}{}", step.id, where(*it->second, step), step.included_note()));
            }
            if (step.role.empty()) {
                if (!ctx.attributes_incomplete)
                    ctx.diag.warning_in(step.file, step.pos, fmt::format("step '{}' has no owner role: add {{role=…}}", step.id));
            } else if (std::find(used_roles.begin(), used_roles.end(), step.role) == used_roles.end()) {
                used_roles.push_back(step.role);
            }
            if (step.fault) {
                if (!step.action) error(step.fault_pos, "'fault' marks the step whose action injects the drill's fault: this step has no action");
                if (fault_step)
                    error(step.fault_pos, fmt::format("a drill has one fault: step '{}' already has 'fault'{}", fault_step->id, step.included_note()));
                fault_step = &step;
            }
            if (!step.wait_text.empty() && !step.action)
                error(step.wait_pos, "wait: the step has no action to run once the condition holds");
            if (!step.approve.empty() && step.approve == step.role)
                error(step.approve_pos, fmt::format("approve={}: the step's own role cannot approve it (four eyes need another role)", step.approve));
            for (const auto& component : step.restores) {
                if (!procedure && !rb.objective(component) && component != kServiceComponent) {
                    std::vector<std::string> names;
                    for (const auto& o : rb.objectives) names.push_back(o.component);
                    error(step.restores_pos,
                          names.empty() ? fmt::format("restores '{}', but the runbook has no objectives table{}", component, step.included_note())
                                        : fmt::format("restores '{}', which is not in the objectives table ({}){}", component, join(names), step.included_note()));
                }
                restored[component] = true;
            }
        }
    }
    if (rb.roles_declared && !procedure) {
        for (const auto& phase : rb.phases)
            for (const auto& step : phase.steps)
                if (!step.role.empty() && !rb.has_role(step.role))
                    ctx.diag.error_in(step.file, step.role_pos, fmt::format("unknown role '{}' (roles: {}){}", step.role, join(rb.roles), step.included_note()));
    } else {
        rb.roles = used_roles;
    }
    // An approving role is a role of the runbook: without a roles table, one that some step owns.
    for (const auto& phase : rb.phases)
        for (const auto& step : phase.steps)
            if (!procedure && !step.approve.empty() && step.approve != step.role && !rb.has_role(step.approve))
                ctx.diag.error_in(step.file, step.approve_pos,
                                  fmt::format("approve: unknown role '{}' (roles: {}){}", step.approve, join(rb.roles), step.included_note()));
    if (procedure) return;
    if (rb.objectives.empty() && !rb.phases.empty())
        ctx.diag.warning({1, 1}, "no objectives table ('Component | RPO | RTO'): achieved RPO/RTO will not be judged");
    for (const auto& o : rb.objectives) {
        if (ctx.attributes_incomplete) break;
        if (o.component != kServiceComponent && !restored.count(o.component))
            ctx.diag.error(o.pos, fmt::format("component '{}' has no step with restores={}: nothing marks it restored",
                                              o.component, o.component));
    }
}

}  // namespace runbook
}  // namespace drconsole
