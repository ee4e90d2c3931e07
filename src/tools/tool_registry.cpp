// Loads the tool definitions embedded from schemas/, checks them at start-up, and runs tool calls:
// validate arguments, then run the table row or the multi-step handler, then wrap the envelope.
#include "tools/tool_registry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "schema/supported.hpp"
#include "schema/validator.hpp"
#include "tools/crud_engine.hpp"
#include "tools/envelope.hpp"
#include "tools/handlers.hpp"
#include "tools/progress_tracker.hpp"
#include "tools/result_shape.hpp"
#include "tools/tool_spec.hpp"
#include "util/compact_json.hpp"
#include "util/join.hpp"
#include "util/log_caller.hpp"

namespace acmcp::tools {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw std::runtime_error("tool schemas: " + where + ": " + problem);
}

const json& member(const json& object, const char* key, json::value_t type,
                   const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) fail(where, std::string("missing \"") + key + "\"");
  if (it->type() != type) fail(where, std::string("\"") + key + "\" has the wrong type");
  return *it;
}

std::string non_empty_string(const json& object, const char* key, const std::string& where) {
  const auto& value = member(object, key, json::value_t::string, where).get<std::string>();
  if (value.empty()) fail(where, std::string("\"") + key + "\" is empty");
  return value;
}

