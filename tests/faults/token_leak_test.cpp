// The API token and the bearer token never leave the process: every failure class runs through
// the real binary (stdio and HTTP, LOG_LEVEL=trace) and all of its output is searched for them.
#include <gtest/gtest-spi.h>

#include <csignal>
#include <regex>
#include <thread>

#include "fault_fixture.hpp"
#include "testkit/http_client.hpp"
#include "testkit/mcp_process.hpp"
#include "testkit/test_server.hpp"

namespace acmcp::faults {
namespace {

using testkit::HttpClient;
using testkit::HttpResult;
using testkit::McpProcess;

const std::string kApiToken = "tok-LEAKCHECK-7f3a9";
const std::string kBearerToken = "bearer-LEAKCHECK-91c2";
const std::string kTlsDir = std::string(ACMCP_TEST_DATA_DIR) + "/tls/";

struct FailureClass {
  std::string name;
  testkit::Fault fault;
};

testkit::Fault make(Kind kind, int status = 500, std::map<std::string, std::string> headers = {},
                    std::string body = R"({"message":"Injected"})") {
  testkit::Fault fault;
  fault.kind = kind;
  fault.count = -1;
  fault.status = status;
  fault.headers = std::move(headers);
  fault.body = std::move(body);
  return fault;
}

std::vector<FailureClass> sandbox_failure_classes() {
  testkit::Fault oversized = make(Kind::Oversized);
  oversized.size = 2 * 1024 * 1024;  // over the 1 MiB ACTIVECAMPAIGN_MAX_BODY_BYTES below
  testkit::Fault html_502 = make(Kind::ContentType, 502, {}, "<html>Bad Gateway</html>");
  return {
      {"reset", make(Kind::Reset)},
      {"reset after headers", make(Kind::ResetAfterHeaders)},
      {"timeout before headers", make(Kind::StallBeforeHeaders)},
      {"timeout mid-body", make(Kind::StallMidBody)},
      {"429 Retry-After seconds", make(Kind::Status, 429, {{"Retry-After", "0"}})},
      {"429 Retry-After date",
       make(Kind::Status, 429, {{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}})},
      {"429 without Retry-After", make(Kind::Status, 429)},
      {"401", make(Kind::Status, 401, {}, R"({"message":"Invalid API token"})")},
      {"403", make(Kind::Status, 403)},
      {"500", make(Kind::Status, 500)},
      {"502", make(Kind::Status, 502)},
      {"503", make(Kind::Status, 503)},
      {"504", make(Kind::Status, 504)},
      {"non-JSON", make(Kind::NonJson)},
      {"truncated JSON", make(Kind::Truncated)},
      {"oversized body", oversized},
      {"wrong content type", html_502},
      {"404 echoing the token",
       make(Kind::Status, 404, {}, R"({"message":"No Result for tok-LEAKCHECK-7f3a9"})")},
      {"422 echoing the token escaped",
       make(Kind::Status, 422, {}, R"({"errors":[{"title":"tok\u002dLEAKCHECK-7f3a9"}]})")},
  };
}

std::map<std::string, std::string> environment(const std::string& api_url) {
  return {{"ACTIVECAMPAIGN_API_URL", api_url},
          {"ACTIVECAMPAIGN_API_TOKEN", kApiToken},
          {"ACTIVECAMPAIGN_TIMEOUT_MS", "300"},
          {"ACTIVECAMPAIGN_MAX_RETRIES", "1"},
          {"ACTIVECAMPAIGN_MAX_RPS", "0"},
          {"ACTIVECAMPAIGN_MAX_BODY_BYTES", "1048576"},
          {"ACTIVECAMPAIGN_CA_FILE", kTlsDir + "ca.pem"},
          {"MCP_AUTH_TOKEN", kBearerToken},
          {"LOG_LEVEL", "trace"}};
}

json tools_call(const json& id, const std::string& tool, json arguments) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params", {{"name", tool}, {"arguments", std::move(arguments)}}}};
}

// Both tokens, and a recognisable part of either, count as a leak.
void expect_no_token(const std::string& text, const std::string& where) {
  std::string found;
  for (const std::string& needle : {kApiToken, kBearerToken, std::string("LEAKCHECK")}) {
    if (const auto at = text.find(needle); at != std::string::npos) {
      found += "\n  \"" + needle + "\" in: " + text.substr(at > 80 ? at - 80 : 0, 200);
    }
  }
  EXPECT_TRUE(found.empty()) << "token text in " << where << ":" << found;
}

TEST(TokenLeakCheck, FindsATokenAnywhereInTheText) {
  EXPECT_NONFATAL_FAILURE(expect_no_token("header: Api-Token tok-LEAKCHECK-7f3a9\n", "text"),
                          "\"tok-LEAKCHECK-7f3a9\" in: header");
  EXPECT_NONFATAL_FAILURE(expect_no_token("Bearer bearer-LEAKCHECK-91c2", "text"),
                          "\"bearer-LEAKCHECK-91c2\" in: Bearer");
}

class TokenLeak : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread runner{[this] { io.run(); }};
  std::unique_ptr<sandbox::SandboxServer> sandbox;
  std::string everything;  // all output seen, searched at the end

