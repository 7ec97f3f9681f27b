// The runbook model: a GFM checklist read into title, objectives, roles, phases and steps.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drconsole/diagnostic.h"
#include "drconsole/duration.h"
#include "drconsole/gate.h"

namespace drconsole {

enum class PhaseKind { detect, promote, repoint, verify, failback };

std::optional<PhaseKind> phase_kind_from(std::string_view name);  // case-insensitive
std::string_view to_string(PhaseKind kind);

// The component name that stands for the whole service in an objectives table.
inline constexpr std::string_view kServiceComponent = "service";

struct Objective {
    std::string component;
    std::optional<Millis> rpo;  // none when the table says "-" (no data objective)
    std::optional<Millis> rto;
    SourcePos pos;
};

enum class ActionKind { sql, http, run };
std::string_view to_string(ActionKind kind);

struct Action {
    ActionKind kind = ActionKind::run;
    std::string target;  // sql and http: the environment target id
    SourcePos target_pos;
    std::string body;    // the block's text, verbatim
    SourcePos pos;       // the fence's opening line
};

struct Step {
    std::string id;
    bool explicit_id = false;
    std::string text;  // the step's first line as written (Markdown), without its attribute block
    bool checked = false;  // written as "- [x]" in the file
    std::string role;
    std::optional<GateExpr> gate;
    std::string gate_text;
    std::vector<std::string> restores;  // component names this step's completion restores
    std::string rpo_target;             // environment target whose readings measure the RPO
    std::optional<Millis> timeout;
    std::string confirm;                // non-empty: ask before completing; the text is the prompt
    bool fault = false;                 // its action injects a drill's fault: T0 is stamped when it succeeds
    // Four eyes: the step completes only after another person holding this role approves it.
    std::string approve;
    std::optional<Millis> approve_timeout;  // from the request (the step's start) to the approval
    // Graceful: the action runs once this condition holds; after wait_timeout the IC decides.
    std::optional<GateExpr> wait;
    std::string wait_text;
    std::optional<Millis> wait_timeout;
    std::string when;                   // "drill" or "real": the step exists only in that mode; "" in both
    bool always = false;                // cleanup: it must have run before the incident is resolved
    std::optional<Millis> due;          // a deadline from T0
    std::optional<Millis> budget;       // a deadline from the start of its phase
    std::vector<std::string> requires_values;  // values asked for when the step completes ("lsn", "ticket")
    std::vector<std::string> details;   // lines under the step, dedented
    std::optional<Action> action;
    // Where the step is written: the runbook's file, or the file it includes the step from.
    std::string file;
    std::string included_by;            // "FILE:LINE:COL" of the include= that brought it; "" when written here
    std::string include;                // while parsing only: "FILE.md#phase" (the steps replace this one)
    SourcePos pos;                      // the step's text
    SourcePos role_pos, gate_pos, rpo_pos, restores_pos, fault_pos, approve_pos, wait_pos, when_pos, always_pos, due_pos,
        requires_pos, include_pos;

    // " (included by FILE:LINE:COL)" for a step another file brought, "" for one written here:
    // a diagnostic about it may need a fix in either file.
    std::string included_note() const;
    // Whether the step exists in an incident of `mode` ("drill" | "real").
    bool in_mode(std::string_view mode) const { return when.empty() || when == mode; }
};

struct Phase {
    std::string name;
    PhaseKind kind = PhaseKind::detect;
    std::vector<Step> steps;
    SourcePos pos;
};

// A file whose phase a runbook includes (include=FILE.md#phase), kept as the journal stores it.
struct IncludedFile {
    std::string path;    // as the parse resolved it: beside the file that names it
    std::string sha256;  // of its bytes
    std::string source;
};

struct Runbook {
    std::string path;     // as given when loaded
    std::string sha256;   // of the file's bytes
    std::string source;   // the file's bytes, kept so the journal can store them
    std::vector<IncludedFile> includes;  // every file included, at any depth, each once
    std::string title;
    std::string summary;  // paragraphs before the first phase
    std::string severity; // from "Severity: SEV-1" in the summary, if present
    std::optional<Millis> comms_every;  // from "Comms every 15 min" / "Comms every 15m"
    std::vector<Objective> objectives;
    std::vector<std::string> roles;     // from a "Role | …" table, else the roles steps use
    bool roles_declared = false;
    std::vector<Phase> phases;

    // A file titled "# Procedure: …" holds phases that runbooks include: checked without the
    // roles, objectives and targets of an including runbook, and never started on its own.
    bool is_procedure() const;

    const Step* find_step(std::string_view id) const;
    std::vector<std::string> step_ids() const;
    // "no step 'pg-promot' in runbook FILE (did you mean pg-promote?)"
    std::string no_such_step(std::string_view id) const;
    const Phase* phase_of(std::string_view step_id) const;
    const Objective* objective(std::string_view component) const;
    bool has_role(std::string_view role) const;
    std::size_t step_count() const;
};

struct RunbookResult {
    std::shared_ptr<const Runbook> runbook;  // null when there are errors
    std::vector<Diagnostic> diagnostics;     // errors and warnings, sorted by position
};

// Reads an included file by the path the parse resolved; nothing, with `why`, when it cannot.
using IncludeReader = std::function<std::optional<std::string>(const std::string& path, std::string& why)>;
// Reads included files from the file system.
std::optional<std::string> read_included_file(const std::string& path, std::string& why);

// Parses and validates runbook text; `file` names it in diagnostics, and include= paths are
// resolved beside it and read with `read`.
RunbookResult parse_runbook(std::string_view source, const std::string& file, const IncludeReader& read = read_included_file);
// Reads and parses a file; an unreadable file is an error diagnostic at 1:1.
RunbookResult load_runbook(const std::filesystem::path& path);

// The id a step without "#id" gets from its text (see docs/runbook-format.md).
std::string derive_step_id(std::string_view text);

}  // namespace drconsole
