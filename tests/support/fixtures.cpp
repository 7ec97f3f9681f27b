// Shared test fixtures.
#include "support/fixtures.h"

#include <stdexcept>

namespace drconsole::test {

std::shared_ptr<const Runbook> small_runbook() {
    RunbookResult r = parse_runbook(kSmallRunbook, "small.md");
    if (!r.runbook) throw std::runtime_error("the small runbook does not parse: " + r.diagnostics.at(0).str());
    return r.runbook;
}

StartRequest drill_request(const std::string& mode) {
    StartRequest req;
    req.runbook = small_runbook();
    req.mode = mode;
    req.actor = {"ic", "alice"};
    req.roster = {{"ic", "alice"}, {"db", "bob"}};
    return req;
}

}  // namespace drconsole::test
