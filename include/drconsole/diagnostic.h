// Diagnostics for refused input: "FILE:LINE:COL: error: MESSAGE".
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace drconsole {

enum class Severity { warning, error };

// A position in a text file: 1-based line, 1-based column counted in characters
// (Unicode code points), so that it matches what an editor shows.
struct SourcePos {
    int line = 0;
    int column = 0;
};

struct Diagnostic {
    std::string file;
    SourcePos pos;
    Severity severity = Severity::error;
    std::string message;

    // "FILE:LINE:COL: error: MESSAGE"
    std::string str() const;
};

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}

    void error(SourcePos pos, std::string message);
    void warning(SourcePos pos, std::string message);
    // The same in another file: a step that a runbook includes from it.
    void error_in(const std::string& file, SourcePos pos, std::string message);
    void warning_in(const std::string& file, SourcePos pos, std::string message);
    // Another parse's diagnostic, once: a file included twice reports its mistakes once.
    void add(Diagnostic diagnostic);

    bool has_errors() const;
    // Sorted by position, errors and warnings interleaved as they stand in the file; this
    // file's first, then each other file's.
    std::vector<Diagnostic> sorted() const;
    const std::string& file() const { return file_; }

private:
    std::string file_;
    std::vector<Diagnostic> items_;
};

// Raised by small text parsers (durations, attribute blocks, gate expressions):
// `offset` is the byte offset of the offending token within the parsed text.
class TextError : public std::runtime_error {
public:
    TextError(std::size_t offset, const std::string& message)
        : std::runtime_error(message), offset_(offset) {}
    std::size_t offset() const { return offset_; }

private:
    std::size_t offset_;
};

// Bad input found before anything started: a runbook, an environment, a command line.
// The command line turns it into exit status 2.
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& message) : std::runtime_error(message) {}
    explicit InputError(std::vector<Diagnostic> diagnostics);
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
    std::vector<Diagnostic> diagnostics_;
};

}  // namespace drconsole
