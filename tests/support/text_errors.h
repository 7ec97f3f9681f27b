// The byte offset a small text parser reports for bad input.
#pragma once

#include <cstddef>
#include <string>

#include "drconsole/diagnostic.h"

namespace drconsole::test {

inline constexpr std::size_t kNoError = std::string::npos;

// Runs `parse`; returns the offset of the TextError it throws, or kNoError.
template <typename Parse>
std::size_t error_offset(Parse&& parse) {
    try {
        parse();
    } catch (const TextError& e) {
        return e.offset();
    }
    return kNoError;
}

}  // namespace drconsole::test
