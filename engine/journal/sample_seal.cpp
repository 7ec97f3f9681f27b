// Seals of recorded samples: canonical lines, the seal payload, and the check that names what changed.
#include "journal/sample_seal.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/readings.h"
#include "drconsole/sha256.h"

namespace drconsole::journal {
namespace {

using nlohmann::json;

std::string labels_text(const Sample& s) { return s.labels.empty() ? "{}" : s.labels; }

// The bytes a sample is sealed by: every stored field but the incident and the batch (the
// seal's own event carries both).
std::string canonical_line(const Sample& s) {
    return json::array({s.target, s.metric, labels_text(s), s.wall_us, s.mono_us, s.value, s.status}).dump();
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

}  // namespace

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

std::vector<SampleProblem> check_samples(const std::vector<Event>& seals, const std::vector<Sample>& rows) {
    std::vector<SampleProblem> problems;
    std::map<std::int64_t, std::vector<Sample>> by_batch;
    for (const auto& s : rows) by_batch[s.batch].push_back(s);

    for (const auto& seal : seals) {
        std::vector<Sample> batch = by_batch.count(seal.seq) ? by_batch[seal.seq] : std::vector<Sample>{};
        by_batch.erase(seal.seq);
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
        for (const auto& [key, hash] : sealed)
            problems.push_back(problem(key.first, key.second, fmt::format("deleted (sealed by event {})", seal.seq)));
        if (problems.size() == before && sha256_hex(all) != p.value("sha256", ""))
            problems.push_back({"", "", 0, fmt::format("samples sealed by event {}: their SHA-256 no longer matches", seal.seq)});
    }
    for (const auto& [batch, samples] : by_batch)
        for (const auto& s : samples)
            problems.push_back(problem(series_of(s), s.wall_us,
                                       fmt::format("not sealed by any event ({})", batch == 0 ? "recorded outside a sealed batch"
                                                                                              : fmt::format("names batch {}, which is no seal", batch))));
    return problems;
}

}  // namespace drconsole::journal
