// SHA-256 (OpenSSL libcrypto) as lowercase hex.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace drconsole {

std::string sha256_hex(std::string_view data);

// Reads a whole file; on failure returns nothing and sets `error` to "cannot read: REASON".
std::optional<std::string> try_read_file(const std::filesystem::path& path, std::string& error);
// Reads a whole file; throws InputError "FILE: error: cannot read: REASON" on failure.
std::string read_file(const std::filesystem::path& path);

}  // namespace drconsole
