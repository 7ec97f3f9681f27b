// Sealing recorded samples into the event chain: the payload of a samples.recorded event, and
// the check of the samples table against every such event.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/event.h"
#include "drconsole/journal.h"

namespace drconsole::journal {

// {"count", "from_us", "to_us", "sha256": SHA-256 over every sample's canonical line in canonical
// order, "series": [{"target", "metric", "labels", "samples": [[wall_us − from_us, first 8 hex of
// the sample's own SHA-256], …]}]}: enough to name an edited, deleted or inserted sample.
nlohmann::json seal_payload(const std::vector<Sample>& samples);

// Problems, one line each ("pg-primary heartbeat_ts at 2026-…Z: edited (sealed by event 12)"):
// samples that differ from what their seal says, seals whose samples are gone, samples no seal
// covers. `seals` are the incident's samples.recorded events; `rows` its stored samples.
std::vector<SampleProblem> check_samples(const std::vector<Event>& seals, const std::vector<Sample>& rows);

}  // namespace drconsole::journal
