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

std::string chain_hash_of_stored(const std::string& prev_hash, const Event& e, std::string_view payload_text) {
    // The canonical form's keys in byte order: actor, incident, kind, mono_us | payload | seq, step, wall_us.
    nlohmann::json before = {{"incident", e.incident}, {"mono_us", e.mono_us}, {"kind", e.kind},
                             {"actor", {{"role", e.actor.role}, {"person", e.actor.person}}}};
    nlohmann::json after = {{"seq", e.seq}, {"wall_us", e.wall_us}, {"step", e.step.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.step)}};
    std::string head = before.dump(), tail = after.dump();
    head.back() = ',';  // "{…,"mono_us":N}" → "{…,"mono_us":N,"
    tail.front() = ',';
    return Sha256Stream().add(prev_hash).add(head).add(R"("payload":)").add(payload_text).add(tail).hex();
}

std::string checkpoint_message(std::int64_t incident, std::int64_t seq, const std::string& hash, bool resolved) {
    return fmt::format("drconsole checkpoint v1\nincident {}\nseq {}\nhash {}\nresolved {}\n", incident, seq, hash, resolved);
}

}  // namespace drconsole
