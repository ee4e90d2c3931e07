// Calls a tool on an io_context and returns its envelope, checking the ToolResult's form
// (isError matches ErrorMessage; status_code is the envelope's StatusCode); and the JSON a client
// receives for a message or a tool result. Shared by test fixtures.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/session.hpp"
#include "mcp/tool_provider.hpp"
#include "util/compact_json.hpp"

namespace acmcp::testkit {

// A message as a transport writes it and a client parses it: parts serialised already
// (util::raw_json) are JSON values again.
inline nlohmann::json as_sent(const nlohmann::json& message) {
  return nlohmann::json::parse(
      util::compact_json(message, nlohmann::json::error_handler_t::replace));
}

// The CallToolResult a client receives for `result`.
inline nlohmann::json as_sent(const mcp::ToolResult& result) {
  return as_sent(mcp::call_tool_result(result));
}

inline nlohmann::json call_tool_checked(boost::asio::io_context& io, mcp::ToolProvider& tools,
                                        const std::string& tool, nlohmann::json args) {
  mcp::ToolResult result =
      boost::asio::co_spawn(io, tools.call_tool(tool, std::move(args), {}), boost::asio::use_future)
          .get();
  const nlohmann::json& envelope = result.envelope;
  EXPECT_EQ(result.is_error, !envelope.at("ErrorMessage").get<std::string>().empty());
  EXPECT_EQ(result.status_code, envelope.at("StatusCode").get<int>());
  return std::move(result.envelope);
}

}  // namespace acmcp::testkit
