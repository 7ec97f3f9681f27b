// The text of a step's action, read without running anything: {{name}} templates, run-line
// word splitting, SQL parameter binding. The runbook parser checks actions with these; the
// actions module fills and runs them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drconsole {

// Template values for {{name}}: the environment's vars (expanded only here, at use) and
// incident.id, incident.mode, step.id, actor.role, actor.person.
struct TemplateValues {
    std::map<std::string, std::string> values;
    std::map<std::string, std::string> recorded;  // what the journal may show: vars holding ${…} appear as "<from $NAME>"
    // Secrets (vars written with ${NAME}): never an argument of a run command, where /proc/*/cmdline
    // would show them; a run command gets one as the environment variable NAME=value instead, and
    // only one its block names (e.g. in a comment: "# uses {{api_token}}").
    std::map<std::string, std::pair<std::string, std::string>> secret_env;  // template name -> (NAME, value)
    std::set<std::string> secret_names;                                     // template names whose value is a secret
    // Every secret value known to the environment (each ${NAME} it references, and each var built
    // from them), longest first, with how the journal shows it: redacted from what an action
    // prints or answers before that is recorded.
    std::vector<std::pair<std::string, std::string>> redactions;
};
// The values every action may use besides the environment's vars.
const std::vector<std::string>& builtin_template_names();  // incident.id, incident.mode, step.id, actor.role, actor.person
// The names of the {{…}} values an action uses, in order of first use.
std::vector<std::string> template_names(std::string_view body);

// One word of a run line: literal text, or a whole-argument template.
struct Word {
    std::string text;       // literal text, or the template's name
    bool is_template = false;
    bool allow_dash = false;  // {{name:flag}}: the value may start with '-'
};
// Splits a run block: one command per non-empty line not starting with '#', words split as a
// POSIX shell would (quotes, backslashes) with no expansion; unquoted $ ` * ? [ | & ; < > ( )
// are refused. Throws TextError with the byte offset in `body`.
std::vector<std::vector<Word>> parse_run_block(std::string_view body);
// Fills templates; throws InputError for an unknown name or a value starting with '-'.
std::vector<std::string> fill_argv(const std::vector<Word>& words, const TemplateValues& values);

// SQL with {{name}} replaced by $1, $2, … and the values to bind, in order.
struct BoundSql {
    std::string text;
    std::vector<std::string> params;
};
// Throws TextError for a template inside a quoted literal or comment (it would not be bound).
BoundSql bind_sql(std::string_view sql, const TemplateValues& values);

}  // namespace drconsole
