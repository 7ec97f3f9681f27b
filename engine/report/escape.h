// Making untrusted strings (notes, probe output, names) inert in each report format.
#pragma once

#include <string>
#include <vector>
#include <string_view>

#include <nlohmann/json.hpp>

namespace drconsole::report {

// Text for Markdown: control characters shown as \xNN, newlines as spaces, and every character
// Markdown or embedded HTML would act on backslash-escaped (so a note cannot become a link,
// an image, a table cell or a tag).
std::string md(std::string_view untrusted);
// Text for HTML element content and quoted attribute values.
std::string html(std::string_view untrusted);
// One CSV cell (RFC 4180 quoting); a cell starting with = + - @ tab or CR gets a leading '
// so that a spreadsheet shows it instead of running it.
std::string csv(std::string_view untrusted);

// A JSON value as text: strings as they are, numbers, null as "".
std::string str(const nlohmann::json& value);
// Seconds as people read them ("4m05s", "0.8s"), or "not measured" for null.
std::string secs(const nlohmann::json& seconds);
// "T+12:05" from an offset in seconds; "" for null.
std::string t_plus(const nlohmann::json& offset_s);

// The report's components and then the service, as the tables list them.
nlohmann::json component_rows(const nlohmann::json& report);
// The readings an RPO figure used, one line each, so a reader can find them among the sealed
// samples: "pg-primary heartbeat_ts read at 2026-…Z: 2026-…Z (sealed by event 57)".
std::vector<std::string> rpo_readings(const nlohmann::json& component);
// The signed checkpoints, as they state themselves (the signature is checked by verify --pubkey,
// not by a report): "2, the last at event 57 over events 1–56 after the resolution, key ed25519:…".
std::string checkpoints_line(const nlohmann::json& checkpoints);
// "5.2s ± 0.2s (4 messages lost)", or "not measured".
std::string rpo_achieved(const nlohmann::json& component);

}  // namespace drconsole::report
