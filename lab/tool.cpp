// The lab's stand-ins for the cloud tools the shipped runbooks call. Each invocation a runbook
// makes maps to one change in the lab (through the daemon's admin endpoint) or one real
// operation on its servers; anything else is refused, saying what the lab knows.
#include <algorithm>
#include <chrono>
#include <thread>
#include <iostream>

#include <fmt/format.h>

#include "drconsole/diagnostic.h"
#include "drconsole/text.h"
#include "lab/lab.h"
#include "lab/lab_state.h"
#include "lab/os.h"
#include "lab/pg_pair.h"

namespace drconsole::lab {
namespace {

bool has(const std::vector<std::string>& args, const std::string& word) { return std::find(args.begin(), args.end(), word) != args.end(); }

bool mentions(const std::vector<std::string>& args, const std::string& part) {
    return std::any_of(args.begin(), args.end(), [&](const std::string& a) { return a.find(part) != std::string::npos; });
}

// The value of --replicas=N (or "--replicas N"); -1 when absent.
int replicas(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i].rfind("--replicas=", 0) == 0) return std::stoi(args[i].substr(11));
        if (args[i] == "--replicas" && i + 1 < args.size()) return std::stoi(args[i + 1]);
    }
    return -1;
}

const char* kKnown =
    "the lab stands in for: kubectl argo rollouts pause | set env … ACCEPT_NEW_ORDERS=true|false | scale deployment/mirrormaker2 "
    "--replicas=N | scale deployment/market-data-producer --replicas=N | apply -f …secondary…|…primary… | rollout restart; "
    "helm upgrade … --set region=…; aws route53 change-resource-record-sets … dns-secondary.json|dns-primary.json; "
    "aws ec2 replace-network-acl-association (the primary region's network blocked: api-primary down); pg_ctlcluster … stop; "
    "systemctl stop kafka; kafka-consumer-groups.sh --describe; smoke_e2e.py; pg_basebackup (a backup of the primary; with -R: the "
    "failback rebuild of the old primary from the promoted standby)";

int change(const LabState& st, const std::string& query, const std::string& what) {
    nlohmann::json r = admin_request(st, "POST", "/world?" + query);
    std::cout << "lab: " << what << " (" << r["changed"].dump() << ")\n";
    return 0;
}

int fault(const LabState& st, const std::string& what) {
    nlohmann::json r = admin_request(st, "POST", "/lab/fail?what=" + what);
    for (const auto& line : r["done"]) std::cout << "lab: " << line.get<std::string>() << "\n";
    return 0;
}

int kubectl(const LabState& st, const std::vector<std::string>& a) {
    if (has(a, "argo") && has(a, "rollouts") && has(a, "pause")) return change(st, "deploys_frozen=true", "deployments paused");
    if (has(a, "set") && has(a, "env")) {
        if (has(a, "ACCEPT_NEW_ORDERS=false")) return change(st, "accept_new_orders=false", "order gateway quiesced");
        if (has(a, "ACCEPT_NEW_ORDERS=true")) return change(st, "accept_new_orders=true", "order gateway accepts new orders");
    }
    if (has(a, "scale") && replicas(a) >= 0) {
        int n = replicas(a);
        if (mentions(a, "mirrormaker2")) return change(st, n > 0 ? "mirror=true" : "mirror=false", n > 0 ? "mirror running" : "mirror stopped");
        if (mentions(a, "producer")) return change(st, fmt::format("secondary_producers={}", n), fmt::format("{} producers in the secondary region", n));
    }
    if (has(a, "apply") && mentions(a, "secondary")) return change(st, "mesh=secondary", "the mesh prefers the secondary region");
    if (has(a, "apply") && mentions(a, "primary")) return change(st, "mesh=primary", "the mesh prefers the primary region");
    if (has(a, "rollout") && has(a, "restart")) return change(st, "restart=true", "workloads restarted");
    return -1;
}

int consumer_groups(const LabState& st) {
    nlohmann::json s = admin_request(st, "GET", "/state");
    const auto& k = s["kafka"];
    std::cout << fmt::format("GROUP       TOPIC           PARTITION  LOG-END-OFFSET\nlab-mirror  primary.orders  0          {}\n",
                             k["mirror"]["mirrored"].get<long>());
    std::cout << fmt::format("(DR cluster {}; the mirror is {})\n", k["dr"]["bootstrap"].get<std::string>(),
                             k["mirror"]["running"].get<bool>() ? "running" : "stopped");
    return 0;
}

