// UTF-8 validation, source positions and terminal-safe text.
#include "drconsole/text.h"

#include <algorithm>

#include <fmt/format.h>

namespace drconsole {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) return 1;
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > text.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return len;
}

std::uint32_t decode(std::string_view text, std::size_t i, std::size_t len) {
    auto c = static_cast<unsigned char>(text[i]);
    if (len == 1) return c;
    std::uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    return cp;
}

}  // namespace

bool is_hidden_code_point(char32_t cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C  // bidi overrides, isolates
           || (cp >= 0x200B && cp <= 0x200F)                                                // zero-width space, joiners, marks
           || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || cp == 0x00AD || cp == 0x180E  // word joiner, BOM, soft hyphen
           || cp == 0x2028 || cp == 0x2029                                                  // line and paragraph separators
           || (cp >= 0xFFF9 && cp <= 0xFFFB)                                                // interlinear annotation
           || (cp >= 0xE0000 && cp <= 0xE007F);                                             // tag characters
}

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = utf8_sequence_length(text, i);
        if (len == 0) return i;
        i += len;
    }
    return std::nullopt;
}

int column_of(std::string_view line, std::size_t byte_offset) {
    int column = 1;
    for (std::size_t i = 0; i < byte_offset && i < line.size(); ++i)
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
    return column;
}

SourcePos position_of(std::string_view text, std::size_t byte_offset) {
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    return {line, column_of(text.substr(line_start), byte_offset - line_start)};
}

LineIndex::LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') starts_.push_back(i + 1);
}

SourcePos LineIndex::position(std::size_t byte_offset) const {
    byte_offset = std::min(byte_offset, text_.size());
    // The last line starting at or before the offset (a '\n' itself belongs to the line it ends).
    auto it = std::upper_bound(starts_.begin(), starts_.end(), byte_offset);
    std::size_t line = static_cast<std::size_t>(it - starts_.begin());
    std::size_t start = starts_[line - 1];
    return {static_cast<int>(line), column_of(text_.substr(start), byte_offset - start)};
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == text.size()) break;
        start = end + 1;
    }
    return lines;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

char32_t next_code_point(std::string_view text, std::size_t& i) {
    std::size_t len = utf8_sequence_length(text, i);
    if (len == 0) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = decode(text, i, len);
    i += len;
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string safe_text(std::string_view untrusted, bool keep_newlines) {
    std::string out;
    out.reserve(untrusted.size());
    for (std::size_t i = 0; i < untrusted.size();) {
        std::size_t len = utf8_sequence_length(untrusted, i);
        if (len == 0) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(untrusted[i]));
            ++i;
            continue;
        }
        std::uint32_t cp = decode(untrusted, i, len);
        if ((cp == '\n' || cp == '\t') && keep_newlines) {
            out += static_cast<char>(cp);  // multi-line text (command output): its lines and columns
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            out += fmt::format("\\x{:02x}", cp);
        } else if (is_hidden_code_point(cp)) {
            out += fmt::format("\\u{{{:04x}}}", cp);
        } else {
            out.append(untrusted.substr(i, len));
        }
        i += len;
    }
    return out;
}

std::string safe_excerpt(std::string_view untrusted, std::size_t max_bytes) {
    if (untrusted.size() <= max_bytes) return safe_text(untrusted);
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(untrusted[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    return safe_text(untrusted.substr(0, cut)) + fmt::format("… ({} bytes)", untrusted.size());
}

std::optional<DeceptiveCharacter> find_deceptive_character(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        std::size_t at = i;
        char32_t cp = next_code_point(text, i);
        bool control = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
        bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C;
        if (control || bidi || cp == 0x2028 || cp == 0x2029)
            return DeceptiveCharacter{at, fmt::format("U+{:04X}, a control, bidi or line-separator character, makes this line read "
                                                      "otherwise than it is stored: remove it", static_cast<std::uint32_t>(cp))};
    }
    return std::nullopt;
}

std::optional<std::string> name_problem(std::string_view name) {
    if (name.empty()) return "it is empty";
    if (first_invalid_utf8(name)) return "it is not valid UTF-8";
    if (trim(name).size() != name.size()) return "it begins or ends with a blank";
    for (std::size_t i = 0; i < name.size();) {
        char32_t cp = next_code_point(name, i);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_hidden_code_point(cp))
            return fmt::format("it holds U+{:04X}, a control or invisible character that would make it look like another name",
                               static_cast<std::uint32_t>(cp));
        // Spaces other than the ASCII one look like it, or like nothing at the end of a name.
        if (cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000)
            return fmt::format("it holds U+{:04X}, a space that is not the ordinary one and would make it look like another name",
                               static_cast<std::uint32_t>(cp));
    }
    return std::nullopt;
}

std::string counted(std::size_t n, std::string_view singular, std::string_view plural) {
    if (n == 1) return fmt::format("1 {}", singular);
    return plural.empty() ? fmt::format("{} {}s", n, singular) : fmt::format("{} {}", n, plural);
}

namespace {

// Optimal string alignment distance: Levenshtein plus a swap of two neighbours ("pomrote").
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    if (word.empty() || word.size() > 200) return std::nullopt;  // nobody mistypes 200 characters
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (const auto& c : candidates) {
        if (c == word || c.size() > 200) continue;
        std::size_t distance = edit_distance(word, c);
        // A prefix of at least 3 characters counts as close ("pg-prom" for "pg-promote").
        bool prefix = word.size() >= 3 && c.compare(0, word.size(), word) == 0;
        std::size_t allowed = std::max<std::size_t>(1, std::min(word.size(), c.size()) / 3);
        if (!prefix && distance > allowed) continue;
        if (prefix) distance = std::min(distance, allowed);
        if (!best || distance < best_distance) {
            best = c;
            best_distance = distance;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    auto match = closest_match(word, candidates);
    return match ? " (did you mean " + *match + "?)" : std::string();
}

}  // namespace drconsole
