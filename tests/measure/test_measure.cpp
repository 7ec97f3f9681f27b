// Measuring from the journal: RTO exact on a scripted clock, wall-clock jumps, T0 rules, and
// "not measured" (with the reason) wherever a source is missing.
#include <gtest/gtest.h>

#include "drconsole/measure.h"
#include "support/fixtures.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

const Actor kIc{"ic", "alice"}, kDb{"db", "bob"}, kMq{"messaging", "carol"};

// The small drill, or the drill of `runbook` (Markdown) when given, on a manual clock.
StartRequest drill_with(const char* runbook) {
    StartRequest req = test::drill_request();
    if (runbook) req.runbook = parse_runbook(runbook, "rb.md").runbook;
    return req;
}

struct Scripted {
    explicit Scripted(const char* runbook = nullptr) : incident(Incident::start(journal, drill_with(runbook))) {}
    test::TempDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    Journal journal{dir / "j.db", clock};
    Incident incident;

    Measurement measure_now(const Environment* env = nullptr) {
        std::vector<Event> events = journal.events(incident.id());
        std::vector<Sample> samples = journal.samples(incident.id());
        return measure({&incident.state(), &events, &samples, env, true});
    }
};

const ComponentResult& component(const Measurement& m, const std::string& name) {
    for (const auto& c : m.components)
        if (c.component == name) return c;
    throw std::runtime_error("no component " + name);
}

}  // namespace

TEST(Rto, IsExactToTheMicrosecondOnAScriptedTimeline) {
    Scripted s;
    s.clock->advance_us(1'234'567);
    s.incident.inject_fault("stopped the primary", kIc);
    s.clock->advance_us(300'000'001);
    s.incident.start_step("pg-promote", kDb);
    s.clock->advance_us(127'654'321);
    s.incident.complete_step("pg-promote", kDb);  // T0 + 427.654322 s
    s.clock->advance_us(61'000'007);
    s.incident.complete_step("kafka-promote", kMq);  // T0 + 488.654329 s
    Measurement m = s.measure_now();
    EXPECT_EQ(m.t0_source, "fault injected");
    EXPECT_DOUBLE_EQ(*component(m, "postgres").rto_s, 427.654322);
    EXPECT_EQ(component(m, "postgres").restored_by, "pg-promote");
    EXPECT_DOUBLE_EQ(*component(m, "kafka").rto_s, 488.654329);
    EXPECT_DOUBLE_EQ(*component(m, "service").rto_s, 488.654329) << "the last restoring milestone";
    EXPECT_TRUE(m.clock_jumps.empty());
    ASSERT_EQ(m.phases.size(), 2u);
    EXPECT_DOUBLE_EQ(*m.phases[1].duration_s, 188.654328) << "first step started → last step ended";
    EXPECT_FALSE(m.phases[0].duration_s) << "a phase nobody touched has no duration";
}

