// Seals of recorded samples: canonical lines, the seal payload, and the check that names what changed.
#include "journal/sample_seal.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <tuple>
#include <type_traits>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/readings.h"
#include "drconsole/sha256.h"

namespace drconsole::journal {
namespace {

using nlohmann::json;

std::string labels_text(const Sample& s) { return s.labels.empty() ? "{}" : s.labels; }

// A JSON string as nlohmann::json::dump() writes it: printable ASCII other than '"' and '\\' is
// copied as is; anything else is left to the library itself.
void append_json_string(std::string& out, const std::string& text) {
    bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
    });
    if (!plain) {
        out += json(text).dump();
        return;
    }
    out += '"';
    out += text;
    out += '"';
}

// The bytes a sample is sealed by: every stored field but the incident and the batch (the
// seal's own event carries both). Written here rather than through a json array (the same bytes,
// tests/journal compares them) because verification writes one per stored sample.
void append_canonical_line(std::string& out, const Sample& s) {
    out += '[';
    append_json_string(out, s.target);
    out += ',';
    append_json_string(out, s.metric);
    out += ',';
    append_json_string(out, labels_text(s));
    fmt::format_to(std::back_inserter(out), ",{},{},", s.wall_us, s.mono_us);
    if (std::isfinite(s.value)) {
        std::array<char, 64> number{};
        char* end = nlohmann::detail::to_chars(number.data(), number.data() + number.size(), s.value);
        out.append(number.data(), end);
    } else {
        out += "null";
    }
    out += ',';
    append_json_string(out, s.status);
    out += ']';
}

bool canonical_less(const Sample& a, const Sample& b) {
    auto key = [](const Sample& s) { return std::tie(s.target, s.metric, s.labels, s.wall_us, s.mono_us, s.value, s.status); };
    return key(a) < key(b);
}

std::string short_hash(const std::string& line) { return sha256_hex(line).substr(0, 8); }

using SeriesKey = std::tuple<std::string, std::string, std::string>;  // target, metric, labels
SeriesKey series_of(const Sample& s) { return {s.target, s.metric, labels_text(s)}; }

// One problem of one sample: "TARGET METRIC [LABELS] at TIME: WHAT".
SampleProblem problem(const SeriesKey& k, std::int64_t wall_us, const std::string& what) {
    const auto& [target, metric, labels] = k;
    return {target, metric, wall_us,
            fmt::format("{} {}{} at {}: {}", target, metric, labels == "{}" ? "" : " " + labels, format_utc(wall_us), what)};
}

