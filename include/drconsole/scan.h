// Matchers for the small grammars of runbooks, environments, clocks and command lines, each a
// single forward scan: no backtracking and no recursion, so no input can exhaust the stack or
// take more than linear time (std::regex recurses per character and overflowed the stack on a
// field of a few tens of kB).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace drconsole {

// What std::regex calls \s and \d, in ASCII only.
bool is_space(char c);
bool is_digit(char c);
bool is_alpha(char c);
// [A-Za-z0-9_]: what \b separates from anything else.
bool is_word_char(char c);

// A name: [A-Za-z_][A-Za-z0-9_]*, with the characters in `also` allowed after the first.
bool is_name(std::string_view s, std::string_view also = {});

// The first position of an ASCII `needle` in `hay` at or after `from`, ignoring ASCII case.
std::size_t find_nocase(std::string_view hay, std::string_view needle, std::size_t from = 0);

// The length of the run of characters at `text[from]` that satisfy `pred`.
template <typename Pred>
std::size_t span(std::string_view text, std::size_t from, Pred pred) {
    std::size_t n = from;
    while (n < text.size() && pred(text[n])) ++n;
    return n - from;
}

// A non-negative decimal of at most `max_digits` digits (all of `digits` must be digits).
std::optional<long long> small_number(std::string_view digits, std::size_t max_digits = 9);

// A ${NAME} reference in `text`: where it starts, its length and the NAME.
struct Reference {
    std::size_t offset = 0, length = 0;
    std::string_view name;
};
// The first well-formed ${NAME} at or after `from`.
std::optional<Reference> find_reference(std::string_view text, std::size_t from = 0);
// `text` is exactly one ${NAME}.
bool is_whole_reference(std::string_view text);

}  // namespace drconsole
