// Whole-file reads for runbooks and environments.
#include "drconsole/files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace drconsole {
namespace {

std::optional<std::string> try_read(const std::filesystem::path& path, std::string& error) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = "cannot read: is a directory";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = fmt::format("cannot read: {}", std::strerror(errno));
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        error = "cannot read: I/O error";
        return std::nullopt;
    }
    return buffer.str();
}

}  // namespace

std::optional<std::string> read_input(const std::filesystem::path& path, std::vector<Diagnostic>& diagnostics) {
    std::string error;
    std::optional<std::string> text = try_read(path, error);
    if (!text) diagnostics.push_back({path.string(), {1, 1}, Severity::error, error});
    return text;
}

std::string read_file(const std::filesystem::path& path) {
    std::string error;
    std::optional<std::string> text = try_read(path, error);
    if (!text) throw InputError(fmt::format("{}: error: {}", path.string(), error));
    return std::move(*text);
}

}  // namespace drconsole
