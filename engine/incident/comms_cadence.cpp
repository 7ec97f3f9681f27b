// Which stakeholder-update cadence an incident follows, and where it came from.
#include <fmt/format.h>

#include "drconsole/incident.h"

namespace drconsole {

CommsCadence choose_comms_cadence(const Runbook& rb, const Environment* env) {
    std::optional<Millis> runbook = rb.comms_every;
    std::optional<Millis> environment = env ? env->comms.cadence : std::nullopt;
    if (runbook && environment) {
        if (*runbook == *environment) return {runbook, "runbook and environment", ""};
        if (*environment < *runbook) return {environment, "environment", "the runbook's " + format_duration(*runbook)};
        return {runbook, "runbook", "the environment's " + format_duration(*environment)};
    }
    if (runbook) return {runbook, "runbook", ""};
    if (environment) return {environment, "environment", ""};
    return {};
}

std::string CommsCadence::describe() const {
    if (!every) return "no cadence (neither the runbook's 'Comms every' nor the environment's comms.cadence)";
    return fmt::format("every {} ({}{})", format_duration(*every), source,
                       overruled.empty() ? "" : "; " + overruled + " is overruled: the stricter applies");
}

}  // namespace drconsole
