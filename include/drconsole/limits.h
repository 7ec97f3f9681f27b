// The sizes drconsole refuses beyond, each with FILE:LINE:COL: error: (documented in
// docs/runbook-format.md, "Limits"). Generous for any real runbook or environment; they keep a
// damaged or hostile file from costing unbounded memory, time or stack.
#pragma once

#include <cstddef>

namespace drconsole {

inline constexpr std::size_t kMaxFileBytes = 1 << 20;  // a runbook, an environment file, a key script
inline constexpr std::size_t kMaxLineBytes = 8192;     // one line of a runbook or a key script
inline constexpr std::size_t kMaxStringBytes = 4096;   // one string in an environment file
inline constexpr std::size_t kMaxIdBytes = 64;         // a target id, a step id, a template name
inline constexpr int kMaxJsonDepth = 32;               // nesting of objects and arrays in an environment file

}  // namespace drconsole
