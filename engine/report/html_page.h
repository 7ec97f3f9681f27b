// The frame every HTML page of the reports shares: CSP, print-friendly inline style.
#pragma once

#include <string>

namespace drconsole::report {

// <!doctype html> … <body>, with `title` escaped.
std::string page_head(const std::string& title);
std::string page_foot();

}  // namespace drconsole::report
