// Sealing recorded samples into the event chain: the payload of a samples.recorded event, and
// the check of the samples table against every such event.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/event.h"
#include "drconsole/journal.h"
#include "journal/sqlite.h"

namespace drconsole::journal {

// {"count", "from_us", "to_us", "sha256": SHA-256 over every sample's canonical line in canonical
// order, "series": [{"target", "metric", "labels", "samples": [[wall_us − from_us, first 8 hex of
// the sample's own SHA-256], …]}]}: enough to name an edited, deleted or inserted sample.
nlohmann::json seal_payload(const std::vector<Sample>& samples);

// What a seal says about its batch as a whole, read from the payload's stored text without
// parsing its series (which names every sample): nullopt when the text is not in canonical form.
struct SealBrief {
    std::int64_t count = 0, from_us = 0, to_us = 0;
    std::string sha256;
};
std::optional<SealBrief> seal_brief(std::string_view payload_text);

// The SHA-256 over a batch's canonical lines in canonical order, as seal_payload() computes it.
std::string batch_sha256(const std::vector<Sample>& batch);

// The canonical line of a sample, as sealed: ["target","metric","labels",wall_us,mono_us,value,"status"].
std::string canonical_line(const Sample& sample);

// The problems of one sealed batch, named sample by sample (`seal` with its payload parsed).
void check_batch(const Event& seal, std::vector<Sample> batch, std::vector<SampleProblem>& problems);
// A sample no seal covers: batch 0 (recorded outside a sealed batch) or a batch that is no seal.
SampleProblem unsealed_problem(const Sample& sample);

// A seal met on the chain: its brief, or (when its payload was not in canonical form) the event.
struct SealRef {
    std::int64_t seq = 0;
    SealBrief brief;
    std::shared_ptr<const Event> event;
};

// Every stored sample of `incident` checked against `seals` (in seq order), one batch in memory at
// a time: a batch whose canonical lines hash to its seal's SHA-256 — every byte of every sample —
// is intact; any other is named sample by sample by check_batch() with the seal `load_seal` reads.
// The same problems, in the same order, as check_samples() over all of them; `stored` is set to
// how many samples the incident has.
std::vector<SampleProblem> check_stored_samples(Database& db, std::int64_t incident, const std::vector<SealRef>& seals,
                                                const std::function<Event(std::int64_t seq)>& load_seal, std::int64_t& stored);

// Problems, one line each ("pg-primary heartbeat_ts at 2026-…Z: edited (sealed by event 12)"):
// samples that differ from what their seal says, seals whose samples are gone, samples no seal
// covers. `seals` are the incident's samples.recorded events; `rows` its stored samples.
std::vector<SampleProblem> check_samples(const std::vector<Event>& seals, const std::vector<Sample>& rows);

}  // namespace drconsole::journal