// snake_case: a-z first, then a-z 0-9 _.
bool valid_tool_name(std::string_view name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void check_input_schema(const json& schema, const std::string& where) {
  if (!schema.is_object() || schema.value("type", "") != "object") {
    fail(where, "inputSchema must be an object schema with \"type\": \"object\"");
  }
  const json& properties = member(schema, "properties", json::value_t::object, where);
  for (const auto& [name, property] : properties.items()) {
    if (!property.is_object() || !property.contains("type")) {
      fail(where, "property " + name + " needs a \"type\"");
    }
    if (!property.contains("description") || !property["description"].is_string() ||
        property["description"].get<std::string>().empty()) {
      fail(where, "property " + name + " needs a \"description\"");
    }
  }
  if (schema.contains("required")) {
    if (!schema["required"].is_array()) fail(where, "\"required\" must be an array");
    for (const auto& name : schema["required"]) {
      if (!name.is_string() || !properties.contains(name.get<std::string>())) {
        fail(where, "required parameter " + name.dump() + " is not among the properties");
      }
    }
  }
  if (schema.value("additionalProperties", true) != false) {
    fail(where, "inputSchema must set \"additionalProperties\": false");
  }
}

// Argument names a body/query value spec reads (plain strings; "$" expressions are not names).
void collect_argument_names(const json& spec, std::vector<std::string>& names) {
  if (spec.is_string()) {
    const auto& text = spec.get_ref<const std::string&>();
    if (!text.starts_with("$")) names.push_back(text);
  } else if (spec.is_object()) {
    for (const auto& [key, value] : spec.items()) collect_argument_names(value, names);
  }
}

// A table row: well-formed always; for a tool's own "upstream" row (`input_schema` given) every
// argument it names must exist and every path placeholder must be a required parameter.
void check_row(const json& row, const std::string& where, const json* input_schema) {
  if (!row.is_object()) fail(where, "a row must be an object");
  static const std::set<std::string> methods{"GET", "POST", "PUT", "DELETE"};
  if (!methods.contains(non_empty_string(row, "method", where))) {
    fail(where, "method must be GET, POST, PUT or DELETE");
  }
  const std::string path = non_empty_string(row, "path", where);
  if (path.front() != '/') fail(where, "path must start with '/'");
  for (const char* key : {"query", "body"}) {
    if (row.contains(key) && !row[key].is_object())
      fail(where, std::string(key) + " must be an object");
  }
  if (row.contains("page") && !row["page"].is_object()) fail(where, "page must be an object");
  if (row.contains("result")) {
    try {
      json args = json::object();
      json response = json::object();
      json page = json::object();
      evaluate_template(row["result"], TemplateScope{args, &response, &page});
    } catch (const std::exception& error) {
      fail(where, std::string("bad result template: ") + error.what());
    }
  }
  if (input_schema == nullptr) return;
  const json& properties = (*input_schema)["properties"];
  const json required = input_schema->value("required", json::array());
  for (const auto& name : placeholder_names(path)) {
    if (std::find(required.begin(), required.end(), json(name)) == required.end()) {
      fail(where, "path placeholder {" + name + "} is not a required parameter");
    }
  }
  std::vector<std::string> names;
  if (row.contains("body")) collect_argument_names(row["body"], names);
  if (row.contains("query")) {
    for (const auto& [key, value] : row["query"].items()) {
      collect_argument_names(value, names);
      for (auto& name : placeholder_names(key)) names.push_back(name);
    }
  }
  for (const auto& name : names) {
    if (!properties.contains(name)) fail(where, "argument " + name + " is not a parameter");
  }
}

// Anything ActiveCampaign sends may be null unless its API guarantees otherwise, and the official
// clients reject a result that does not match: every typed field inside the data also takes null.
// Array items stay as written (a page holds records, not nulls).
void allow_nulls(json& schema, bool top) {
  if (!schema.is_object()) return;
  if (!top) {
    if (auto type = schema.find("type"); type != schema.end()) {
      if (type->is_string()) *type = json::array({*type});
      if (type->is_array() && std::find(type->begin(), type->end(), "null") == type->end()) {
        type->push_back("null");
      }
    }
  }
  if (auto properties = schema.find("properties"); properties != schema.end()) {
    for (auto& [name, property] : properties->items()) allow_nulls(property, false);
  }
  if (auto items = schema.find("items"); items != schema.end()) allow_nulls(*items, true);
}

// The envelope around the data. What the four keys mean is said once, in the server's
// instructions, rather than in all 63 schemas.
json output_schema(const ToolSpec& spec) {
  json data_schema = spec.data_schema;
  allow_nulls(data_schema, true);
  json empty = spec.empty_data;
  if (schema::coerce_and_validate(data_schema, empty)) {
    data_schema =
        json{{"anyOf", json::array({std::move(data_schema), json{{"const", spec.empty_data}}})}};
  }
  return json{
      {"type", "object"},
      {"properties",
       {{spec.data_key, std::move(data_schema)},
        {"OriginalStatusCode", {{"type", "integer"}}},
        {"StatusCode", {{"type", "integer"}, {"enum", {kInvalidInput, kCompleted, kNoResponse}}}},
        {"ErrorMessage", {{"type", "string"}}}}},
      {"required", {spec.data_key, "OriginalStatusCode", "StatusCode", "ErrorMessage"}}};
}

// Keywords of our own ("x-unit") are for the validator's messages, not for clients.
void drop_own_keywords(json& schema) {
  if (!schema.is_object()) return;
  for (auto it = schema.begin(); it != schema.end();) {
    it = it.key().starts_with("x-") ? schema.erase(it) : std::next(it);
  }
  if (auto properties = schema.find("properties"); properties != schema.end()) {
    for (auto& [name, property] : properties->items()) drop_own_keywords(property);
  }
  if (auto items = schema.find("items"); items != schema.end()) drop_own_keywords(*items);
}

// What a client sees of an inputSchema: the properties, without top-level combinators, which some
// clients answer by dropping the tool. The server still validates with the whole schema, and each
// description says its cross-field rules in words.
json served_input_schema(const json& schema) {
  json served = schema;
  drop_own_keywords(served);
  for (const char* keyword : {"allOf", "anyOf", "oneOf", "if", "then", "else", "not",
                              "dependentRequired", "dependentSchemas"}) {
    served.erase(keyword);
  }
  if (served.contains("required") && served["required"].empty()) served.erase("required");
  return served;
}

// The hints that differ from the MCP defaults (readOnlyHint false, destructiveHint true,
// idempotentHint false, openWorldHint true); readOnlyHint always, so no client has to know the
// defaults to tell a read from a write.
json served_annotations(const json& annotations) {
  json served = {{"readOnlyHint", annotations["readOnlyHint"]}};
  if (!annotations["readOnlyHint"].get<bool>()) {
    if (!annotations["destructiveHint"].get<bool>()) served["destructiveHint"] = false;
    if (annotations["idempotentHint"].get<bool>()) served["idempotentHint"] = true;
  }
  if (!annotations["openWorldHint"].get<bool>()) served["openWorldHint"] = false;
  return served;
}

// A get-many tool pages with Offset and returns its records in one array: the data itself or
// the one array-typed property of the data, whose name goes to `records_key`.
bool is_paged(const ToolSpec& spec, std::string& records_key) {
  if (!spec.input_schema["properties"].contains("Offset")) return false;
  if (spec.data_schema.value("type", "") == "array") return true;
  const auto properties = spec.data_schema.find("properties");
  if (properties == spec.data_schema.end()) return false;
  int arrays = 0;
  for (const auto& [name, property] : properties->items()) {
    if (property.is_object() && property.value("type", json()) == "array") {
      records_key = name;
      ++arrays;
    }
  }
  return arrays == 1;
}

// Takes the large parts (schemas, rows) out of `entry` instead of copying them.
ToolSpec load_entry(json& entry, const std::string& file, const std::string& toolset) {
  if (!entry.is_object()) fail(file, "every entry of \"tools\" must be an object");
  ToolSpec spec;
  spec.toolset = toolset;
  spec.name = non_empty_string(entry, "name", file);
  const std::string where = file + ": " + spec.name;
  if (!valid_tool_name(spec.name)) fail(where, "name must be snake_case");
  spec.title = non_empty_string(entry, "title", where);
  const std::string description = non_empty_string(entry, "description", where);
  member(entry, "annotations", json::value_t::object, where);
  json& annotations = entry["annotations"];
  for (const char* hint : {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}) {
    member(annotations, hint, json::value_t::boolean, where);
  }
  spec.read_only = annotations["readOnlyHint"].get<bool>();
  member(entry, "inputSchema", json::value_t::object, where);
  spec.input_schema = std::move(entry["inputSchema"]);
  check_input_schema(spec.input_schema, where);
  // A keyword the validator does not enforce would let a schema promise more than is checked.
  if (auto problem = schema::find_unsupported_keyword(spec.input_schema)) {
    fail(where, "inputSchema: " + problem->message);
  }
  spec.data_key = non_empty_string(entry, "dataKey", where);
  member(entry, "dataSchema", json::value_t::object, where);
  spec.data_schema = std::move(entry["dataSchema"]);
  if (auto problem = schema::find_unsupported_keyword(spec.data_schema)) {
    fail(where, "dataSchema: " + problem->message);
  }
  if (entry.contains("emptyData")) spec.empty_data = entry["emptyData"];
  spec.not_found = entry.value("notFound", "");
  spec.steps = entry.value("steps", json::object());
  if (!spec.steps.is_object()) fail(where, "\"steps\" must be an object of rows");
  for (const auto& [step, row] : spec.steps.items())
    check_row(row, where + ": step " + step, nullptr);

  const bool has_row = entry.contains("upstream");
  const bool has_handler = entry.contains("handler");
  if (has_row == has_handler) fail(where, "needs exactly one of \"upstream\" and \"handler\"");
  if (has_row) {
    spec.upstream = std::move(entry["upstream"]);
    check_row(spec.upstream, where + ": upstream", &spec.input_schema);
  } else {
    spec.handler = non_empty_string(entry, "handler", where);
    if (!multi_step_handlers().contains(spec.handler)) {
      fail(where, "handler \"" + spec.handler + "\" does not exist");
    }
  }
  spec.paged = is_paged(spec, spec.records_key);
  spec.definition = json{{"name", spec.name},
                         {"title", spec.title},
                         {"description", description},
                         {"inputSchema", served_input_schema(spec.input_schema)},
                         {"outputSchema", output_schema(spec)},
                         {"annotations", served_annotations(annotations)}};
  return spec;
}

}  // namespace

