// Achieved RPO of a Kafka mirror on two librdkafka mock clusters (the real Kafka protocol): a
// known unmirrored tail gives exactly that many messages and seconds lost.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/kafka_mock.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace drconsole;

namespace {

constexpr std::int64_t kFirstTs = 1'767'405'600'000;  // 2026-01-03T02:00:00Z in ms

const char* kRunbook = R"(# Kafka failover drill

| Component | RPO | RTO |
|-----------|-----|-----|
| kafka     | 30s | 5m  |

## Fail over {kind=promote}
- [ ] Start producers in the secondary region {#start-producers role=messaging restores=kafka rpo=mm2}
)";

}  // namespace

TEST(KafkaRpo, AnUnmirroredTailIsReportedExactlyInMessagesAndSeconds) {
    test::KafkaMockPair pair("orders");
    pair.produce(10, kFirstTs, 1000);  // 02:00:00 … 02:00:09
    ASSERT_EQ(pair.mirror(6), 6);      // the target has up to 02:00:05: 4 messages, 4 s behind
    test::TempDir dir;
    auto env = dir.write("env.jsonc", fmt::format(R"({{"targets": {{
  "kafka-primary": {{"type": "kafka", "bootstrap": "{}"}},
  "kafka-dr": {{"type": "kafka", "bootstrap": "{}"}},
  "mm2": {{"type": "kafka-mirror", "source": "kafka-primary", "target": "kafka-dr", "topics": ["orders"],
          "target_topic": "primary.{{topic}}", "interval": "200ms"}}
}}}})", pair.source_bootstrap(), pair.target_bootstrap()));
    auto runbook = dir.write("kafka.md", kRunbook);
    std::string db = (dir / "j.db").string();
    ASSERT_EQ(test::run_drconsole({"start", "--db", db, "--runbook", runbook.string(), "--env", env.string(), "--mode", "drill",
                                   "--as", "messaging:sofia"}).exit_code, 0);
    auto probe = [&] {
        return test::run_process({"/usr/bin/timeout", "-s", "TERM", "1.5", DRCONSOLE_BIN, "probe", "--env", env.string(), "--db", db, "--incident", "1"});
    };
    probe();
    ASSERT_EQ(test::run_drconsole({"step", "--db", db, "start-producers", "done", "--as", "messaging:sofia"}).exit_code, 0);
    // After the failover the mirror catches up: later readings must not change what was lost.
    ASSERT_EQ(pair.mirror(4), 4);
    probe();

    auto r = test::run_drconsole({"report", "--db", db, "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto kafka = nlohmann::json::parse(r.out)["achieved"].at(0);
    EXPECT_EQ(kafka["component"], "kafka");
    EXPECT_EQ(kafka["rpo_method"], "kafka-mirror");
    ASSERT_TRUE(kafka["rpo_s"].is_number()) << kafka.dump();
    EXPECT_DOUBLE_EQ(kafka["rpo_s"].get<double>(), 4.0);
    EXPECT_EQ(kafka["messages_lost"], 4);
    const auto& pairs = kafka["rpo_detail"]["topic_pairs"];
    ASSERT_EQ(pairs.size(), 1u);
    EXPECT_EQ(pairs[0]["source_topic"], "orders");
    EXPECT_EQ(pairs[0]["target_topic"], "primary.orders");
    EXPECT_EQ(pairs[0]["messages_lost"], 4);
    EXPECT_DOUBLE_EQ(kafka["rpo_uncertainty_s"].get<double>(), 0.2);
    EXPECT_EQ(kafka["pass"], true) << kafka["reason"];
    // How the figure was obtained: the mirror's readings it used, each sealed in the chain.
    const auto& readings = kafka["rpo_detail"]["readings"];
    ASSERT_FALSE(readings.empty()) << kafka["rpo_detail"].dump();
    for (const auto& reading : readings) {
        EXPECT_EQ(reading["target"], "mm2");
        EXPECT_TRUE(reading["sealed_by_event"].is_number()) << reading.dump();
        EXPECT_NE(reading.value("labels", "").find("\"topic\""), std::string::npos) << reading.dump();
    }
    auto md = test::run_drconsole({"report", "--db", db});
    EXPECT_NE(md.out.find("reading used: mm2 lag\\_messages {\"partition\":\"0\",\"topic\":\"orders\"} read at "), std::string::npos) << md.out;
}
