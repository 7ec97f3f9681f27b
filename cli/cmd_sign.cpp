// drconsole keygen and drconsole checkpoint: Ed25519 keys kept outside the journal, and signed
// checkpoints of an incident's chain (see docs/journal.md, "Signed checkpoints").
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
};

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
    cmd->footer("Allowed after resolve too. 'drconsole verify --pubkey KEY.pub' then requires every event to be\n"
                "covered by a checkpoint this key signed.");
    cmd->callback([opts, &exit_code] {
        auto key = signing_key(opts->key);
        if (!key) throw InputError("name the private key: --key FILE or $DRCONSOLE_SIGNING_KEY (make one with 'drconsole keygen')");
        Journal journal = open_journal(opts->incident.db, JournalAccess::existing);
        Incident incident = attach_incident(journal, opts->incident.incident);
        const Runbook& rb = *incident.state().runbook;
        Event e = incident.sign_checkpoint(*key, resolve_actor(opts->incident.as, rb.has_role("ic") || rb.roles.empty() ? "ic" : ""));
        print_recorded(e);
        std::cout << e.seq << '\n';
        exit_code = 0;
    });
}

}  // namespace drconsole::cli
