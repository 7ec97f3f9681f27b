// cmark-gfm, owned: parsing GitHub-Flavored Markdown with the table and tasklist extensions.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <cmark-gfm.h>

namespace drconsole::runbook {

struct NodeDeleter {
    void operator()(cmark_node* node) const { cmark_node_free(node); }
};
using Document = std::unique_ptr<cmark_node, NodeDeleter>;

Document parse_gfm(std::string_view source);

std::string_view node_type(cmark_node* node);  // "heading", "table", "tasklist", …
bool is_task_item(cmark_node* node);
// The text of a node's inline children, concatenated (code spans included).
std::string inline_text(cmark_node* node);

}  // namespace drconsole::runbook
