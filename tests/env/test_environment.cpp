// Environment files: targets, references kept unexpanded, secrets refused, errors with positions.
#include <cstdlib>

#include <gtest/gtest.h>

#include "drconsole/environment.h"
#include "drconsole/runbook.h"
#include "support/process.h"

using namespace drconsole;

namespace {

std::string first_error(const EnvironmentResult& r) {
    for (const auto& d : r.diagnostics)
        if (d.severity == Severity::error) return d.str();
    return "";
}

}  // namespace

TEST(Environment, TheShippedLabAndStagingFilesLoad) {
    for (const char* file : {"data/lab.env.jsonc", "data/staging.env.jsonc"}) {
        EnvironmentResult r = load_environment(test::source_path(file));
        ASSERT_TRUE(r.env) << first_error(r);
        EXPECT_TRUE(r.env->find("pg-standby"));
        EXPECT_EQ(r.env->find("mm2")->type, TargetType::kafka_mirror);
        EXPECT_EQ(r.env->find("mm2")->target_topic, "primary.{topic}");
        EXPECT_EQ(r.env->sha256.size(), 64u);
    }
}

TEST(Environment, AKeyNamedTwiceIsRefusedWhereItIsNamedAgain) {
    // A reviewer sees the first "api" and its URL; the parser would keep the second.
    auto r = parse_environment("{\n  \"targets\": {\n    \"api\": {\"type\": \"http\", \"url\": \"http://127.0.0.1/a\"},\n"
                               "    \"api\": {\"type\": \"http\", \"url\": \"http://evil/\", \"url\": \"http://evil/b\"}\n  }\n}\n",
                               "env.jsonc");
    ASSERT_FALSE(r.env);
    ASSERT_EQ(r.diagnostics.size(), 2u);
    EXPECT_EQ(r.diagnostics[0].str(), "env.jsonc:4:5: error: 'api' is named twice in this object (first at line 3, column 5): JSON keeps "
                                      "only the last one, a reader sees the first; write it once");
    EXPECT_EQ(r.diagnostics[1].str().substr(0, 60), "env.jsonc:4:52: error: 'url' is named twice in this object (");
}

TEST(Environment, ReferencesAreKeptAsWrittenAndExpandedOnlyAtUse) {
    auto r = parse_environment(R"({
      // comments are allowed
      "targets": { "k": { "type": "kafka", "bootstrap": "b:9092", "config": { "sasl.password": "${DRC_TEST_SECRET}" } } }
    })", "env.jsonc");
    ASSERT_TRUE(r.env) << first_error(r);
    const std::string& stored = r.env->find("k")->config.at("sasl.password");
    EXPECT_EQ(stored, "${DRC_TEST_SECRET}");
    EXPECT_EQ(r.env->source.find("s3cret"), std::string::npos);
    ::setenv("DRC_TEST_SECRET", "s3cret", 1);
    EXPECT_EQ(expand_references(stored), "s3cret");
    ::unsetenv("DRC_TEST_SECRET");
    EXPECT_THROW(expand_references(stored), InputError);
}

