// Run-line word splitting, templates and SQL parameter binding: values are data, never code.
#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "drconsole/action_text.h"
#include "drconsole/diagnostic.h"
#include "drconsole/scan.h"

namespace drconsole {
namespace {

// The {{name}} or {{name:flag}} (spaces allowed inside the braces) that starts at text[i], if any:
// the name and where the template ends.
std::optional<std::pair<std::string_view, std::size_t>> template_at(std::string_view text, std::size_t i) {
    if (text.substr(i, 2) != "{{") return std::nullopt;
    std::size_t k = i + 2;
    k += span(text, k, is_space);
    std::size_t n = span(text, k, [](char c) { return is_word_char(c) || c == '.'; });
    std::string_view name = text.substr(k, n);
    if (!is_name(name, ".")) return std::nullopt;
    k += n;
    if (text.substr(k, 5) == ":flag") k += 5;
    k += span(text, k, is_space);
    if (text.substr(k, 2) != "}}") return std::nullopt;
    return std::pair{name, k + 2};
}

}  // namespace

const std::vector<std::string>& builtin_template_names() {
    static const std::vector<std::string> names{"incident.id", "incident.mode", "step.id", "actor.role", "actor.person"};
    return names;
}

std::vector<std::string> template_names(std::string_view body) {
    std::vector<std::string> names;
    std::set<std::string_view> seen;
    for (std::size_t i = body.find("{{"); i != std::string_view::npos;) {
        auto t = template_at(body, i);
        if (t && seen.insert(t->first).second) names.emplace_back(t->first);
        i = body.find("{{", t ? t->second : i + 1);
    }
    return names;
}

std::vector<std::vector<Word>> parse_run_block(std::string_view body) {
    std::vector<std::vector<Word>> commands;
    std::size_t line_start = 0;
    while (line_start < body.size()) {
        std::size_t line_end = body.find('\n', line_start);
        if (line_end == std::string_view::npos) line_end = body.size();
        std::string_view line = body.substr(line_start, line_end - line_start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || line[first] == '#') {
            line_start = line_end + 1;
            continue;
        }
        std::vector<Word> words;
        std::size_t i = 0;
        auto at = [&](std::size_t k) { return line_start + k; };
        while (i < line.size()) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
            if (i >= line.size()) break;
            // A whole-argument template: {{name}} standing alone as a word.
            if (line.substr(i, 2) == "{{") {
                std::size_t close = line.find("}}", i);
                std::size_t next = close == std::string_view::npos ? close : close + 2;
                if (close != std::string_view::npos && (next >= line.size() || line[next] == ' ' || line[next] == '\t')) {
                    std::string inner(line.substr(i + 2, close - i - 2));
                    Word w;
                    w.is_template = true;
                    if (inner.size() > 5 && inner.substr(inner.size() - 5) == ":flag") {
                        w.allow_dash = true;
                        inner.resize(inner.size() - 5);
                    }
                    while (!inner.empty() && inner.front() == ' ') inner.erase(0, 1);
                    while (!inner.empty() && inner.back() == ' ') inner.pop_back();
                    if (!is_name(inner, ".")) throw TextError(at(i), fmt::format("'{{{{{}}}}}' is not a template name", inner));
                    w.text = inner;
                    words.push_back(w);
                    i = next;
                    continue;
                }
                throw TextError(at(i), "a {{template}} fills a whole argument: put it alone between spaces");
            }
            Word w;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
                char c = line[i];
                if (c == '\'') {
                    std::size_t close = line.find('\'', i + 1);
                    if (close == std::string_view::npos) throw TextError(at(i), "quote ' is not closed");
                    w.text.append(line.substr(i + 1, close - i - 1));
                    i = close + 1;
                } else if (c == '"') {
                    ++i;
                    bool closed = false;
                    while (i < line.size()) {
                        if (line[i] == '\\' && i + 1 < line.size() && std::string_view("\"\\$`").find(line[i + 1]) != std::string_view::npos) {
                            w.text += line[i + 1];
                            i += 2;
                        } else if (line[i] == '"') {
                            closed = true;
                            ++i;
                            break;
                        } else if (line[i] == '$' || line[i] == '`') {
                            throw TextError(at(i), fmt::format("'{}' would expand in a shell; drconsole never expands: remove it or escape it", line[i]));
                        } else {
                            w.text += line[i++];
                        }
                    }
                    if (!closed) throw TextError(at(i), "quote \" is not closed");
                } else if (c == '\\' && i + 1 < line.size()) {
                    w.text += line[i + 1];
                    i += 2;
                } else if (std::string_view("$`*?[|&;<>()").find(c) != std::string_view::npos) {
                    throw TextError(at(i), fmt::format("'{}' needs a shell, and run lines are never passed to one; write sh -c '…' "
                                                       "explicitly if you mean it", c));
                } else if (line.substr(i, 2) == "{{") {
                    throw TextError(at(i), "a {{template}} fills a whole argument: put it alone between spaces");
                } else {
                    w.text += c;
                    ++i;
                }
            }
            words.push_back(w);
        }
        if (!words.empty()) commands.push_back(std::move(words));
        line_start = line_end + 1;
    }
    return commands;
}

