// Reading input files whole, with errors that say which file and why.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "drconsole/diagnostic.h"

namespace drconsole {

// Reads a whole file; on failure returns nothing and adds "FILE:1:1: error: cannot read: REASON".
std::optional<std::string> read_input(const std::filesystem::path& path, std::vector<Diagnostic>& diagnostics);
// Reads a whole file; throws InputError "FILE: error: cannot read: REASON" on failure.
std::string read_file(const std::filesystem::path& path);

}  // namespace drconsole
