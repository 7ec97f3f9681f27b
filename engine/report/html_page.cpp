// The HTML frame: a Content-Security-Policy that allows nothing but inline style, and a style
// that reads on screen and prints to PDF.
#include "html_page.h"

#include "escape.h"

namespace drconsole::report {

namespace {

constexpr const char* kStyle = R"css(
body { font: 14px/1.45 system-ui, sans-serif; color: #1b1f24; margin: 2em auto; max-width: 1000px; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .3em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccd; }
table { border-collapse: collapse; margin: .5em 0; width: 100%; } th, td { border: 1px solid #ccd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef0f4; } table.summary th { width: 9em; } table.timeline td:nth-child(-n+2) { white-space: nowrap; }
.pass { color: #17663a; font-weight: 600; } .fail { color: #a31515; font-weight: 600; } .na { color: #777; }
figure { margin: .5em 0; } figcaption { color: #555; font-size: .9em; }
svg.chart { background: #fff; border: 1px solid #dde; }
svg .grid { stroke: #e6e8ee; stroke-width: 1; } svg .tick { font-size: 10px; fill: #555; } svg .name { font-size: 11px; fill: #222; white-space: pre; }
svg .label { font-size: 10px; } svg .t0 { stroke: #a31515; stroke-width: 1.5; fill: #a31515; }
svg .objective { stroke: #c77700; stroke-width: 1.5; stroke-dasharray: 6 4; fill: #c77700; }
svg .restored { stroke: #17663a; stroke-width: 1.5; stroke-dasharray: 2 3; fill: #17663a; }
svg rect.phase { fill: #5b6b8c; } svg rect.step { fill: #8fb0e0; } svg rect.done { fill: #4c9a6a; }
svg rect.skipped { fill: #c9c9c9; } svg rect.failed { fill: #d9534f; } svg rect.started { fill: #f0ad4e; }
svg .series { fill: none; stroke: #2b6cb0; stroke-width: 1.5; } svg circle.pass { fill: #17663a; } svg circle.fail { fill: #a31515; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-after: avoid; } figure, tr { break-inside: avoid; } }
)css";

}  // namespace

std::string page_head(const std::string& title) {
    std::string o = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
    o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
    o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    o += "<title>" + html(title) + "</title>\n<style>" + std::string(kStyle) + "</style></head><body>\n";
    return o;
}

std::string page_foot() { return "<footer><p>Written by drconsole from the incident journal alone.</p></footer>\n</body></html>\n"; }

}  // namespace drconsole::report
