// Shared helpers for the tools tests: a scripted fake upstream and a way to run coroutines.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "activecampaign/upstream.hpp"
#include "testkit/tool_call.hpp"
#include "tools/tool_registry.hpp"

namespace acmcp::tools::testing {

using json = nlohmann::json;

inline ac::Response http(int status, json body = json::object()) {
  ac::Response response;
  response.status = status;
  response.body = std::move(body);
  response.attempts = 1;
  return response;
}

inline ac::Response transport_failure(std::string error, int status = 0) {
  ac::Response response;
  response.status = status;
  response.error = std::move(error);
  response.attempts = 1;
  return response;
}

// Records every request and answers from a script (then from `responder`, then 200 {}).
class FakeUpstream final : public ac::Upstream {
 public:
  std::vector<ac::Request> requests;
  std::deque<ac::Response> script;
  std::function<ac::Response(const ac::Request&)> responder;

  boost::asio::awaitable<ac::Response> send(ac::Request request, ac::SendObserver) override {
    requests.push_back(request);
    if (!script.empty()) {
      ac::Response next = std::move(script.front());
      script.pop_front();
      co_return next;
    }
    if (responder) co_return responder(request);
    co_return http(200);
  }
};

// Runs a coroutine to completion on a private io_context and returns its value.
template <typename T>
T run_sync(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr error, T value) {
    failure = error;
    if (!error) result = std::move(value);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

// The CallToolResult a client receives for the call.
inline json call(ToolRegistry& registry, const std::string& name, json arguments,
                 mcp::ToolCallContext context = {}) {
  return testkit::as_sent(
      run_sync(registry.call_tool(name, std::move(arguments), std::move(context))));
}

// The query of a request as "k=v&k=v" (unencoded, in order), for compact assertions.
inline std::string query_text(const ac::Request& request) {
  std::string text;
  for (const auto& [key, value] : request.query) {
    if (!text.empty()) text += '&';
    text += key + "=" + value;
  }
  return text;
}

// The operation spec's facts (tests/data/spec-operations.json); no operations when it is missing,
// which fails the calling test.
inline json operations_spec() {
  std::ifstream in(std::filesystem::path(ACMCP_TEST_DATA_DIR) / "spec-operations.json");
  EXPECT_TRUE(in) << "tests/data/spec-operations.json is missing";
  return in ? json::parse(in) : json{{"operations", json::array()}};
}

// The spec names tools activecampaign_<operation>; the server leaves the prefix out.
inline std::string tool_name(const json& operation) {
  return operation["tool"].get<std::string>().substr(std::string("activecampaign_").size());
}

}  // namespace acmcp::tools::testing
