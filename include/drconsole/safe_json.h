// JSON for people and tools to read: like nlohmann's dump, but every control, DEL, C1 and
// hidden character (text.h's is_hidden_code_point) inside a string is written as a \u escape, so
// no raw byte of that kind reaches a terminal, a pipe or a report file.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace drconsole {

std::string safe_json(const nlohmann::json& j, int indent = 2);

}  // namespace drconsole
