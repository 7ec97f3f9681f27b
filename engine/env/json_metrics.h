// An http-json target's "metrics": how each figure is read from the answer (docs/probes.md).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "drconsole/environment.h"

namespace drconsole::env {

using ReportError = std::function<void(const std::string& pointer, const std::string& message)>;

// {"name": "/pointer"} or {"name": {"pointer": "/p", "count" | "age" | "missing_on_dr" | "behind_on_dr": true,
// or "ok": ["running", …]}}; each mistake reported at its JSON pointer in the environment file.
void read_json_metrics(const std::string& at, const nlohmann::json& spec, std::map<std::string, JsonMetric>& out, const ReportError& error);

// Letters, digits and '_': what a gate reads after TARGET.
bool is_metric_name(std::string_view name);

// Authorization, or a name that says token, secret, password or key: its value must be ${NAME}.
bool is_secret_header(std::string_view name);

}  // namespace drconsole::env
