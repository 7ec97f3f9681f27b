// safe_json: nlohmann escapes C0 controls, " and \; this escapes the rest that could mislead.
#include "drconsole/safe_json.h"

#include <fmt/format.h>

#include "drconsole/text.h"

namespace drconsole {

std::string safe_json(const nlohmann::json& j, int indent) {
    // Outside strings a dump is ASCII, so every non-ASCII or DEL byte is inside a string, where a
    // \u escape means the same character.
    std::string raw = j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        auto byte = static_cast<unsigned char>(raw[i]);
        if (byte < 0x7F) {
            out += raw[i++];
            continue;
        }
        std::size_t start = i;
        char32_t cp = next_code_point(raw, i);
        if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_hidden_code_point(cp)) {
            if (cp > 0xFFFF) {
                char32_t v = cp - 0x10000;
                out += fmt::format("\\u{:04x}\\u{:04x}", static_cast<std::uint32_t>(0xD800 + (v >> 10)), static_cast<std::uint32_t>(0xDC00 + (v & 0x3FF)));
            } else {
                out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp));
            }
        } else {
            out.append(raw, start, i - start);
        }
    }
    return out;
}

}  // namespace drconsole
