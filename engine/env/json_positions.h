// Where each value of a JSON-with-comments text stands, by JSON pointer ("/targets/pg/dsn").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "drconsole/diagnostic.h"
#include "drconsole/text.h"

namespace drconsole::env {

class JsonPositions {
public:
    // `text` must already be known to parse (nlohmann validated it).
    explicit JsonPositions(std::string_view text);

    // Position of the value at `pointer`, or of its nearest ancestor that is known.
    SourcePos value(const std::string& pointer) const;
    // Position of the member name that holds `pointer`'s value.
    SourcePos key(const std::string& pointer) const;
    // Members named twice in one object (JSON keeps the last, a reader sees the first): its
    // pointer and name, where it is named again, and where it was named first.
    struct Duplicate {
        std::string pointer, name;
        SourcePos again, first;
    };
    const std::vector<Duplicate>& duplicates() const { return duplicates_; }

private:
    void parse_value(const std::string& pointer);
    void skip_space();
    std::string parse_string();
    SourcePos here() const;

    std::string_view text_;
    LineIndex lines_;  // an environment of a thousand targets asks for thousands of positions
    std::size_t pos_ = 0;
    std::map<std::string, std::size_t> values_, keys_;
    std::vector<Duplicate> duplicates_;
};

std::string pointer_child(const std::string& parent, std::string_view key);

}  // namespace drconsole::env
