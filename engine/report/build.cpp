// The report's machine form, built from the journal alone: events, samples and stored documents.
#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/incident.h"
#include "drconsole/measure.h"
#include "drconsole/report.h"
#include "report/controls.h"

namespace drconsole {
namespace {

using nlohmann::json;

// A lag chart draws at most this many points.
constexpr std::size_t kLagPointsShown = 600;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json utc(const std::optional<std::int64_t>& us) { return us ? json(format_utc(*us)) : json(nullptr); }

// The environment the incident started with; none when it is missing or was changed (the chain's
// verification then says which, and the report is marked NOT verified rather than refused).
std::shared_ptr<const Environment> stored_environment(const Journal& journal, const IncidentState& s) {
    if (s.env_sha256.empty()) return nullptr;
    try {
        auto doc = journal.document(s.env_sha256);
        if (!doc) return nullptr;
        return parse_environment(doc->content, doc->path).env;
    } catch (const JournalError&) {
        return nullptr;
    }
}

json component_json(const ComponentResult& c, const Timeline& timeline, std::int64_t t0) {
    return {{"component", c.component},
            {"rto_s", opt(c.rto_s)},
            {"rto_objective_s", opt(c.rto_objective_s)},
            {"restored_by", c.restored_by.empty() ? json(nullptr) : json(c.restored_by)},
            {"restored_at", utc(c.restored_us)},
            {"restored_offset_s", c.restored_us ? json(static_cast<double>(timeline.at(*c.restored_us) - t0) / 1e6) : json(nullptr)},
            {"rpo_s", opt(c.rpo.rpo_s)},
            {"rpo_objective_s", opt(c.rpo_objective_s)},
            {"rpo_method", c.rpo.method.empty() ? json(nullptr) : json(c.rpo.method)},
            {"rpo_uncertainty_s", opt(c.rpo.uncertainty_s)},
            {"rpo_target", c.rpo.target.empty() ? json(nullptr) : json(c.rpo.target)},
            {"rpo_note", c.rpo.reason},
            {"rpo_detail", c.rpo.detail},
            {"messages_lost", c.rpo.messages_lost ? json(*c.rpo.messages_lost) : json(nullptr)},
            {"pass", c.pass},
            {"reason", c.reason}};
}

// Lag over time of the target that measures a component's RPO, at most `limit` points (the
// largest value of each bucket, so a peak is never smoothed away).
json lag_series(const std::string& component, const std::string& target_id, const Environment* env, const std::vector<Sample>& samples,
                const Timeline& timeline, std::int64_t t0, std::optional<double> objective) {
    const Target* target = env ? env->find(target_id) : nullptr;
    if (!target) return nullptr;
    std::vector<std::string> metrics;
    if (target->type == TargetType::postgres) metrics = {"lag_s", "heartbeat_lag_s"};  // lag_s: the one definition
    else if (target->type == TargetType::kafka_mirror) metrics = {"lag_s"};
    else if (target->type == TargetType::prometheus && target->rpo_query()) metrics = {*target->rpo_query()};
    for (const auto& metric : metrics) {
        std::map<std::int64_t, double> by_time;  // the worst label set of each reading
        for (const auto& s : samples)
            if (s.target == target_id && s.metric == metric && (s.status == "ok" || s.status == "degraded"))
                by_time[s.wall_us] = std::max(by_time.count(s.wall_us) ? by_time[s.wall_us] : s.value, s.value);
        if (by_time.empty()) continue;
        constexpr std::size_t limit = kLagPointsShown;
        std::size_t per = (by_time.size() + limit - 1) / limit;
        json points = json::array();
        std::size_t i = 0;
        double bucket_max = 0;
        std::int64_t bucket_at = 0;
        for (const auto& [wall, value] : by_time) {
            if (i % per == 0) bucket_at = wall, bucket_max = value;
            bucket_max = std::max(bucket_max, value);
            if (++i % per == 0 || i == by_time.size())
                points.push_back({static_cast<double>(timeline.at(bucket_at) - t0) / 1e6, bucket_max});
        }
        // Said where the chart is: how many readings it shows of how many, and how they were chosen.
        std::string shown = per == 1 ? fmt::format("all {} readings shown", by_time.size())
                                     : fmt::format("{} of {} readings shown: the largest of each run of {} kept, so no peak is lost",
                                                   points.size(), by_time.size(), per);
        return {{"component", component}, {"target", target_id}, {"metric", metric}, {"objective_s", opt(objective)},
                {"readings", by_time.size()}, {"points_shown", shown}, {"points", points}};
    }
    return nullptr;
}

// The runbook's opening paragraphs, without a "Scenario:" label of their own: the report labels them.
std::string scenario_of(std::string_view summary) {
    constexpr std::string_view label = "scenario:";
    if (summary.size() >= label.size() &&
        std::equal(label.begin(), label.end(), summary.begin(), [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
        summary.remove_prefix(label.size());
        while (!summary.empty() && summary.front() == ' ') summary.remove_prefix(1);
    }
    std::string out(summary);
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

// The signed checkpoints the events hold, as they state them: a report has no public key, so
// it says which key each names and leaves checking the signature to verify --pubkey.
json checkpoints_claimed(const std::vector<Event>& events) {
    json out = json::array();
    for (const auto& e : events)
        if (e.kind == event_kind::checkpoint_signed)
            out.push_back({{"seq", e.seq}, {"at", format_utc(e.wall_us)}, {"covers_seq", e.payload.value("covers_seq", std::int64_t{0})},
                           {"key", e.payload.value("key", "")}, {"resolved", e.payload.value("resolved", false)}});
    return out;
}

// The targets whose samples the figures and charts read: each RPO target and its primary. The
// others' samples (most of a long incident's) are verified with the chain and counted, not loaded.
std::vector<std::string> measured_targets(const Runbook& rb, const Environment* env) {
    std::vector<std::string> out;
    for (const auto& phase : rb.phases)
        for (const auto& step : phase.steps)
            for (const auto& t : rpo_sources(step.rpo_target, env))
                if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    return out;
}

}  // namespace

json build_report(Journal& journal, std::int64_t id) {
    // Seals are read in brief: the chain's verification below reads every sample they name.
    std::vector<Event> events = journal.events(id, 0, Journal::SealDetail::brief);
    Incident incident = Incident::attach(journal, id, events);
    const IncidentState& s = incident.state();
    auto env = stored_environment(journal, s);
    auto chain = journal.verify(id);
    bool verified = !chain.empty() && chain.front().intact;
    std::int64_t recorded = chain.empty() ? journal.sample_count(id) : chain.front().samples;
    std::vector<Sample> samples = journal.samples(id, measured_targets(*s.runbook, env.get()));
    Measurement m = measure({&s, &events, &samples, env.get(), verified, recorded});
    // A figure whose readings fail verification says so: a missing reading may have been removed.
    if (!chain.empty() && !chain.front().sample_problems.empty()) {
        for (auto& c : m.components) {
            std::vector<std::string> sources{c.rpo.target};
            if (const Target* t = env ? env->find(c.rpo.target) : nullptr; t && !t->primary.empty()) sources.push_back(t->primary);
            for (const auto& target : sources) {
                auto bad = std::count_if(chain.front().sample_problems.begin(), chain.front().sample_problems.end(),
                                         [&](const SampleProblem& p) { return !target.empty() && p.target == target; });
                if (bad == 0) continue;
                std::string note = fmt::format("{} recorded sample{} of '{}' fail verification (see Evidence): a reading this figure needs "
                                               "may have been altered or removed", bad, bad == 1 ? "" : "s", target);
                c.rpo.reason += (c.rpo.reason.empty() ? "" : "; ") + note;
                c.reason += "; " + note;
            }
        }
    }
    Timeline timeline(events);
    std::int64_t t0 = timeline.at(m.t0_us);
    // Corrections of the resolve summary, shown beside the summary they correct.
    auto resolution_corrections = [](const IncidentState& st) {
        json out = json::array();
        for (const auto& n : st.notes)
            if (st.resolved_seq && n.corrects == st.resolved_seq)
                out.push_back({{"seq", n.seq}, {"by", n.actor.role + ":" + n.actor.person}, {"at", format_utc(n.wall_us)}, {"text", n.text}});
        return out;
    };
    auto offset = [&](std::optional<std::int64_t> us) { return us ? json(static_cast<double>(timeline.at(*us) - t0) / 1e6) : json(nullptr); };

    json r;
    r["report_version"] = 1;
    r["incident"] = {{"id", s.id},
                     {"title", s.title},
                     {"scenario", scenario_of(s.runbook->summary)},
                     {"mode", s.mode},
                     {"severity", s.severity},
                     {"runbook", s.runbook_path},
                     {"runbook_sha256", s.runbook_sha256},
                     {"includes", included_files(*s.runbook)},
                     {"env", s.env_path.empty() ? json(nullptr) : json(s.env_path)},
                     {"env_sha256", s.env_sha256.empty() ? json(nullptr) : json(s.env_sha256)},
                     {"started_at", format_utc(s.started_us)},
                     {"t0", format_utc(m.t0_us)},
                     {"t0_source", m.t0_source},
                     {"resolved_at", utc(s.resolved_us)},
                     {"resolution", s.resolution},
                     {"cleanup_reason", s.cleanup_reason},
                     {"resolution_corrections", resolution_corrections(s)},
                     {"comms_cadence", {{"every_s", s.comms.every ? json(static_cast<double>(s.comms.every->count()) / 1000) : json(nullptr)},
                                        {"source", s.comms.source},
                                        {"overruled", s.comms.overruled},
                                        {"text", s.comms.describe()}}},
                     {"pass", m.pass},
                     {"objectives_met", m.objectives_met},
                     {"not_exercised", m.not_exercised},
                     {"not_evidenced", m.not_evidenced},
                     {"headline", m.headline}};
    json roles = json::array();
    for (const auto& spell : s.role_history)
        roles.push_back({{"role", spell.role}, {"person", spell.person}, {"from", format_utc(spell.from_us)}, {"to", utc(spell.to_us)}});
    r["roles"] = roles;
    json objectives = json::array();
    for (const auto& o : s.runbook->objectives)
        objectives.push_back({{"component", o.component},
                              {"rpo_s", o.rpo ? json(static_cast<double>(o.rpo->count()) / 1000) : json(nullptr)},
                              {"rto_s", o.rto ? json(static_cast<double>(o.rto->count()) / 1000) : json(nullptr)}});
    r["objectives"] = objectives;

    json achieved = json::array();
    json series = json::array();
    for (const auto& c : m.components) {
        if (c.component == kServiceComponent) r["service"] = component_json(c, timeline, t0);
        else achieved.push_back(component_json(c, timeline, t0));
        if (!c.rpo.target.empty() && c.rpo.method != "worst component") {
            json one = lag_series(c.component, c.rpo.target, env.get(), samples, timeline, t0, c.rpo_objective_s);
            if (!one.is_null()) series.push_back(std::move(one));
        }
    }
    r["achieved"] = achieved;
    r["lag_series"] = series;
    json criteria = json::array();
    for (const auto& c : m.criteria) criteria.push_back({{"name", c.name}, {"pass", c.pass ? json(*c.pass) : json(nullptr)}, {"detail", c.detail}});
    r["criteria"] = criteria;

    json phases = json::array();
    for (const auto& p : m.phases)
        phases.push_back({{"name", p.name}, {"kind", p.kind}, {"started_at", utc(p.started_us)}, {"ended_at", utc(p.ended_us)},
                          {"duration_s", opt(p.duration_s)}, {"start_offset_s", offset(p.started_us)}, {"end_offset_s", offset(p.ended_us)}});
    r["phases"] = phases;

    // Steps: the status form (waited and ran worked out there), with the report's additions.
    json status = to_json(s);
    json steps = json::array();
    for (const auto& phase : status["phases"])
        for (const auto& st : phase["steps"]) {
            const StepState& state = s.step(st["id"].get<std::string>());
            std::vector<std::string> overrides;
            for (const auto& e : events)
                if (e.kind == event_kind::gate_overridden && e.step == st["id"]) overrides.push_back(e.payload.value("reason", ""));
            json actor = st["ended_by"].is_null() ? st["started_by"] : st["ended_by"];
            steps.push_back({{"id", st["id"]},
                             {"phase", phase["name"]},
                             {"text", st["text"]},
                             {"role", st["role"]},
                             {"state", st["state"]},
                             {"started_at", st["started_at"]},
                             {"ended_at", st["ended_at"]},
                             {"start_offset_s", offset(state.started_us ? state.started_us : state.ended_us)},
                             {"end_offset_s", offset(state.ended_us)},
                             {"waited_s", st["waited_s"]},
                             {"ran_s", st["ran_s"]},
                             {"actor", actor},
                             {"reason", st.value("reason", "")},
                             {"restores", st.value("restores", json::array())},
                             {"gate_overrides", overrides},
                             {"action", state.action_runs ? json{{"kind", state.action_kind},
                                                                 {"exit", state.action_exit},
                                                                 {"ok", state.action_ok ? json(*state.action_ok) : json(nullptr)},
                                                                 {"output_sha256", state.action_output_sha256}}
                                                          : json(nullptr)}});
        }
    r["steps"] = steps;
    // Steps this environment could not run (start --allow-missing), recorded at the start.
    json not_applicable = json::array();
    for (const auto& st : steps)
        if (st["state"] == to_string(StepStatus::not_applicable)) not_applicable.push_back({{"step", st["id"]}, {"phase", st["phase"]}, {"reason", st["reason"]}});
    r["not_applicable"] = not_applicable;

    json timeline_events = json::array();
    for (const auto& e : events) {
        if (!shown_in_timeline(e)) continue;
        // When the person acted (a keypress before typing, or --at): the timeline's time; when
        // it was entered is kept beside it.
        std::int64_t acted = acted_us(e);
        std::string what = describe(e);
        std::string source = e.payload.value("at_source", "");
        if (source == "backfilled") what += fmt::format(" (backfilled: entered at {})", format_utc(e.wall_us));
        else if (e.wall_us - acted >= 1'000'000) what += fmt::format(" (entered {:.1f} s after the key)", static_cast<double>(e.wall_us - acted) / 1e6);
        json entry = {{"seq", e.seq},
                      {"at", format_utc(acted)},
                      {"offset_s", static_cast<double>(timeline.at(acted) - t0) / 1e6},
                      {"t_plus", format_offset(timeline.at(acted) - t0)},
                      {"kind", e.kind},
                      {"role", e.actor.role},
                      {"person", e.actor.person},
                      {"step", e.step},
                      {"what", what},
                      {"hash", e.hash}};
        if (!source.empty()) {
            entry["entered_at"] = format_utc(e.wall_us);
            entry["at_source"] = source;
        }
        timeline_events.push_back(std::move(entry));
    }
    r["events"] = timeline_events;

    json deviations = json::array();
    for (const auto& d : m.deviations)
        deviations.push_back({{"kind", d.kind}, {"step", d.step}, {"at", format_utc(d.at_us)}, {"t_plus", format_offset(timeline.at(d.at_us) - t0)}, {"detail", d.detail}});
    r["deviations"] = deviations;
    json controls = report::controls_json(s, events, [&](std::int64_t us) { return format_offset(timeline.at(us) - t0); });
    for (const char* key : {"approvals", "values", "cleanup", "waits"}) r[key] = controls[key];
    json items = json::array();
    for (const auto& n : s.notes)
        if (n.action_item)
            items.push_back({{"seq", n.seq}, {"at", format_utc(n.wall_us)}, {"text", n.text}, {"owner", n.owner}, {"raised_by", n.actor.person}});
    r["action_items"] = items;
    json notes = json::array();
    for (const auto& n : s.notes)
        if (!n.action_item)
            notes.push_back({{"seq", n.seq}, {"at", format_utc(n.wall_us)}, {"person", n.actor.person}, {"role", n.actor.role},
                             {"step", n.step}, {"text", n.text}, {"corrects", n.corrects ? json(*n.corrects) : json(nullptr)}});
    r["notes"] = notes;
    const ChainReport* c = chain.empty() ? nullptr : &chain.front();
    json sample_problem_lines = json::array();
    if (c)
        for (const auto& p : c->sample_problems) sample_problem_lines.push_back(p.text);
    r["chain"] = {{"head", c ? c->head : ""}, {"count", c ? c->count : 0}, {"verified", verified}, {"problem", c ? c->problem : "no events"},
                  {"sealed_sample_batches", c ? c->sealed_batches : 0}, {"samples", recorded},
                  {"sample_problems", sample_problem_lines}, {"checkpoints", checkpoints_claimed(events)}};
    json jumps = json::array();
    for (const auto& j : m.clock_jumps) jumps.push_back({{"seq", j.seq}, {"at", format_utc(j.wall_us)}, {"jump_s", static_cast<double>(j.jump_us) / 1e6}});
    r["clock"] = {{"jumps", jumps}, {"restarts", m.clock_restarts},
                  {"note", "durations use the monotonic clock between events; a wall-clock step of more than 1 s is listed as a jump"}};
    return r;
}

}  // namespace drconsole
