// libFuzzer target: the console's key-script reader (the test and demo hook --keys).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drconsole/diagnostic.h"
#include "tui/keymap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        drconsole::tui::parse_key_script(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.keys");
    } catch (const drconsole::InputError&) {
    }
    return 0;
}
