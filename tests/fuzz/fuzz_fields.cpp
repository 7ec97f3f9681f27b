// libFuzzer target: the small grammars a runbook line or a command line holds: gates,
// attribute blocks, durations, UTC times, --clock, run lines and SQL templates. Each either
// parses or throws its own error type; anything else (a crash, another exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drconsole/action_text.h"
#include "drconsole/clock.h"
#include "drconsole/diagnostic.h"
#include "drconsole/duration.h"
#include "drconsole/gate.h"
#include "runbook/attributes.h"

namespace {

template <typename F>
void expect_parse_or_refuse(F&& parse) {
    try {
        parse();
    } catch (const drconsole::TextError&) {
    } catch (const drconsole::InputError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    expect_parse_or_refuse([&] { drconsole::parse_gate(text); });
    expect_parse_or_refuse([&] { drconsole::runbook::find_attribute_block(text); });
    expect_parse_or_refuse([&] { drconsole::parse_duration(text); });
    expect_parse_or_refuse([&] { drconsole::parse_utc(std::string(text)); });
    expect_parse_or_refuse([&] { drconsole::parse_fake_clock(std::string(text)); });
    expect_parse_or_refuse([&] { drconsole::parse_run_block(text); });
    expect_parse_or_refuse([&] { drconsole::template_names(text); });
    drconsole::TemplateValues none;
    expect_parse_or_refuse([&] { drconsole::bind_sql(text, none); });
    return 0;
}
