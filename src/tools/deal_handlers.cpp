// Update a Deal (docs/decisions.md, "Update a Deal merges"), merge-before-put: the "read" row
// fetches the record, its result becomes $args.Current, and the "write" row sends it back with the
// given fields overlaid, so the PUT keeps every field the caller did not pass. Nothing is written
// when the read fails, and nothing is sent when no field to change is given.
#include <algorithm>
#include <string>
#include <vector>

#include "tools/crud_engine.hpp"
#include "tools/handlers.hpp"
#include "util/ascii.hpp"

namespace acmcp::tools {

namespace {

// "" when some argument besides those naming the record is given, else the -1 message. (A
// schema-level anyOf would say the same, but MCP clients on the Anthropic API reject tools whose
// inputSchema has anyOf/oneOf/allOf at the top level.)
std::string missing_change(const ToolSpec& spec, const json& read_row, const json& args) {
  // The {Arg} placeholders in the read row's path are the arguments that name the record.
  const auto naming = placeholder_names(read_row.value("path", ""));
  const json properties = spec.input_schema.value("properties", json::object());
  std::vector<std::string> fields;
  for (const auto& [name, property] : properties.items()) {
    if (std::find(naming.begin(), naming.end(), name) != naming.end()) continue;
    if (args.contains(name) && !args[name].is_null()) return "";
    fields.push_back(name);
  }
  std::string list;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) list += i + 1 == fields.size() ? " or " : ", ";
    list += fields[i];
  }
  return "Give at least one field to change: " + list + ".";
}

}  // namespace

boost::asio::awaitable<Envelope> merge_before_put(const ToolSpec& spec, const json& args,
                                                  ToolContext& context) {
  const json& read_row = step_row(spec, "read");
  if (auto problem = missing_change(spec, read_row, args); !problem.empty()) {
    co_return invalid_input(spec.title, spec.data_key, spec.empty_data, problem);
  }
  const std::string noun = util::to_lower(spec.data_key);  // "deal" names the record in messages
  context.report_step(0, 2, "Reading the current " + noun);
  ac::Response current = co_await send_row(read_row, args, context);
  Envelope read = finish_row(spec, read_row, args, current,
                             "reading the current " + noun + " (nothing was changed)");
  if (!read.error_message.empty()) co_return read;
  if (!read.data.is_object() || read.data.empty()) {
    read.data = spec.empty_data;
    read.error_message = spec.title + " failed while reading the current " + noun +
                         ": ActiveCampaign's answer held no " + noun +
                         " to merge the changes into, so nothing was changed.";
    co_return read;
  }

  json merged = args;
  merged["Current"] = std::move(read.data);
  context.report_step(1, 2, "Saving the " + noun + " with the changes");
  co_return co_await run_row(spec, step_row(spec, "write"), merged, context,
                             "saving the " + noun + " with the changes");
}

}  // namespace acmcp::tools
