// Calls a tool on an io_context and returns its envelope, checking the CallToolResult's form
// (isError matches ErrorMessage; the text block is the envelope's JSON). Shared by test fixtures.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/tool_provider.hpp"

namespace acmcp::testkit {

inline nlohmann::json call_tool_checked(boost::asio::io_context& io, mcp::ToolProvider& tools,
                                        const std::string& tool, nlohmann::json args) {
  nlohmann::json result =
      boost::asio::co_spawn(io, tools.call_tool(tool, std::move(args), {}), boost::asio::use_future)
          .get();
  const nlohmann::json& envelope = result.at("structuredContent");
  EXPECT_EQ(result.at("isError").get<bool>(),
            !envelope.at("ErrorMessage").get<std::string>().empty());
  EXPECT_EQ(result.at("content").at(0).at("text").get<std::string>(), envelope.dump());
  return envelope;
}

}  // namespace acmcp::testkit
