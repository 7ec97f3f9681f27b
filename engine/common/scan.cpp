// Linear, bounded matchers (see scan.h): each looks at every character at most a few times.
#include "drconsole/scan.h"

namespace drconsole {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_word_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

bool is_name(std::string_view s, std::string_view also) {
    if (s.empty() || !(is_alpha(s[0]) || s[0] == '_')) return false;
    for (char c : s.substr(1))
        if (!is_word_char(c) && also.find(c) == std::string_view::npos) return false;
    return true;
}

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::size_t find_nocase(std::string_view hay, std::string_view needle, std::size_t from) {
    if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
    for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
        if (lower(hay[i]) != lower(needle[0])) continue;
        std::size_t k = 1;
        while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
        if (k == needle.size()) return i;
    }
    return std::string_view::npos;
}

std::optional<long long> small_number(std::string_view digits, std::size_t max_digits) {
    if (digits.empty() || digits.size() > max_digits) return std::nullopt;
    long long n = 0;
    for (char c : digits) {
        if (!is_digit(c)) return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

std::optional<Reference> find_reference(std::string_view text, std::size_t from) {
    std::size_t close = 0;
    for (std::size_t i = text.find("${", from); i != std::string_view::npos; i = text.find("${", i + 1)) {
        // The first '}' after the last "${" is the first after this one too, unless it was passed.
        if (close < i + 2) close = text.find('}', i + 2);
        if (close == std::string_view::npos) return std::nullopt;
        std::string_view name = text.substr(i + 2, close - i - 2);
        if (is_name(name)) return Reference{i, close + 1 - i, name};
    }
    return std::nullopt;
}

bool is_whole_reference(std::string_view text) {
    auto r = find_reference(text);
    return r && r->offset == 0 && r->length == text.size();
}

}  // namespace drconsole
