// The evidence bundle: reports, canonical events, a journal snapshot and the documents as used,
// with SHA256SUMS and the chain head; and checking one.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "drconsole/diagnostic.h"
#include "drconsole/files.h"
#include "drconsole/event.h"
#include "drconsole/report.h"
#include "drconsole/sha256.h"
#include "drconsole/safe_json.h"
#include "drconsole/text.h"

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

// Every file of the bundle that is made from its snapshot: the reports, the canonical events,
// the chain head, and the runbook and environment as the incident started with them.
std::vector<std::pair<std::string, std::string>> bundle_files(const Journal& snapshot, std::int64_t id, const nlohmann::json& report) {
    std::vector<Event> events = snapshot.events(id);
    std::string jsonl;
    for (const auto& e : events) jsonl += canonical_json(e) + '\n';
    std::vector<std::pair<std::string, std::string>> files{
        {"report.json", safe_json(report) + '\n'},
        {"report.md", render_markdown(report)},
        {"report.html", render_html(report)},
        {"events.jsonl", jsonl},
        {"chain-head.txt", fmt::format("{}:{}\n", events.size(), events.empty() ? kGenesisHash : events.back().hash)},
    };
    if (auto doc = snapshot.document(report["incident"]["runbook_sha256"].get<std::string>())) files.emplace_back("runbook.md", doc->content);
    if (report["incident"]["env_sha256"].is_string())
        if (auto doc = snapshot.document(report["incident"]["env_sha256"].get<std::string>()))
            files.emplace_back(environment_name(doc->path), doc->content);  // as written: secrets are ${NAME} references
    int n = 0;
    for (const auto& f : report["incident"].value("includes", nlohmann::json::array()))
        if (auto doc = snapshot.document(f.value("sha256", "")))
            files.emplace_back(fmt::format("include-{}-{}", ++n, fs::path(doc->path).filename().string()), doc->content);
    return files;
}

// What a bundle's signature signs: SHA256SUMS, which names every other file's hash.
std::string bundle_message(const std::string& sums) { return "drconsole bundle v1\n" + sums; }

// SHA256SUMS.sig against a trusted public key: "FINGERPRINT SIGNATURE".
std::optional<std::string> signature_problem(const fs::path& dir, const VerifyKey& key) {
    if (!fs::exists(dir / "SHA256SUMS.sig")) return fmt::format("SHA256SUMS.sig is missing: the bundle is not signed (expected {})", key.fingerprint());
    std::string sig = read_file(dir / "SHA256SUMS.sig");
    while (!sig.empty() && (sig.back() == '\n' || sig.back() == '\r')) sig.pop_back();
    std::size_t space = sig.find(' ');
    if (space == std::string::npos || sig.substr(0, space) != key.fingerprint())
        return fmt::format("SHA256SUMS.sig: not signed with {}", key.fingerprint());
    if (!key.verify(bundle_message(read_file(dir / "SHA256SUMS")), sig.substr(space + 1)))
        return fmt::format("SHA256SUMS.sig: the signature does not verify with {}: SHA256SUMS was changed after signing", key.fingerprint());
    return std::nullopt;
}

// Everything export_bundle writes, into a folder that exists and is empty.
void write_bundle(Journal& journal, std::int64_t id, const fs::path& dir, const SigningKey* key);

}  // namespace

void export_bundle(Journal& journal, std::int64_t id, const fs::path& dir, const SigningKey* key) {
    if (fs::exists(dir) && !fs::is_empty(dir)) throw InputError(fmt::format("{}: exists and is not empty; name a new folder", dir.string()));
    bool made = !fs::exists(dir);
    fs::create_directories(dir);
    try {
        write_bundle(journal, id, dir, key);
    } catch (...) {
        // A refused or failed export leaves nothing behind: no half bundle to mistake for one.
        std::error_code ignored;
        if (made) fs::remove_all(dir, ignored);
        else
            for (const auto& e : fs::directory_iterator(dir, ignored)) fs::remove_all(e.path(), ignored);
        throw;
    }
}

namespace {

void write_bundle(Journal& journal, std::int64_t id, const fs::path& dir, const SigningKey* key) {
    // The snapshot first, holding this incident only; every other file is made from it, so that
    // verify_bundle can make each again from the snapshot and compare bytes.
    journal.snapshot(dir / "journal.db", id);
    Journal snapshot(dir / "journal.db", nullptr, JournalAccess::read_only);
    nlohmann::json report = build_report(snapshot, id);
    if (!report["chain"]["verified"].get<bool>())
        throw JournalError(fmt::format("incident {}: the journal chain does not verify ({}); not exporting evidence", id, report["chain"]["problem"].get<std::string>()));
    // The key signs only what its own checkpoints already cover: never a note added since.
    if (key) {
        VerifyKey own = key->public_key();
        ChainReport signed_chain = snapshot.verify(id, &own).at(0);
        if (!signed_chain.intact)
            throw InputError(fmt::format("incident {}: not signing the bundle: {}. Read what was recorded since the last checkpoint "
                                         "('drconsole checkpoint --incident {} --key KEY' lists it and asks before it signs)",
                                         id, signed_chain.problem, id));
    }
    std::vector<std::string> files = kRequired;
    for (const auto& [name, content] : bundle_files(snapshot, id, report)) {
        write(dir / name, content);
        if (std::find(files.begin(), files.end(), name) == files.end()) files.push_back(name);
    }
    std::string sums;
    for (const auto& name : files) sums += fmt::format("{}  {}\n", sha256_hex(read_file(dir / name)), name);
    write(dir / "SHA256SUMS", sums);
    if (key) write(dir / "SHA256SUMS.sig", fmt::format("{} {}\n", key->fingerprint(), key->sign(bundle_message(sums))));
}

}  // namespace