  void SetUp() override {
    sandbox::SandboxOptions options;
    options.token = kApiToken;
    sandbox = std::make_unique<sandbox::SandboxServer>(io.get_executor(), options);
  }

  void TearDown() override {
    sandbox->stop();
    guard.reset();
    io.stop();
    runner.join();
    sandbox.reset();
  }

  void arm(const testkit::Fault& fault) {
    testkit::clear_faults(*sandbox);
    testkit::add_fault(*sandbox, fault);
  }

  // Checks a tools/call answer carries a failed envelope, and keeps its text.
  void expect_failure(const json& answer, const std::string& what) {
    everything += answer.dump() + "\n";
    const json envelope = answer.value("result", json()).value("structuredContent", json());
    ASSERT_TRUE(envelope.is_object()) << what << ": " << answer.dump();
    EXPECT_NE(envelope.value("ErrorMessage", ""), "") << what;
    EXPECT_TRUE(answer["result"].value("isError", false)) << what;
  }

  // One stdio process against `api_url`: initialize, the given calls, stdin closed, output kept.
  void run_stdio(const std::string& api_url, const std::function<void(McpProcess&)>& calls) {
    McpProcess server({}, environment(api_url));
    server.initialize();
    calls(server);
    server.close_stdin();
    EXPECT_EQ(server.finish(), 0);
    for (const auto& line : server.stdout_lines()) everything += line + "\n";
    everything += server.stderr_text();
    EXPECT_NE(server.stderr_text().find(" debug "), std::string::npos)
        << "the server ran without debug logging, so the test proves less";
  }
};

TEST_F(TokenLeak, NoTokenInStdioOutputForAnyFailureClass) {
  int id = 0;
  run_stdio(sandbox->base_url(), [&](McpProcess& server) {
    for (const auto& failure : sandbox_failure_classes()) {
      arm(failure.fault);
      expect_failure(server.request(++id, "tools/call",
                                    tools_call(id, "get_deal", {{"DealId", 1}}).at("params")),
                     failure.name);
    }
  });
  EXPECT_GE(sandbox->requests().size(), sandbox_failure_classes().size());
  // Each class really failed as intended, with the limits from the environment.
  for (const char* expected :
       {"connection reset by upstream", "did not answer within 300 ms",
        "rate limit still held after 1 retry", "rejected the API token (HTTP 401",
        "HTTP 503: Injected", "larger than 1048576 bytes", "with a body that is not JSON",
        "HTTP 404: No Result for [redacted]", "HTTP 422: [redacted]", "Content-Type text/html",
        " debug upstream GET /deals/1 failed"}) {
    EXPECT_NE(everything.find(expected), std::string::npos) << expected;
  }
  expect_no_token(everything, "stdio output");
}

TEST_F(TokenLeak, NoTokenWhenTheConnectionIsRefusedOrTlsFails) {
  const std::string refused =
      "http://127.0.0.1:" + std::to_string(testkit::unused_port()) + "/api/3";
  testkit::TestServer other_host({{kTlsDir + "other.example.pem", kTlsDir + "other.example.key"}});
  testkit::TestServer expired({{kTlsDir + "expired.pem", kTlsDir + "expired.key"}});
  for (const auto& url : {refused, other_host.url() + "/api/3", expired.url() + "/api/3"}) {
    run_stdio(url, [&](McpProcess& server) {
      expect_failure(
          server.request(1, "tools/call", tools_call(1, "create_deal", kNewDeal).at("params")),
          url);
    });
  }
  EXPECT_NE(everything.find("certificate has expired"), std::string::npos);
  EXPECT_NE(everything.find("not valid for 127.0.0.1"), std::string::npos);
  expect_no_token(everything, "stdio output");
}

