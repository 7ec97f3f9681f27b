// The cmark-gfm parser with the GFM table and tasklist extensions attached.
#include "runbook/markdown.h"

#include <stdexcept>

#include <cmark-gfm-core-extensions.h>

namespace drconsole::runbook {

Document parse_gfm(std::string_view source) {
    cmark_gfm_core_extensions_ensure_registered();
    std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(cmark_parser_new(CMARK_OPT_DEFAULT),
                                                                      &cmark_parser_free);
    for (const char* name : {"table", "tasklist"}) {
        cmark_syntax_extension* ext = cmark_find_syntax_extension(name);
        if (!ext || !cmark_parser_attach_syntax_extension(parser.get(), ext))
            throw std::runtime_error(std::string("cmark-gfm extension missing: ") + name);
    }
    cmark_parser_feed(parser.get(), source.data(), source.size());
    return Document(cmark_parser_finish(parser.get()));
}

std::string_view node_type(cmark_node* node) {
    const char* type = cmark_node_get_type_string(node);
    return type ? type : "";
}

bool is_task_item(cmark_node* node) { return node_type(node) == "tasklist"; }

std::string inline_text(cmark_node* node) {
    std::string text;
    for (cmark_node* child = cmark_node_first_child(node); child; child = cmark_node_next(child)) {
        cmark_node_type type = cmark_node_get_type(child);
        if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE) {
            if (const char* lit = cmark_node_get_literal(child)) text += lit;
        } else if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
            text += ' ';
        } else {
            text += inline_text(child);
        }
    }
    return text;
}

}  // namespace drconsole::runbook