struct ToolRegistry::Impl {
  Impl(ac::Upstream& target, ToolSettings chosen) : upstream(target), settings(std::move(chosen)) {}

  ac::Upstream& upstream;
  ToolSettings settings;
  std::vector<ToolSpec> tools;                             // served ones only
  std::map<std::string, std::size_t, std::less<>> index;   // served name -> tools[]
  std::map<std::string, std::string, std::less<>> hidden;  // served name -> why not
  json definitions = json::array();
  mutable std::once_flag definitions_text_once;
  mutable std::shared_ptr<const std::string> definitions_text;

  void load(std::span<const EmbeddedFile> files) {
    std::set<std::string> used_handlers;
    std::vector<ToolSpec> all;
    std::set<std::string> names;
    std::set<std::string> toolsets;
    for (const auto& file : files) {
      const std::string where = "schemas/" + std::string(file.name);
      json document = json::parse(file.content, nullptr, false);
      if (document.is_discarded()) fail(where, "not valid JSON");
      if (!document.is_object()) fail(where, "must be an object with \"resource\" and \"tools\"");
      non_empty_string(document, "resource", where);
      const std::string toolset = non_empty_string(document, "toolset", where);
      toolsets.insert(toolset);
      member(document, "tools", json::value_t::array, where);
      for (auto& entry : document["tools"]) {
        ToolSpec spec = load_entry(entry, where, toolset);
        if (!names.insert(spec.name).second) fail(where, "tool " + spec.name + " is defined twice");
        if (!spec.handler.empty()) used_handlers.insert(spec.handler);
        all.push_back(std::move(spec));
      }
    }
    for (const auto& [name, handler] : multi_step_handlers()) {
      if (!used_handlers.contains(name)) {
        fail("handlers", "handler \"" + name + "\" has no tool definition");
      }
    }
    check_settings(names, toolsets);
    for (auto& spec : all) {
      const std::string reason = why_hidden(spec);
      spec.name = settings.prefix + spec.name;
      spec.definition["name"] = spec.name;
      if (!reason.empty()) {
        hidden.emplace(spec.name, "Tool " + spec.name + " is not available: " + reason + ".");
        continue;
      }
      index.emplace(spec.name, tools.size());
      definitions.push_back(std::move(spec.definition));
      tools.push_back(std::move(spec));
    }
  }

