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

void Diagnostics::error_in(const std::string& file, SourcePos pos, std::string message) {
    items_.push_back({file.empty() ? file_ : file, pos, Severity::error, std::move(message)});
}

void Diagnostics::warning_in(const std::string& file, SourcePos pos, std::string message) {
    items_.push_back({file.empty() ? file_ : file, pos, Severity::warning, std::move(message)});
}

void Diagnostics::add(Diagnostic d) {
    for (const auto& item : items_)
        if (item.file == d.file && item.pos.line == d.pos.line && item.pos.column == d.pos.column && item.message == d.message) return;
    items_.push_back(std::move(d));
}

bool Diagnostics::has_errors() const {
    return std::any_of(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    auto out = items_;
    std::stable_sort(out.begin(), out.end(), [&](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file) return a.file == file_ || (b.file != file_ && a.file < b.file);
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
