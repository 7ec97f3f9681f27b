// Text helpers: UTF-8 checks, source positions, and making untrusted text safe to show.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drconsole/diagnostic.h"

namespace drconsole {

// Byte offset of the first byte that is not part of valid UTF-8, if any.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// The 1-based line and character column of a byte offset in `text`.
SourcePos position_of(std::string_view text, std::size_t byte_offset);

// The same for many offsets in one text: where its lines start, found once.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    SourcePos position(std::size_t byte_offset) const;

private:
    std::string_view text_;
    std::vector<std::size_t> starts_;  // byte offset of each line's first byte
};

// The 1-based character column of a byte offset within one line.
int column_of(std::string_view line, std::size_t byte_offset);

// Splits on '\n', dropping a trailing '\r' from each line. Keeps empty lines.
std::vector<std::string_view> split_lines(std::string_view text);

std::string_view trim(std::string_view s);

// The candidate a mistyped word most likely meant (a small edit distance, or one is a prefix of
// the other), for "did you mean …?"; nothing when none is close.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean X?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Decodes the code point at text[i] and moves i past it; invalid bytes give U+FFFD.
char32_t next_code_point(std::string_view text, std::size_t& i);
void append_utf8(std::string& out, char32_t code_point);

// Characters that change how text around them reads without showing themselves: bidi
// overrides and isolates, zero-width spaces and joiners, direction marks, word joiner, BOM,
// soft hyphen, line/paragraph separators, interlinear annotations, tag characters.
bool is_hidden_code_point(char32_t cp);

// Makes an untrusted string safe to print on a terminal or into a report line:
// control characters (C0, DEL, C1) become \xNN (a newline and a tab too, unless keep_newlines),
// hidden characters (above) become \u{...}, invalid UTF-8 becomes \xNN.
std::string safe_text(std::string_view untrusted, bool keep_newlines = false);
// safe_text of at most the first `max_bytes` bytes, "… (N bytes)" after a cut: for quoting
// an untrusted value in a message.
std::string safe_excerpt(std::string_view untrusted, std::size_t max_bytes = 80);

// Where `text` holds a character that makes it read otherwise than it is stored: a control
// character other than tab, CR and LF (C0, DEL, C1), a bidi embedding, override or isolate, a
// line or paragraph separator. A runbook or environment holding one is refused ("Trojan
// Source"): where it is, and the message that says so.
struct DeceptiveCharacter {
    std::size_t offset = 0;
    std::string message;
};
std::optional<DeceptiveCharacter> find_deceptive_character(std::string_view text);
// Why `name` cannot name a person or a role, or nullopt: empty, invalid UTF-8, a control or
// hidden character (two names must never look alike: "ad\u200Bmin" and "admin"), or blanks
// around it.
std::optional<std::string> name_problem(std::string_view name);

// "1 phase", "3 phases": a count with its noun (`plural` defaults to singular + "s").
std::string counted(std::size_t n, std::string_view singular, std::string_view plural = {});

}  // namespace drconsole