int smoke_test(const LabState& st) {
    nlohmann::json s = admin_request(st, "GET", "/state");
    bool healthy = s["http"]["api-secondary"]["healthy"].get<bool>();
    std::cout << fmt::format("api-secondary /healthz: {}\n", healthy ? "healthy" : "NOT healthy");
    std::string id;
    try {
        id = pg_value(PgPair::dsn(st.pg_standby) + " connect_timeout=3", "INSERT INTO orders (quantity) VALUES (0) RETURNING id");
        std::cout << fmt::format("write to the secondary database 127.0.0.1:{}: ok (order {})\n", st.pg_standby, id);
    } catch (const std::exception& e) {
        std::cout << fmt::format("write to the secondary database 127.0.0.1:{}: FAILED: {}", st.pg_standby, e.what());
    }
    bool ok = healthy && !id.empty();
    std::cout << (ok ? "smoke test passed\n" : "smoke test FAILED\n");
    return ok ? 0 : 1;
}

int base_backup(const LabState& st) {
    auto target = st.pg_root / "pre-drill-backup";
    std::error_code ec;
    std::filesystem::remove_all(target, ec);
    Finished r = run(as_postgres({"/usr/lib/postgresql/15/bin/pg_basebackup", "-h", "127.0.0.1", "-p", std::to_string(st.pg_primary), "-U",
                                  "postgres", "-D", target.string(), "-X", "stream", "-c", "fast"}));
    std::cout << r.output;
    if (r.exit_code != 0) return 1;
    std::cout << fmt::format("lab: base backup of the primary (127.0.0.1:{}) in {}\n", st.pg_primary, target.string());
    return 0;
}

// The failback rebuild runs in the daemon; this waits for it (2 minutes at most) and says how it went.
int rebuild(const LabState& st) {
    admin_request(st, "POST", "/lab/rebuild-primary");
    auto until = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    std::string outcome;
    while (std::chrono::steady_clock::now() < until) {
        outcome = admin_request(st, "GET", "/state")["postgres"]["primary"]["rebuild"].get<std::string>();
        if (outcome != "running") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    if (outcome == "done") {
        std::cout << fmt::format("lab: old primary 127.0.0.1:{}: rebuilt from a base backup of 127.0.0.1:{} and streaming from it\n", st.pg_primary,
                                 st.pg_standby);
        return 0;
    }
    std::cerr << "lab: the rebuild of the old primary " << (outcome == "running" ? "did not end within 2 minutes" : outcome) << "\n";
    return 1;
}

}  // namespace

int tool(const std::filesystem::path& dir, const std::vector<std::string>& argv) {
    if (argv.empty()) throw InputError(std::string("lab tool NAME ARGS…: ") + kKnown);
    auto state = read_state(dir);
    if (!state || !alive(state->daemon)) {
        std::cerr << fmt::format("lab {}: the lab in {} is not running\n", argv[0], dir.string());
        return 1;
    }
    const std::string& name = argv[0];
    std::vector<std::string> a(argv.begin() + 1, argv.end());
    int code = -1;
    if (name == "kubectl") code = kubectl(*state, a);
    else if (name == "helm" && has(a, "upgrade") && mentions(a, "region=secondary")) code = change(*state, "helm_region=secondary", "Helm region=secondary");
    else if (name == "helm" && has(a, "upgrade") && mentions(a, "region=primary")) code = change(*state, "helm_region=primary", "Helm region=primary");
    else if (name == "aws" && has(a, "route53") && mentions(a, "dns-secondary")) code = change(*state, "dns=secondary", "DNS points at the secondary region");
    else if (name == "aws" && has(a, "route53") && mentions(a, "dns-primary")) code = change(*state, "dns=primary", "DNS points at the primary region");
    else if (name == "pg_ctlcluster" && has(a, "stop")) code = fault(*state, "pg-primary");
    else if (name == "systemctl" && has(a, "stop") && mentions(a, "kafka")) code = fault(*state, "kafka-primary");
    else if (name == "kafka-consumer-groups.sh" && has(a, "--describe")) code = consumer_groups(*state);
    else if (name == "smoke_e2e.py") code = smoke_test(*state);
    else if (name == "aws" && has(a, "ec2") && has(a, "replace-network-acl-association")) code = fault(*state, "api-primary");
    else if (name == "pg_basebackup" && !has(a, "-R")) code = base_backup(*state);
    else if (name == "pg_basebackup") code = rebuild(*state);
    if (code >= 0) return code;
    std::string shown = name;
    for (const auto& w : a) shown += " " + w;
    std::cerr << fmt::format("lab: '{}' has no stand-in in the lab; {}\n", safe_text(shown), kKnown);
    return 2;
}

}  // namespace drconsole::lab