// The integer after `key` at `at` in `text` ("\"count\":12"), advancing `at` past it.
std::optional<std::int64_t> integer_after(std::string_view text, std::size_t& at, std::string_view key) {
    if (text.substr(at, key.size()) != key) return std::nullopt;
    at += key.size();
    std::size_t start = at;
    if (at < text.size() && text[at] == '-') ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == start || at - start > 19) return std::nullopt;
    try {
        return std::stoll(std::string(text.substr(start, at - start)));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

std::string canonical_line(const Sample& s) {
    std::string line;
    append_canonical_line(line, s);
    return line;
}

std::optional<SealBrief> seal_brief(std::string_view text) {
    // Canonical order: {"count":N,"from_us":N,"series":[…],"sha256":"HEX","to_us":N}. Inside the
    // series every quote of a string is escaped, so the last "sha256" key is the seal's own.
    SealBrief b;
    std::size_t at = 0;
    auto count = integer_after(text, at, R"({"count":)");
    if (!count) return std::nullopt;
    auto from = integer_after(text, at, R"(,"from_us":)");
    if (!from || text.substr(at, 11) != R"(,"series":[)") return std::nullopt;
    std::size_t sha = text.rfind(R"(],"sha256":")");
    if (sha == std::string_view::npos || sha < at) return std::nullopt;
    at = sha + 12;
    if (at + 64 > text.size()) return std::nullopt;
    b.sha256 = std::string(text.substr(at, 64));
    at += 64;
    auto to = integer_after(text, at, R"(","to_us":)");
    if (!to || at + 1 != text.size() || text[at] != '}') return std::nullopt;
    if (!std::all_of(b.sha256.begin(), b.sha256.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) return std::nullopt;
    b.count = *count, b.from_us = *from, b.to_us = *to;
    return b;
}

std::string batch_sha256(const std::vector<Sample>& batch) {
    std::vector<const Sample*> order;
    order.reserve(batch.size());
    for (const auto& s : batch) order.push_back(&s);
    std::sort(order.begin(), order.end(), [](const Sample* a, const Sample* b) { return canonical_less(*a, *b); });
    // Hashed in pieces of about 64 KiB: one small buffer, whatever the batch's size.
    Sha256Stream all;
    std::string piece;
    piece.reserve(1 << 16);
    for (const Sample* s : order) {
        append_canonical_line(piece, *s);
        piece += '\n';
        if (piece.size() >= (1 << 16) - 512) all.add(piece), piece.clear();
    }
    return all.add(piece).hex();
}

SampleProblem unsealed_problem(const Sample& s) {
    return problem(series_of(s), s.wall_us,
                   fmt::format("not sealed by any event ({})",
                               s.batch == 0 ? "recorded outside a sealed batch" : fmt::format("names batch {}, which is no seal", s.batch)));
}

json seal_payload(const std::vector<Sample>& input) {
    std::vector<Sample> samples = input;
    std::sort(samples.begin(), samples.end(), canonical_less);
    std::int64_t from = samples.empty() ? 0 : samples.front().wall_us, to = from;
    for (const auto& s : samples) from = std::min(from, s.wall_us), to = std::max(to, s.wall_us);
    std::string all;
    json series = json::array();
    std::map<SeriesKey, std::size_t> index;
    for (const auto& s : samples) {
        std::string line = canonical_line(s);
        all += line + "\n";
        auto [it, fresh] = index.emplace(series_of(s), series.size());
        if (fresh) series.push_back({{"target", s.target}, {"metric", s.metric}, {"labels", labels_text(s)}, {"samples", json::array()}});
        series[it->second]["samples"].push_back(json::array({s.wall_us - from, short_hash(line)}));
    }
    return {{"count", samples.size()}, {"from_us", from}, {"to_us", to}, {"sha256", sha256_hex(all)}, {"series", series}};
}

void check_batch(const Event& seal, std::vector<Sample> batch, std::vector<SampleProblem>& problems) {
    const json& p = seal.payload;
    std::int64_t from = p.value("from_us", std::int64_t{0});
    // What the seal says: series and time → short hash, several samples may share a time.
    std::multimap<std::pair<SeriesKey, std::int64_t>, std::string> sealed;
    for (const auto& series : p.value("series", json::array())) {
        SeriesKey k{series.value("target", ""), series.value("metric", ""), series.value("labels", "{}")};
        for (const auto& entry : series.value("samples", json::array()))
            sealed.emplace(std::pair{k, from + entry.at(0).get<std::int64_t>()}, entry.at(1).get<std::string>());
    }
    std::size_t before = problems.size();
    std::sort(batch.begin(), batch.end(), canonical_less);
    std::string all;
    for (const auto& s : batch) {
        std::string line = canonical_line(s);
        all += line + "\n";
        auto range = sealed.equal_range({series_of(s), s.wall_us});
        if (range.first == range.second) {
            problems.push_back(problem(series_of(s), s.wall_us, fmt::format("inserted (batch sealed by event {} has no such sample)", seal.seq)));
            continue;
        }
        auto match = std::find_if(range.first, range.second, [&](const auto& e) { return e.second == short_hash(line); });
        if (match == range.second) {
            problems.push_back(problem(series_of(s), s.wall_us,
                                       fmt::format("edited (it now reads {}, status {}; sealed by event {})", format_metric(s.metric, s.value),
                                                   s.status, seal.seq)));
            sealed.erase(range.first);
        } else {
            sealed.erase(match);
        }
    }
    for (const auto& [key, hash] : sealed) problems.push_back(problem(key.first, key.second, fmt::format("deleted (sealed by event {})", seal.seq)));
    if (problems.size() == before && sha256_hex(all) != p.value("sha256", ""))
        problems.push_back({"", "", 0, fmt::format("samples sealed by event {}: their SHA-256 no longer matches", seal.seq)});
}

std::vector<SampleProblem> check_stored_samples(Database& db, std::int64_t incident, const std::vector<SealRef>& seals,
                                                const std::function<Event(std::int64_t seq)>& load_seal, std::int64_t& stored) {
    std::vector<SampleProblem> problems;
    std::size_t next_seal = 0;
    auto check = [&](const SealRef& seal, const std::vector<Sample>& batch) {
        if (!seal.event && seal.brief.count == static_cast<std::int64_t>(batch.size()) && batch_sha256(batch) == seal.brief.sha256) return;
        check_batch(seal.event ? *seal.event : load_seal(seal.seq), batch, problems);
    };
    // Seals before `batch` whose samples are all gone are checked (and named) in their turn.
    auto seals_before = [&](std::int64_t batch) {
        for (; next_seal < seals.size() && seals[next_seal].seq < batch; ++next_seal) check(seals[next_seal], {});
    };
    struct Unsealed {
        Sample sample;
        std::int64_t rowid;
    };
    std::vector<Unsealed> unsealed;
    std::vector<Sample> batch;  // its capacity is kept from batch to batch
    std::optional<std::int64_t> current;  // the batch being gathered (rows come in batch order)
    auto close = [&] {
        if (!current) return;
        seals_before(*current);
        if (next_seal < seals.size() && seals[next_seal].seq == *current) check(seals[next_seal++], batch);
        batch.clear();
    };
    Statement rows = db.prepare(
        "SELECT incident_id, target, metric, wall_us, mono_us, value, status, labels, batch, rowid FROM samples WHERE incident_id = ?1 "
        "ORDER BY batch, rowid");
    rows.bind(1, incident);
    stored = 0;
    while (rows.step()) {
        ++stored;
        Sample x{rows.integer(0), rows.text(1), rows.text(2), rows.integer(3), rows.integer(4), rows.real(5), rows.text(6), rows.text(7),
                 rows.is_null(8) ? 0 : rows.integer(8)};
        bool sealed = x.batch > 0 && std::binary_search(seals.begin(), seals.end(), x.batch, [](const auto& a, const auto& b) {
            if constexpr (std::is_same_v<std::decay_t<decltype(a)>, SealRef>) return a.seq < b;
            else return a < b.seq;
        });
        if (!sealed) {
            unsealed.push_back({std::move(x), rows.integer(9)});
            continue;
        }
        if (current != x.batch) close(), current = x.batch;
        batch.push_back(std::move(x));
    }
    close();
    seals_before(INT64_MAX);
    // As check_samples() lists them: by batch, each batch's samples by time as stored.
    std::sort(unsealed.begin(), unsealed.end(), [](const Unsealed& a, const Unsealed& b) {
        return std::tie(a.sample.batch, a.sample.wall_us, a.rowid) < std::tie(b.sample.batch, b.sample.wall_us, b.rowid);
    });
    for (const auto& u : unsealed) problems.push_back(unsealed_problem(u.sample));
    return problems;
}

std::vector<SampleProblem> check_samples(const std::vector<Event>& seals, const std::vector<Sample>& rows) {
    std::vector<SampleProblem> problems;
    std::map<std::int64_t, std::vector<Sample>> by_batch;
    for (const auto& s : rows) by_batch[s.batch].push_back(s);
    for (const auto& seal : seals) {
        std::vector<Sample> batch = by_batch.count(seal.seq) ? by_batch[seal.seq] : std::vector<Sample>{};
        by_batch.erase(seal.seq);
        check_batch(seal, std::move(batch), problems);
    }
    for (const auto& [batch, samples] : by_batch)
        for (const auto& s : samples) problems.push_back(unsealed_problem(s));
    return problems;
}

}  // namespace drconsole::journal
