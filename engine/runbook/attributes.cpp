// Parsing the Pandoc/kramdown-style attribute block at the end of a heading or step line.
#include "runbook/attributes.h"

#include <fmt/format.h>

#include "drconsole/diagnostic.h"

namespace drconsole::runbook {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_key_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9') || c == '-'; }

// Parses a block starting at line[start] == '{'. Returns the block and the offset just
// past its closing '}'.
std::pair<AttributeBlock, std::size_t> parse_block(std::string_view line, std::size_t start) {
    AttributeBlock block;
    block.start = start;
    std::size_t i = start + 1;
    auto skip_space = [&] {
        while (i < line.size() && is_space(line[i])) ++i;
    };
    skip_space();
    while (true) {
        if (i >= line.size()) throw TextError(start, "attribute block is not closed: missing '}'");
        if (line[i] == '}') return {block, i + 1};
        Attribute attr;
        attr.key_offset = i;
        if (line[i] == '#') {
            ++i;
            std::size_t id_start = i;
            while (i < line.size() && !is_space(line[i]) && line[i] != '}') ++i;
            if (i == id_start) throw TextError(attr.key_offset, "'#' must be followed by a step id");
            attr.key = "id";
            attr.value = std::string(line.substr(id_start, i - id_start));
            attr.value_offset = id_start;
        } else if (line[i] == '.') {
            throw TextError(i, "classes ('.name') are not supported in attribute blocks");
        } else if (is_key_start(line[i])) {
            std::size_t key_start = i;
            while (i < line.size() && is_key_char(line[i])) ++i;
            attr.key = std::string(line.substr(key_start, i - key_start));
            if (i < line.size() && line[i] == '=') {
                ++i;
                if (i < line.size() && line[i] == '"') {
                    attr.quoted = true;
                    attr.value_offset = ++i;
                    bool closed = false;
                    while (i < line.size()) {
                        char c = line[i++];
                        if (c == '\\' && i < line.size() && (line[i] == '"' || line[i] == '\\')) {
                            attr.value += line[i++];
                        } else if (c == '"') {
                            closed = true;
                            break;
                        } else {
                            attr.value += c;
                        }
                    }
                    if (!closed) throw TextError(attr.value_offset - 1, "quoted value is not closed: missing '\"'");
                } else {
                    attr.value_offset = i;
                    while (i < line.size() && !is_space(line[i]) && line[i] != '}') {
                        if (line[i] == '"' || line[i] == '{')
                            throw TextError(i, fmt::format("unexpected '{}' in value of '{}'", line[i], attr.key));
                        attr.value += line[i++];
                    }
                    if (attr.value.empty()) throw TextError(attr.value_offset, fmt::format("attribute '{}' has an empty value", attr.key));
                }
            } else {
                attr.flag = true;
                attr.value_offset = attr.key_offset;
            }
        } else {
            throw TextError(i, fmt::format("malformed attribute block: expected '#id' or 'key=value', found '{}'", line[i]));
        }
        block.items.push_back(std::move(attr));
        if (i < line.size() && line[i] != '}' && !is_space(line[i]))
            throw TextError(i, "malformed attribute block: expected a space or '}' after a value");
        skip_space();
    }
}

bool is_candidate(std::string_view line, std::size_t i) {
    if (line[i] != '{') return false;
    if (i > 0 && !is_space(line[i - 1])) return false;  // "{{name}}" and "a{b}" are text
    if (i + 1 < line.size() && line[i + 1] == '{') return false;
    return true;
}

}  // namespace

const Attribute* AttributeBlock::find(std::string_view key) const {
    for (const auto& item : items)
        if (item.key == key) return &item;
    return nullptr;
}

std::optional<AttributeBlock> find_attribute_block(std::string_view line) {
    std::size_t end = line.size();
    while (end > 0 && is_space(line[end - 1])) --end;
    bool ends_with_brace = end > 0 && line[end - 1] == '}';

    std::optional<TextError> best_error;
    for (std::size_t i = 0; i < end; ++i) {
        if (!is_candidate(line, i)) continue;
        try {
            auto [block, past] = parse_block(line.substr(0, end), i);
            if (past == end) return block;
            if (ends_with_brace && (!best_error || past > best_error->offset()))
                best_error.emplace(past, "unexpected text after an attribute block");
        } catch (const TextError& e) {
            // Keep the failure that got furthest: it is the block the author meant.
            bool looks_like_block = ends_with_brace || (i + 1 < end && (line[i + 1] == '#' || is_key_start(line[i + 1])) &&
                                                        line.substr(i).find('=') != std::string_view::npos);
            if (looks_like_block && (!best_error || e.offset() >= best_error->offset())) best_error.emplace(e);
        }
    }
    if (best_error) throw *best_error;
    return std::nullopt;
}

}  // namespace drconsole::runbook
