// drconsole keygen and drconsole checkpoint: Ed25519 keys kept outside the journal, and signed
// checkpoints of an incident's chain (see docs/journal.md, "Signed checkpoints").
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "drconsole/signing.h"
#include "drconsole/text.h"

namespace drconsole::cli {

std::optional<SigningKey> signing_key(const std::string& flag) {
    std::string path = flag;
    if (path.empty())
        if (const char* env = std::getenv("DRCONSOLE_SIGNING_KEY")) path = env;
    if (path.empty()) return std::nullopt;
    return SigningKey::load(path);
}

void sign_if_due(Incident& incident, const Actor& actor) {
    try {
        auto key = signing_key("");
        if (!key) return;
        if (auto e = incident.sign_if_due(*key, actor)) print_recorded(*e);
    } catch (const std::exception& e) {
        // What was asked is recorded: only the periodic signature is missing, and says so.
        std::cerr << safe_text(fmt::format("drconsole: warning: the checkpoint that was due is NOT signed: {}", e.what())) << '\n';
    }
}

namespace {

struct CheckpointOptions {
    IncidentOptions incident;
    std::string key;
    bool yes = false;
};

}  // namespace

bool confirm_unsigned(const Journal& journal, const Incident& incident, const SigningKey& key, bool yes) {
    std::int64_t since = 0;
    std::vector<Event> events = journal.events(incident.id());
    for (const auto& e : events)
        if (e.kind == event_kind::checkpoint_signed && e.payload.value("key", "") == key.fingerprint()) since = e.seq;
    std::size_t count = events.size() - static_cast<std::size_t>(std::min<std::int64_t>(since, static_cast<std::int64_t>(events.size())));
    std::cerr << safe_text(fmt::format("signing with {}: {} not signed by it before{}", key.fingerprint(), counted(count, "event"),
                                       count ? ":" : "")) << '\n';
    std::size_t shown = 0;
    for (const auto& e : events) {
        if (e.seq <= since) continue;
        if (++shown > 30) {
            std::cerr << fmt::format("  … and {} more: read them with drconsole status / report", count - 30) << '\n';
            break;
        }
        std::cerr << safe_text(fmt::format("  #{} {} {}:{} {}", e.seq, format_utc(e.wall_us), e.actor.role, e.actor.person, describe(e))) << '\n';
    }
    if (yes || count == 0) return true;
    if (!isatty(STDIN_FILENO)) throw InputError("read the events above, then sign them with --yes (nothing was signed)");
    std::cerr << "Sign them? Your signature vouches for every one. (y/N) " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "yes";
}

namespace {

}  // namespace

void add_signing(CLI::App& app, int& exit_code) {
    auto out = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("keygen", "Make an Ed25519 key pair for signed checkpoints and bundles");
    cmd->add_option("--out", *out, "The private key file to write (mode 0600); the public key goes to FILE.pub")->required();
    cmd->footer("Keep the private key off the journal's host and out of the journal's backups: whoever holds it\n"
                "can sign. Give FILE.pub to whoever verifies: drconsole verify --pubkey FILE.pub.");
    cmd->callback([out, &exit_code] {
        std::string fingerprint = generate_signing_key(*out);
        std::cout << safe_text(fmt::format("wrote {} (private, 0600) and {}.pub; key {}", *out, *out, fingerprint)) << '\n';
        exit_code = 0;
    });

    auto opts = std::make_shared<CheckpointOptions>();
    cmd = app.add_subcommand("checkpoint", "Sign the incident's chain as it stands now (a checkpoint.signed event)");
    add_incident_options(*cmd, opts->incident);
    cmd->add_option("--key", opts->key, "The private key (default: $DRCONSOLE_SIGNING_KEY)");
    cmd->add_flag("--yes", opts->yes, "Sign without asking (a timer): the events it covers are still listed on stderr");
    cmd->footer("Lists the events the key has not signed before and asks (--yes: does not ask). A signature vouches for\n"
                "every event it covers, whoever recorded them: read them first. Allowed after resolve too.\n"
                "'drconsole verify --pubkey KEY.pub' then requires every event to be covered by a checkpoint this key signed.");
    cmd->callback([opts, &exit_code] {
        auto key = signing_key(opts->key);
        if (!key) throw InputError("name the private key: --key FILE or $DRCONSOLE_SIGNING_KEY (make one with 'drconsole keygen')");
        Journal journal = open_journal(opts->incident.db, JournalAccess::existing);
        Incident incident = attach_incident(journal, opts->incident.incident);
        if (!confirm_unsigned(journal, incident, *key, opts->yes)) {
            std::cerr << "not signed\n";
            exit_code = 1;
            return;
        }
        const Runbook& rb = *incident.state().runbook;
        Event e = incident.sign_checkpoint(*key, resolve_actor(opts->incident.as, rb.has_role("ic") || rb.roles.empty() ? "ic" : ""));
        print_recorded(e);
        std::cout << e.seq << '\n';
        exit_code = 0;
    });
}

}  // namespace drconsole::cli
