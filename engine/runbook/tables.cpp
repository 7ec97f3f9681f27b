// The runbook's tables: objectives (Component | RPO | RTO) and roles (Role | …).
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "runbook/markdown.h"
#include "runbook/parse_context.h"

namespace drconsole::runbook {
namespace {

struct Cell {
    std::string text;
    SourcePos pos;
};

std::vector<std::vector<Cell>> read_rows(ParseContext& ctx, cmark_node* table) {
    std::vector<std::vector<Cell>> rows;
    for (cmark_node* row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        std::vector<Cell> cells;
        for (cmark_node* cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell)) {
            cmark_node* first = cmark_node_first_child(cell);
            cells.push_back({std::string(trim(inline_text(cell))), ctx.at(first ? first : cell)});
        }
        rows.push_back(std::move(cells));
    }
    return rows;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::optional<Millis> objective_duration(ParseContext& ctx, const Cell& cell, bool optional, const char* what) {
    if (optional && (cell.text == "-" || cell.text == "\xE2\x80\x94" || lower(cell.text) == "n/a")) return std::nullopt;
    try {
        return parse_duration(cell.text);
    } catch (const TextError& e) {
        ctx.diag.error({cell.pos.line, cell.pos.column + column_of(cell.text, e.offset()) - 1},
                       fmt::format("{} objective: {}", what, e.what()));
        return std::nullopt;
    }
}

void read_objectives(ParseContext& ctx, const std::vector<std::vector<Cell>>& rows, Runbook& runbook) {
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (row.size() < 3 || row[0].text.empty()) continue;
        Objective objective;
        objective.component = row[0].text;
        objective.pos = row[0].pos;
        if (!is_identifier(objective.component)) {
            ctx.diag.error(row[0].pos, fmt::format("component name '{}' must be an id such as 'postgres' "
                                                   "(lowercase letters, digits, '-', '_')", objective.component));
            continue;
        }
        if (runbook.objective(objective.component)) {
            ctx.diag.error(row[0].pos, fmt::format("component '{}' is listed twice in the objectives table", objective.component));
            continue;
        }
        objective.rpo = objective_duration(ctx, row[1], true, "RPO");
        objective.rto = objective_duration(ctx, row[2], true, "RTO");
        runbook.objectives.push_back(std::move(objective));
    }
}

void read_roles(ParseContext& ctx, const std::vector<std::vector<Cell>>& rows, Runbook& runbook) {
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& cell = rows[r].empty() ? Cell{} : rows[r][0];
        if (cell.text.empty()) continue;
        if (!is_identifier(cell.text)) {
            ctx.diag.error(cell.pos, fmt::format("role '{}' must be an id such as 'ic' or 'db' "
                                                 "(lowercase letters, digits, '-', '_')", cell.text));
            continue;
        }
        if (runbook.has_role(cell.text)) {
            ctx.diag.error(cell.pos, fmt::format("role '{}' is listed twice", cell.text));
            continue;
        }
        runbook.roles.push_back(cell.text);
    }
}

}  // namespace

void read_table(ParseContext& ctx, cmark_node* table, Runbook& runbook) {
    auto rows = read_rows(ctx, table);
    if (rows.empty() || rows[0].empty()) return;
    const auto& header = rows[0];
    if (header.size() >= 3 && lower(header[0].text) == "component" && lower(header[1].text) == "rpo" &&
        lower(header[2].text) == "rto") {
        if (!runbook.objectives.empty()) {
            ctx.diag.error(header[0].pos, "a second objectives table: keep all components in one table");
            return;
        }
        read_objectives(ctx, rows, runbook);
    } else if (lower(header[0].text) == "role") {
        if (runbook.roles_declared) {
            ctx.diag.error(header[0].pos, "a second roles table: keep all roles in one table");
            return;
        }
        runbook.roles_declared = true;
        read_roles(ctx, rows, runbook);
    }
}

}  // namespace drconsole::runbook
