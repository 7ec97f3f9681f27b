// A small scanner over already-valid JSON (with comments) that records where values begin.
#include "env/json_positions.h"

#include "drconsole/text.h"

namespace drconsole::env {

std::string pointer_child(const std::string& parent, std::string_view key) {
    std::string out = parent + "/";
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

JsonPositions::JsonPositions(std::string_view text) : text_(text), lines_(text) {
    skip_space();
    parse_value("");
}

void JsonPositions::skip_space() {
    while (pos_ < text_.size()) {
        char c = text_[pos_];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++pos_;
        } else if (text_.substr(pos_, 2) == "//") {
            pos_ = text_.find('\n', pos_);
            if (pos_ == std::string_view::npos) pos_ = text_.size();
        } else if (text_.substr(pos_, 2) == "/*") {
            pos_ = text_.find("*/", pos_ + 2);
            pos_ = pos_ == std::string_view::npos ? text_.size() : pos_ + 2;
        } else {
            break;
        }
    }
}

std::string JsonPositions::parse_string() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
            char e = text_[pos_ + 1];
            out += e == 'n' ? '\n' : e == 't' ? '\t' : e;  // names with other escapes are rare; close enough
            pos_ += e == 'u' ? 6 : 2;
            continue;
        }
        out += text_[pos_++];
    }
    ++pos_;  // closing quote
    return out;
}

void JsonPositions::parse_value(const std::string& pointer) {
    skip_space();
    if (pos_ >= text_.size()) return;
    values_[pointer] = pos_;
    char c = text_[pos_];
    if (c == '{') {
        ++pos_;
        skip_space();
        std::map<std::string, std::size_t> named;  // this object's members, where each is first named
        while (pos_ < text_.size() && text_[pos_] != '}') {
            std::size_t key_at = pos_;
            std::string key = parse_string();
            std::string child = pointer_child(pointer, key);
            if (auto [first, fresh] = named.emplace(key, key_at); !fresh)
                duplicates_.push_back({child, key, lines_.position(key_at), lines_.position(first->second)});
            keys_[child] = key_at;
            skip_space();
            ++pos_;  // ':'
            parse_value(child);
            skip_space();
            if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
            skip_space();
            if (pos_ == key_at) return;  // not JSON as this scanner reads it: no position is better than no end
        }
        ++pos_;
    } else if (c == '[') {
        ++pos_;
        skip_space();
        for (int index = 0; pos_ < text_.size() && text_[pos_] != ']'; ++index) {
            std::size_t item_at = pos_;
            parse_value(pointer + "/" + std::to_string(index));
            skip_space();
            if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
            skip_space();
            if (pos_ == item_at) return;  // as above: every turn of the loop moves on, or it ends
        }
        ++pos_;
    } else if (c == '"') {
        parse_string();
    } else {
        while (pos_ < text_.size() && std::string_view(",]} \t\r\n/").find(text_[pos_]) == std::string_view::npos) ++pos_;
    }
}

SourcePos JsonPositions::value(const std::string& pointer) const {
    std::string p = pointer;
    while (true) {
        if (auto it = values_.find(p); it != values_.end()) return lines_.position(it->second);
        if (p.empty()) return {1, 1};
        p = p.substr(0, p.rfind('/'));
    }
}

SourcePos JsonPositions::key(const std::string& pointer) const {
    if (auto it = keys_.find(pointer); it != keys_.end()) return lines_.position(it->second);
    return value(pointer);
}

}  // namespace drconsole::env