TEST(Rto, AWallClockJumpIsReportedAndDoesNotChangeTheDuration) {
    Scripted s;
    s.incident.inject_fault("stopped the primary", kIc);
    s.clock->advance_us(60'000'000);
    s.clock->jump_wall_us(3'600'000'000);  // NTP steps the clock an hour ahead mid-incident
    s.incident.complete_step("pg-promote", kDb);
    Measurement m = s.measure_now();
    ASSERT_EQ(m.clock_jumps.size(), 1u);
    EXPECT_EQ(m.clock_jumps[0].jump_us, 3'600'000'000);
    EXPECT_DOUBLE_EQ(*component(m, "postgres").rto_s, 60.0) << "the monotonic clock measured it";
}

TEST(Rto, ANotRestoredComponentHasNoRtoAndFails) {
    Scripted s;
    s.incident.inject_fault("stopped the primary", kIc);
    s.incident.skip_step("kafka-promote", "no Kafka in this drill", kMq);
    Measurement m = s.measure_now();
    const auto& kafka = component(m, "kafka");
    EXPECT_FALSE(kafka.rto_s);
    EXPECT_FALSE(kafka.pass);
    EXPECT_NE(kafka.reason.find("not restored: kafka-promote is skipped"), std::string::npos) << kafka.reason;
    EXPECT_FALSE(m.pass);
    ASSERT_FALSE(m.deviations.empty());
    EXPECT_EQ(m.deviations[0].kind, "skipped");
}

TEST(T0, ARealIncidentUsesTheEarliestOfDeclaredAndFirstDetectedUnlessToldOtherwise) {
    for (auto [rule, source] : {std::pair{T0Rule::earliest, "first detected"}, {T0Rule::declared, "declared"}, {T0Rule::detected, "first detected"}}) {
        test::TempDir dir;
        auto clock = std::make_shared<ManualClock>();
        Journal journal(dir / "j.db", clock);
        Incident incident = Incident::start(journal, test::drill_request("real"));
        clock->advance_us(600'000'000);
        std::int64_t detected = clock->wall_us() - 420'000'000;  // the first alert fired 7 minutes before
        incident.declare(kIc, detected, rule);
        EXPECT_EQ(incident.state().t0_source(), source);
        EXPECT_EQ(incident.state().t0_us(), std::string(source) == "declared" ? clock->wall_us() : detected);
    }
}

TEST(NotMeasured, EveryMissingSourceSaysWhyAndNeverReadsZero) {
    EnvironmentResult env = parse_environment(R"({"targets": {
      "pg-primary": {"type": "postgres", "dsn": "host=x", "role": "primary", "heartbeat": "1s"},
      "pg-standby": {"type": "postgres", "dsn": "host=y", "role": "standby", "primary": "pg-primary"},
      "pg-lonely":  {"type": "postgres", "dsn": "host=z", "role": "standby"},
      "mm2-src": {"type": "kafka", "bootstrap": "a:1"}, "mm2-dst": {"type": "kafka", "bootstrap": "b:1"},
      "mm2": {"type": "kafka-mirror", "source": "mm2-src", "target": "mm2-dst", "topics": ["orders"]},
      "api": {"type": "http", "url": "http://127.0.0.1:1/"},
      "prom": {"type": "prometheus", "url": "http://127.0.0.1:1", "queries": {"a": "up", "b": "up"}}
    }})", "env.jsonc");
    ASSERT_TRUE(env.env);
    // Readings of another target only: each case's own reason shows.
    std::vector<Sample> none{{1, "elsewhere", "up", 1, 1, 1, "ok", "{}"}};
    struct Case {
        std::string target;
        const Environment* env;
        std::string reason;
    };
    for (const auto& c : std::vector<Case>{
             {"", env.env.get(), "no step that restores it names an rpo= target"},
             {"pg-standby", nullptr, "the incident ran without an environment"},
             {"nowhere", env.env.get(), "the environment has no target 'nowhere'"},
             {"pg-standby", env.env.get(), "no heartbeat of the primary 'pg-primary' was recorded before the failover"},
             {"pg-lonely", env.env.get(), "'pg-lonely' names no primary target"},
             {"mm2", env.env.get(), "no reading of the mirror 'mm2' before the failover was recorded"},
             {"api", env.env.get(), "a http target cannot measure data loss"},
             {"prom", env.env.get(), "'prom' has 2 queries; name the RPO one \"rpo_s\""},
         }) {
        RpoFigure f = measure_rpo(c.target, c.env, none, INT64_MAX);
        EXPECT_FALSE(f.rpo_s) << c.target << " must not invent a number";
        EXPECT_NE(f.reason.find(c.reason), std::string::npos) << c.target << ": " << f.reason;
    }
}

TEST(NotMeasured, NoReadingsAtAllOrNeverReachableSayWhy) {
    EnvironmentResult env = parse_environment(R"({"targets": {
      "pg-primary": {"type": "postgres", "dsn": "host=x", "role": "primary", "heartbeat": "1s"},
      "pg-standby": {"type": "postgres", "dsn": "host=y", "role": "standby", "primary": "pg-primary"}}})", "env.jsonc");
    RpoFigure nothing = measure_rpo("pg-standby", env.env.get(), {}, INT64_MAX);
    EXPECT_FALSE(nothing.rpo_s);
    EXPECT_NE(nothing.reason.find("no readings were recorded for this incident: no console was open on it"), std::string::npos) << nothing.reason;
    std::vector<Sample> down = {{1, "pg-primary", "up", 10, 1, 0, "down", "{}"}, {1, "pg-standby", "up", 10, 1, 1, "ok", "{}"},
                                {1, "pg-primary", "up", 20, 2, 0, "down", "{}"}};
    RpoFigure unreachable = measure_rpo("pg-standby", env.env.get(), down, INT64_MAX);
    EXPECT_FALSE(unreachable.rpo_s);
    EXPECT_NE(unreachable.reason.find("'pg-primary' was never reachable while readings were recorded (2 readings, none ok)"), std::string::npos)
        << unreachable.reason;
}

