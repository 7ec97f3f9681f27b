// libFuzzer target: the runbook parser (Markdown, tables, attribute blocks, gates, durations,
// actions) on any bytes. It must refuse with diagnostics, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drconsole/runbook.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    drconsole::parse_runbook(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.md");
    return 0;
}