TEST(Environment, RefusesAPasswordInADsnPointingAtIt) {
    auto r = parse_environment("{\n  \"targets\": {\n    \"pg\": { \"type\": \"postgres\", \"dsn\": \"host=db password=hunter2\" }\n  }\n}\n", "env.jsonc");
    EXPECT_FALSE(r.env);
    EXPECT_EQ(first_error(r), "env.jsonc:3:49: error: a DSN with a password in clear: put it in ~/.pgpass or a file named by PGPASSFILE (or write password=${NAME})");
    auto uri = parse_environment(R"({"targets": {"pg": {"type": "postgres", "dsn": "postgresql://app:pw@db/ledger"}}})", "env.jsonc");
    EXPECT_FALSE(uri.env);
    auto ref = parse_environment(R"({"targets": {"pg": {"type": "postgres", "dsn": "host=db password=${PGPW}"}}})", "env.jsonc");
    EXPECT_TRUE(ref.env) << first_error(ref);
}

TEST(Environment, RefusesSecretsInClearInKafkaConfigAndUrls) {
    auto kafka = parse_environment(R"({"targets": {"k": {"type": "kafka", "bootstrap": "b", "config": {"sasl.password": "plain"}}}})", "e");
    EXPECT_NE(first_error(kafka).find("'sasl.password' holds a secret in clear"), std::string::npos);
    auto url = parse_environment(R"({"targets": {"h": {"type": "http", "url": "https://user:pw@host/healthz"}}})", "e");
    EXPECT_NE(first_error(url).find("a URL with a password in it"), std::string::npos);
}

TEST(Environment, StructuralErrorsPointAtTheirPlace) {
    auto r = parse_environment("{\n  \"targets\": {\n    \"x\": { \"type\": \"htp\", \"url\": \"u\" }\n  },\n  \"colour\": 1\n}\n", "env.jsonc");
    ASSERT_FALSE(r.env);
    ASSERT_EQ(r.diagnostics.size(), 2u);
    EXPECT_EQ(r.diagnostics[0].str(), "env.jsonc:3:20: error: unknown target type 'htp' (known: postgres, kafka, kafka-mirror, http, prometheus, http-json, command)");
    EXPECT_EQ(r.diagnostics[1].str(), "env.jsonc:5:3: error: unknown setting 'colour' (known: name, targets, roster, comms, vars)");

    auto syntax = parse_environment("{\n  \"targets\": {,}\n}\n", "env.jsonc");
    EXPECT_EQ(first_error(syntax), "env.jsonc:2:15: error: syntax error while parsing object key - unexpected ','; expected string literal");

    auto missing = parse_environment(R"({"targets": {"m": {"type": "kafka-mirror", "source": "a", "target": "b"}}})", "e");
    EXPECT_NE(first_error(missing).find("needs \"topics\""), std::string::npos);
    auto bad_ref = parse_environment(R"({"vars": {"v": "${not closed"}})", "e");
    EXPECT_NE(first_error(bad_ref).find("'${' is not closed"), std::string::npos);
}

TEST(Environment, HttpJsonMetricsAreCheckedWhereTheyAreWritten) {
    auto ok = parse_environment(R"({"targets": {"sr": {"type": "http-json", "url": "http://sr:8081/subjects", "dr_url": "http://dr:8081/subjects",
        "headers": {"Authorization": "Bearer ${SR_TOKEN}"},
        "metrics": {"subjects": {"pointer": "", "count": true}, "missing": {"pointer": "", "missing_on_dr": true},
                    "running": {"pointer": "/state", "ok": ["RUNNING"]}, "lag": "/lag", "age_s": {"pointer": "/ts", "age": true}}}}})", "e");
    ASSERT_TRUE(ok.env) << first_error(ok);
    const Target& sr = *ok.env->find("sr");
    EXPECT_EQ(sr.json_metrics.at("missing").kind, JsonMetric::Kind::missing_on_dr);
    EXPECT_EQ(sr.json_metrics.at("running").ok, std::vector<std::string>{"RUNNING"});
    EXPECT_EQ(known_metrics(sr), (std::vector<std::string>{"up", "latency_ms", "age_s", "lag", "missing", "running", "subjects"}));

    auto env = [](const std::string& target) { return parse_environment("{\n  \"targets\": {\n    \"j\": " + target + "\n  }\n}\n", "env.jsonc"); };
    EXPECT_EQ(first_error(env(R"({"type": "http-json", "url": "http://a/", "metrics": {"lag": "lag"}})")),
              "env.jsonc:3:71: error: a JSON Pointer is \"\" (the whole answer) or starts with '/': \"/data/state\"");
    EXPECT_EQ(first_error(env(R"({"type": "http-json", "url": "http://a/", "metrics": {"gone": {"pointer": "/s", "missing_on_dr": true}}})")),
              "env.jsonc:3:72: error: 'gone' compares with the DR side: give \"dr_url\"");
    EXPECT_EQ(first_error(env(R"({"type": "http-json", "url": "http://a/", "metrics": {"s": {"pointer": "/s", "count": true, "age": true}}})")),
              "env.jsonc:3:69: error: a metric is read one way: give one of ok, count, age, missing_on_dr, behind_on_dr");
    EXPECT_EQ(first_error(env(R"({"type": "http-json", "url": "http://a/", "metrics": {"s": {"pointer": "/s", "sum": true}}})")),
              "env.jsonc:3:94: error: unknown metric setting 'sum' (known: pointer, ok, count, age, missing_on_dr, behind_on_dr)");
    EXPECT_EQ(first_error(env(R"({"type": "http-json", "url": "http://a/", "metrics": {"a.b": "/x"}})")),
              "env.jsonc:3:71: error: metric name 'a.b' is letters, digits and '_' (a gate reads it as TARGET.NAME)");
    EXPECT_EQ(first_error(env(R"({"type": "http-json", "url": "http://a/", "headers": {"X-Api-Key": "k3y"}, "metrics": {"a": "/x"}})")),
              "env.jsonc:3:77: error: header 'X-Api-Key' holds a secret in clear: write it with ${NAME}");
    EXPECT_EQ(first_error(env(R"({"type": "http-json", "url": "http://a/"})")), "env.jsonc:3:10: error: http-json target 'j' needs \"metrics\"");
}

TEST(Environment, RunbookTargetsMustExistWithTheirMetrics) {
    auto env = parse_environment(R"({"targets": {
        "pg-standby": {"type": "postgres", "dsn": "host=db"},
        "api": {"type": "http", "url": "http://127.0.0.1:1/healthz"}}})", "env.jsonc");
    ASSERT_TRUE(env.env);
    auto rb = parse_runbook("# T\n\n| Component | RPO | RTO |\n|---|---|---|\n| pg | 1m | 5m |\n\n## Promote\n"
                            "- [ ] Promote {role=db restores=pg rpo=pg-gone gate=\"pg-standby.lagg < 5s and mm2.lag_s < 30s\"}\n"
                            "  ```sql target=api\n  SELECT 1;\n  ```\n", "rb.md");
    ASSERT_TRUE(rb.runbook);
    auto d = check_runbook_targets(*rb.runbook, *env.env);
    std::vector<std::string> lines;
    for (const auto& x : d) lines.push_back(x.str());
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_NE(lines[0].find("rb.md:8:40: error: rpo names target 'pg-gone'"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find("rb.md:8:65: error: a postgres target has no metric 'lagg'"), std::string::npos) << lines[1];
    EXPECT_NE(lines[2].find("rb.md:8:79: error: gate names target 'mm2'"), std::string::npos) << lines[2];
    EXPECT_NE(lines[3].find("rb.md:9:17: error: a sql action needs a postgres target; 'api' is http"), std::string::npos) << lines[3];
}

TEST(Environment, ShippedRunbooksMatchTheShippedEnvironments) {
    for (const char* env_file : {"data/lab.env.jsonc", "data/staging.env.jsonc"}) {
        auto env = load_environment(test::source_path(env_file));
        ASSERT_TRUE(env.env);
        for (const char* rb_file : {"region-failover.md", "kafka-cluster-failover.md", "postgres-pitr.md", "quarterly-drill.md"}) {
            auto rb = load_runbook(test::source_path(std::string("checklists/") + rb_file));
            ASSERT_TRUE(rb.runbook);
            auto d = check_runbook_targets(*rb.runbook, *env.env);
            EXPECT_TRUE(d.empty()) << env_file << " × " << rb_file << ": " << d[0].str();
        }
    }
}
