// What a mistyped command, option or choice most likely meant.
#include "cli/suggest.h"

#include <fmt/format.h>

#include "drconsole/diagnostic.h"
#include "drconsole/text.h"

namespace drconsole::cli {
namespace {

std::vector<CLI::App*> commands(CLI::App& app) {
    return app.get_subcommands([](CLI::App*) { return true; });
}

std::vector<std::string> command_names(CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* sub : commands(app)) names.push_back(sub->get_name());
    return names;
}

// The commands the words of `args` name, in the order typed (wherever they stand).
std::vector<const CLI::App*> commands_typed(CLI::App& app, const std::vector<std::string>& args) {
    std::vector<const CLI::App*> typed;
    for (const auto& word : args)
        for (const CLI::App* sub : commands(app))
            if (sub->get_name() == word) typed.push_back(sub);
    return typed;
}

std::vector<std::string> option_names(const CLI::App& app);

bool has_option(const CLI::App& app, const std::string& name) {
    auto names = option_names(app);
    return std::find(names.begin(), names.end(), name) != names.end();
}

// The command named in `args`: its first word that is not an option, skipping --clock's value.
// Stops at an option the main command does not have (the parser then says what is wrong).
CLI::App* named_command(CLI::App& app, const std::vector<std::string>& args, std::string* word = nullptr) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--clock") {
            ++i;
            continue;
        }
        if (!args[i].empty() && args[i][0] == '-') {
            if (!has_option(app, args[i].substr(0, args[i].find('=')))) return nullptr;
            continue;
        }
        if (args[i].empty()) continue;
        if (word) *word = args[i];
        for (CLI::App* sub : commands(app))
            if (sub->get_name() == args[i]) return sub;
        return nullptr;
    }
    return nullptr;
}

std::vector<std::string> option_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::Option* o : app.get_options()) {
        for (const auto& l : o->get_lnames()) names.push_back("--" + l);
        for (const auto& s : o->get_snames()) names.push_back("-" + s);
    }
    return names;
}

}  // namespace

void refuse_unknown_command(CLI::App& app, const std::vector<std::string>& args) {
    std::string word;
    if (named_command(app, args, &word) || word.empty()) return;
    throw InputError(fmt::format("unknown command '{}'{}; 'drconsole --help' lists the commands", safe_text(word),
                                 did_you_mean(word, command_names(app))));
}

std::string unknown_option(CLI::App& app, const std::vector<std::string>& args) {
    CLI::App* command = named_command(app, args);
    std::vector<std::string> known = option_names(app);
    if (command) {
        for (auto& name : option_names(*command)) known.push_back(name);
        // A command's own commands (lab up, lab fail …): their options are known too.
        for (const CLI::App* sub : command->get_subcommands([](const CLI::App*) { return true; }))
            for (auto& name : option_names(*sub)) known.push_back(name);
    }
    for (const auto& arg : args) {
        if (arg.size() < 2 || arg[0] != '-' || arg == "--") continue;
        std::string name = arg.substr(0, arg.find('='));
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        if (!command) {
            // Before the command: name the command typed later on the line when it has the option,
            // else any command that has it.
            const CLI::App* owner = nullptr;
            std::vector<const CLI::App*> typed = commands_typed(app, args);
            for (const CLI::App* sub : typed)
                if (!owner && has_option(*sub, name)) owner = sub;
            for (const CLI::App* sub : commands(app))
                if (!owner && has_option(*sub, name)) owner = sub;
            if (owner)
                return fmt::format("'{}' goes after the command, e.g. drconsole {} {} …", safe_text(name), owner->get_name(), safe_text(name));
            std::vector<std::string> every;
            for (const CLI::App* sub : commands(app))
                for (auto& option : option_names(*sub)) every.push_back(option);
            if (auto match = closest_match(name, every))
                return fmt::format("unknown option '{}' (did you mean {}? options go after the command, e.g. drconsole {} {} …)",
                                   safe_text(name), *match, typed.empty() ? std::string("COMMAND") : typed.front()->get_name(), *match);
        }
        return fmt::format("unknown option '{}'{}{}; 'drconsole {}--help' lists the options", safe_text(name),
                           command ? " for " + command->get_name() : "", did_you_mean(name, known),
                           command ? command->get_name() + " " : "");
    }
    return {};
}

std::string help_command(CLI::App& app, const std::vector<std::string>& args) {
    CLI::App* command = named_command(app, args);
    return command ? "drconsole " + command->get_name() + " --help" : "drconsole --help";
}

CLI::Validator one_of(std::vector<std::string> choices) {
    std::string listed;
    for (const auto& c : choices) listed += (listed.empty() ? "" : " | ") + c;
    return CLI::Validator(
        [choices](std::string& value) -> std::string {
            if (std::find(choices.begin(), choices.end(), value) != choices.end()) return {};
            std::string listed;
            for (const auto& c : choices) listed += (listed.empty() ? "" : ", ") + c;
            return fmt::format("'{}' is not one of {}{}", safe_text(value), listed, did_you_mean(value, choices));
        },
        listed);
}

}  // namespace drconsole::cli
