// The audit timeline as CSV: one row per event, every cell inert in a spreadsheet.
#include "drconsole/report.h"
#include "escape.h"

namespace drconsole {

std::string render_csv(const nlohmann::json& r) {
    using report::csv;
    using report::str;
    std::string o = "seq,at_utc,t_plus,kind,role,person,step,what,hash\r\n";
    for (const auto& e : r["events"]) {
        o += csv(str(e["seq"])) + ',' + csv(str(e["at"])) + ',' + csv(str(e["t_plus"])) + ',' + csv(str(e["kind"])) + ',' +
             csv(str(e["role"])) + ',' + csv(str(e["person"])) + ',' + csv(str(e["step"])) + ',' + csv(str(e["what"])) + ',' +
             csv(str(e["hash"])) + "\r\n";
    }
    return o;
}

}  // namespace drconsole