TEST_F(TokenLeak, NoTokenInHttpAnswersLogsOrMetricsForAnyFailureClass) {
  McpProcess server({"--transport", "http", "--port", "0"}, environment(sandbox->base_url()));
  const auto listening = server.wait_for_stderr("/mcp\n");
  ASSERT_TRUE(listening);
  std::smatch match;
  static const std::regex pattern(R"(listening on http://127\.0\.0\.1:(\d+)/mcp)");
  ASSERT_TRUE(std::regex_search(*listening, match, pattern));
  const auto port = static_cast<std::uint16_t>(std::stoi(match[1].str()));

  testkit::Headers headers = {{"Authorization", "Bearer " + kBearerToken}};
  const auto post = [&](const json& message) {
    HttpClient client(port);
    auto answer = client.request("POST", "/mcp", message.dump(), headers, std::chrono::seconds(10));
    if (answer) everything += answer->body + "\n";
    return answer;
  };
  const auto init = post({{"jsonrpc", "2.0"},
                          {"id", "init"},
                          {"method", "initialize"},
                          {"params",
                           {{"protocolVersion", "2025-11-25"},
                            {"capabilities", json::object()},
                            {"clientInfo", {{"name", "leak-check"}, {"version", "1"}}}}}});
  ASSERT_TRUE(init && init->status == 200);
  for (const auto& [name, value] : init->headers) everything += name + ": " + value + "\n";
  headers.emplace_back("Mcp-Session-Id", init->header("mcp-session-id"));
  headers.emplace_back("MCP-Protocol-Version", "2025-11-25");
  post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});

  int id = 0;
  for (const auto& failure : sandbox_failure_classes()) {
    arm(failure.fault);
    const auto answer = post(tools_call(++id, "create_deal", kNewDeal));
    ASSERT_TRUE(answer) << failure.name;
    json message = answer->json();
    if (answer->header("content-type").starts_with("text/event-stream")) {
      const auto events = answer->events();
      message = events.empty() ? json() : events.back();
    }
    expect_failure(message, failure.name);
  }
  // A create is sent again only after a 429 (ACTIVECAMPAIGN_MAX_RETRIES=1: three classes, one
  // retry each), and the store holds one deal per fault that let the upstream act before failing
  // (reset after headers, both stalls, truncated JSON): nothing was written twice.
  std::size_t posts = 0;
  for (const auto& request : sandbox->requests()) posts += request.method == "POST" ? 1 : 0;
  EXPECT_EQ(posts, sandbox_failure_classes().size() + 3);
  std::size_t created = 0;
  for (const auto& deal : sandbox->handle("GET", "/deals", {{"limit", "100"}}, nullptr)
                              .second.value("deals", json::array())) {
    created += deal.value("title", "") == "Fault test deal" ? 1 : 0;
  }
  EXPECT_EQ(created, 4u);
  for (const char* expected :
       {"did not answer within 300 ms", "rate limit still held after 1 retry",
        "larger than 1048576 bytes", "Content-Type text/html"}) {
    EXPECT_NE(everything.find(expected), std::string::npos) << expected;
  }

  HttpClient metrics_client(port);
  const auto metrics = metrics_client.request("GET", "/metrics", "", headers);
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_NE(metrics->body.find("429"), std::string::npos);  // the failures were counted
  everything += metrics->body;

  server.signal(SIGTERM);
  EXPECT_EQ(server.finish(), 0);
  for (const auto& line : server.stdout_lines()) everything += line + "\n";
  everything += server.stderr_text();
  EXPECT_NE(server.stderr_text().find(" debug "), std::string::npos);
  expect_no_token(everything, "HTTP answers, /metrics, stdout or stderr");
}

}  // namespace
}  // namespace acmcp::faults
