// Shared state of one runbook parse: the source lines and the diagnostics being collected.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <cmark-gfm.h>

#include "drconsole/diagnostic.h"
#include "drconsole/runbook.h"
#include "drconsole/text.h"

namespace drconsole::runbook {

struct ParseContext {
    ParseContext(std::string_view source, Diagnostics& diagnostics)
        : lines(split_lines(source)), diag(diagnostics) {}

    std::string_view line(int number) const {
        return number >= 1 && static_cast<std::size_t>(number) <= lines.size() ? lines[number - 1] : std::string_view{};
    }
    // Position of a byte offset (0-based) within a 1-based line.
    SourcePos at(int line_number, std::size_t byte_offset) const {
        return {line_number, column_of(line(line_number), byte_offset)};
    }
    // Position of a cmark node's start (cmark columns are 1-based bytes).
    SourcePos at(cmark_node* node) const {
        int col = cmark_node_get_start_column(node);
        return at(cmark_node_get_start_line(node), col > 0 ? static_cast<std::size_t>(col - 1) : 0);
    }

    std::vector<std::string_view> lines;
    Diagnostics& diag;
    // An attribute block failed to parse, or an include= brought no steps: attributes such as
    // restores= or whole steps may be missing, so checks that depend on them would only report
    // the same mistake again.
    bool attributes_incomplete = false;
};

// Reads an objectives ("Component | RPO | RTO") or roles ("Role | …") table; others are left alone.
void read_table(ParseContext& ctx, cmark_node* table, Runbook& runbook);

// Reads a step's attribute block ({#id role=… gate="…" …}) into `step`, with a diagnostic for
// each attribute that is unknown, repeated or malformed.
struct AttributeBlock;
void read_step_attributes(ParseContext& ctx, Step& step, const AttributeBlock& attrs, int line_no, std::size_t text_at);

// Checks that need the whole runbook: ids, roles, milestones, title, phases.
void check_runbook(ParseContext& ctx, Runbook& runbook);

bool is_identifier(std::string_view s);  // [a-z0-9][a-z0-9_-]*

// The files being read, outermost first, while include= steps are expanded.
struct IncludeChain {
    // An included file as read the first time: later includes of it take their phase from here.
    struct Parsed {
        Runbook runbook;
        bool usable = false;      // read and walked without errors
        bool incomplete = false;  // see ParseContext::attributes_incomplete
    };
    const IncludeReader& read;
    std::vector<std::string> files;      // the runbook, then each file it includes on the way here
    std::vector<IncludedFile> included;  // every file read for an include=, each once
    std::map<std::string, Parsed> parsed;               // by path
    std::map<std::string, std::string> phases_taken;    // "PATH#phase" → "FILE:LINE:COL" of the include that took it
};

// Walks one file into `rb` (its text checked, its steps read, its includes expanded); the
// whole-runbook checks are the caller's. False when the text is refused before the walk.
bool walk_file(std::string_view source, Runbook& rb, Diagnostics& diag, IncludeChain& chain, bool& attributes_incomplete);

// Replaces each include= step with the steps of the phase it names (includes.cpp).
void expand_includes(ParseContext& ctx, Runbook& rb, IncludeChain& chain);

}  // namespace drconsole::runbook
