// The values {{name}} takes for a step: the environment's vars (secrets expanded only here, at
// use, and recorded as "<from $NAME>") and the incident's built-in names.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "drconsole/actions.h"
#include "drconsole/incident.h"
#include "drconsole/scan.h"
#include "clients/http_fetch.h"

namespace drconsole {

namespace {

// A secret as it may come back in captured output: as it is, and in each form this program
// itself encodes it into a request (URL-encoded in a path or query, JSON-escaped in a body,
// with "/" also as "\/"),
// so that a server echoing the request does not carry it into the journal.
void add_redaction(TemplateValues& t, const std::string& value, const std::string& shown) {
    std::string json = nlohmann::json(value).dump();
    std::string url = clients::url_encode(value), url_lower = url;
    for (std::size_t i = 0; i + 2 < url_lower.size(); ++i)
        if (url_lower[i] == '%') url_lower[i + 1] = static_cast<char>(std::tolower(url_lower[i + 1])), url_lower[i + 2] = static_cast<char>(std::tolower(url_lower[i + 2]));
    std::string json_inner = json.substr(1, json.size() - 2), json_slashes;  // and "\/", as some servers write "/"
    for (char c : json_inner) json_slashes += c == '/' ? std::string("\\/") : std::string(1, c);
    for (const std::string& form : {value, json_inner, json_slashes, url, url_lower})
        if (!form.empty() && std::none_of(t.redactions.begin(), t.redactions.end(), [&](const auto& r) { return r.first == form; }))
            t.redactions.emplace_back(form, shown);
}

}  // namespace

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
                add_redaction(t, value, fmt::format("<from ${}>", from));
            }
        }
        // Every ${NAME} of the environment (DSNs, URLs, headers, Kafka settings, vars).
        for (auto ref = find_reference(env->source); ref; ref = find_reference(env->source, ref->offset + ref->length)) {
            const char* value = std::getenv(std::string(ref->name).c_str());
            if (value && *value) add_redaction(t, value, fmt::format("<from ${}>", ref->name));
        }
        std::stable_sort(t.redactions.begin(), t.redactions.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    }
    // In the order of builtin_template_names().
    const std::string builtin[] = {std::to_string(s.id), s.mode, step.id, actor.role, actor.person};
    for (std::size_t i = 0; i < builtin_template_names().size(); ++i) add(builtin_template_names()[i], builtin[i], builtin[i]);
    return t;
}

}  // namespace drconsole
