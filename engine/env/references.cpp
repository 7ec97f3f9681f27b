// ${NAME} references: checked when the file is read, expanded from the process environment at use.
#include <cstdlib>

#include <fmt/format.h>

#include "drconsole/environment.h"
#include "drconsole/scan.h"

namespace drconsole {

std::optional<std::pair<std::size_t, std::string>> check_references(std::string_view value) {
    for (std::size_t i = value.find("${"); i != std::string_view::npos; i = value.find("${", i + 2)) {
        std::size_t close = value.find('}', i + 2);
        if (close == std::string_view::npos) return std::pair{i, std::string("'${' is not closed: write ${NAME}")};
        std::string_view name = value.substr(i + 2, close - i - 2);
        if (!is_name(name)) return std::pair{i, fmt::format("'${{{}}}' is not a variable reference: write ${{NAME}} with letters, digits, '_'", name)};
    }
    return std::nullopt;
}

std::string expand_references(std::string_view value) {
    std::string out;
    std::size_t i = 0;
    while (i < value.size()) {
        std::size_t start = value.find("${", i);
        if (start == std::string_view::npos) {
            out.append(value.substr(i));
            break;
        }
        out.append(value.substr(i, start - i));
        std::size_t close = value.find('}', start + 2);
        if (close == std::string_view::npos) throw InputError("malformed ${…} reference: missing '}'");
        std::string name(value.substr(start + 2, close - start - 2));
        const char* v = std::getenv(name.c_str());
        if (!v) throw InputError(fmt::format("environment variable {} is not set (referenced as ${{{}}})", name, name));
        out += v;
        i = close + 1;
    }
    return out;
}

}  // namespace drconsole