  // Names are given without the prefix; a prefixed name is accepted too.
  std::string unprefixed(const std::string& name) const {
    if (!settings.prefix.empty() && name.starts_with(settings.prefix)) {
      return name.substr(settings.prefix.size());
    }
    return name;
  }

  void check_settings(const std::set<std::string>& names, const std::set<std::string>& toolsets) {
    for (const auto& toolset : settings.toolsets) {
      if (!toolsets.contains(toolset)) {
        throw std::invalid_argument("unknown toolset \"" + toolset +
                                    "\" (toolsets: " + util::join(toolsets) + ")");
      }
    }
    for (auto* list : {&settings.tools, &settings.exclude_tools}) {
      for (auto& name : *list) {
        name = unprefixed(name);
        if (!names.contains(name)) {
          throw std::invalid_argument("unknown tool \"" + name + "\" in " +
                                      (list == &settings.tools ? "tools" : "exclude_tools") +
                                      " (tools: " + util::join(names) + ")");
        }
      }
    }
  }

  // Exclusion and read-only win; otherwise a tool is served when nothing selects tools or when
  // its toolset or its own name is selected.
  std::string why_hidden(const ToolSpec& spec) const {
    auto contains = [](const std::vector<std::string>& list, const std::string& value) {
      return std::find(list.begin(), list.end(), value) != list.end();
    };
    if (contains(settings.exclude_tools, spec.name)) {
      return "exclude_tools (--exclude-tools, ACTIVECAMPAIGN_EXCLUDE_TOOLS) turns it off";
    }
    if (settings.read_only && !spec.read_only) {
      return "it changes data and the server is read-only (--read-only, "
             "ACTIVECAMPAIGN_READ_ONLY)";
    }
    if (settings.toolsets.empty() && settings.tools.empty()) return {};
    if (contains(settings.toolsets, spec.toolset) || contains(settings.tools, spec.name)) return {};
    return "its toolset \"" + spec.toolset +
           "\" is not among toolsets (--toolsets, ACTIVECAMPAIGN_TOOLSETS) and it is not among "
           "tools (--tools, ACTIVECAMPAIGN_TOOLS)";
  }
};

