// Diagnostics: collecting, ordering and printing "FILE:LINE:COL: error: MESSAGE".
#include "drconsole/diagnostic.h"

#include <algorithm>

#include <fmt/format.h>

#include "drconsole/text.h"

namespace drconsole {

std::string Diagnostic::str() const {
    // The file name and the message may quote what was read: shown escaped, like all untrusted text.
    return fmt::format("{}:{}:{}: {}: {}", safe_text(file), pos.line, pos.column, severity == Severity::error ? "error" : "warning",
                       safe_text(message));
}

void Diagnostics::error(SourcePos pos, std::string message) {
    items_.push_back({file_, pos, Severity::error, std::move(message)});
}

void Diagnostics::warning(SourcePos pos, std::string message) {
    items_.push_back({file_, pos, Severity::warning, std::move(message)});
}

bool Diagnostics::has_errors() const {
    return std::any_of(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    auto out = items_;
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
    });
    return out;
}

static std::string join_errors(const std::vector<Diagnostic>& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics) {
        if (d.severity != Severity::error) continue;
        if (!text.empty()) text += '\n';
        text += d.str();
    }
    return text;
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_errors(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace drconsole
