// The values {{name}} takes for a step: the environment's vars (secrets expanded only here, at
// use, and recorded as "<from $NAME>") and the incident's built-in names.
#include <regex>

#include <fmt/format.h>

#include "drconsole/actions.h"
#include "drconsole/incident.h"

namespace drconsole {

TemplateValues template_values(const Environment* env, const IncidentState& s, const Step& step, const Actor& actor) {
    TemplateValues t;
    auto add = [&](const std::string& name, const std::string& value, const std::string& shown) {
        t.values[name] = value;
        t.recorded[name] = shown;
    };
    if (env) {
        for (const auto& [name, raw] : env->vars) {
            std::smatch m;
            static const std::regex ref(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
            bool secret = std::regex_search(raw, m, ref);
            std::string value = expand_references(raw);
            add(name, value, secret ? fmt::format("<from ${}>", m[1].str()) : raw);
            if (secret) {
                t.secret_names.insert(name);
                t.secret_env[m[1].str()] = value;
            }
        }
    }
    // In the order of builtin_template_names().
    const std::string builtin[] = {std::to_string(s.id), s.mode, step.id, actor.role, actor.person};
    for (std::size_t i = 0; i < builtin_template_names().size(); ++i) add(builtin_template_names()[i], builtin[i], builtin[i]);
    return t;
}

}  // namespace drconsole
