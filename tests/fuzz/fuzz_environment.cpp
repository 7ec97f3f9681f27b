// libFuzzer target: the environment parser (JSON with comments, targets, ${NAME} references).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drconsole/environment.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    drconsole::parse_environment(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.jsonc");
    return 0;
}