ToolRegistry::ToolRegistry(ac::Upstream& upstream, ToolSettings settings)
    : ToolRegistry(upstream, embedded_schema_files(), std::move(settings)) {}

ToolRegistry::ToolRegistry(ac::Upstream& upstream, std::span<const EmbeddedFile> files,
                           ToolSettings settings)
    : impl_(std::make_unique<Impl>(upstream, std::move(settings))) {
  impl_->load(files);
}

ToolRegistry::~ToolRegistry() = default;

const json& ToolRegistry::tool_definitions() const { return impl_->definitions; }

std::shared_ptr<const std::string> ToolRegistry::tool_definitions_text() const {
  // On first use rather than at start-up: start-up time is what a client waits for first.
  std::call_once(impl_->definitions_text_once, [this] {
    impl_->definitions_text =
        std::make_shared<const std::string>(util::compact_json(impl_->definitions));
  });
  return impl_->definitions_text;
}

bool ToolRegistry::has_tool(std::string_view name) const { return impl_->index.contains(name); }

std::string ToolRegistry::unavailable_reason(std::string_view name) const {
  const auto found = impl_->hidden.find(name);
  return found == impl_->hidden.end() ? std::string() : found->second;
}

boost::asio::awaitable<mcp::ToolResult> ToolRegistry::call_tool(std::string name, json arguments,
                                                                mcp::ToolCallContext call) {
  const auto caller = call.caller;
  // The caller asked has_tool first; at() turns a call that did not into an exception.
  const ToolSpec& spec = impl_->tools[impl_->index.at(name)];
  Envelope envelope;
  try {
    if (arguments.is_null()) arguments = json::object();
    if (arguments.is_object()) schema::apply_defaults(spec.input_schema, arguments);
    if (auto error = schema::coerce_and_validate(spec.input_schema, arguments)) {
      co_return tool_result(
          invalid_input(spec.title, spec.data_key, spec.empty_data, error->message));
    }
    // Every step and every upstream wait of this call gets a larger progress value.
    std::shared_ptr<ProgressTracker> tracker;
    if (call.progress) {
      tracker = std::make_shared<ProgressTracker>(std::move(call.progress));
      call.progress = [tracker](double step, double total, const std::string& message) {
        tracker->step(step, total, message);
      };
    }
    ProgressUpstream upstream(impl_->upstream, tracker, caller, call.account);
    ToolContext context{upstream, std::move(call)};
    if (spec.handler.empty()) {
      envelope = co_await run_row(spec, spec.upstream, arguments, context);
    } else {
      envelope =
          co_await multi_step_handlers().find(spec.handler)->second(spec, arguments, context);
    }
  } catch (const std::exception& error) {
    // A bug, not an input or upstream problem: keep the process and the protocol alive.
    const util::LogCallerScope log_as(caller);
    spdlog::error("tool {} failed unexpectedly: {}", spec.name, error.what());
    envelope = Envelope{};
    envelope.data_key = spec.data_key;
    envelope.data = spec.empty_data;
    envelope.status_code = kNoResponse;
    envelope.error_message = spec.title + " failed: internal error (" + error.what() + ").";
  }
  if (!impl_->settings.full_results) compact_records(envelope.data);
  mcp::ToolResult result = tool_result(std::move(envelope));
  if (spec.paged) {
    // Validated and coerced by now: a whole number >= 0 when given.
    const auto offset = arguments.is_object() ? arguments.find("Offset") : arguments.end();
    cut_page(
        result, impl_->settings.max_result_chars,
        offset != arguments.end() && offset->is_number_integer() ? offset->get<std::uint64_t>() : 0,
        spec.records_key);
  }
  co_return result;
}

}  // namespace acmcp::tools
