// Starting, attaching to and driving an incident: every command goes through submit().
#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/incident.h"
#include "drconsole/text.h"
#include "journal/sample_seal.h"

namespace drconsole {
namespace {

namespace k = event_kind;

EventDraft draft(std::string_view kind, const Actor& actor, std::string step = {}, nlohmann::json payload = nlohmann::json::object()) {
    return EventDraft{std::string(kind), actor, std::move(step), std::move(payload)};
}

void check_roster(const Runbook& rb, const std::map<std::string, std::string>& roster) {
    for (const auto& [role, person] : roster) {
        if (!rb.has_role(role)) {
            std::string roles;
            for (const auto& r : rb.roles) roles += (roles.empty() ? "" : ", ") + r;
            throw InputError(fmt::format("roster names role '{}', which runbook {} does not have (roles: {})", role, rb.path, roles));
        }
        if (person.empty()) throw InputError(fmt::format("roster gives role '{}' no person", role));
        if (auto problem = name_problem(person)) throw InputError(fmt::format("roster: {}={}: {}", role, safe_text(person), *problem));
    }
}

}  // namespace

void Incident::check_start(const StartRequest& req) {
    const Runbook& rb = *req.runbook;
    if (req.mode != "drill" && req.mode != "real") throw InputError(fmt::format("mode '{}': use drill or real", req.mode));
    if (rb.is_procedure())
        throw InputError(fmt::format("{} is a procedure ('# {}'), which runbooks include: start a runbook that includes it", rb.path, rb.title));
    if (first_invalid_utf8(req.severity)) throw InputError("the severity is not valid UTF-8");
    if (req.env) {
        auto diagnostics = check_runbook_targets(rb, *req.env, req.allow_missing);
        for (const auto& d : diagnostics)
            if (d.severity == Severity::error) throw InputError(diagnostics);
    } else if (!req.allow_missing.empty()) {
        throw InputError("--allow-missing names targets missing from an environment: give the environment with --env");
    }
    // Roles named on the command line must all exist.
    check_roster(rb, req.roster);
    if (req.env)
        for (const auto& [role, person] : req.env->roster)
            if (auto problem = name_problem(person); problem && rb.has_role(role))
                throw InputError(fmt::format("{}: roster: {}={}: {}", req.env->path, role, safe_text(person), *problem));
    check_actor(rb, req.actor);
}

Incident Incident::start(Journal& journal, const StartRequest& req) {
    check_start(req);
    const Runbook& rb = *req.runbook;
    std::map<std::string, std::string> not_applicable;
    if (req.env) not_applicable = steps_needing_missing(rb, *req.env, req.allow_missing);
    // A step for the other mode (when=drill, when=real) is not part of this incident.
    for (const auto& phase : rb.phases)
        for (const auto& step : phase.steps)
            if (!step.in_mode(req.mode))
                not_applicable[step.id] = step.when == "drill" ? "a drill-only step (when=drill)" : "a real-incident step (when=real)";
    // One environment serves many runbooks: its roster fills the roles this runbook has.
    std::map<std::string, std::string> roster;
    if (req.env)
        for (const auto& [role, person] : req.env->roster)
            if (rb.has_role(role)) roster[role] = person;
    for (const auto& [role, person] : req.roster) roster[role] = person;

    nlohmann::json payload = {
        {"title", rb.title},
        {"mode", req.mode},
        {"severity", req.severity.empty() ? rb.severity : req.severity},
        {"runbook_path", rb.path},
        {"runbook_sha256", rb.sha256},
        {"env_path", req.env ? req.env->path : ""},
        {"env_sha256", req.env ? req.env->sha256 : ""},
    };
    if (!not_applicable.empty()) payload["not_applicable"] = not_applicable;
    CommsCadence comms = choose_comms_cadence(rb, req.env.get());
    if (comms.every)
        payload["comms"] = {{"every_ms", comms.every->count()}, {"source", comms.source}, {"overruled", comms.overruled}};
    std::vector<StoredDocument> documents{{rb.sha256, "runbook", rb.path, rb.source}};
    if (req.env) documents.push_back({req.env->sha256, "environment", req.env->path, req.env->source});
    // The files the runbook includes: the incident re-reads its runbook from the journal alone.
    for (const auto& f : rb.includes) {
        payload["includes"].push_back({{"path", f.path}, {"sha256", f.sha256}});
        documents.push_back({f.sha256, "include", f.path, f.source});
    }
    IncidentRecord record{0, 0, rb.title, req.mode, rb.path, rb.sha256};
    std::vector<EventDraft> first{draft(k::incident_started, req.actor, {}, payload)};
    for (const auto& [role, person] : roster) first.push_back(draft(k::role_assigned, req.actor, {}, {{"role", role}, {"person", person}}));
    return Incident(journal, fold(req.runbook, journal.create_incident(record, first, documents)));
}

Incident Incident::attach(Journal& journal, std::int64_t id) { return attach(journal, id, journal.events(id)); }

Incident Incident::attach(Journal& journal, std::int64_t id, const std::vector<Event>& events) {
    auto record = journal.incident(id);
    if (!record) throw InputError(fmt::format("no incident {} in {}", id, journal.path().string()));
    auto doc = journal.document(record->runbook_sha256);
    if (!doc) throw JournalError(fmt::format("incident {}: its runbook ({}) is missing from the journal", id, record->runbook_sha256));
    // Included files come from the journal, as they were at the start, never from the disk.
    nlohmann::json includes = events.empty() ? nlohmann::json() : events.front().payload.value("includes", nlohmann::json::array());
    IncludeReader stored = [&](const std::string& path, std::string& why) -> std::optional<std::string> {
        for (const auto& f : includes)
            if (f.is_object() && f.value("path", "") == path)
                if (auto d = journal.document(f.value("sha256", ""))) return d->content;
        why = "it is not among the incident's stored documents";
        return std::nullopt;
    };
    RunbookResult parsed = parse_runbook(doc->content, record->runbook_path, stored);
    if (!parsed.runbook) throw JournalError(fmt::format("incident {}: its stored runbook no longer parses", id));
    return Incident(journal, fold(parsed.runbook, events));
}

EventDraft Incident::acted(EventDraft d, const std::optional<ActedAt>& at) const {
    if (!at) return d;
    std::int64_t now = journal_->clock().wall_us();
    // A second of slack: the key was read on this host's clock, the event is stamped on it too.
    if (at->us > now + 1'000'000) throw InputError(fmt::format("{} is in the future (now {})", format_utc(at->us), format_utc(now)));
    if (at->us < state_.started_us - 7LL * 24 * 3600 * 1'000'000)
        throw InputError(fmt::format("{} is more than a week before the incident started ({})", format_utc(at->us), format_utc(state_.started_us)));
    d.payload["at_us"] = at->us;
    d.payload["at_source"] = at->backfilled ? "backfilled" : "keypress";
    return d;
}

std::optional<std::string> Incident::why_not(const EventDraft& d) const {
    try {
        check_command(state_, d);
    } catch (const RuleViolation& e) {
        return e.what();
    }
    return std::nullopt;
}

Event Incident::submit(const EventDraft& d) {
    Event e = journal_->append(state_.id, state_.last_seq, [&](const std::vector<Event>& newer) {
        for (const auto& other : newer) apply(state_, other);
        check_command(state_, d);
        return d;
    });
    apply(state_, e);
    return e;
}

std::size_t Incident::refresh(std::vector<Event>* out) {
    auto newer = journal_->events(state_.id, state_.last_seq);
    for (const auto& e : newer) apply(state_, e);
    if (out) out->insert(out->end(), newer.begin(), newer.end());
    return newer.size();
}

Event Incident::start_step(const std::string& step, const Actor& a) { return submit(draft(k::step_started, a, step)); }
Event Incident::complete_step(const std::string& step, const Actor& a, const std::map<std::string, std::string>& values) {
    nlohmann::json payload = nlohmann::json::object();
    if (!values.empty()) payload["values"] = values;
    return submit(draft(k::step_completed, a, step, std::move(payload)));
}

namespace {

// When the approval of a started step stops being possible: its start plus approve_timeout.
std::optional<std::int64_t> approval_deadline(const Step& step, const StepState& st) {
    if (step.approve.empty() || !step.approve_timeout || st.status != StepStatus::started || !st.started_us || st.approved_us)
        return std::nullopt;
    return *st.started_us + step.approve_timeout->count() * 1000;
}

}  // namespace

Event Incident::approve_step(const std::string& step, const std::string& comment, const Actor& a) {
    if (const Step* s = state_.runbook->find_step(step))
        if (auto deadline = approval_deadline(*s, state_.step(step)); deadline && journal_->clock().wall_us() > *deadline)
            throw RuleViolation(fmt::format("the approval of '{}' was due within {} of its request, by {}: it timed out (reopen the step "
                                            "to ask again)", step, format_duration(*s->approve_timeout), format_utc(*deadline)));
    nlohmann::json payload = nlohmann::json::object();
    if (!comment.empty()) payload["comment"] = comment;
    return submit(draft(k::step_approved, a, step, std::move(payload)));
}

Event Incident::wait_started(const std::string& step, nlohmann::json payload, const Actor& a) {
    return submit(draft(k::wait_started, a, step, std::move(payload)));
}
Event Incident::wait_ended(const std::string& step, nlohmann::json payload, const Actor& a) {
    return submit(draft(k::wait_ended, a, step, std::move(payload)));
}

std::vector<Event> Incident::expire_approvals(const Actor& a) {
    std::vector<Event> out;
    std::int64_t now = journal_->clock().wall_us();
    for (const auto& phase : state_.runbook->phases)
        for (const auto& step : phase.steps)
            if (auto deadline = approval_deadline(step, state_.step(step.id)); deadline && now > *deadline) {
                try {
                    out.push_back(submit(draft(k::approval_expired, a, step.id,
                                               {{"role", step.approve}, {"timeout_ms", step.approve_timeout->count()}})));
                } catch (const RuleViolation&) {
                    // Approved or expired by another writer just now.
                }
            }
    return out;
}
Event Incident::skip_step(const std::string& step, const std::string& reason, const Actor& a, std::optional<ActedAt> at) {
    return submit(acted(draft(k::step_skipped, a, step, {{"reason", reason}}), at));
}
Event Incident::fail_step(const std::string& step, const std::string& reason, const Actor& a, std::optional<ActedAt> at) {
    return submit(acted(draft(k::step_failed, a, step, {{"reason", reason}}), at));
}
Event Incident::unstart_step(const std::string& step, const std::string& reason, const Actor& a) {
    return submit(draft(k::step_unstarted, a, step, reason.empty() ? nlohmann::json::object() : nlohmann::json{{"reason", reason}}));
}
Event Incident::action_abandoned(const std::string& step, nlohmann::json what, const Actor& a) {
    return submit(draft(k::action_abandoned, a, step, std::move(what)));
}
Event Incident::reopen_step(const std::string& step, const std::string& reason, const Actor& a) {
    return submit(draft(k::step_reopened, a, step, {{"reason", reason}}));
}
Event Incident::add_note(const std::string& text, const std::string& step, const Actor& a, std::optional<ActedAt> at) {
    return submit(acted(draft(k::note, a, step, {{"text", text}}), at));
}
Event Incident::correct(std::int64_t seq, const std::string& text, const Actor& a) {
    return submit(draft(k::correction, a, {}, {{"corrects", seq}, {"text", text}}));
}
Event Incident::inject_fault(const std::string& description, const Actor& a, std::optional<ActedAt> at) {
    return submit(acted(draft(k::fault_injected, a, {}, {{"description", description}}), at));
}
Event Incident::add_action_item(const std::string& text, const std::string& owner, const Actor& a) {
    nlohmann::json payload = {{"text", text}, {"action_item", true}};
    if (!owner.empty()) payload["owner"] = owner;
    return submit(draft(k::note, a, {}, std::move(payload)));
}
Event Incident::declare(const Actor& a, std::optional<std::int64_t> detected_us, T0Rule rule, std::optional<ActedAt> at) {
    nlohmann::json payload = {{"t0", to_string(rule)}};
    if (detected_us) payload["detected_us"] = *detected_us;
    return submit(acted(draft(k::incident_declared, a, {}, std::move(payload)), at));
}
Event Incident::comms_sent(const std::string& summary, const Actor& a, std::optional<ActedAt> at) {
    return submit(acted(draft(k::comms_sent, a, {}, {{"summary", summary}}), at));
}
Event Incident::assign_role(const std::string& role, const std::string& person, const Actor& a) {
    auto held = state_.roster.find(role);
    if (held == state_.roster.end()) return submit(draft(k::role_assigned, a, {}, {{"role", role}, {"person", person}}));
    return submit(draft(k::role_handed_over, a, {}, {{"role", role}, {"from", held->second}, {"to", person}}));
}
Event Incident::action_started(const std::string& step, nlohmann::json description, const Actor& a) {
    return submit(draft(k::action_started, a, step, std::move(description)));
}
Event Incident::action_finished(const std::string& step, nlohmann::json result, const Actor& a) {
    return submit(draft(k::action_finished, a, step, std::move(result)));
}
Event Incident::action_dry_run(const std::string& step, nlohmann::json plan, const Actor& a) {
    plan["executed"] = false;
    return submit(draft(k::action_dry_run, a, step, std::move(plan)));
}
Event Incident::preflight_checked(const std::string& step, nlohmann::json result, const Actor& a) {
    return submit(draft(k::preflight_checked, a, step, std::move(result)));
}
Event Incident::override_gate(const std::string& step, const std::string& reason, nlohmann::json live, const Actor& a) {
    return submit(draft(k::gate_overridden, a, step, {{"reason", reason}, {"live", std::move(live)}}));
}
std::optional<Event> Incident::record_samples(const std::vector<Sample>& samples, const Actor& a, const std::string& holder,
                                              std::int64_t now_us) {
    EventDraft d = draft(k::samples_recorded, a, {}, journal::seal_payload(samples));
    auto e = journal_->append_samples(state_.id, state_.last_seq, [&](const std::vector<Event>& newer) {
        for (const auto& other : newer) apply(state_, other);
        check_command(state_, d);
        return d;
    }, samples, holder, now_us);
    if (e) apply(state_, *e);
    return e;
}

Event Incident::sign_checkpoint(const SigningKey& key, const Actor& a) {
    EventDraft d = draft(k::checkpoint_signed, a);
    Event e = journal_->append(state_.id, state_.last_seq, [&](const std::vector<Event>& newer) {
        for (const auto& other : newer) apply(state_, other);
        // Decided inside the write transaction: it covers the event just before it.
        d.payload = {{"covers_seq", state_.last_seq},
                     {"covers_hash", state_.head_hash},
                     {"resolved", state_.resolved()},
                     {"key", key.fingerprint()},
                     {"signature", key.sign(checkpoint_message(state_.id, state_.last_seq, state_.head_hash, state_.resolved()))}};
        check_command(state_, d);
        return d;
    });
    apply(state_, e);
    return e;
}

std::optional<Event> Incident::sign_if_due(const SigningKey& key, const Actor& a) {
    if (state_.last_seq - state_.last_checkpoint_seq < kCheckpointEvery) return std::nullopt;
    return sign_checkpoint(key, a);
}

Event Incident::reopen_incident(const std::string& reason, const Actor& a) {
    return submit(draft(k::incident_reopened, a, {}, {{"reason", reason}, {"resolved_seq", state_.resolved_seq}}));
}

Event Incident::resolve(const std::string& summary, const Actor& a, std::optional<ActedAt> at, const std::string& cleanup_reason) {
    nlohmann::json payload = {{"summary", summary}};
    if (!cleanup_reason.empty()) payload["cleanup_reason"] = cleanup_reason;
    return submit(acted(draft(k::incident_resolved, a, {}, std::move(payload)), at));
}

}  // namespace drconsole
