// The hash chain: canonical JSON of an event and SHA-256 over prev_hash ‖ canonical JSON.
#include <fmt/format.h>

#include "drconsole/event.h"
#include "drconsole/sha256.h"

namespace drconsole {

std::string canonical_json(const Event& e) {
    // nlohmann::json objects keep keys sorted by byte value; dump() with no indent adds no
    // whitespace and leaves UTF-8 unescaped (strict: invalid UTF-8 throws).
    nlohmann::json j = {
        {"incident", e.incident},
        {"seq", e.seq},
        {"wall_us", e.wall_us},
        {"mono_us", e.mono_us},
        {"kind", e.kind},
        {"actor", {{"role", e.actor.role}, {"person", e.actor.person}}},
        {"step", e.step.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.step)},
        {"payload", e.payload},
    };
    return j.dump();
}

std::string chain_hash(const std::string& prev_hash, const std::string& canonical) {
    return sha256_hex(prev_hash + canonical);
}

std::string checkpoint_message(std::int64_t incident, std::int64_t seq, const std::string& hash, bool resolved) {
    return fmt::format("drconsole checkpoint v1\nincident {}\nseq {}\nhash {}\nresolved {}\n", incident, seq, hash, resolved);
}

}  // namespace drconsole
