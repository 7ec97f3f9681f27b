// Readable gtest output for engine enums.
#pragma once

#include <ostream>

#include "drconsole/gate_eval.h"
#include "drconsole/readings.h"

namespace drconsole {

inline void PrintTo(ProbeStatus s, std::ostream* os) { *os << to_string(s); }
inline void PrintTo(GateOutcome o, std::ostream* os) { *os << to_string(o); }
inline void PrintTo(Level l, std::ostream* os) { *os << to_string(l); }

}  // namespace drconsole
