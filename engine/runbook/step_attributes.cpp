// A step's attribute block, attribute by attribute: what each means is docs/runbook-format.md.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "runbook/attributes.h"
#include "runbook/parse_context.h"

namespace drconsole::runbook {
namespace {

// Every step attribute, in the order refusals list them; `bare`: it may be written without a value.
struct KnownAttribute {
    std::string_view key;
    bool bare;
};
constexpr std::array kStepAttributes{
    KnownAttribute{"role", false},    KnownAttribute{"gate", false},         KnownAttribute{"restores", false},
    KnownAttribute{"rpo", false},     KnownAttribute{"timeout", false},      KnownAttribute{"confirm", true},
    KnownAttribute{"fault", true},    KnownAttribute{"approve", false},      KnownAttribute{"approve_timeout", false},
    KnownAttribute{"wait", false},    KnownAttribute{"wait_timeout", false}, KnownAttribute{"when", false},
    KnownAttribute{"always", true},   KnownAttribute{"due", false},          KnownAttribute{"budget", false},
    KnownAttribute{"requires", false}, KnownAttribute{"include", false},
};

const KnownAttribute* known(std::string_view key) {
    for (const auto& k : kStepAttributes)
        if (k.key == key) return &k;
    return nullptr;
}
bool is_flag(std::string_view key) { return known(key) && known(key)->bare; }
bool takes_value(std::string_view key) { return known(key) && !known(key)->bare; }

// "#id, role, gate, …": for the refusal of an unknown attribute.
std::string known_list() {
    std::string out = "#id";
    for (const auto& k : kStepAttributes) out += fmt::format(", {}", k.key);
    return out;
}

// "a, b ,c" → {"a", "b", "c"}: each item trimmed, empty ones kept (the caller refuses them).
std::vector<std::string> comma_list(std::string_view value) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        out.emplace_back(trim(value.substr(start, comma - start)));
        start = comma + 1;
    }
    return out;
}

class StepAttributeReader {
public:
    StepAttributeReader(ParseContext& ctx, Step& step, int line_no, std::size_t text_at)
        : ctx_(ctx), s_(step), line_no_(line_no), text_at_(text_at) {}

    void read(const Attribute& a) {
        key_pos_ = ctx_.at(line_no_, text_at_ + a.key_offset);
        value_pos_ = ctx_.at(line_no_, text_at_ + a.value_offset);
        value_offset_ = a.value_offset;
        if (a.flag && !is_flag(a.key)) {
            ctx_.diag.error(key_pos_, takes_value(a.key) ? fmt::format("attribute '{}' needs a value: {}=…", a.key, a.key)
                                                         : fmt::format("unknown attribute '{}' (known: {})", a.key, known_list()));
            return;
        }
        if (!a.flag && (a.key == "fault" || a.key == "always")) {
            ctx_.diag.error(key_pos_, fmt::format("'{}' takes no value: write {{… {}}}", a.key, a.key));
            return;
        }
        const std::string& v = a.value;
        if (a.key == "id") {
            if (!is_identifier(v)) ctx_.diag.error(value_pos_, fmt::format("step id '{}' must use lowercase letters, digits, '-' or '_'", v));
            s_.id = v;
            s_.explicit_id = true;
        } else if (a.key == "role") {
            s_.role = v;
            s_.role_pos = value_pos_;
            if (!is_identifier(v)) ctx_.diag.error(value_pos_, fmt::format("role '{}' must be an id such as 'ic' or 'db'", v));
        } else if (a.key == "gate") {
            s_.gate_text = v;
            s_.gate_pos = value_pos_;
            s_.gate = expression("gate", v);
        } else if (a.key == "restores") {
            s_.restores_pos = value_pos_;
            s_.restores = comma_list(v);
        } else if (a.key == "rpo") {
            s_.rpo_target = v;
            s_.rpo_pos = value_pos_;
        } else if (a.key == "timeout") {
            s_.timeout = duration("timeout", v);
        } else if (a.key == "confirm") {
            s_.confirm = a.flag ? "yes" : v;
        } else if (a.key == "fault") {
            s_.fault = true;
            s_.fault_pos = key_pos_;
        } else if (a.key == "approve") {
            s_.approve = v;
            s_.approve_pos = value_pos_;
            if (!is_identifier(v)) ctx_.diag.error(value_pos_, fmt::format("approve: '{}' must be a role such as 'ic' or 'db'", v));
        } else if (a.key == "approve_timeout") {
            s_.approve_timeout = duration("approve_timeout", v);
            approve_timeout_pos_ = key_pos_;
        } else if (a.key == "wait") {
            s_.wait_text = v;
            s_.wait_pos = value_pos_;
            s_.wait = expression("wait", v);
        } else if (a.key == "wait_timeout") {
            s_.wait_timeout = duration("wait_timeout", v);
            wait_timeout_pos_ = key_pos_;
        } else if (a.key == "when") {
            s_.when_pos = value_pos_;
            if (v == "drill" || v == "real") s_.when = v;
            else ctx_.diag.error(value_pos_, fmt::format("when: '{}' is not a mode: write when=drill or when=real", v));
        } else if (a.key == "always") {
            s_.always = true;
            s_.always_pos = key_pos_;
        } else if (a.key == "due") {
            s_.due_pos = value_pos_;
            if (v.size() < 2 || v[0] != 'T' || v[1] != '+')
                ctx_.diag.error(value_pos_, fmt::format("due: '{}' is not a time from T0: write due=T+5m", v));
            else s_.due = duration("due", std::string_view(v).substr(2), 2);
        } else if (a.key == "budget") {
            budget_pos_ = key_pos_;
            s_.budget = duration("budget", v);
        } else if (a.key == "requires") {
            s_.requires_pos = value_pos_;
            std::size_t from = 0;
            for (const auto& name : comma_list(v)) {
                // Each name's own column (exact unless the quoted value holds escapes).
                std::size_t at = name.empty() ? from : v.find(name, from);
                from = std::min(v.size(), at + name.size() + 1);
                SourcePos pos = ctx_.at(line_no_, text_at_ + value_offset_ + at);
                if (!is_identifier(name)) {
                    ctx_.diag.error(pos, name.empty() ? std::string("requires: an empty name: write requires=\"lsn, ticket\"")
                                                      : fmt::format("requires: '{}' must be a name such as 'lsn' or 'ticket'", name));
                } else if (std::find(s_.requires_values.begin(), s_.requires_values.end(), name) != s_.requires_values.end()) {
                    ctx_.diag.error(pos, fmt::format("requires: '{}' is named twice", name));
                } else {
                    s_.requires_values.push_back(name);
                }
            }
        } else if (a.key == "include") {
            s_.include = v;
            s_.include_pos = value_pos_;
            include_key_pos_ = key_pos_;
        } else {
            ctx_.diag.error(key_pos_, fmt::format("unknown attribute '{}' (known: {})", a.key, known_list()));
        }
        if (a.key != "include" && !first_other_) first_other_ = std::pair{std::string(a.key), key_pos_};
    }

