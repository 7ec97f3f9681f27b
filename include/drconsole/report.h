// The drill report / post-mortem, written from the journal alone: JSON (the machine form), and
// Markdown, HTML and CSV rendered from it; the trend across drills; readiness metrics.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drconsole/journal.h"
#include "drconsole/signing.h"

namespace drconsole {

// The report of one incident (see docs/reports.md for every field).
nlohmann::json build_report(Journal& journal, std::int64_t incident);

std::string render_markdown(const nlohmann::json& report);
std::string render_html(const nlohmann::json& report);
// The audit timeline, one row per event; cells that a spreadsheet would run as a formula are neutralised.
std::string render_csv(const nlohmann::json& report);

// One row per resolved drill of the same runbook (by title), oldest first. `runbook_title`
// empty: the runbook of the newest incident.
nlohmann::json build_trend(Journal& journal, const std::string& runbook_title);
std::string render_trend_markdown(const nlohmann::json& trend);
std::string render_trend_html(const nlohmann::json& trend);

// Prometheus text format for node_exporter's textfile collector: the newest resolved drill
// of each runbook.
std::string render_metrics(Journal& journal);

// The evidence bundle: journal.db (this incident only), and made from it report.{json,md,html},
// events.jsonl, chain-head.txt, the runbook and environment as used; SHA256SUMS; with a key,
// SHA256SUMS.sig.
void export_bundle(Journal& journal, std::int64_t incident, const std::filesystem::path& dir, const SigningKey* key = nullptr);
// Every problem found in a bundle; empty when it is intact. With a key, SHA256SUMS.sig must
// hold that key's signature of SHA256SUMS.
std::vector<std::string> verify_bundle(const std::filesystem::path& dir, const VerifyKey* key = nullptr);

}  // namespace drconsole
