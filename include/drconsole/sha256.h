// SHA-256 (OpenSSL libcrypto) as lowercase hex.
#pragma once

#include <string>
#include <string_view>

namespace drconsole {

std::string sha256_hex(std::string_view data);

}  // namespace drconsole