TEST(NotMeasured, HeartbeatsWithoutAReadingAfterPromotionAreNotEnough) {
    EnvironmentResult env = parse_environment(R"({"targets": {
      "pg-primary": {"type": "postgres", "dsn": "host=x", "role": "primary", "heartbeat": "1s"},
      "pg-standby": {"type": "postgres", "dsn": "host=y", "role": "standby", "primary": "pg-primary"}}})", "env.jsonc");
    std::vector<Sample> samples = {{1, "pg-primary", "heartbeat_ts", 10'000'000, 1, 1'767'405'600.0, "ok", "{}"},
                                   {1, "pg-standby", "heartbeat_ts", 10'000'000, 1, 1'767'405'599.0, "ok", "{}"},
                                   {1, "pg-standby", "in_recovery", 10'000'000, 1, 1, "ok", "{}"}};
    RpoFigure f = measure_rpo("pg-standby", env.env.get(), samples, INT64_MAX);
    EXPECT_FALSE(f.rpo_s) << "the standby's lag before promotion is not what promotion kept";
    EXPECT_NE(f.reason.find("no reading of 'pg-standby' after its promotion"), std::string::npos) << f.reason;

    samples.push_back({1, "pg-standby", "in_recovery", 12'000'000, 1, 0, "ok", "{}"});
    samples.push_back({1, "pg-standby", "heartbeat_ts", 12'000'000, 1, 1'767'405'599.5, "ok", "{}"});
    f = measure_rpo("pg-standby", env.env.get(), samples, INT64_MAX);
    ASSERT_TRUE(f.rpo_s) << f.reason;
    EXPECT_DOUBLE_EQ(*f.rpo_s, 0.5);
    EXPECT_DOUBLE_EQ(*f.uncertainty_s, 1.0);
}

TEST(Criteria, AFailedStepNeedsARecordedDecision) {
    Scripted s;
    s.incident.fail_step("confirm", "the pager did not fire", kIc);
    auto criterion = [](const Measurement& m) {
        for (const auto& c : m.criteria)
            if (c.name == "No step failed without a recorded decision") return c;
        throw std::runtime_error("no criterion");
    };
    EXPECT_EQ(criterion(s.measure_now()).pass, false);
    s.incident.add_note("decided: go on with the failover; the pager is fixed after the drill", "confirm", kIc);
    EXPECT_EQ(criterion(s.measure_now()).pass, true);
}

TEST(Result, MetObjectivesAreNotACompleteDrill) {
    const char* runbook = "# Failover drill\n\n| Component | RPO | RTO |\n|---|---|---|\n| postgres | - | 10m |\n\n"
                          "| Role | Owner |\n|---|---|\n| ic | SRE |\n| db | DBA |\n\n"
                          "## Promote {kind=promote}\n- [ ] Promote the standby {#promote role=db restores=postgres}\n\n"
                          "## Fail back {kind=failback}\n- [ ] Rebuild the old primary {#rebuild role=db}\n- [ ] Switch back {#back role=ic}\n";
    Scripted s(runbook);
    s.incident.inject_fault("stopped the primary", kIc);
    s.clock->advance_us(60'000'000);
    s.incident.complete_step("promote", kDb);
    s.incident.skip_step("rebuild", "no time", kDb);
    s.incident.skip_step("back", "no time", kIc);
    Measurement m = s.measure_now();
    EXPECT_TRUE(m.objectives_met);
    EXPECT_TRUE(m.pass) << "no criterion failed";
    EXPECT_EQ(m.not_exercised, std::vector<std::string>{"Fail back"});
    EXPECT_EQ(m.not_evidenced, std::vector<std::string>{"Integrity verification step passed"});
    EXPECT_EQ(m.headline, "objectives met — failback not exercised; not evidenced: Integrity verification step passed") << m.headline;

    // Over its RTO: the headline says what was not met first.
    Scripted late(runbook);
    late.incident.inject_fault("stopped the primary", kIc);
    late.clock->advance_us(11 * 60'000'000LL);
    late.incident.complete_step("promote", kDb);
    Measurement over = late.measure_now();
    EXPECT_FALSE(over.objectives_met);
    EXPECT_EQ(over.headline.rfind("FAIL: not met: RTO within objective — failback not exercised", 0), 0u) << over.headline;
}

TEST(Rto, TheServiceIsNotRestoredWhileAComponentIsNotEvenWhenItsOwnStepIsDone) {
    Scripted s("# Two parts\n\n| Component | RPO | RTO |\n|---|---|---|\n| postgres | - | 10m |\n| kafka | - | 10m |\n"
               "| service | - | 15m |\n\n| Role | Owner |\n|---|---|\n| ic | SRE |\n| db | DBA |\n\n"
               "## Promote {kind=promote}\n- [ ] Promote the standby {#promote role=db restores=postgres}\n"
               "- [ ] Promote the mirror {#mirror role=db restores=kafka}\n\n"
               "## Verify {kind=verify}\n- [ ] Test ingestion end to end {#ingest role=ic restores=service}\n");
    s.incident.inject_fault("stopped the primary", kIc);
    s.clock->advance_us(60'000'000);
    s.incident.complete_step("promote", kDb);
    s.incident.fail_step("mirror", "the mirror would not start", kDb);
    s.incident.complete_step("ingest", kIc);
    Restoration r = restoration(s.incident.state(), "service");
    EXPECT_FALSE(r.at_us) << "restored by " << r.by;
    EXPECT_NE(r.why_not.find("kafka is not"), std::string::npos) << r.why_not;
    EXPECT_FALSE(s.measure_now().service()->rto_s) << "the report agrees with the header";
}

// Timeline::at finds its answer by halving when wall times never go back; the walk it replaces
// is kept here as the reference, on an ordered timeline and on one whose wall clock stepped back.
TEST(Timeline, AnswersAsTheWalkOfEveryEventDoes) {
    auto walk = [](const std::vector<std::pair<std::int64_t, std::int64_t>>& points, std::int64_t wall) {
        const std::pair<std::int64_t, std::int64_t>* base = nullptr;
        for (const auto& p : points) {
            if (p.first == wall) return p.second;
            if (p.first <= wall) base = &p;
        }
        if (!base) base = &points.front();
        return base->second + (wall - base->first);
    };
    for (bool stepped_back : {false, true}) {
        std::vector<Event> events;
        std::vector<std::pair<std::int64_t, std::int64_t>> points;
        std::int64_t wall = 1'000'000'000, mono = 5;
        for (int i = 0; i < 40; ++i) {
            Event e;
            e.seq = i + 1;
            std::int64_t d = (i % 3 == 0) ? 0 : 1'000'000 + i;  // some events share a wall time
            wall += d, mono += d;
            if (stepped_back && i == 20) wall -= 30'000'000;
            if (i == 30) wall += 5'000'000;  // a jump forward the monotonic clock did not see
            e.wall_us = wall, e.mono_us = mono;
            events.push_back(e);
        }
        Timeline timeline(events);
        // The reference's points: as Timeline builds them (wall as recorded, timeline time).
        for (std::size_t i = 0; i < events.size(); ++i)
            points.emplace_back(events[i].wall_us, i == 0 ? events[0].wall_us : points.back().second + (events[i].mono_us - events[i - 1].mono_us));
        for (std::int64_t probe = 990'000'000; probe < 1'060'000'000; probe += 250'001)
            ASSERT_EQ(timeline.at(probe), walk(points, probe)) << probe << (stepped_back ? " stepped back" : "");
        for (const auto& e : events) ASSERT_EQ(timeline.at(e.wall_us), walk(points, e.wall_us)) << e.seq;
    }
}
