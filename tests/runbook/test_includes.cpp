// include=FILE.md#phase: the steps a runbook takes from a shared procedure, and where they are kept.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "drconsole/environment.h"
#include "drconsole/files.h"
#include "drconsole/incident.h"
#include "drconsole/journal.h"
#include "drconsole/report.h"
#include "drconsole/sha256.h"
#include "support/fixtures.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

constexpr const char* kProcedure = R"(# Procedure: promote the standby

## Check {kind=detect}
- [ ] Look at the standby {#look role=db}

## Promote PostgreSQL {kind=promote}
- [ ] Check the standby's replay {#check-replay role=db}
- [ ] Promote the standby {#pg-promote role=db restores=postgres approve=ic}
  ```run
  /bin/true
  ```
)";

std::string runbook_with(const std::string& include_line) {
    return "# Failover\n\n| Component | RPO | RTO |\n|---|---|---|\n| postgres | 1m | 10m |\n\n"
           "| Role | Owner |\n|---|---|\n| ic | SRE |\n| db | DBRE |\n\n"
           "## Detect\n- [ ] Declare {#declare role=ic}\n\n"
           "## Promote\n" + include_line + "\n- [ ] Tell the team {#tell role=ic}\n";
}

std::vector<std::string> ids(const Runbook& rb) { return rb.step_ids(); }

std::string first_error(const RunbookResult& r) {
    for (const auto& d : r.diagnostics)
        if (d.severity == Severity::error) return d.str();
    return "";
}

class Includes : public ::testing::Test {
protected:
    void SetUp() override { dir.write("procedures/promote.md", kProcedure); }
    RunbookResult load(const std::string& include_line) { return load_runbook(dir.write("failover.md", runbook_with(include_line))); }
    std::string path(const std::string& name) const { return (dir / name).string(); }
    test::TempDir dir;
};

TEST_F(Includes, TheStepIsReplacedByThePhaseItNamesInPlace) {
    auto r = load("- [ ] Promote with the shared procedure {include=procedures/promote.md#promote-postgresql}");
    ASSERT_TRUE(r.runbook) << first_error(r);
    EXPECT_EQ(ids(*r.runbook), (std::vector<std::string>{"declare", "check-replay", "pg-promote", "tell"}));
    const Step* promote = r.runbook->find_step("pg-promote");
    EXPECT_EQ(promote->file, path("procedures/promote.md"));
    EXPECT_EQ(promote->pos.line, 8);
    EXPECT_EQ(promote->included_by, path("failover.md") + ":16:7");
    EXPECT_EQ(promote->approve, "ic");
    ASSERT_TRUE(promote->action);
    EXPECT_EQ(r.runbook->find_step("declare")->included_by, "");
    ASSERT_EQ(r.runbook->includes.size(), 1u);
    EXPECT_EQ(r.runbook->includes[0].path, path("procedures/promote.md"));
    EXPECT_EQ(r.runbook->includes[0].sha256, sha256_hex(kProcedure));
    EXPECT_EQ(r.runbook->includes[0].source, kProcedure);
}

TEST_F(Includes, APhaseIsNamedByItsHeadingOrByItsKindWhenOnlyOneHasIt) {
    auto by_kind = load("- [ ] Promote {include=procedures/promote.md#promote}");
    ASSERT_TRUE(by_kind.runbook) << first_error(by_kind);
    EXPECT_EQ(ids(*by_kind.runbook)[1], "check-replay");
    auto both = load("- [ ] Look first {include=procedures/promote.md#check}\n- [ ] P {include=procedures/promote.md#promote}");
    ASSERT_TRUE(both.runbook) << first_error(both);
    EXPECT_EQ(ids(*both.runbook), (std::vector<std::string>{"declare", "look", "check-replay", "pg-promote", "tell"}));
    EXPECT_EQ(both.runbook->includes.size(), 1u) << "one file, kept once";
}

TEST_F(Includes, MistakesInTheIncludeLineAreRefusedWhereItIsWritten) {
    std::string rb = path("failover.md");
    EXPECT_EQ(first_error(load("- [ ] P {include=procedures/none.md#promote}")),
              rb + ":16:18: error: include: cannot read procedures/none.md: No such file or directory");
    EXPECT_EQ(first_error(load("- [ ] P {include=procedures/promote.md}")),
              rb + ":16:18: error: include: 'procedures/promote.md' names no phase: write include=FILE.md#phase");
    EXPECT_EQ(first_error(load("- [ ] P {include=procedures/promote.md#verify}")),
              rb + ":16:18: error: include: procedures/promote.md has no phase 'verify' (phases, with their kind: "
                   "check (detect), promote-postgresql (promote); a kind that one phase has names it too)");
    EXPECT_EQ(first_error(load("- [ ] P {include=procedures/promote.md#promote}\n- [ ] Again {include=procedures/promote.md#Promote-PostgreSQL}")),
              rb + ":17:22: error: include: procedures/promote.md#Promote-PostgreSQL is already included at " + rb +
                  ":16:7: a phase is included once (its step ids would repeat)");
    EXPECT_EQ(first_error(load("- [ ] P {include=procedures/promote.md#promote role=db}")),
              rb + ":16:48: error: include= stands for the steps it brings, which carry their own attributes: 'role' belongs on those steps");
    EXPECT_EQ(first_error(load("- [ ] P {include=procedures/promote.md#promote}\n  ```run\n  /bin/true\n  ```")),
              rb + ":17:3: error: include= brings another file's steps with their actions: this line has no action of its own");
}

TEST_F(Includes, MistakesInTheIncludedFileAreReportedThereWithTheIncludeThatBroughtThem) {
    dir.write("procedures/promote.md", std::string(kProcedure) + "- [ ] Page {#page role=dba}\n");
    auto r = load("- [ ] P {include=procedures/promote.md#promote}");
    EXPECT_FALSE(r.runbook);
    EXPECT_EQ(first_error(r), path("procedures/promote.md") + ":12:24: error: unknown role 'dba' (roles: ic, db) (included by " +
                                  path("failover.md") + ":16:7)");
    // The included file's own mistakes, in its own terms and once, with the include that read it.
    dir.write("procedures/promote.md", std::string(kProcedure) + "- [ ] Page {#page role=db timeout=soon}\n");
    auto bad = load("- [ ] P {include=procedures/promote.md#promote}\n- [ ] L {include=procedures/promote.md#check}");
    EXPECT_EQ(first_error(bad), path("procedures/promote.md") + ":12:35: error: timeout: bad duration 'soon': use forms like 45s, 10m, 1h30m"
                                " (included by " + path("failover.md") + ":16:7)");
    EXPECT_EQ(bad.diagnostics.size(), 1u) << "read once, reported once";
    // A step id the runbook already has.
    dir.write("procedures/promote.md", kProcedure);
    auto twice = load("- [ ] Declare again {#pg-promote role=ic}\n- [ ] P {include=procedures/promote.md#promote}");
    EXPECT_EQ(first_error(twice), path("procedures/promote.md") + ":8:7: error: duplicate step id 'pg-promote' (first used at " +
                                      path("failover.md") + ":16) (included by " + path("failover.md") + ":17:7)");
}

TEST_F(Includes, IncludesNestButNeverInACircleAndNotDeeperThanFour) {
    dir.write("procedures/outer.md", "# Outer\n\n## Promote\n- [ ] Inner {include=promote.md#promote}\n- [ ] After {#after role=db}\n");
    auto nested = load("- [ ] P {include=procedures/outer.md#promote}");
    ASSERT_TRUE(nested.runbook) << first_error(nested);
    EXPECT_EQ(ids(*nested.runbook), (std::vector<std::string>{"declare", "check-replay", "pg-promote", "after", "tell"}));
    EXPECT_EQ(nested.runbook->find_step("pg-promote")->included_by, path("procedures/outer.md") + ":4:7");
    EXPECT_EQ(nested.runbook->includes.size(), 2u);

    dir.write("procedures/loop.md", "# Loop\n\n## Promote\n- [ ] Back {include=../failover.md#promote}\n");
    EXPECT_EQ(first_error(load("- [ ] P {include=procedures/loop.md#promote}")),
              path("procedures/loop.md") + ":4:21: error: include: " + path("failover.md") + " would include itself (" + path("failover.md") +
                  " → " + path("procedures/loop.md") + " → " + path("failover.md") + ") (included by " + path("failover.md") + ":16:7)");

    for (int i = 1; i <= 5; ++i)
        dir.write(fmt::format("deep/{}.md", i), fmt::format("# D{}\n\n## Promote\n- [ ] Down {{include={}.md#promote}}\n", i, i + 1));
    dir.write("deep/6.md", "# D6\n\n## Promote\n- [ ] Bottom {#bottom role=db}\n");
    std::string deep = first_error(load("- [ ] P {include=deep/1.md#promote}"));
    EXPECT_NE(deep.find(path("deep/4.md") + ":4:21: error: include: nested more than 4 deep"), std::string::npos) << deep;
}

TEST_F(Includes, AnEnvironmentCheckPointsAtTheIncludedStep) {
    auto r = load("- [ ] P {include=procedures/promote.md#promote}");
    ASSERT_TRUE(r.runbook);
    // The procedure's step with a gate on a target this environment lacks.
    dir.write("procedures/promote.md", std::string(kProcedure) + "- [ ] Gate {#gated role=db gate=\"pg-standby.lag_s < 1s\"}\n");
    r = load("- [ ] P {include=procedures/promote.md#promote}");
    ASSERT_TRUE(r.runbook) << first_error(r);
    Environment env;
    env.path = "env.json";
    auto diags = check_runbook_targets(*r.runbook, env, {});
    ASSERT_FALSE(diags.empty());
    EXPECT_EQ(diags[0].file, path("procedures/promote.md"));
    EXPECT_EQ(diags[0].pos.line, 12);
    EXPECT_NE(diags[0].message.find("(included by " + path("failover.md") + ":16:7)"), std::string::npos) << diags[0].message;
}

// The incident keeps the included file as it was at the start: attach, verify and the bundle use
// the journal's copy, never the file on disk.
TEST_F(Includes, TheJournalKeepsTheIncludedFileAndUsesItsCopy) {
    auto r = load("- [ ] P {include=procedures/promote.md#promote}");
    ASSERT_TRUE(r.runbook) << first_error(r);
    Journal journal(dir / "j.db");
    StartRequest req = test::drill_request();
    req.runbook = r.runbook;
    Incident::start(journal, req);
    std::filesystem::remove(dir / "procedures/promote.md");

    Incident again = Incident::attach(journal, 1);
    EXPECT_EQ(again.state().runbook->step_ids(), (std::vector<std::string>{"declare", "check-replay", "pg-promote", "tell"}));
    EXPECT_TRUE(journal.verify(1).at(0).intact) << journal.verify(1).at(0).problem;

    nlohmann::json report = build_report(journal, 1);
    ASSERT_EQ(report["incident"]["includes"].size(), 1u);
    EXPECT_EQ(report["incident"]["includes"][0]["sha256"], sha256_hex(kProcedure));
    EXPECT_NE(render_markdown(report).find("- Included: "), std::string::npos);

    export_bundle(journal, 1, dir / "bundle");
    EXPECT_EQ(read_file(dir / "bundle/include-1-promote.md"), kProcedure);
    EXPECT_EQ(verify_bundle(dir / "bundle"), std::vector<std::string>{});

    ASSERT_EQ(test::outsider_sql(dir / "j.db", "DROP TRIGGER documents_no_update; UPDATE documents SET content = 'x' WHERE kind = 'include'"), "");
    EXPECT_EQ(Journal(dir / "j.db").verify(1).at(0).problem,
              "included file " + path("procedures/promote.md") + " document was changed: its SHA-256 no longer matches");
}

TEST_F(Includes, AProcedureFileValidatesOnItsOwnTermsAndIsNeverStarted) {
    // Roles, objectives and restores= are the including runbook's: not refused here.
    std::string text = kProcedure;
    auto r = parse_runbook(text, "procedure.md");
    ASSERT_TRUE(r.runbook) << first_error(r);
    EXPECT_TRUE(r.runbook->is_procedure());
    EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics[0].str();
    // The same steps in a runbook that is not a procedure are refused for the objectives it lacks.
    auto not_procedure = parse_runbook(std::string(kProcedure).replace(2, 10, "Steps"), "plain.md");
    EXPECT_FALSE(not_procedure.runbook);
    // Its own mistakes are still refused.
    auto twice = parse_runbook(text + "- [ ] Again {#look role=db}\n", "procedure.md");
    EXPECT_NE(first_error(twice).find("duplicate step id 'look'"), std::string::npos) << first_error(twice);

    StartRequest req = test::drill_request();
    req.runbook = r.runbook;
    try {
        Incident::check_start(req);
        ADD_FAILURE() << "a procedure was started";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "procedure.md is a procedure ('# Procedure: promote the standby'), which runbooks include: "
                                         "start a runbook that includes it");
    }
    auto shipped = load_runbook(test::source_path("checklists/procedures/promote-postgresql.md"));
    ASSERT_TRUE(shipped.runbook) << first_error(shipped);
    EXPECT_TRUE(shipped.runbook->is_procedure());
    EXPECT_TRUE(shipped.diagnostics.empty()) << shipped.diagnostics[0].str();
}

}  // namespace
