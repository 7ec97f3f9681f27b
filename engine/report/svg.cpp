// Inline SVG charts for the HTML report: the phase/step Gantt timeline, lag per component, the trend.
#include "svg.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "escape.h"

namespace drconsole::report {
namespace {

using nlohmann::json;

constexpr double kWidth = 960, kLeft = 170, kRight = 20;

// A tick step of 1, 2 or 5 × 10^n giving about `count` ticks over `span`.
double nice_step(double span, int count) {
    if (span <= 0) return 1;
    double raw = span / count;
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * mag) return m * mag;
    return 10 * mag;
}

struct Scale {
    double lo, hi, px_lo, px_hi;
    double operator()(double v) const { return hi > lo ? px_lo + (v - lo) / (hi - lo) * (px_hi - px_lo) : px_lo; }
};

std::string offset_label(double seconds) {
    double a = std::fabs(seconds);
    std::string sign = seconds < 0 ? "-" : "+";
    if (a >= 3600) return fmt::format("T{}{}:{:02}:{:02}", sign, static_cast<int>(a / 3600), static_cast<int>(a / 60) % 60, static_cast<int>(a) % 60);
    return fmt::format("T{}{:02}:{:02}", sign, static_cast<int>(a / 60), static_cast<int>(a) % 60);
}

// A tick step for a time axis in seconds: a round number of seconds, minutes or hours.
double time_step(double span, int count) {
    for (double s : {1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 21600.0, 43200.0, 86400.0})
        if (span / s <= count) return s;
    return nice_step(span, count);
}

// Time axis along the bottom of a plot with vertical grid lines.
void time_axis(std::string& o, const Scale& x, double top, double bottom) {
    double step = time_step(x.hi - x.lo, 10);
    for (double t = std::ceil(x.lo / step) * step; t <= x.hi + 1e-9; t += step) {
        o += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" class="grid"/>)", x(t), top, bottom);
        o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tick" text-anchor="middle">{}</text>)", x(t), bottom + 14, offset_label(t));
    }
}

// A vertical line across the plot, labelled at `label_y`.
void marker(std::string& o, double x, double top, double bottom, const std::string& cls, const std::string& label, double label_y) {
    o += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" class="{3}"/>)", x, top, bottom, cls);
    bool near_right = x > kWidth - kRight - 160;  // keep the label inside the chart
    o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="label {}" text-anchor="{}">{}</text>)", near_right ? x - 3 : x + 3, label_y, cls,
                     near_right ? "end" : "start", html(label));
}

std::string clip(const std::string& label, std::size_t max = 30) {
    if (label.size() <= max) return label;
    std::size_t cut = max - 1;
    while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    return label.substr(0, cut) + "…";
}

}  // namespace

std::string gantt_svg(const json& r) {
    struct Bar {
        std::string label;
        double from, to;
        std::string cls, title;
    };
    std::vector<Bar> bars;
    double lo = 0, hi = 60;
    for (const auto& phase : r["phases"]) {
        if (phase["start_offset_s"].is_number()) {
            double from = phase["start_offset_s"].get<double>(), to = phase["end_offset_s"].get<double>();
            bars.push_back({phase["name"].get<std::string>(), from, to, "phase", fmt::format("{}: {}", phase["name"].get<std::string>(), secs(phase["duration_s"]))});
            lo = std::min(lo, from), hi = std::max(hi, to);
        }
        for (const auto& step : r["steps"]) {
            if (step["phase"] != phase["name"] || !step["start_offset_s"].is_number()) continue;
            double from = step["start_offset_s"].get<double>();
            double to = step["end_offset_s"].is_number() ? step["end_offset_s"].get<double>() : from;
            bars.push_back({"  " + step["id"].get<std::string>(), from, to, "step " + step["state"].get<std::string>(),
                            fmt::format("{} ({}): {}", step["id"].get<std::string>(), step["state"].get<std::string>(), str(step["text"]))});
            lo = std::min(lo, from), hi = std::max(hi, to);
        }
    }
    std::optional<double> rto;
    if (r.contains("service") && r["service"]["rto_objective_s"].is_number()) rto = r["service"]["rto_objective_s"].get<double>();
    if (rto) hi = std::max(hi, *rto * 1.05);
    const double row = 16, top = 22;
    double bottom = top + row * static_cast<double>(std::max<std::size_t>(bars.size(), 1));
    Scale x{lo, hi, kLeft, kWidth - kRight};
    std::string o = fmt::format(R"(<svg class="chart gantt" role="img" aria-label="Phase and step timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {:.0f}" width="100%">)",
                                kWidth, bottom + 24);
    time_axis(o, x, top, bottom);
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& b = bars[i];
        double y = top + row * static_cast<double>(i);
        double w = std::max(2.0, x(b.to) - x(b.from));
        o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="name">{}</text>)", 4.0, y + 12, html(clip(b.label)));
        o += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" class="{}"><title>{}</title></rect>)", x(b.from), y + 3, w,
                         row - 6, b.cls, html(b.title));
    }
    marker(o, x(0), top - 14, bottom, "t0", "T0", top - 4);
    if (rto) marker(o, x(*rto), top - 14, bottom, "objective", "RTO objective " + secs(*rto), top - 4);
    if (r.contains("service") && r["service"]["restored_offset_s"].is_number())
        marker(o, x(r["service"]["restored_offset_s"].get<double>()), top, bottom, "restored", "service restored", bottom - 4);
    return o + "</svg>";
}

