// Rate-limit fidelity: the client-side limiter against a sandbox that enforces ActiveCampaign's
// 5 requests per second (sliding window per token) through the real tool registry and client.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "activecampaign/client.hpp"
#include "sandbox/sandbox_server.hpp"
#include "tools/tool_registry.hpp"

namespace acmcp::faults {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kCalls = 100;
constexpr double kRate = 5;

class RateLimitFidelity : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  // Two threads, like the server's pool, so calls really run side by side.
  std::thread runner_a{[this] { io.run(); }};
  std::thread runner_b{[this] { io.run(); }};
  std::unique_ptr<sandbox::SandboxServer> sandbox;
  std::unique_ptr<ac::Client> client;
  std::unique_ptr<tools::ToolRegistry> registry;

  void SetUp() override {
    sandbox::SandboxOptions options;
    options.rate_limit = true;
    options.rate_per_second = kRate;
    sandbox = std::make_unique<sandbox::SandboxServer>(io.get_executor(), options);
    ac::ClientConfig config;  // the product's defaults but for the address
    config.api_url = sandbox->base_url();
    config.token = sandbox->token();
    config.max_rps = kRate;
    client = std::make_unique<ac::Client>(io.get_executor(), config);
    registry = std::make_unique<tools::ToolRegistry>(*client);
  }

  void TearDown() override {
    sandbox->stop();
    registry.reset();
    client.reset();
    guard.reset();
    io.stop();
    runner_a.join();
    runner_b.join();
    sandbox.reset();
  }
};

TEST_F(RateLimitFidelity, HundredConcurrentCallsAllSucceedWithoutA429InAboutTwentySeconds) {
  std::vector<std::future<mcp::ToolResult>> calls;
  const auto start = Clock::now();
  for (int i = 0; i < kCalls; ++i) {
    calls.push_back(boost::asio::co_spawn(
        io, registry->call_tool("get_contact", {{"ContactId", 1 + i % 3}}, {}),
        boost::asio::use_future));
  }
  int succeeded = 0;
  for (auto& call : calls) {
    const mcp::ToolResult result = call.get();
    const json& envelope = result.envelope;
    EXPECT_EQ(envelope.at("StatusCode"), 200) << envelope.dump();
    EXPECT_EQ(envelope.at("OriginalStatusCode"), 200) << envelope.dump();
    EXPECT_EQ(envelope.at("ErrorMessage"), "") << envelope.dump();
    succeeded += envelope.value("ErrorMessage", "x").empty() ? 1 : 0;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(succeeded, kCalls);

  // get_contact makes one upstream request. A 429 is retried (a second request in the log) or,
  // once retries run out, fails the call; so exactly kCalls requests and every call a success
  // mean the sandbox answered no 429 at all.
  EXPECT_EQ(sandbox->requests().size(), static_cast<std::size_t>(kCalls));

  // 100 requests at 5 per second need at least 20 s of rate budget (19 full windows after the
  // first burst); within 10% of that.
  std::cout << "[ figure   ] " << kCalls << " concurrent tool calls at " << kRate
            << " requests/s took " << seconds << " s (target 18-22 s)\n";
  EXPECT_GE(seconds, 18.0);
  EXPECT_LE(seconds, 22.0);
}

}  // namespace
}  // namespace acmcp::faults
