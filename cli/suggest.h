// Forgiving command lines: what a mistyped command, option or choice most likely meant.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace drconsole::cli {

// The first word that is not an option must name a command, with --help too: throws InputError
// "unknown command 'stauts' (did you mean status?)" otherwise. `args` excludes the program name.
void refuse_unknown_command(CLI::App& app, const std::vector<std::string>& args);

// After the parser refused `args`: "unknown option '--incidnet' for status (did you mean
// --incident?)" for the first option no command has, else "".
std::string unknown_option(CLI::App& app, const std::vector<std::string>& args);

// "drconsole status --help" for the command named in `args`, else "drconsole --help".
std::string help_command(CLI::App& app, const std::vector<std::string>& args);

// A validator for a fixed set of words whose refusal says which was likely meant.
CLI::Validator one_of(std::vector<std::string> choices);

}  // namespace drconsole::cli