std::string lag_svg(const json& series) {
    const json& points = series["points"];
    double lo = 0, hi = 1, top_value = 0;
    for (const auto& p : points) {
        lo = std::min(lo, p[0].get<double>()), hi = std::max(hi, p[0].get<double>());
        top_value = std::max(top_value, p[1].get<double>());
    }
    std::optional<double> objective;
    if (series["objective_s"].is_number()) objective = series["objective_s"].get<double>();
    top_value = std::max(top_value, objective.value_or(0)) * 1.15;
    if (top_value <= 0) top_value = 1;
    const double top = 22, bottom = 200;
    Scale x{lo, hi, kLeft, kWidth - kRight};
    Scale y{0, top_value, bottom, top};
    std::string o = fmt::format(R"(<svg class="chart lag" role="img" aria-label="Lag of {} over time" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {:.0f}" width="100%">)",
                                html(str(series["component"])), kWidth, bottom + 24);
    time_axis(o, x, top, bottom);
    double step = nice_step(top_value, 4);
    for (double v = 0; v <= top_value + 1e-9; v += step) {
        o += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}" class="grid"/>)", kLeft, y(v), kWidth - kRight);
        o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tick" text-anchor="end">{}</text>)", kLeft - 4, y(v) + 4, secs(v));
    }
    o += fmt::format(R"(<text x="4" y="{:.1f}" class="name">{}</text>)", top + 12, html(str(series["target"]) + "." + str(series["metric"])));
    std::string path;
    for (const auto& p : points) path += fmt::format("{:.1f},{:.1f} ", x(p[0].get<double>()), y(p[1].get<double>()));
    o += fmt::format(R"(<polyline points="{}" class="series"/>)", path);
    if (objective) {
        o += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}" class="objective"/>)", kLeft, y(*objective), kWidth - kRight);
        o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="label objective">RPO objective {}</text>)", kLeft + 4, y(*objective) - 4, secs(*objective));
    }
    marker(o, x(0), top - 14, bottom, "t0", "failure (T0)", top - 4);
    return o + "</svg>";
}

std::string trend_svg(const json& trend) {
    const json& rows = trend["drills"];
    double top_value = 1;
    for (const auto& d : rows)
        if (d["service_rto_s"].is_number()) top_value = std::max(top_value, d["service_rto_s"].get<double>());
    if (trend["rto_objective_s"].is_number()) top_value = std::max(top_value, trend["rto_objective_s"].get<double>());
    top_value *= 1.15;
    const double top = 22, bottom = 200;
    double n = static_cast<double>(std::max<std::size_t>(rows.size(), 2) - 1);
    Scale x{0, n, kLeft, kWidth - kRight};
    Scale y{0, top_value, bottom, top};
    std::string o = fmt::format(R"(<svg class="chart trend" role="img" aria-label="Service RTO per drill" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {:.0f}" width="100%">)",
                                kWidth, bottom + 24);
    double step = nice_step(top_value, 4);
    for (double v = 0; v <= top_value + 1e-9; v += step) {
        o += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}" class="grid"/>)", kLeft, y(v), kWidth - kRight);
        o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tick" text-anchor="end">{}</text>)", kLeft - 4, y(v) + 4, secs(v));
    }
    std::string path;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const json& d = rows[i];
        double px = x(static_cast<double>(i));
        o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tick" text-anchor="middle">{}</text>)", px, bottom + 14, html(str(d["date"]).substr(0, 10)));
        if (!d["service_rto_s"].is_number()) continue;
        double py = y(d["service_rto_s"].get<double>());
        path += fmt::format("{:.1f},{:.1f} ", px, py);
        o += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="4" class="{}"><title>{}</title></circle>)", px, py,
                         d["pass"].get<bool>() ? "pass" : "fail", html(fmt::format("incident {}: {}", str(d["incident"]), secs(d["service_rto_s"]))));
    }
    o += fmt::format(R"(<polyline points="{}" class="series"/>)", path);
    if (trend["rto_objective_s"].is_number()) {
        double obj = trend["rto_objective_s"].get<double>();
        o += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}" class="objective"/>)", kLeft, y(obj), kWidth - kRight);
        o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="label objective">RTO objective {}</text>)", kLeft + 4, y(obj) - 4, secs(obj));
    }
    o += fmt::format(R"(<text x="4" y="{:.1f}" class="name">service RTO</text>)", top + 12);
    return o + "</svg>";
}

}  // namespace drconsole::report
