// The values {{name}} takes for a step: the environment's vars (secrets expanded only here, at
// use, and recorded as "<from $NAME>") and the incident's built-in names.
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "drconsole/actions.h"
#include "drconsole/incident.h"
#include "drconsole/scan.h"

namespace drconsole {

TemplateValues template_values(const Environment* env, const IncidentState& s, const Step& step, const Actor& actor) {
    TemplateValues t;
    auto add = [&](const std::string& name, const std::string& value, const std::string& shown) {
        t.values[name] = value;
        t.recorded[name] = shown;
    };
    if (env) {
        for (const auto& [name, raw] : env->vars) {
            std::string from = env->secret_source(name);
            std::string value = expand_references(raw);
            add(name, value, from.empty() ? raw : fmt::format("<from ${}>", from));
            if (!from.empty()) {
                t.secret_names.insert(name);
                t.secret_env[name] = {from, value};
                t.redactions.emplace_back(value, fmt::format("<from ${}>", from));
            }
        }
        // Every ${NAME} of the environment (DSNs, URLs, headers, Kafka settings, vars).
        for (auto ref = find_reference(env->source); ref; ref = find_reference(env->source, ref->offset + ref->length)) {
            const char* value = std::getenv(std::string(ref->name).c_str());
            if (value && *value) t.redactions.emplace_back(value, fmt::format("<from ${}>", ref->name));
        }
        std::stable_sort(t.redactions.begin(), t.redactions.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    }
    // In the order of builtin_template_names().
    const std::string builtin[] = {std::to_string(s.id), s.mode, step.id, actor.role, actor.person};
    for (std::size_t i = 0; i < builtin_template_names().size(); ++i) add(builtin_template_names()[i], builtin[i], builtin[i]);
    return t;
}

}  // namespace drconsole