std::vector<std::string> verify_bundle(const fs::path& dir, const VerifyKey* key) {
    std::vector<std::string> problems;
    if (!fs::is_directory(dir)) return {fmt::format("{}: not a folder", dir.string())};
    if (!fs::exists(dir / "SHA256SUMS")) return {"SHA256SUMS is missing"};
    if (key)
        if (auto problem = signature_problem(dir, *key)) problems.push_back(*problem);
    std::set<std::string> listed;
    std::istringstream sums(read_file(dir / "SHA256SUMS"));
    std::string line;
    while (std::getline(sums, line)) {
        if (line.size() < 67 || line.substr(64, 2) != "  ") {
            problems.push_back(fmt::format("SHA256SUMS: malformed line '{}'", safe_excerpt(line)));
            continue;
        }
        std::string name = line.substr(66);
        listed.insert(name);
        if (name.find('/') != std::string::npos || name == "..") problems.push_back(fmt::format("SHA256SUMS names '{}' outside the bundle", safe_excerpt(name)));
        else if (!fs::exists(dir / name)) problems.push_back(fmt::format("{}: listed but missing", name));
        else if (sha256_hex(read_file(dir / name)) != line.substr(0, 64)) problems.push_back(fmt::format("{}: SHA-256 differs from SHA256SUMS (changed)", name));
    }
    for (const auto& name : kRequired)
        if (!listed.count(name)) problems.push_back(fmt::format("{}: not listed in SHA256SUMS", name));
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::string name = entry.path().filename().string();
        if (name != "SHA256SUMS" && name != "SHA256SUMS.sig" && !listed.count(name)) problems.push_back(fmt::format("{}: in the bundle but not covered by SHA256SUMS", name));
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
    const auto& chain_of_report = report["chain"];
    if (!chain_of_report.is_object() || !chain_of_report["count"].is_number_integer() || !chain_of_report["head"].is_string() ||
        !report["incident"].is_object() || !report["incident"]["id"].is_number_integer())
        return problems.push_back("report.json: not a report"), problems;
    if (fmt::format("{}:{}", chain_of_report["count"].get<std::int64_t>(), chain_of_report["head"].get<std::string>()) != head)
        problems.push_back("report.json: its chain head differs from chain-head.txt");

    // Read a copy, in a folder of our own: the bundle must not change, and nothing else may be
    // written through a name another user could have placed.
    std::string private_dir = (fs::temp_directory_path() / "drconsole-verify-XXXXXX").string();
    if (!::mkdtemp(private_dir.data())) return problems.push_back(fmt::format("cannot make a private folder in {}", fs::temp_directory_path().string())), problems;
    fs::path copy = fs::path(private_dir) / "journal.db";
    try {
        fs::copy_file(dir / "journal.db", copy);
        Journal snapshot(copy, nullptr, JournalAccess::read_only);
        std::int64_t id = report["incident"]["id"].get<std::int64_t>();
        auto incidents = snapshot.incidents();
        if (incidents.size() != 1 || incidents.front().id != id)
            problems.push_back(fmt::format("journal.db: holds {} incidents; a bundle's snapshot holds its own (incident {}) only", incidents.size(), id));
        // With the key, the snapshot's own record must be covered by its checkpoints too.
        auto chain = snapshot.verify(id, key);
        if (chain.empty() || !chain.front().intact)
            problems.push_back(fmt::format("journal.db: the chain of incident {} does not verify: {}", id, chain.empty() ? "no events" : chain.front().problem));
        else if (fmt::format("{}:{}", chain.front().count, chain.front().head) != head)
            problems.push_back("journal.db: its chain head differs from chain-head.txt");
        // Every other file, made again from the snapshot, byte for byte.
        if (!chain.empty() && chain.front().intact)
            for (const auto& [name, content] : bundle_files(snapshot, id, build_report(snapshot, id)))
                if (!fs::exists(dir / name) || read_file(dir / name) != content)
                    problems.push_back(fmt::format("{}: differs from the one made from journal.db (changed after export)", name));
    } catch (const std::exception& e) {
        problems.push_back(fmt::format("journal.db: {}", e.what()));
    }
    std::error_code ignored;
    fs::remove_all(private_dir, ignored);
    return problems;
}

}  // namespace drconsole
