// 2. A Kafka mirror lag reading: drconsole's mirror probe against `kcat -Q` per reading (the end
// offsets of the topic on the source cluster and of its mirror on the target cluster: two kcat
// processes give the same figure), against the lab's mock clusters, A/B interleaved.
#include <thread>

#include <fmt/format.h>

#include "drconsole/environment.h"
#include "probes/probe_factory.h"
#include "rows.h"

namespace bench {

std::vector<Row> kafka_reading(const Options& o, const Lab& lab) {
    using namespace drconsole;
    auto loaded = load_environment(lab.dir / "env.jsonc");
    if (!loaded.env) throw std::runtime_error("the lab's env.jsonc does not load");
    const Target& mm2 = *loaded.env->find("mm2");
    const Target& source = *loaded.env->find(mm2.source);
    const Target& target = *loaded.env->find(mm2.target);
    auto probe = probes::make_kafka_mirror_probe(mm2, source, target);
    const std::string topic = mm2.topics.at(0), mirrored = mm2.mirrored_topic(topic);

    const int rounds = o.quick ? 8 : 20;
    const double cadence_ms = o.quick ? 250 : 1000;
    std::vector<double> drc, kcat, drc_cpu, kcat_cpu;
    for (int round = -1; round < rounds; ++round) {
        for (int k = 0; k < 2; ++k) {
            double started = now_ms();
            if ((round + k) % 2 == 0) {
                double c0 = thread_cpu_ms(), w0 = now_ms();
                Reading r = probe->read(std::chrono::steady_clock::now() + std::chrono::seconds(5));
                double w1 = now_ms(), c1 = thread_cpu_ms();
                if (r.status != ProbeStatus::ok && r.status != ProbeStatus::degraded)
                    throw std::runtime_error("drconsole's mirror reading failed: " + r.error);
                if (round >= 0) drc.push_back(w1 - w0), drc_cpu.push_back(c1 - c0);
            } else {
                double wall = 0, cpu = 0;
                for (const auto& [bootstrap, name] : {std::pair{source.bootstrap, topic}, std::pair{target.bootstrap, mirrored}}) {
                    Process p = run({"kcat", "-b", bootstrap, "-Q", "-t", name + ":0:-1"});
                    if (p.status != 0 || p.out.find(name) == std::string::npos)
                        throw std::runtime_error(fmt::format("kcat -Q -t {}:0:-1 on {} failed: {}", name, bootstrap, p.out));
                    wall += p.wall_ms, cpu += p.cpu_ms;
                }
                if (round >= 0) kcat.push_back(wall), kcat_cpu.push_back(cpu);
            }
            double left = cadence_ms - (now_ms() - started);
            if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(left));
        }
    }
    double d = median(drc), c = median(kcat);
    return {{"Kafka mirror lag reading: wall vs kcat -Q", fmt::format("{} p50 (p99 {}; CPU of the reading thread {}, librdkafka's own threads not counted)", ms(d), ms(percentile(drc, 99)), ms(median(drc_cpu))),
             fmt::format("two `kcat -Q` per reading: {} p50 (CPU {})", ms(c), ms(median(kcat_cpu))), times(c / d) + " less wall", "≥ 30× less wall",
             c / d >= 30,
             fmt::format("{} readings of each at {} ms spacing, A/B interleaved, after one warm-up; medians. drconsole: the kafka-mirror "
                         "probe's read() in process (end offsets on both clusters, on its persistent clients). kcat: `kcat -b … -Q -t "
                         "TOPIC:0:-1` for the source topic on the primary mock cluster and for its mirror on the DR one, as whole processes.",
                         rounds, cadence_ms)}};
}

}  // namespace bench
