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
        if (derive_step_id(p.name) == name) return &p;
    std::vector<const Phase*> of_kind;
    for (const auto& p : rb.phases)
        if (to_string(p.kind) == name) of_kind.push_back(&p);
    if (of_kind.size() == 1) return of_kind.front();
    std::string list;
    auto add = [&](const Phase& p) { list += fmt::format("{}{}", list.empty() ? "" : ", ", derive_step_id(p.name)); };
    if (of_kind.empty())
        for (const auto& p : rb.phases) add(p);
    for (const auto* p : of_kind) add(*p);
    why = of_kind.empty() ? fmt::format("{} has no phase '{}' (phases: {})", file, name, list.empty() ? "none" : list)
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
        std::optional<std::string> source = chain_.read(path, why);
        if (!source) {
            error(at, fmt::format("include: cannot read {}: {}", file, why));
            return {};
        }
        Runbook other;
        other.path = path;
        Diagnostics diag(path);
        chain_.files.push_back(path);
        bool incomplete = false;
        bool walked = walk_file(*source, other, diag, chain_, incomplete);
        chain_.files.pop_back();
        for (auto& d : diag.sorted()) ctx_.diag.add(std::move(d));
        ctx_.attributes_incomplete = ctx_.attributes_incomplete || incomplete;
        remember(path, *source);
        // Its own mistakes are reported in it; that the include then brings nothing is no news.
        if (!walked || diag.has_errors()) return {};
        const Phase* phase = pick_phase(other, name, file, why);
        if (!phase) {
            error(at, "include: " + why);
            return {};
        }
        if (phase->steps.empty()) {
            error(at, fmt::format("include: {}#{} has no steps", file, name));
            return {};
        }
        std::vector<Step> steps = phase->steps;
        std::string by = fmt::format("{}:{}:{}", ctx_.diag.file(), include.pos.line, include.pos.column);
        for (auto& s : steps)
            if (s.included_by.empty()) s.included_by = by;
        return steps;
    }

private:
    void error(SourcePos at, std::string message) { ctx_.diag.error(at, std::move(message)); }

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
