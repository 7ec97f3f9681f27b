// Step ids derived from step text, and the identifier rule shared by ids, roles and components.
#include "drconsole/runbook.h"
#include "drconsole/sha256.h"
#include "runbook/parse_context.h"

namespace drconsole {

// Lowercase ASCII letters and digits are kept; every other run of characters becomes one
// '-'; leading and trailing '-' are dropped; past 48 characters the id is cut at the last
// '-' (or at 48). Text with no ASCII letter or digit gets "step-" + 8 hex digits of its SHA-256.
std::string derive_step_id(std::string_view text) {
    constexpr std::size_t kMax = 48;
    std::string id;
    for (char raw : text) {
        char c = raw;
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (keep) id += c;
        else if (!id.empty() && id.back() != '-') id += '-';
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    if (id.size() > kMax) {
        std::size_t cut = id.rfind('-', kMax);
        id.resize(cut != std::string::npos && cut >= kMax / 2 ? cut : kMax);
    }
    if (id.empty()) id = "step-" + sha256_hex(text).substr(0, 8);
    return id;
}

namespace runbook {

bool is_identifier(std::string_view s) {
    if (s.empty()) return false;
    auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lower_or_digit(s.front())) return false;
    for (char c : s)
        if (!lower_or_digit(c) && c != '-' && c != '_') return false;
    return true;
}

}  // namespace runbook
}  // namespace drconsole
