// The real path for tools tests: registry -> ac::Client -> loopback HTTP -> SandboxServer, with
// helpers to call a tool, read what the sandbox received and inject faults.
#pragma once
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_future.hpp>
#include <map>
#include <memory>
#include <thread>

#include "activecampaign/client.hpp"
#include "sandbox/sandbox_server.hpp"
#include "testkit/sandbox_faults.hpp"
#include "testkit/tool_call.hpp"
#include "tool_test_support.hpp"

namespace acmcp::tools {

using json = nlohmann::json;
using Query = std::multimap<std::string, std::string>;

// Sends through the client of the test that is running. Building a registry loads and checks every
// schema (most of a test's time in a Debug build), and it keeps no state between calls, so one
// registry serves every test through this.
class ClientOfTheRunningTest final : public ac::Upstream {
 public:
  ac::Upstream* client = nullptr;

  boost::asio::awaitable<ac::Response> send(ac::Request request,
                                            ac::SendObserver observer) override {
    co_return co_await client->send(std::move(request), std::move(observer));
  }
};

class SandboxTools : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread runner{[this] { io.run(); }};
  std::unique_ptr<sandbox::SandboxServer> sandbox;
  std::unique_ptr<ac::Client> client;
  ToolRegistry* registry = nullptr;

  static ClientOfTheRunningTest& running_client() {
    static ClientOfTheRunningTest upstream;
    return upstream;
  }

  void SetUp() override {
    sandbox = std::make_unique<sandbox::SandboxServer>(io.get_executor());
    ac::ClientConfig config;
    config.api_url = sandbox->base_url();
    config.token = sandbox->token();
    config.timeout = std::chrono::milliseconds(3000);
    config.max_retries = 0;  // a fault then shows on the first attempt
    config.max_rps = 0;
    config.backoff_base = std::chrono::milliseconds(1);
    config.backoff_max = std::chrono::milliseconds(2);
    client = std::make_unique<ac::Client>(io.get_executor(), config);
    running_client().client = client.get();
    static ToolRegistry shared_registry{running_client()};
    registry = &shared_registry;
  }

  void TearDown() override {
    sandbox->stop();
    running_client().client = nullptr;
    client.reset();
    guard.reset();
    io.stop();
    runner.join();
    sandbox.reset();
  }

  // Calls a tool and returns the envelope (structuredContent), checking the result's form.
  json call(const std::string& tool, json args) {
    return testkit::call_tool_checked(io, *registry, tool, std::move(args));
  }

  std::vector<sandbox::RecordedRequest> log() const { return sandbox->requests(); }

  // Answers every request with a connection reset.
  void reset_everything() {
    testkit::Fault fault;
    fault.kind = testkit::Fault::Kind::Reset;
    fault.count = -1;
    testkit::add_fault(*sandbox, fault);
  }

  void answer(const std::string& method, const std::string& path, int status,
              std::string body = "{}") {
    testkit::Fault fault;
    fault.kind = testkit::Fault::Kind::Status;
    fault.method = method;
    fault.path_prefix = path;
    fault.status = status;
    fault.body = std::move(body);
    fault.count = -1;
    testkit::add_fault(*sandbox, fault);
  }

  json store(const std::string& method, const std::string& path, Query query = {}) {
    return sandbox->handle(method, path, query, nullptr).second;
  }
};

inline void expect_request(const sandbox::RecordedRequest& request, const std::string& method,
                           const std::string& path, const Query& query = {},
                           const json& body = nullptr) {
  EXPECT_EQ(request.method, method);
  EXPECT_EQ(request.path, path);
  EXPECT_EQ(request.query, query);
  EXPECT_EQ(request.body, body);
}

}  // namespace acmcp::tools
