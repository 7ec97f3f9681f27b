// Run lines split like a shell splits words, with no expansion; SQL templates bound, never spliced.
#include <set>

#include <gtest/gtest.h>

#include "drconsole/actions.h"
#include "support/template_values.h"
#include "drconsole/incident.h"
#include "support/text_errors.h"

using namespace drconsole;

namespace {

using test::values;

std::vector<std::string> argv_of(const std::string& line, const TemplateValues& t = {}) {
    auto commands = parse_run_block(line);
    EXPECT_EQ(commands.size(), 1u);
    return fill_argv(commands.at(0), t);
}

}  // namespace

TEST(RunLines, SplitLikeAShellWithoutExpansion) {
    EXPECT_EQ(argv_of("kubectl --context secondary rollout restart deployment/api"),
              (std::vector<std::string>{"kubectl", "--context", "secondary", "rollout", "restart", "deployment/api"}));
    EXPECT_EQ(argv_of(R"(psql -c 'SELECT 1; SELECT 2' "two words" a\ b)"),
              (std::vector<std::string>{"psql", "-c", "SELECT 1; SELECT 2", "two words", "a b"}));
    EXPECT_EQ(argv_of(R"(echo "a \"quoted\" \$HOME")"), (std::vector<std::string>{"echo", "a \"quoted\" $HOME"}));
    auto block = parse_run_block("# comment\n\nkubectl get pods\r\n  echo done\n");
    EXPECT_EQ(block.size(), 2u);
}

TEST(RunLines, ShellSyntaxIsRefusedWithItsOffset) {
    for (auto [line, offset] : std::vector<std::pair<std::string, std::size_t>>{
             {"echo $HOME", 5}, {"echo `id`", 5}, {"ls *.conf", 3}, {"a | b", 2}, {"a; b", 1}, {"a && b", 2}, {"a > f", 2},
             {"echo \"$(id)\"", 6}, {"echo 'unclosed", 5}, {"pgbackrest --target={{t}}", 20}}) {
        EXPECT_EQ(test::error_offset([&] { parse_run_block(line); }), offset) << line;
    }
}

TEST(RunLines, TemplatesFillWholeArgumentsAndRefuseOptionLookalikes) {
    auto t = values({{"target", "2026-01-15T10:30:00Z"}, {"evil", "; rm -rf / $(id)"}, {"flag", "--force"}});
    EXPECT_EQ(argv_of("restore --to {{target}}", t), (std::vector<std::string>{"restore", "--to", "2026-01-15T10:30:00Z"}));
    EXPECT_EQ(argv_of("echo {{evil}}", t), (std::vector<std::string>{"echo", "; rm -rf / $(id)"}));
    EXPECT_THROW(argv_of("tool {{flag}}", t), InputError);
    EXPECT_EQ(argv_of("tool {{flag:flag}}", t), (std::vector<std::string>{"tool", "--force"}));
    EXPECT_THROW(argv_of("tool {{missing}}", t), InputError);
}

TEST(SqlTemplates, BecomeBoundParameters) {
    auto t = values({{"recovery_target", "2026-01-15"}, {"evil", "1; DROP TABLE ledger"}});
    BoundSql b = bind_sql("SELECT count(*) FROM ledger WHERE ts <= {{recovery_target}} AND id <> {{evil}} AND ts > {{recovery_target}}", t);
    EXPECT_EQ(b.text, "SELECT count(*) FROM ledger WHERE ts <= $1 AND id <> $2 AND ts > $1");
    EXPECT_EQ(b.params, (std::vector<std::string>{"2026-01-15", "1; DROP TABLE ledger"}));
    EXPECT_EQ(test::error_offset([&] { bind_sql("SELECT '{{evil}}'", t); }), 8u);
    EXPECT_EQ(test::error_offset([&] { bind_sql("SELECT 1 -- {{evil}}", t); }), 12u);
    EXPECT_EQ(test::error_offset([&] { bind_sql("SELECT {{nope}}", t); }), 7u);
    EXPECT_EQ(bind_sql("SELECT 'it''s {' /* a } comment */ , 1 -- done\n", {}).text, "SELECT 'it''s {' /* a } comment */ , 1 -- done\n")
        << "quotes and comments pass through untouched";
}

TEST(TemplateValues, SecretsFromTheEnvironmentAreNeverRecorded) {
    Environment env;
    env.vars = {{"token", "${DRC_TEST_TOKEN}"}, {"target", "2026-01-15"}};
    ::setenv("DRC_TEST_TOKEN", "s3cr3t-canary", 1);
    IncidentState s;
    s.id = 7;
    s.mode = "drill";
    Step step;
    step.id = "pg-promote";
    TemplateValues t = template_values(&env, s, step, {"db", "dmitri"});
    ::unsetenv("DRC_TEST_TOKEN");
    EXPECT_EQ(t.values.at("token"), "s3cr3t-canary");
    EXPECT_EQ(t.recorded.at("token"), "<from $DRC_TEST_TOKEN>");
    EXPECT_EQ(t.recorded.at("target"), "2026-01-15");
    EXPECT_EQ(t.values.at("incident.id"), "7");
    EXPECT_EQ(t.values.at("actor.person"), "dmitri");
    step.action = Action{ActionKind::run, "", {}, "curl -H {{token}} https://example/\n", {}};
    std::string described = describe_action(step, t).dump();
    EXPECT_EQ(described.find("s3cr3t-canary"), std::string::npos) << described;
}

TEST(TemplateValues, ASecretIsRedactedAsItIsAndAsThisProgramEncodesIt) {
    Environment env;
    env.vars = {{"token", "${DRC_TEST_ODD}"}};
    ::setenv("DRC_TEST_ODD", "a/b+c=d\"e", 1);
    IncidentState s;
    Step step;
    TemplateValues t = template_values(&env, s, step, {"db", "dmitri"});
    ::unsetenv("DRC_TEST_ODD");
    std::set<std::string> forms;
    for (const auto& [secret, shown] : t.redactions) {
        EXPECT_EQ(shown, "<from $DRC_TEST_ODD>");
        forms.insert(secret);
    }
    EXPECT_EQ(forms, (std::set<std::string>{"a/b+c=d\"e", "a/b+c=d\\\"e", "a\\/b+c=d\\\"e", "a%2Fb%2Bc%3Dd%22e", "a%2fb%2bc%3dd%22e"}));
}
