// drbench: the benchmark driver behind `make bench` and `make bench-quick`. It starts the lab,
// runs each figure against what an SRE would otherwise run, and writes bench/results.md.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "rows.h"

int main(int argc, char** argv) {
    bench::Options o;
    std::string out;
    CLI::App app{"drconsole's benchmarks side by side with psql, kcat, sqlite3, fdatasync and Prometheus; writes a Markdown "
                 "table (figure, drconsole, comparison, ratio, target, met?, and how each was measured).\n"
                 "It starts the lab (PostgreSQL runs as the 'postgres' user: run as root) in a scratch directory under $TMPDIR "
                 "and removes it at the end. A full run takes about 16 minutes on 2 cores (most of it making journals of five "
                 "million samples); --quick about 2. Usually run through 'make bench' or 'make bench-quick'."};
    app.add_flag("--quick", o.quick, "Fewer rounds and smaller data (make bench-quick: under 3 minutes)");
    app.add_option("--drconsole", o.drconsole, "The drconsole binary under test (a Release build)")->required();
    app.add_option("--fill-journal", o.fill_journal, "The journal generator built beside this driver")->required();
    app.add_option("--source", o.source, "The checkout (for its runbooks)")->default_val(".");
    app.add_option("--out", out, "Where the table goes (default: bench/results.md for a full run; required with --quick or --only, "
                                 "so that a partial run never replaces the published results)");
    const std::vector<std::string> figures{"pg", "kafka", "journal", "console", "report", "scale", "freshness"};
    app.add_option("--only", o.only, "Run only these figures, by name or comma-separated: pg, kafka, journal, console, report, scale, freshness")
        ->delimiter(',')
        ->check(CLI::IsMember(figures));
    CLI11_PARSE(app, argc, argv);
    if (out.empty()) {
        if (o.quick || !o.only.empty()) {
            std::cerr << "drbench: give --out FILE with --quick or --only (bench/results.md holds a full run)\n";
            return 2;
        }
        out = "bench/results.md";
    }

    o.drconsole = std::filesystem::absolute(o.drconsole);
    o.fill_journal = std::filesystem::absolute(o.fill_journal);
    o.source = std::filesystem::absolute(o.source);
    o.work = std::filesystem::temp_directory_path() / fmt::format("drbench-{}", getpid());
    std::filesystem::create_directories(o.work);
    double started = bench::now_ms();
    auto wanted = [&](const std::string& key) { return o.only.empty() || std::find(o.only.begin(), o.only.end(), key) != o.only.end(); };

    std::vector<bench::Row> rows;
    int failures = 0;
    auto section = [&](const std::string& key, const std::function<std::vector<bench::Row>()>& f) {
        if (!wanted(key)) return;
        std::cerr << fmt::format("drbench: {} …\n", key);
        try {
            for (auto& r : f()) {
                std::cerr << fmt::format("  {}: {} | {} | {} | target {} | {}\n", r.figure, r.drconsole, r.comparison, r.ratio, r.target,
                                         r.met ? (*r.met ? "met" : "NOT met") : "no target");
                rows.push_back(std::move(r));
            }
        } catch (const std::exception& e) {
            ++failures;
            std::cerr << fmt::format("  {} could not be measured: {}\n", key, e.what());
            rows.push_back({key + ": not measured", "", "", "", "", false, e.what()});
        }
    };
    bool needs_lab = wanted("pg") || wanted("kafka") || wanted("console") || wanted("scale") || wanted("freshness");
    std::optional<bench::Lab> lab;
    std::string lab_error;
    if (needs_lab) {
        std::cerr << "drbench: starting the lab …\n";
        try {
            lab = bench::lab_up(o);
        } catch (const std::exception& e) {
            lab_error = e.what();  // the figures that need it say so; the others are measured
        }
    }
    auto with_lab = [&](auto measure) {
        return [&, measure]() -> std::vector<bench::Row> {
            if (!lab) throw std::runtime_error("the lab did not start: " + lab_error);
            return measure(*lab);
        };
    };
    section("pg", with_lab([&](const bench::Lab& l) { return bench::pg_reading(o, l); }));
    section("kafka", with_lab([&](const bench::Lab& l) { return bench::kafka_reading(o, l); }));
    section("journal", [&] { return bench::durable_event(o); });
    section("console", with_lab([&](const bench::Lab& l) { return bench::console_keys(o, l); }));
    section("console", [&] { return bench::console_open(o); });
    section("report", [&] { return bench::report_scale(o); });
    section("scale", with_lab([&](const bench::Lab& l) { return bench::probe_scale(o, l); }));
    section("freshness", with_lab([&](const bench::Lab& l) { return bench::freshness(o, l); }));
    if (lab) bench::lab_down(o, *lab);
    std::filesystem::remove_all(o.work);

    bench::write_results(out, o, rows, (bench::now_ms() - started) / 1000.0);
    std::cerr << fmt::format("drbench: wrote {} ({} rows{})\n", out, rows.size(), failures ? fmt::format(", {} figures not measured", failures) : "");
    return failures ? 1 : 0;
}
