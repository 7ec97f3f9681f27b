// command targets: a read-only program run as argv on the target's interval, its output read
// as JSON (the http-json metrics) or as one number (docs/probes.md#command).
#include <atomic>
#include <cstdlib>

#include <fmt/format.h>

#include "drconsole/clock.h"
#include "drconsole/subprocess.h"
#include "drconsole/text.h"
#include "probes/json_metric_eval.h"
#include "probes/probe_factory.h"

namespace drconsole::probes {
namespace {

// What is kept of the output: a status document or a figure, not a data export.
constexpr std::size_t kMaxOutputBytes = 1 << 20;

// The first number in the output ("  42\n", "age: 3600 s"); nothing when there is none.
std::optional<double> first_number(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        bool starts = (c >= '0' && c <= '9') || ((c == '-' || c == '.') && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9');
        if (!starts) continue;
        char* end = nullptr;
        double d = std::strtod(text.c_str() + i, &end);
        if (end != text.c_str() + i) return d;
    }
    return std::nullopt;
}

class CommandProbe final : public Probe {
public:
    explicit CommandProbe(const Target& t) : t_(t) {}

    Reading read(SteadyTime deadline) override {
        cancelled_ = false;
        std::string output;
        bool too_long = false;
        auto started = std::chrono::steady_clock::now();
        SubprocessOutcome o = run_subprocess(t_.argv, deadline, clean_environment(), [&](std::string_view bytes) {
            if (output.size() + bytes.size() > kMaxOutputBytes) too_long = true;
            else output.append(bytes);
        }, &cancelled_);
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        if (o.timed_out || o.cancelled || o.exit_code == 127 || o.exit_code == 126) {
            Reading down = Reading::down(o.error);
            down.set("duration_ms", ms);
            return down;
        }
        Reading r;
        r.set("duration_ms", ms);
        r.set("up", o.exit_code == 0 ? 1 : 0);
        std::vector<std::string> problems;
        if (o.exit_code != 0) {
            std::string first_line = output.substr(0, output.find('\n'));
            problems.push_back(fmt::format("{}{}", o.error, first_line.empty() ? "" : ": " + safe_excerpt(first_line, 200)));
        } else if (too_long) {
            problems.push_back(fmt::format("the output is larger than {} KiB: make the command print only what is read", kMaxOutputBytes / 1024));
        } else if (!t_.number_metric.empty()) {
            if (auto n = first_number(output)) r.set(t_.number_metric, *n);
            else problems.push_back(fmt::format("{}: no number in the output ({})", t_.number_metric, safe_excerpt(output, 80)));
        } else {
            std::string why;
            if (auto doc = parse_answer(output, why)) {
                std::int64_t now_us = SystemClock().wall_us();
                for (const auto& [name, m] : t_.json_metrics) {
                    std::string problem;
                    if (auto v = evaluate_json_metric(m, *doc, nullptr, now_us, problem)) r.set(name, *v);
                    else problems.push_back(fmt::format("{}: {}", name, problem));
                }
            } else {
                problems.push_back(why);
            }
        }
        if (!problems.empty()) {
            r.status = ProbeStatus::error;
            for (const auto& p : problems) r.error += (r.error.empty() ? "" : "; ") + p;
        }
        return r;
    }

    // The scheduler stops: the program's process group is ended now, not at the deadline.
    void cancel() override { cancelled_ = true; }

private:
    Target t_;
    std::atomic<bool> cancelled_{false};
};

}  // namespace

std::unique_ptr<Probe> make_command_probe(const Target& t) { return std::make_unique<CommandProbe>(t); }

}  // namespace drconsole::probes
