// drconsole verify: recompute every hash chain; print heads so they can be kept outside the tool.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/clock.h"
#include "drconsole/files.h"
#include "drconsole/report.h"
#include "drconsole/text.h"

namespace drconsole::cli {
namespace {

struct VerifyOptions {
    std::string db;
    std::optional<std::int64_t> incident;
    std::string head;  // COUNT:HASH printed by an earlier verify
    std::string bundle;
    std::string pubkey;
};

int verify_bundle_dir(const VerifyOptions& opts) {
    std::optional<VerifyKey> key;
    if (!opts.pubkey.empty()) key = VerifyKey::load(opts.pubkey);
    auto problems = verify_bundle(opts.bundle, key ? &*key : nullptr);
    std::string head;
    if (problems.empty() && !opts.head.empty()) {
        head = read_file(std::filesystem::path(opts.bundle) / "chain-head.txt");
        while (!head.empty() && head.back() == '\n') head.pop_back();
        if (head != opts.head) problems.push_back(fmt::format("chain-head.txt is {}, --head says {}", head, opts.head));
    }
    for (const auto& p : problems) std::cout << safe_text(fmt::format("{}: {}", opts.bundle, p)) << '\n';
    if (problems.empty())
        std::cout << safe_text(fmt::format("{}: intact: every file matches SHA256SUMS and is what the snapshot's chain makes; {}", opts.bundle,
                                           key ? "its record and SHA256SUMS are signed with " + key->fingerprint()
                                           : std::filesystem::exists(std::filesystem::path(opts.bundle) / "SHA256SUMS.sig")
                                               ? "SHA256SUMS.sig is there, unchecked: give --pubkey KEY.pub to check it"
                                               : "not signed"))
                  << '\n';
    return problems.empty() ? 0 : 1;
}

int run_verify(const VerifyOptions& opts) {
    if (!opts.bundle.empty()) return verify_bundle_dir(opts);
    Journal journal = open_journal(opts.db, JournalAccess::read_only);
    if (opts.incident && !journal.incident(*opts.incident)) throw InputError(fmt::format("no incident {} in {}", *opts.incident, journal.path().string()));
    std::optional<VerifyKey> key;
    if (!opts.pubkey.empty()) key = VerifyKey::load(opts.pubkey);
    int status = 0;
    auto reports = journal.verify(opts.incident, key ? &*key : nullptr);
    if (reports.empty()) {
        std::cout << safe_text(fmt::format("{}: holds no incident: nothing to verify{}", journal.path().string(),
                                           key ? ", nothing signed" : "")) << '\n';
        return key ? 1 : 0;
    }
    for (const auto& r : reports) {
        if (r.intact) {
            std::cout << fmt::format("incident {}: intact: {} events, head {}:{}", r.incident, r.count, r.count, r.head) << '\n';
            if (key)
                std::cout << fmt::format("incident {}: signed: {} checkpoint{} with {}, the last at {} covering events 1–{}", r.incident,
                                         r.checkpoints, r.checkpoints == 1 ? "" : "s", key->fingerprint(), format_utc(r.signed_us), r.signed_through)
                          << '\n';
        } else {
            std::cout << safe_text(fmt::format("incident {}: {}", r.incident, r.problem)) << '\n';
            // The first problems name what changed; thousands of lines would hide the verdict.
            constexpr std::size_t kShown = 20;
            for (std::size_t i = 1; i < r.sample_problems.size() && i < kShown; ++i)
                std::cout << safe_text(fmt::format("incident {}:   {}", r.incident, r.sample_problems[i].text)) << '\n';
            if (r.sample_problems.size() > kShown)
                std::cout << fmt::format("incident {}:   … and {} more sample problems", r.incident, r.sample_problems.size() - kShown) << '\n';
            status = 1;
        }
    }
    if (!opts.incident) {
        // Incidents are numbered 1, 2, 3…: a number missing below the newest was removed, unless
        // this is a bundle's snapshot, which holds its one incident. The newest removed leaves no gap.
        std::string missing;
        std::int64_t expected = 1, count = 0;
        for (const auto& r : reports) {
            count += r.incident - expected;
            if (r.incident > expected)
                missing += fmt::format("{}{}", missing.empty() ? "" : ", ",
                                       r.incident - 1 == expected ? fmt::format("{}", expected) : fmt::format("{}–{}", expected, r.incident - 1));
            expected = r.incident + 1;
        }
        auto snapshot = journal.snapshot_of();
        if (snapshot && reports.size() == 1 && reports.front().incident == *snapshot) {
            std::cout << fmt::format("{}: a bundle's snapshot of incident {} alone", journal.path().string(), *snapshot) << '\n';
        } else if (!missing.empty()) {
            std::cout << safe_text(fmt::format("{}: incident{} {} {} not in it: removed", journal.path().string(), count == 1 ? "" : "s",
                                               missing, count == 1 ? "is" : "are")) << '\n';
            status = 1;
        }
    }
    if (!opts.head.empty()) {
        if (!opts.incident) throw InputError("--head checks one incident: name it with --incident ID");
        std::size_t colon = opts.head.find(':');
        std::int64_t count = 0;
        try {
            count = colon == std::string::npos ? 0 : std::stoll(opts.head.substr(0, colon));
        } catch (const std::exception&) {
            count = 0;
        }
        if (count <= 0) throw InputError(fmt::format("--head '{}': write COUNT:HASH as printed by verify", safe_text(opts.head)));
        std::string hash = opts.head.substr(colon + 1);
        std::string problem = journal.check_head(*opts.incident, count, hash);
        if (problem.empty() && status != 0) {
            std::cout << fmt::format("incident {}: head {}:{} is still there, but the chain does not verify (above)", *opts.incident, count,
                                     safe_text(hash)) << '\n';
        } else if (problem.empty()) {
            std::cout << fmt::format("incident {}: head {}:{} matches", *opts.incident, count, safe_text(hash)) << '\n';
        } else {
            std::cout << safe_text(fmt::format("incident {}: head {}:{} does not match: {}", *opts.incident, count, hash, problem)) << '\n';
            status = 1;
        }
    }
    return status;
}

}  // namespace

void add_verify(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<VerifyOptions>();
    CLI::App* cmd = app.add_subcommand("verify", "Recompute the hash chains of a journal and report the first broken link");
    cmd->add_option("--db", opts->db, "Journal file (default: $XDG_DATA_HOME/drconsole/journal.db)");
    cmd->add_option("--incident", opts->incident, "Check one incident only");
    cmd->add_option("--head", opts->head, "A COUNT:HASH printed earlier: check that the chain still contains it");
    cmd->add_option("--bundle", opts->bundle, "Check an evidence bundle written by 'drconsole export' instead of a journal");
    cmd->add_option("--pubkey", opts->pubkey,
                    "A public key (KEY.pub from 'drconsole keygen'): every event must be covered by a checkpoint it signed;\n"
                    "with --bundle, SHA256SUMS.sig must be its signature");
    cmd->footer("Exit status 0 only when every chain checked is intact (and --head matches; with --pubkey, signed through to a\n"
                "final checkpoint).\n"
                "Keep the printed head outside the tool (ticket, chat): a chain recomputed after an edit no longer matches it.");
    cmd->callback([opts, &exit_code] { exit_code = run_verify(*opts); });
}

}  // namespace drconsole::cli
