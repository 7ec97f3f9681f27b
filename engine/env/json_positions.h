// Where each value of a JSON-with-comments text stands, by JSON pointer ("/targets/pg/dsn").
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "drconsole/diagnostic.h"

namespace drconsole::env {

class JsonPositions {
public:
    // `text` must already be known to parse (nlohmann validated it).
    explicit JsonPositions(std::string_view text);

    // Position of the value at `pointer`, or of its nearest ancestor that is known.
    SourcePos value(const std::string& pointer) const;
    // Position of the member name that holds `pointer`'s value.
    SourcePos key(const std::string& pointer) const;

private:
    void parse_value(const std::string& pointer);
    void skip_space();
    std::string parse_string();
    SourcePos here() const;

    std::string_view text_;
    std::size_t pos_ = 0;
    std::map<std::string, std::size_t> values_, keys_;
};

std::string pointer_child(const std::string& parent, std::string_view key);

}  // namespace drconsole::env
