// One tool as loaded from schemas/*.json: its MCP definition plus what the server needs to run it.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace acmcp::tools {

using json = nlohmann::json;

struct ToolSpec {
  std::string name;        // "update_tag", as served (with the configured prefix, if any)
  std::string toolset;     // "tags": what --toolsets selects it by
  bool read_only = false;  // its readOnlyHint
  std::string title;       // "Update a Tag": starts every error message
  std::string data_key;    // envelope key of the business data, e.g. "Tag"
  std::string not_found;   // what a 404 means, with {Arg} placeholders, e.g. "tag {TagId}"
  json input_schema;  // what arguments are validated with, cross-field rules included      // what
                      // arguments are validated with, cross-field rules included
  json data_schema;
  json empty_data = json::object();  // data value on failure
  json upstream;                     // the table row of a one-call tool; null for multi-step tools
  json steps;                        // named rows a multi-step handler uses; object (maybe empty)
  std::string handler;               // name of the multi-step handler; "" for table rows
  bool paged = false;                // a get-many tool: its page of records may be cut to fit
  std::string records_key;           // where the data holds that page; "" when it is the data
  json definition;                   // the MCP tool definition; moved to tools/list at load
};

}  // namespace acmcp::tools
