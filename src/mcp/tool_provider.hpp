// The protocol layer's view of the tools: a list of definitions and a way to call one.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "activecampaign/account.hpp"

namespace acmcp::mcp {

struct ToolCallContext {
  // Which session calls: each gets its turn at the upstream's rate limit.
  std::uint64_t caller = 0;
  // The upstream account the session's client supplied for itself; null: the server's own.
  std::shared_ptr<const ac::Account> account;
  // Reports progress (only set when the client sent a progressToken); safe from any thread.
  // total <= 0 means unknown and an empty message is omitted. The protocol requires each value
  // to be larger than the one before; the provider keeps them so, as only it knows which of its
  // reports come in what order.
  std::function<void(double progress, double total, const std::string& message)> progress;
};

// What a tool call produced. Kept as values rather than as the CallToolResult's JSON, so that
// whoever counts outcomes reads fields and the envelope is serialised once, when the response is
// written (call_tool_result in session.hpp).
struct ToolResult {
  // {<data>, OriginalStatusCode, StatusCode, ErrorMessage}: the structuredContent, and as compact
  // JSON the first text block.
  nlohmann::json envelope;
  int status_code = 0;  // the envelope's StatusCode
  bool is_error = false;
  std::string note;  // a second text block, e.g. where a cut page continues; "" for none
};

class ToolProvider {
 public:
  virtual ~ToolProvider() = default;
  // The `tools` array for tools/list: name, title, description, inputSchema, outputSchema,
  // annotations.
  virtual const nlohmann::json& tool_definitions() const = 0;
  // The same array as compact JSON text. A provider whose list never changes may compute it
  // once: tools/list then costs a copy of the text instead of a copy and a serialisation of
  // the whole tree (about 200 kB for our 63 tools).
  virtual std::shared_ptr<const std::string> tool_definitions_text() const {
    return std::make_shared<const std::string>(tool_definitions().dump());
  }
  virtual bool has_tool(std::string_view name) const = 0;
  // Why a tool that exists is not served (a setting hides it), as a sentence for the caller's
  // error; "" when the name is simply unknown.
  virtual std::string unavailable_reason(std::string_view) const { return {}; }
  // Only called for a name has_tool accepts. Never throws for bad arguments or upstream
  // failures (those are envelopes).
  virtual boost::asio::awaitable<ToolResult> call_tool(std::string name, nlohmann::json arguments,
                                                       ToolCallContext context) = 0;
};

}  // namespace acmcp::mcp
