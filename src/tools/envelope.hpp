// The result envelope every tool returns, and how an upstream response maps onto it
// (docs/decisions.md, "The envelope").
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "activecampaign/upstream.hpp"
#include "mcp/tool_provider.hpp"

namespace acmcp::tools {

inline constexpr int kInvalidInput = -1;  // arguments rejected; nothing sent upstream
inline constexpr int kCompleted = 200;    // an HTTP response came back (any status)
inline constexpr int kNoResponse = 500;   // timeout, refused/reset connection, TLS, not JSON

struct Envelope {
  std::string data_key;
  nlohmann::json data = nlohmann::json::object();
  int original_status = 0;
  int status_code = kCompleted;
  std::string error_message;

  // {<data_key>, OriginalStatusCode, StatusCode, ErrorMessage}; the rvalue form moves the data.
  nlohmann::json to_json() const&;
  nlohmann::json to_json() &&;
};

// Who failed, for the first words of an error message.
struct OperationLabel {
  std::string title;      // "Create a List"
  std::string step;       // "" for one-call tools; else e.g. "looking for an existing list"
  std::string not_found;  // what a 404 means, e.g. "list 12"; "" = "the requested record"
};

// True when an HTTP 2xx response came back with a usable body.
bool succeeded(const ac::Response& response);

// The sentence for a failed response ("" when it succeeded), starting with the operation, e.g.
// "Update a Tag failed: tag 12 was not found (HTTP 404: No Result found for Tag with id 12)."
std::string failure_message(const OperationLabel& label, const ac::Response& response);

// Sets OriginalStatusCode, StatusCode and ErrorMessage from `response`; on failure the data
// becomes `empty_data`.
void apply_response(Envelope& envelope, const OperationLabel& label, const ac::Response& response,
                    const nlohmann::json& empty_data);

// A StatusCode -1 envelope: the arguments were rejected before anything was sent.
Envelope invalid_input(const std::string& title, const std::string& data_key,
                       const nlohmann::json& empty_data, const std::string& message);

// The result of a tool call that produced `envelope`; isError when it carries an ErrorMessage.
mcp::ToolResult tool_result(Envelope envelope);  // pass an rvalue to move the data

}  // namespace acmcp::tools
