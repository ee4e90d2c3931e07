// Runs a table row from schemas/*.json: builds the upstream request, sends it, and shapes the data.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activecampaign/upstream.hpp"
#include "tools/envelope.hpp"
#include "tools/tool_context.hpp"
#include "tools/tool_spec.hpp"

namespace acmcp::tools {

// What "$args", "$response" and "$page" refer to while a template is evaluated.
struct TemplateScope {
  const json& args;
  const json* response = nullptr;  // null before the response exists
  const json* page = nullptr;      // null when the row declares no "page"
  const json* item = nullptr;      // the element being mapped inside {"$each", "$item"}
};

// Evaluates one "$root.path|filter" expression; nullopt when it resolves to nothing.
std::optional<json> evaluate_expression(std::string_view expression, const TemplateScope& scope);

// Evaluates a result template (see the top of crud_engine.cpp); nullopt when it resolves to
// nothing at the top level.
std::optional<json> evaluate_template(const json& template_value, const TemplateScope& scope);

// The computed paging values {limit, offset, count, total, hasMore} of a list response.
json page_values(const json& row, const json& args, const json& response);

// The same for a page read at `offset` with page size `limit`, its records under `items`.
json page_values(const std::string& items, long long limit, long long offset, const json& response);

// The names of the {Arg} placeholders in a path, query key or message, left to right. An Arg is
// letters, digits and '_'; other text in braces is no placeholder.
std::vector<std::string> placeholder_names(std::string_view text);

// Replaces each {Arg} in `text` with the argument's value (percent-encoded when asked).
// Throws std::invalid_argument when an argument is absent.
std::string fill_placeholders(std::string_view text, const json& args, bool percent_encode);

// Builds the request a row describes from validated arguments.
// Throws std::invalid_argument when an argument the path needs is absent.
ac::Request build_request(const json& row, const json& args);

// Shapes the envelope for the response to a row: data from "result" on 2xx, else empty data.
Envelope finish_row(const ToolSpec& spec, const json& row, const json& args,
                    const ac::Response& response, const std::string& step = "");

// Sends the row's request and returns the raw response.
boost::asio::awaitable<ac::Response> send_row(const json& row, const json& args,
                                              ToolContext& context);

// A whole one-call tool: send the row's request and shape the envelope.
boost::asio::awaitable<Envelope> run_row(const ToolSpec& spec, const json& row, const json& args,
                                         ToolContext& context, std::string step = "");

}  // namespace acmcp::tools
