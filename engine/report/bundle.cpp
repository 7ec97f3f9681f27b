// The evidence bundle: reports, canonical events, a journal snapshot and the documents as used,
// with SHA256SUMS and the chain head; and checking one.
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "drconsole/diagnostic.h"
#include "drconsole/files.h"
#include "drconsole/event.h"
#include "drconsole/report.h"
#include "drconsole/sha256.h"

namespace drconsole {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kRequired = {"report.json", "report.md", "report.html", "events.jsonl", "journal.db", "chain-head.txt", "runbook.md"};

void write(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    out.close();
    if (!out) throw JournalError(fmt::format("{}: cannot write", path.string()));
}

std::string environment_name(const std::string& original) {
    std::string ext = fs::path(original).extension().string();
    return "environment" + (ext.empty() ? std::string(".json") : ext);
}

// "COUNT:HASH" of a chain recomputed from canonical lines, or the line that does not parse.
std::string chain_of_lines(const std::string& jsonl, std::vector<std::string>& problems) {
    std::istringstream in(jsonl);
    std::string line, head = kGenesisHash;
    std::int64_t count = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        ++count;
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        if (parsed.is_discarded() || parsed.value("seq", std::int64_t{0}) != count)
            problems.push_back(fmt::format("events.jsonl:{}: not event {} in canonical form", count, count));
        head = chain_hash(head, line);
    }
    return fmt::format("{}:{}", count, head);
}

}  // namespace

void export_bundle(Journal& journal, std::int64_t id, const fs::path& dir) {
    if (fs::exists(dir) && !fs::is_empty(dir)) throw InputError(fmt::format("{}: exists and is not empty; name a new folder", dir.string()));
    fs::create_directories(dir);
    nlohmann::json report = build_report(journal, id);
    if (!report["chain"]["verified"].get<bool>())
        throw JournalError(fmt::format("incident {}: the journal chain does not verify ({}); not exporting evidence", id, report["chain"]["problem"].get<std::string>()));
    std::vector<Event> events = journal.events(id);
    std::string jsonl;
    for (const auto& e : events) jsonl += canonical_json(e) + '\n';
    std::string head = fmt::format("{}:{}", events.size(), events.empty() ? kGenesisHash : events.back().hash);

    write(dir / "report.json", report.dump(2) + '\n');
    write(dir / "report.md", render_markdown(report));
    write(dir / "report.html", render_html(report));
    write(dir / "events.jsonl", jsonl);
    write(dir / "chain-head.txt", head + '\n');
    journal.snapshot(dir / "journal.db");
    std::vector<std::string> files = kRequired;
    if (auto doc = journal.document(report["incident"]["runbook_sha256"].get<std::string>())) write(dir / "runbook.md", doc->content);
    if (report["incident"]["env_sha256"].is_string())
        if (auto doc = journal.document(report["incident"]["env_sha256"].get<std::string>())) {
            files.push_back(environment_name(doc->path));
            write(dir / files.back(), doc->content);  // as written: secrets are ${NAME} references
        }
    std::string sums;
    for (const auto& name : files) sums += fmt::format("{}  {}\n", sha256_hex(read_file(dir / name)), name);
    write(dir / "SHA256SUMS", sums);
}

std::vector<std::string> verify_bundle(const fs::path& dir) {
    std::vector<std::string> problems;
    if (!fs::is_directory(dir)) return {fmt::format("{}: not a folder", dir.string())};
    if (!fs::exists(dir / "SHA256SUMS")) return {"SHA256SUMS is missing"};
    std::set<std::string> listed;
    std::istringstream sums(read_file(dir / "SHA256SUMS"));
    std::string line;
    while (std::getline(sums, line)) {
        if (line.size() < 67 || line.substr(64, 2) != "  ") {
            problems.push_back(fmt::format("SHA256SUMS: malformed line '{}'", line.substr(0, 80)));
            continue;
        }
        std::string name = line.substr(66);
        listed.insert(name);
        if (name.find('/') != std::string::npos || name == "..") problems.push_back(fmt::format("SHA256SUMS names '{}' outside the bundle", name));
        else if (!fs::exists(dir / name)) problems.push_back(fmt::format("{}: listed but missing", name));
        else if (sha256_hex(read_file(dir / name)) != line.substr(0, 64)) problems.push_back(fmt::format("{}: SHA-256 differs from SHA256SUMS (changed)", name));
    }
    for (const auto& name : kRequired)
        if (!listed.count(name)) problems.push_back(fmt::format("{}: not listed in SHA256SUMS", name));
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::string name = entry.path().filename().string();
        if (name != "SHA256SUMS" && !listed.count(name)) problems.push_back(fmt::format("{}: in the bundle but not covered by SHA256SUMS", name));
    }
    if (!problems.empty()) return problems;

    // The chain three ways: the canonical events, the snapshot, the report; all must agree.
    std::string head = read_file(dir / "chain-head.txt");
    while (!head.empty() && (head.back() == '\n' || head.back() == '\r')) head.pop_back();
    std::string jsonl = read_file(dir / "events.jsonl");
    std::string from_lines = chain_of_lines(jsonl, problems);
    if (from_lines != head) problems.push_back(fmt::format("events.jsonl chains to {}, chain-head.txt says {}", from_lines, head));
    auto report = nlohmann::json::parse(read_file(dir / "report.json"), nullptr, false);
    if (report.is_discarded() || !report.contains("chain")) return problems.push_back("report.json: not a report"), problems;
    if (fmt::format("{}:{}", report["chain"]["count"].get<std::int64_t>(), report["chain"]["head"].get<std::string>()) != head)
        problems.push_back("report.json: its chain head differs from chain-head.txt");

    // Open a copy: opening may migrate, and the bundle must not change.
    fs::path copy = fs::temp_directory_path() / fmt::format("drconsole-verify-{}.db", ::getpid());
    fs::copy_file(dir / "journal.db", copy, fs::copy_options::overwrite_existing);
    try {
        Journal snapshot(copy);
        std::int64_t id = report["incident"]["id"].get<std::int64_t>();
        auto chain = snapshot.verify(id);
        if (chain.empty() || !chain.front().intact)
            problems.push_back(fmt::format("journal.db: the chain of incident {} does not verify: {}", id, chain.empty() ? "no events" : chain.front().problem));
        else if (fmt::format("{}:{}", chain.front().count, chain.front().head) != head)
            problems.push_back("journal.db: its chain head differs from chain-head.txt");
        std::string snapshot_lines;
        for (const auto& e : snapshot.events(id)) snapshot_lines += canonical_json(e) + '\n';
        if (snapshot_lines != jsonl) problems.push_back("journal.db: its events differ from events.jsonl");
    } catch (const std::exception& e) {
        problems.push_back(fmt::format("journal.db: {}", e.what()));
    }
    std::error_code ignored;
    fs::remove(copy, ignored);
    fs::remove(fs::path(copy.string() + "-wal"), ignored);
    fs::remove(fs::path(copy.string() + "-shm"), ignored);
    return problems;
}

}  // namespace drconsole
