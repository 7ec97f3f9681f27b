// sql and http actions: one statement with bound parameters; one HTTP request with encoded values.
#include <fmt/format.h>

#include "actions/output.h"
#include "drconsole/actions.h"
#include "drconsole/clock.h"
#include "drconsole/diagnostic.h"
#include "drconsole/text.h"
#include "clients/http_fetch.h"
#include "clients/pg_session.h"

namespace drconsole {
namespace {

constexpr std::size_t kMaxRows = 200;

SteadyTime deadline_after(Millis timeout) { return std::chrono::steady_clock::now() + timeout; }

// Replaces each {{name}} in `text` with encode(value).
template <typename Encode>
std::string substitute(std::string_view text, const TemplateValues& values, Encode encode) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t open = text.find("{{", i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        std::size_t close = text.find("}}", open);
        if (close == std::string_view::npos) throw InputError("'{{' is not closed in the http action");
        out.append(text.substr(i, open - i));
        std::string name(trim(text.substr(open + 2, close - open - 2)));
        auto v = values.values.find(name);
        if (v == values.values.end()) throw InputError(fmt::format("unknown template value {{{{{}}}}}", name));
        out += encode(v->second);
        i = close + 2;
    }
    return out;
}

}  // namespace

ActionResult run_sql(const std::string& dsn, const BoundSql& sql, Millis timeout, const std::atomic<bool>* cancel) {
    ActionResult r;
    SystemClock clock;
    r.started_us = clock.wall_us();
    CapturedOutput out;
    clients::PgSession session(expand_references(dsn));
    try {
        clients::PgRows rows = session.query(sql.text, deadline_after(timeout), sql.params, true, cancel);
        nlohmann::json table = {{"columns", rows.columns}, {"rows", nlohmann::json::array()}};
        std::string text;
        for (const auto& c : rows.columns) text += (text.empty() ? "" : "\t") + c;
        for (std::size_t i = 0; i < rows.rows.size(); ++i) {
            std::string line;
            nlohmann::json row = nlohmann::json::array();
            for (const auto& cell : rows.rows[i]) {
                line += (line.empty() ? "" : "\t") + cell.value_or("NULL");
                row.push_back(cell ? nlohmann::json(*cell) : nlohmann::json(nullptr));
            }
            text += "\n" + line;
            if (i < kMaxRows) table["rows"].push_back(row);
        }
        table["row_count"] = rows.rows.size();
        r.detail["result"] = table;
        out.add(text);
        r.ok = true;
        r.exit_code = 0;
    } catch (const clients::PgCancelled& e) {
        r.error = e.what();
        r.exit_code = 1;
        r.cancelled = true;
        out.add(r.error);
    } catch (const clients::PgError& e) {
        r.error = e.what();
        r.exit_code = 1;
        r.timed_out = r.error.find("no answer before the deadline") != std::string::npos;
        out.add(r.error);
    }
    out.finish(r);
    r.ended_us = clock.wall_us();
    return r;
}

ActionResult run_http(const std::string& base_url, std::string_view block, const TemplateValues& values, Millis timeout,
                      const std::atomic<bool>* cancel) {
    ActionResult r;
    SystemClock clock;
    r.started_us = clock.wall_us();
    CapturedOutput out;
    auto lines = split_lines(block);
    clients::HttpRequest req;
    std::string_view request_line = lines.empty() ? std::string_view{} : trim(lines[0]);
    std::size_t sp = request_line.find(' ');
    req.method = std::string(request_line.substr(0, sp));
    std::string_view path_text = sp == std::string_view::npos ? "" : trim(request_line.substr(sp + 1));
    std::string path = substitute(path_text, values, [](const std::string& v) { return clients::url_encode(v); });
    // The journal gets the path with the values it may show: a secret as "<from $NAME>".
    TemplateValues shown;
    shown.values = values.recorded;
    std::string recorded_path = substitute(path_text, shown, [](const std::string& v) { return v; });
    std::string base = expand_references(base_url);
    while (!base.empty() && base.back() == '/') base.pop_back();
    req.url = base + path;
    std::size_t i = 1;
    for (; i < lines.size() && !trim(lines[i]).empty(); ++i)
        req.headers.push_back(substitute(lines[i], values, [](const std::string& v) {
            if (v.find_first_of("\r\n") != std::string::npos) throw InputError("a template value with a line break cannot go in an HTTP header");
            return v;
        }));
    std::string body;
    for (++i; i < lines.size(); ++i) body += std::string(lines[i]) + (i + 1 < lines.size() ? "\n" : "");
    while (!body.empty() && body.back() == '\n') body.pop_back();
    // In the body a value is JSON-escaped: it can end a string only by being data.
    req.body = substitute(body, values, [](const std::string& v) {
        std::string quoted = nlohmann::json(v).dump();
        return quoted.substr(1, quoted.size() - 2);
    });
    clients::HttpResponse resp = clients::http_fetch(req, deadline_after(timeout), cancel);
    r.detail["method"] = req.method;
    r.detail["path"] = recorded_path;
    if (resp.completed) {
        r.detail["status"] = resp.status;
        r.ok = resp.status >= 200 && resp.status < 300;
        r.exit_code = r.ok ? 0 : 1;
        if (!r.ok) r.error = fmt::format("HTTP {}", resp.status);
        out.add(resp.body);
    } else {
        r.error = resp.error;
        r.timed_out = resp.error.find("no answer within") != std::string::npos;
        r.cancelled = resp.cancelled;
        r.exit_code = 1;
        out.add(resp.error);
    }
    out.finish(r);
    r.truncated = r.truncated || resp.truncated;
    r.ended_us = clock.wall_us();
    return r;
}

}  // namespace drconsole
