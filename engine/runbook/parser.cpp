// Markdown → Runbook: walks the cmark-gfm tree, reading headings, tables, task items and actions.
#include <algorithm>
#include <cctype>

#include <cmark-gfm-core-extensions.h>

#include <fmt/format.h>

#include "drconsole/action_text.h"
#include "drconsole/files.h"
#include "drconsole/limits.h"
#include "drconsole/runbook.h"
#include "drconsole/scan.h"
#include "drconsole/sha256.h"
#include "runbook/attributes.h"
#include "runbook/markdown.h"
#include "runbook/parse_context.h"

namespace drconsole {
namespace runbook {
namespace {

// "Severity: SEV-1" anywhere in the summary (any case): the first such word.
std::string severity_in(std::string_view text) {
    for (std::size_t at = find_nocase(text, "severity:"); at != std::string_view::npos; at = find_nocase(text, "severity:", at + 1)) {
        std::size_t i = at + 9;
        i += span(text, i, is_space);
        std::size_t n = span(text, i, [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; });
        if (n > 0) return std::string(text.substr(i, n));
    }
    return {};
}

// "Comms every 30 minutes" (or min, m, hours, hour, h; any case) anywhere in the summary.
std::optional<Millis> comms_every_in(std::string_view text) {
    for (std::size_t at = find_nocase(text, "comms every"); at != std::string_view::npos; at = find_nocase(text, "comms every", at + 1)) {
        std::size_t i = at + 11, spaces = span(text, i, is_space);
        if (spaces == 0) continue;
        i += spaces;
        std::size_t digits = span(text, i, is_digit);
        auto n = small_number(text.substr(i, digits), 6);
        if (!n) continue;
        i += digits;
        i += span(text, i, is_space);
        std::string unit(text.substr(i, span(text, i, is_word_char)));
        for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (unit == "minutes" || unit == "minute" || unit == "min" || unit == "m") return Millis(*n * 60'000);
        if (unit == "hours" || unit == "hour" || unit == "h") return Millis(*n * 3'600'000);
    }
    return std::nullopt;
}

// "METHOD /path": GET, POST, PUT, PATCH, DELETE or HEAD, spaces, then a path without spaces.
bool is_request_line(std::string_view line) {
    std::size_t sp = line.find(' ');
    std::string_view method = line.substr(0, sp);
    if (sp == std::string_view::npos ||
        !(method == "GET" || method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE" || method == "HEAD"))
        return false;
    std::size_t i = sp + span(line, sp, [](char c) { return c == ' '; });
    if (i >= line.size() || line[i] != '/') return false;
    return span(line, i, [](char c) { return !is_space(c); }) == line.size() - i;
}

// A heading's text as written: "## Promote {kind=promote}" → "Promote {kind=promote}".
std::pair<std::string_view, std::size_t> heading_source(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && line[i] == ' ') ++i;
    if (i < line.size() && line[i] == '#') {
        while (i < line.size() && line[i] == '#') ++i;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    }
    std::string_view text = line.substr(i);
    std::size_t end = text.size();
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
    // An ATX closing sequence " ##" is not part of the text.
    std::size_t hashes = end;
    while (hashes > 0 && text[hashes - 1] == '#') --hashes;
    if (hashes < end && (hashes == 0 || text[hashes - 1] == ' ')) end = hashes;
    return {trim(text.substr(0, end)), i};
}

bool is_fenced(cmark_node* node) {
    int length = 0, offset = 0;
    char character = 0;
    return node_type(node) == "code_block" && cmark_node_get_fenced(node, &length, &offset, &character) != 0;
}

class Parser {
public:
    Parser(ParseContext& ctx, Runbook& runbook) : ctx_(ctx), rb_(runbook) {}

    void walk(cmark_node* document) {
        for (cmark_node* node = cmark_node_first_child(document); node; node = cmark_node_next(node)) {
            std::string_view type = node_type(node);
            if (type == "heading") heading(node);
            else if (type == "table") read_table(ctx_, node, rb_);
            else if (type == "list") list(node);
            else if (type == "paragraph" && rb_.phases.empty()) summary(node);
            else if (type == "code_block") stray_code_block(node);
        }
    }

private:
    void heading(cmark_node* node) {
        int level = cmark_node_get_heading_level(node);
        int line_no = cmark_node_get_start_line(node);
        auto [text, text_at] = heading_source(ctx_.line(line_no));
        if (level == 1) {
            if (!rb_.title.empty()) {
                ctx_.diag.error(ctx_.at(line_no, text_at), "a second title: a runbook has one '# Title'");
                return;
            }
            rb_.title = std::string(text);
            if (rb_.title.empty()) ctx_.diag.error(ctx_.at(node), "the title is empty");
        } else if (level == 2) {
            phase(text, line_no, text_at);
        }
    }

    void phase(std::string_view text, int line_no, std::size_t text_at) {
        Phase phase;
        phase.pos = ctx_.at(line_no, text_at);
        std::optional<AttributeBlock> attrs = attributes(text, line_no, text_at);
        phase.name = std::string(trim(attrs ? text.substr(0, attrs->start) : text));
        const Attribute* kind = nullptr;
        if (attrs) {
            for (const auto& a : attrs->items) {
                if (a.key == "kind") kind = &a;
                else ctx_.diag.error(ctx_.at(line_no, text_at + a.key_offset),
                                     fmt::format("unknown phase attribute '{}' (known: kind)", a.key));
            }
        }
        if (kind) {
            auto k = phase_kind_from(kind->value);
            if (!k) {
                ctx_.diag.error(ctx_.at(line_no, text_at + kind->value_offset),
                                fmt::format("unknown phase kind '{}': use detect, promote, repoint, verify or failback",
                                            kind->value));
            }
            phase.kind = k.value_or(PhaseKind::detect);
        } else if (auto k = phase_kind_from(phase.name)) {
            phase.kind = *k;
        } else {
            ctx_.diag.error(phase.pos, fmt::format("unknown phase kind '{}': name one of detect, promote, repoint, "
                                                   "verify, failback with {{kind=…}}", phase.name));
        }
        rb_.phases.push_back(std::move(phase));
    }

    void summary(cmark_node* node) {
        int first = cmark_node_get_start_line(node);
        int last = cmark_node_get_end_line(node);
        std::string text;
        for (int l = first; l <= last; ++l) {
            if (!text.empty()) text += ' ';
            text += trim(ctx_.line(l));
        }
        if (!rb_.summary.empty()) rb_.summary += "\n\n";
        rb_.summary += text;
        if (rb_.severity.empty()) rb_.severity = severity_in(text);
        if (!rb_.comms_every) rb_.comms_every = comms_every_in(text);
    }

    void list(cmark_node* node) {
        for (cmark_node* item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
            if (!is_task_item(item)) {
                if (!rb_.phases.empty())
                    ctx_.diag.warning(ctx_.at(item), "list item is not a task ('- [ ] …'), so it is not a step");
                continue;
            }
            if (rb_.phases.empty()) {
                ctx_.diag.error(ctx_.at(item), "step outside a phase: put it under a '## Phase' heading");
                continue;
            }
            step(item);
        }
    }

    void stray_code_block(cmark_node* node) {
        if (rb_.phases.empty()) return;
        const char* info = cmark_node_get_fence_info(node);
        std::string_view lang = info ? std::string_view(info) : std::string_view{};
        lang = lang.substr(0, lang.find(' '));
        if (lang == "sql" || lang == "http" || lang == "run")
            ctx_.diag.error(ctx_.at(node), "action block is not under a step: indent it under the step's '- [ ]' line");
    }

    std::optional<AttributeBlock> attributes(std::string_view text, int line_no, std::size_t text_at) {
        try {
            return find_attribute_block(text);
        } catch (const TextError& e) {
            ctx_.diag.error(ctx_.at(line_no, text_at + e.offset()), e.what());
            ctx_.attributes_incomplete = true;
            return std::nullopt;
        }
    }

    void step(cmark_node* item) {
        Step s;
        s.checked = cmark_gfm_extensions_get_tasklist_item_checked(item);
        cmark_node* first = cmark_node_first_child(item);
        if (!first || node_type(first) != "paragraph") {
            ctx_.diag.error(ctx_.at(item), "empty step: write what to do after '- [ ]'");
            return;
        }
        int line_no = cmark_node_get_start_line(first);
        std::size_t text_at = static_cast<std::size_t>(std::max(cmark_node_get_start_column(first) - 1, 0));
        std::string_view line = ctx_.line(line_no).substr(std::min(text_at, ctx_.line(line_no).size()));
        std::optional<AttributeBlock> attrs = attributes(line, line_no, text_at);
        s.text = std::string(trim(attrs ? line.substr(0, attrs->start) : line));
        s.pos = ctx_.at(line_no, text_at);
        s.file = ctx_.diag.file();
        if (s.text.empty()) ctx_.diag.error(s.pos, "step has no text before its attribute block");
        if (attrs) read_step_attributes(ctx_, s, *attrs, line_no, text_at);
        if (s.id.empty()) s.id = derive_step_id(s.text);

        for (int l = line_no + 1; l <= cmark_node_get_end_line(first); ++l) s.details.emplace_back(trim(ctx_.line(l)));
        for (cmark_node* child = cmark_node_next(first); child; child = cmark_node_next(child)) {
            if (is_fenced(child)) action(s, child);
            else details(s, child);
        }
        if (!s.include.empty() && s.action)
            ctx_.diag.error(s.action->pos, "include= brings another file's steps with their actions: this line has no action of its own");
        rb_.phases.back().steps.push_back(std::move(s));
    }

    void action(Step& s, cmark_node* block) {
        int line_no = cmark_node_get_start_line(block);
        std::string_view fence_line = ctx_.line(line_no);
        std::size_t at = fence_line.find_first_not_of(' ');
        at = fence_line.find_first_not_of(fence_line[at], at);  // past the fence characters
        at = fence_line.find_first_not_of(" \t", at == std::string_view::npos ? fence_line.size() : at);
        if (at == std::string_view::npos) at = fence_line.size();
        SourcePos lang_pos = ctx_.at(line_no, at);
        if (s.action) {
            ctx_.diag.error(ctx_.at(block), "a step has one action block; this is a second one");
            return;
        }
        const char* raw_info = cmark_node_get_fence_info(block);
        std::string_view info = raw_info ? trim(raw_info) : std::string_view{};
        std::size_t sp = info.find_first_of(" \t");
        std::string_view lang = info.substr(0, sp);
        Action a;
        a.pos = ctx_.at(block);
        a.body = cmark_node_get_literal(block) ? cmark_node_get_literal(block) : "";
        if (lang == "sql") a.kind = ActionKind::sql;
        else if (lang == "http") a.kind = ActionKind::http;
        else if (lang == "run") a.kind = ActionKind::run;
        else {
            ctx_.diag.error(lang_pos, lang.empty()
                                          ? std::string("action block has no language: use 'sql target=ID', 'http target=ID' or 'run'")
                                          : fmt::format("unknown action language '{}': use 'sql target=ID', 'http target=ID' or 'run'", lang));
            return;
        }
        // The rest of the info string: key=value words.
        std::size_t i = sp == std::string_view::npos ? info.size() : sp;
        std::size_t info_at = at;  // info starts where the language does
        while (i < info.size()) {
            while (i < info.size() && (info[i] == ' ' || info[i] == '\t')) ++i;
            if (i >= info.size()) break;
            std::size_t end = info.find_first_of(" \t", i);
            if (end == std::string_view::npos) end = info.size();
            std::string_view word = info.substr(i, end - i);
            SourcePos word_pos = ctx_.at(line_no, info_at + i);
            if (word.substr(0, 7) == "target=" && a.kind != ActionKind::run && word.size() > 7) {
                a.target = std::string(word.substr(7));
                a.target_pos = ctx_.at(line_no, info_at + i + 7);
            } else {
                ctx_.diag.error(word_pos, fmt::format("unknown setting '{}' for a {} action", word, lang));
            }
            i = end;
        }
        if (a.kind != ActionKind::run && a.target.empty())
            ctx_.diag.error(lang_pos, fmt::format("{} action needs target=ID naming an environment target", lang));
        if (trim(a.body).empty()) ctx_.diag.error(a.pos, "action block is empty");
        if (a.kind == ActionKind::http) http_request_line(a, line_no + 1);
        check_action_text(a, line_no);
        s.action = std::move(a);
    }

    // Run lines and SQL templates are checked here, before anything starts. Offsets in the
    // block's text map back to the file: the block starts on the line after its fence.
    void check_action_text(const Action& a, int fence_line) {
        auto where = [&](std::size_t offset) {
            int line = fence_line + 1;
            std::size_t line_start = 0;
            for (std::size_t i = 0; i < offset && i < a.body.size(); ++i)
                if (a.body[i] == '\n') {
                    ++line;
                    line_start = i + 1;
                }
            std::string_view src = ctx_.line(line);
            std::string_view body_line = std::string_view(a.body).substr(line_start);
            body_line = body_line.substr(0, body_line.find('\n'));
            std::size_t indent = body_line.empty() ? 0 : src.find(body_line.substr(0, std::min<std::size_t>(body_line.size(), 8)));
            if (indent == std::string_view::npos) indent = 0;
            return ctx_.at(line, indent + (offset - line_start));
        };
        try {
            if (a.kind == ActionKind::run) {
                for (const auto& words : parse_run_block(a.body))
                    if (words.size() >= 2 && !words[0].is_template && (words[0].text == "sh" || words[0].text == "bash") && words[1].text == "-c")
                        ctx_.diag.warning(a.pos, "this run line starts a shell (sh -c): its text is interpreted by the shell, not by drconsole");
            } else if (a.kind == ActionKind::sql) {
                TemplateValues any;
                for (const auto& name : template_names(a.body)) any.values[name] = "";
                bind_sql(a.body, any);
            }
        } catch (const TextError& e) {
            ctx_.diag.error(where(e.offset()), e.what());
        }
    }

    void http_request_line(const Action& a, int first_line) {
        std::string request = a.body.substr(0, a.body.find('\n'));
        if (!is_request_line(request)) {
            std::string_view src = ctx_.line(first_line);
            ctx_.diag.error(ctx_.at(first_line, src.find_first_not_of(' ') == std::string_view::npos ? 0 : src.find_first_not_of(' ')),
                            "http action must start with 'METHOD /path' (GET, POST, PUT, PATCH, DELETE or HEAD)");
        }
    }

    void details(Step& s, cmark_node* child) {
        int first = cmark_node_get_start_line(child);
        int last = std::min<int>(std::max(cmark_node_get_end_line(child), first), static_cast<int>(ctx_.lines.size()));
        std::size_t indent = std::string_view::npos;
        for (int l = first; l <= last; ++l) {
            std::string_view text = ctx_.line(l);
            std::size_t lead = text.find_first_not_of(' ');
            if (lead != std::string_view::npos) indent = std::min(indent, lead);
        }
        if (!s.details.empty()) s.details.emplace_back();
        for (int l = first; l <= last; ++l) {
            std::string_view text = ctx_.line(l);
            s.details.emplace_back(text.size() > indent ? text.substr(indent) : std::string_view{});
        }
        while (!s.details.empty() && s.details.back().empty()) s.details.pop_back();
    }

    ParseContext& ctx_;
    Runbook& rb_;
};

}  // namespace
}  // namespace runbook

namespace runbook {
namespace {

// The file's size, each line's length, and line endings that every reader counts alike: a bare
// CR ends a line for cmark but not for the diagnostics, which would point at the wrong line.
bool within_limits(std::string_view source, Diagnostics& diag) {
    if (source.size() > kMaxFileBytes) {
        diag.error({1, 1}, fmt::format("the runbook is {} bytes; the limit is {} (1 MiB)", source.size(), kMaxFileBytes));
        return false;
    }
    std::size_t line_start = 0;
    for (std::size_t i = 0; i <= source.size(); ++i) {
        if (i < source.size() && source[i] == '\r' && (i + 1 >= source.size() || source[i + 1] != '\n')) {
            diag.error(position_of(source, i), "a carriage return without a line feed: save the file with LF (or CRLF) line endings");
            return false;
        }
        if (i == source.size() || source[i] == '\n') {
            if (i - line_start > kMaxLineBytes) {
                diag.error(position_of(source, line_start + kMaxLineBytes),
                           fmt::format("this line is {} bytes long; the limit is {}", i - line_start, kMaxLineBytes));
                return false;
            }
            line_start = i + 1;
        }
    }
    return true;
}

}  // namespace

bool walk_file(std::string_view source, Runbook& rb, Diagnostics& diag, IncludeChain& chain, bool& attributes_incomplete) {
    if (auto bad = first_invalid_utf8(source)) {
        diag.error(position_of(source, *bad), fmt::format("not valid UTF-8: byte 0x{:02x}", static_cast<unsigned char>(source[*bad])));
        return false;
    }
    if (auto bad = find_deceptive_character(source)) {
        diag.error(position_of(source, bad->offset), bad->message);
        return false;
    }
    if (source.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        diag.error({1, 1}, "runbook is empty");
        return false;
    }
    if (!within_limits(source, diag)) return false;
    ParseContext ctx(source, diag);
    Document doc = parse_gfm(source);
    Parser(ctx, rb).walk(doc.get());
    expand_includes(ctx, rb, chain);
    attributes_incomplete = ctx.attributes_incomplete;
    return true;
}

}  // namespace runbook

RunbookResult parse_runbook(std::string_view source, const std::string& file, const IncludeReader& read) {
    Diagnostics diag(file);
    auto rb = std::make_shared<Runbook>();
    rb->path = file;
    rb->sha256 = sha256_hex(source);
    rb->source = std::string(source);
    runbook::IncludeChain chain{read, {std::filesystem::path(file).lexically_normal().string()}, {}};
    bool attributes_incomplete = false;
    if (!runbook::walk_file(source, *rb, diag, chain, attributes_incomplete)) return {nullptr, diag.sorted()};
    rb->includes = std::move(chain.included);
    runbook::ParseContext ctx(source, diag);
    ctx.attributes_incomplete = attributes_incomplete;
    runbook::check_runbook(ctx, *rb);
    if (diag.has_errors()) return {nullptr, diag.sorted()};
    return {std::move(rb), diag.sorted()};
}

std::optional<std::string> read_included_file(const std::string& path, std::string& why) {
    std::vector<Diagnostic> unreadable;
    std::optional<std::string> source = read_input(path, unreadable);
    if (!source) {
        why = unreadable.empty() ? "unreadable" : unreadable.front().message;
        // "cannot read: REASON" → "REASON"
        if (why.rfind("cannot read: ", 0) == 0) why = why.substr(13);
    }
    return source;
}

RunbookResult load_runbook(const std::filesystem::path& path) {
    std::vector<Diagnostic> unreadable;
    std::optional<std::string> source = read_input(path, unreadable);
    if (!source) return {nullptr, unreadable};
    return parse_runbook(*source, path.string());
}

}  // namespace drconsole
