// Trailing attribute blocks on a line: {#id key=value key="quoted value" flag}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drconsole::runbook {

struct Attribute {
    std::string key;    // "id" for "#id"
    std::string value;  // unescaped; empty for a bare flag
    bool quoted = false;
    bool flag = false;  // written as a bare key with no "="
    std::size_t key_offset = 0;    // byte offset in the line of '#' or of the key
    std::size_t value_offset = 0;  // byte offset of the value's first character (inside quotes)
};

struct AttributeBlock {
    std::size_t start = 0;  // byte offset of '{'
    std::vector<Attribute> items;

    const Attribute* find(std::string_view key) const;
};

// The attribute block that ends `line`, if it has one. A line whose trailing
// "{…}" does not parse, or that opens a block it never closes, throws TextError.
// "{{name}}" template values are never taken for an attribute block.
std::optional<AttributeBlock> find_attribute_block(std::string_view line);

}  // namespace drconsole::runbook
