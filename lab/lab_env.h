// What `lab up` leaves for the runbooks: DIR/env.jsonc (every target on the lab's ports, and the
// `vars` that point the runbooks' cloud tools at the lab's stand-ins) and those stand-ins, DIR/bin/*.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lab/lab_state.h"

namespace drconsole::lab {

// The tools the shipped runbooks call through `{{var}}`: the var's name and the stand-in's name.
struct ToolVar {
    const char* var;
    const char* program;
};
const std::vector<ToolVar>& tool_vars();

void write_tool_shims(const std::filesystem::path& dir, const std::string& self_exe);
void write_environment(const std::filesystem::path& dir, const LabState& state);

}  // namespace drconsole::lab