std::vector<std::string> fill_argv(const std::vector<Word>& words, const TemplateValues& values) {
    std::vector<std::string> argv;
    for (const auto& w : words) {
        if (!w.is_template) {
            argv.push_back(w.text);
            continue;
        }
        auto it = values.values.find(w.text);
        if (it == values.values.end()) throw InputError(fmt::format("unknown template value {{{{{}}}}}", w.text));
        if (values.secret_names.count(w.text))
            throw InputError(fmt::format("{{{{{}}}}} is a secret: as an argument it would show in /proc/*/cmdline; name it in a comment "
                                         "(# uses {{{{{}}}}}) and the command gets it in its environment instead ({})",
                                         w.text, w.text, values.recorded.at(w.text)));
        if (!w.allow_dash && !it->second.empty() && it->second[0] == '-')
            throw InputError(fmt::format("{{{{{}}}}} starts with '-' and would be read as an option; mark it {{{{{}:flag}}}} if that is meant",
                                         w.text, w.text));
        argv.push_back(it->second);
    }
    return argv;
}

BoundSql bind_sql(std::string_view sql, const TemplateValues& values) {
    BoundSql out;
    std::map<std::string, int> index;
    enum class In { code, single, dbl, line_comment, block_comment } in = In::code;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        std::string_view two = sql.substr(i, 2);
        if (in == In::code && two == "{{") {
            std::size_t close = sql.find("}}", i);
            if (close == std::string_view::npos) throw TextError(i, "'{{' is not closed");
            std::string name(sql.substr(i + 2, close - i - 2));
            while (!name.empty() && name.front() == ' ') name.erase(0, 1);
            while (!name.empty() && name.back() == ' ') name.pop_back();
            auto v = values.values.find(name);
            if (v == values.values.end()) throw TextError(i, fmt::format("unknown template value {{{{{}}}}}", name));
            auto [it, fresh] = index.emplace(name, static_cast<int>(out.params.size()) + 1);
            if (fresh) out.params.push_back(v->second);
            out.text += "$" + std::to_string(it->second);
            i = close + 1;
            continue;
        }
        if (in != In::code && in != In::line_comment && in != In::block_comment && two == "{{")
            throw TextError(i, "a {{template}} inside a quoted SQL literal would not be bound: write it bare, e.g. WHERE ts <= {{recovery_target}}");
        if ((in == In::line_comment || in == In::block_comment) && two == "{{")
            throw TextError(i, "a {{template}} inside an SQL comment");
        switch (in) {
            case In::code:
                if (c == '\'') in = In::single;
                else if (c == '"') in = In::dbl;
                else if (two == "--") in = In::line_comment;
                else if (two == "/*") in = In::block_comment;
                break;
            case In::single: if (c == '\'') in = In::code; break;
            case In::dbl: if (c == '"') in = In::code; break;
            case In::line_comment: if (c == '\n') in = In::code; break;
            case In::block_comment:
                if (two == "*/") {
                    out.text += "*/";
                    ++i;
                    in = In::code;
                    continue;
                }
                break;
        }
        out.text += c;
    }
    return out;
}

}  // namespace drconsole
