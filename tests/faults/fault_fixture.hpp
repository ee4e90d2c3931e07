// The real path for fault tests: tool registry -> ac::Client -> loopback SandboxServer (or any
// URL), with small timeouts and backoffs so every failure class finishes quickly.
#pragma once
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "activecampaign/client.hpp"
#include "sandbox/sandbox_server.hpp"
#include "testkit/sandbox_faults.hpp"
#include "testkit/tool_call.hpp"
#include "tools/tool_registry.hpp"

namespace acmcp::faults {

using json = nlohmann::json;
using namespace std::chrono_literals;
using Kind = testkit::Fault::Kind;

// A deal the sandbox's demo data accepts (contact 2, pipeline 1, stage 1).
inline const json kNewDeal = {{"Title", "Fault test deal"}, {"ContactId", 2}, {"Value", 1000},
                              {"Currency", "USD"},          {"StageId", 1},   {"PipelineId", 1}};

inline ac::ClientConfig fast_config(std::string url, std::string token) {
  ac::ClientConfig config;
  config.api_url = std::move(url);
  config.token = std::move(token);
  config.timeout = 400ms;
  config.max_retries = 2;
  config.max_rps = 0;
  config.backoff_base = 1ms;
  config.backoff_max = 4ms;
  return config;
}

class FaultTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread runner{[this] { io.run(); }};
  std::unique_ptr<sandbox::SandboxServer> sandbox =
      std::make_unique<sandbox::SandboxServer>(io.get_executor());
  std::unique_ptr<ac::Client> client;
  std::unique_ptr<tools::ToolRegistry> registry;

  void SetUp() override { connect(fast_config(sandbox->base_url(), sandbox->token())); }

  // Points the registry at another upstream or gives the client other limits.
  void connect(ac::ClientConfig config) {
    registry.reset();
    client = std::make_unique<ac::Client>(io.get_executor(), std::move(config));
    registry = std::make_unique<tools::ToolRegistry>(*client);
  }

  void TearDown() override {
    sandbox->stop();
    registry.reset();
    client.reset();
    guard.reset();
    io.stop();
    runner.join();
    sandbox.reset();
  }

  // Calls a tool through the registry; returns the envelope after checking the result's form.
  json call(const std::string& tool, json args) {
    return testkit::call_tool_checked(io, *registry, tool, std::move(args));
  }

  json get_deal() { return call("get_deal", {{"DealId", 1}}); }
  json create_deal() { return call("create_deal", kNewDeal); }

  void inject(testkit::Fault fault) { testkit::add_fault(*sandbox, std::move(fault)); }
  void inject(Kind kind, int count = -1) {
    testkit::Fault fault;
    fault.kind = kind;
    fault.count = count;
    inject(fault);
  }
  void inject_status(int status, int count = -1, std::map<std::string, std::string> headers = {},
                     std::string body = R"({"message":"Injected failure"})") {
    testkit::Fault fault;
    fault.kind = Kind::Status;
    fault.status = status;
    fault.count = count;
    fault.headers = std::move(headers);
    fault.body = std::move(body);
    inject(fault);
  }

  std::size_t requests_seen() const { return sandbox->requests().size(); }
  std::size_t deals_titled(const std::string& title) {
    const json deals =
        sandbox->handle("GET", "/deals", {{"limit", "100"}}, nullptr).second.value("deals", json());
    std::size_t count = 0;
    for (const auto& deal : deals) count += deal.value("title", "") == title ? 1 : 0;
    return count;
  }
  std::size_t fault_deals() { return deals_titled("Fault test deal"); }
};

// The envelope of a call that got no usable response.
inline void expect_no_response(const json& envelope, const std::string& data_key,
                               int original_status) {
  EXPECT_EQ(envelope.at("StatusCode"), 500);
  EXPECT_EQ(envelope.at("OriginalStatusCode"), original_status);
  EXPECT_EQ(envelope.at(data_key), json::object());
  EXPECT_EQ(envelope.size(), 4u);
}

// The envelope of a call that got an upstream error answer.
inline void expect_upstream_error(const json& envelope, const std::string& data_key,
                                  int original_status) {
  EXPECT_EQ(envelope.at("StatusCode"), 200);
  EXPECT_EQ(envelope.at("OriginalStatusCode"), original_status);
  EXPECT_EQ(envelope.at(data_key), json::object());
  EXPECT_EQ(envelope.size(), 4u);
}

inline std::string message_of(const json& envelope) {
  return envelope.at("ErrorMessage").get<std::string>();
}

}  // namespace acmcp::faults
