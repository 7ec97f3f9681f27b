// include=FILE.md#phase: a step that stands for another file's phase, written once and shared.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "drconsole/sha256.h"
#include "runbook/parse_context.h"

namespace drconsole::runbook {
namespace {

// A runbook includes a file that includes another, and so on: deeper than this is refused.
constexpr std::size_t kMaxIncludeDepth = 4;

std::string chain_text(const std::vector<std::string>& files, const std::string& last) {
    std::string out;
    for (const auto& f : files) out += f + " → ";
    return out + last;
}

// The phase `name` picks: its heading's id (as a step id is derived from text), else its kind
// when one phase has it. Refusals name what there is.
const Phase* pick_phase(const Runbook& rb, std::string_view name, const std::string& file, std::string& why) {
    for (const auto& p : rb.phases)
        if (derive_step_id(p.name) == derive_step_id(name)) return &p;  // "#Promote" as written in the heading too
    std::vector<const Phase*> of_kind;
    for (const auto& p : rb.phases)
        if (to_string(p.kind) == derive_step_id(name)) of_kind.push_back(&p);
    if (of_kind.size() == 1) return of_kind.front();
    std::string list;
    auto add = [&](const Phase& p) { list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", derive_step_id(p.name), to_string(p.kind)); };
    if (of_kind.empty())
        for (const auto& p : rb.phases) add(p);
    for (const auto* p : of_kind) add(*p);
    why = of_kind.empty() ? fmt::format("{} has no phase '{}' (phases, with their kind: {}; a kind that one phase has names it too)",
                                        file, name, list.empty() ? "none" : list)
                          : fmt::format("{} has {} {} phases: name one by its heading ({})", file, of_kind.size(), name, list);
    return nullptr;
}

class Expander {
public:
    Expander(ParseContext& ctx, IncludeChain& chain) : ctx_(ctx), chain_(chain) {}

    // The steps `include` stands for; none (with a diagnostic) when they cannot be had.
    std::vector<Step> steps_of(const Step& include) {
        SourcePos at = include.include_pos;
        std::size_t hash = include.include.find('#');
        std::string name = hash == std::string::npos ? "" : include.include.substr(hash + 1);
        std::string file = include.include.substr(0, hash);
        if (file.empty() || name.empty()) {
            error(at, fmt::format("include: '{}' names no {}: write include=FILE.md#phase", include.include, file.empty() ? "file" : "phase"));
            return {};
        }
        namespace fs = std::filesystem;
        std::string path = (fs::path(ctx_.diag.file()).parent_path() / file).lexically_normal().string();
        if (std::find(chain_.files.begin(), chain_.files.end(), path) != chain_.files.end()) {
            error(at, fmt::format("include: {} would include itself ({})", path, chain_text(chain_.files, path)));
            return {};
        }
        if (chain_.files.size() > kMaxIncludeDepth) {
            error(at, fmt::format("include: nested more than {} deep ({})", kMaxIncludeDepth, chain_text(chain_.files, path)));
            return {};
        }
        std::string why;
        const IncludeChain::Parsed* other = parse(path, file, include, why);
        if (!other) {
            if (!why.empty()) error(at, why);
            return {};
        }
        // Its own mistakes are reported in it; that the include then brings nothing is no news.
        if (!other->usable) return {};
        const Phase* phase = pick_phase(other->runbook, name, file, why);
        if (!phase) {
            error(at, "include: " + why);
            return {};
        }
        std::string by = fmt::format("{}:{}:{}", ctx_.diag.file(), include.pos.line, include.pos.column);
        auto [taken, fresh] = chain_.phases_taken.emplace(path + "#" + derive_step_id(phase->name), by);
        if (!fresh) {
            error(at, fmt::format("include: {}#{} is already included at {}: a phase is included once (its step ids would repeat)",
                                  file, name, taken->second));
            return {};
        }
        if (phase->steps.empty()) {
            error(at, fmt::format("include: {}#{} has no steps", file, name));
            return {};
        }
        std::vector<Step> steps = phase->steps;
        for (auto& s : steps)
            if (s.included_by.empty()) s.included_by = by;
        return steps;
    }

private:
    void error(SourcePos at, std::string message) { ctx_.diag.error(at, std::move(message)); }

    // The file read and walked once, however many times it is included; its own diagnostics
    // are reported the first time, with the include that brought it. Null (and `why`) when
    // it cannot be read.
    const IncludeChain::Parsed* parse(const std::string& path, const std::string& file, const Step& include, std::string& why) {
        if (auto it = chain_.parsed.find(path); it != chain_.parsed.end()) {
            ctx_.attributes_incomplete = ctx_.attributes_incomplete || it->second.incomplete;
            return &it->second;
        }
        std::optional<std::string> source = chain_.read(path, why);
        if (!source) {
            why = fmt::format("include: cannot read {}: {}", file, why);
            return nullptr;
        }
        IncludeChain::Parsed parsed;
        parsed.runbook.path = path;
        Diagnostics diag(path);
        chain_.files.push_back(path);
        bool walked = walk_file(*source, parsed.runbook, diag, chain_, parsed.incomplete);
        chain_.files.pop_back();
        std::string note = fmt::format(" (included by {}:{}:{})", ctx_.diag.file(), include.pos.line, include.pos.column);
        for (auto& d : diag.sorted()) {
            // Its nested includes' diagnostics already say which include brought them.
            if (d.file == path && d.message.find(" (included by ") == std::string::npos) d.message += note;
            ctx_.diag.add(std::move(d));
        }
        ctx_.attributes_incomplete = ctx_.attributes_incomplete || parsed.incomplete;
        parsed.usable = walked && !diag.has_errors();
        remember(path, *source);
        return &chain_.parsed.emplace(path, std::move(parsed)).first->second;
    }

    void remember(const std::string& path, const std::string& source) {
        for (const auto& f : chain_.included)
            if (f.path == path) return;
        chain_.included.push_back({path, sha256_hex(source), source});
    }

    ParseContext& ctx_;
    IncludeChain& chain_;
};

}  // namespace

void expand_includes(ParseContext& ctx, Runbook& rb, IncludeChain& chain) {
    Expander expander(ctx, chain);
    for (auto& phase : rb.phases) {
        if (std::none_of(phase.steps.begin(), phase.steps.end(), [](const Step& s) { return !s.include.empty(); })) continue;
        std::vector<Step> steps;
        for (auto& s : phase.steps) {
            if (s.include.empty()) {
                steps.push_back(std::move(s));
                continue;
            }
            std::vector<Step> brought = expander.steps_of(s);
            if (brought.empty()) ctx.attributes_incomplete = true;
            for (auto& b : brought) steps.push_back(std::move(b));
        }
        phase.steps = std::move(steps);
    }
}

}  // namespace drconsole::runbook