    // What one attribute means for another, once all are read. (The action is read later: that
    // a fault or a wait needs one is checked with the whole runbook.)
    void finish() {
        if (approve_timeout_pos_ && s_.approve.empty())
            ctx_.diag.error(*approve_timeout_pos_, "approve_timeout without approve: name the role that approves, approve=ROLE");
        if (wait_timeout_pos_ && s_.wait_text.empty())
            ctx_.diag.error(*wait_timeout_pos_, "wait_timeout without wait: name the condition to wait for, wait=\"…\"");
        if (budget_pos_ && s_.due_pos.line)
            ctx_.diag.error(*budget_pos_, "give due= (from T0) or budget= (from the phase's start), not both");
        if (s_.fault && s_.when == "real") ctx_.diag.error(s_.when_pos, "a fault step runs only in a drill: when=real contradicts 'fault'");
        if (include_key_pos_ && first_other_)
            ctx_.diag.error(first_other_->second,
                            fmt::format("include= stands for the steps it brings, which carry their own attributes: "
                                        "'{}' belongs on those steps", first_other_->first == "id" ? "#id" : first_other_->first));
    }

private:
    // `skip`: characters of the value before the part parsed (due's "T+").
    std::optional<Millis> duration(std::string_view what, std::string_view text, std::size_t skip = 0) {
        try {
            return parse_duration(text);
        } catch (const TextError& e) {
            ctx_.diag.error(ctx_.at(line_no_, text_at_ + value_offset_ + skip + e.offset()), fmt::format("{}: {}", what, e.what()));
            return std::nullopt;
        }
    }
    std::optional<GateExpr> expression(std::string_view what, std::string_view text) {
        try {
            return parse_gate(text);
        } catch (const TextError& e) {
            // Offsets inside a quoted value are exact unless it holds escapes.
            ctx_.diag.error(ctx_.at(line_no_, text_at_ + value_offset_ + e.offset()), fmt::format("{}: {}", what, e.what()));
            return std::nullopt;
        }
    }

    ParseContext& ctx_;
    Step& s_;
    int line_no_;
    std::size_t text_at_;
    SourcePos key_pos_, value_pos_;
    std::size_t value_offset_ = 0;
    std::optional<SourcePos> approve_timeout_pos_, wait_timeout_pos_, budget_pos_, include_key_pos_;
    std::optional<std::pair<std::string, SourcePos>> first_other_;  // an attribute beside include=
};

}  // namespace

void read_step_attributes(ParseContext& ctx, Step& step, const AttributeBlock& attrs, int line_no, std::size_t text_at) {
    StepAttributeReader reader(ctx, step, line_no, text_at);
    std::vector<std::string_view> seen;
    for (const auto& a : attrs.items) {
        if (std::find(seen.begin(), seen.end(), a.key) != seen.end()) {
            ctx.diag.error(ctx.at(line_no, text_at + a.key_offset), fmt::format("attribute '{}' is given twice", a.key));
            continue;
        }
        seen.push_back(a.key);
        reader.read(a);
    }
    reader.finish();
}

}  // namespace drconsole::runbook
