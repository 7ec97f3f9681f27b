// Template values given directly, for action tests: everything recordable, nothing secret.
#pragma once

#include <map>
#include <string>

#include "drconsole/actions.h"

namespace drconsole::test {

inline TemplateValues values(std::map<std::string, std::string> v) {
    TemplateValues t;
    t.values = v;
    t.recorded = v;
    return t;
}

}  // namespace drconsole::test
