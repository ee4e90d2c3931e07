// ServerMetrics and its decorators: what a tool call, an upstream request and an HTTP response
// add to the /metrics text.
#include "app/server_metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

using nlohmann::json;
using testing::HasSubstr;
using testing::Not;

namespace acmcp::app {
namespace {

template <typename T>
T run(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  io.run();
  return future.get();
}

// Answers with a fixed status: -1 for "invalid", else 200.
class FixedTools final : public mcp::ToolProvider {
 public:
  const json& tool_definitions() const override { return definitions_; }
  bool has_tool(std::string_view name) const override { return name != "missing"; }
  boost::asio::awaitable<mcp::ToolResult> call_tool(std::string name, json,
                                                    mcp::ToolCallContext) override {
    const int status = name == "invalid" ? -1 : 200;
    co_return mcp::ToolResult{{{"StatusCode", status}}, status, status != 200, ""};
  }

 private:
  json definitions_ = json::array();
};

// Reports attempts and rate-limit waits as a real client would.
class ScriptedUpstream final : public ac::Upstream {
 public:
  std::vector<int> attempt_statuses;
  int rate_limit_waits = 0;
  boost::asio::awaitable<ac::Response> send(ac::Request, ac::SendObserver observer) override {
    ac::Response response;
    for (int i = 0; i < rate_limit_waits; ++i) {
      if (observer.on_rate_limit_wait) observer.on_rate_limit_wait(std::chrono::milliseconds(200));
    }
    for (int status : attempt_statuses) {
      if (observer.on_attempt) observer.on_attempt(status, std::chrono::milliseconds(20));
      ++response.attempts;
      response.status = status;
    }
    co_return response;
  }
};

TEST(ServerMetrics, EveryMetricIsDescribedFromTheStart) {
  ServerMetrics metrics;
  const std::string text = metrics.render();
  for (const char* name :
       {"acmcp_http_requests_total", "acmcp_http_sessions", "acmcp_tool_calls_total",
        "acmcp_tool_call_duration_seconds", "acmcp_upstream_requests_total",
        "acmcp_upstream_request_duration_seconds", "acmcp_upstream_retries_total",
        "acmcp_upstream_rate_limit_waits_total"}) {
    EXPECT_THAT(text, HasSubstr(std::string("# TYPE ") + name + " ")) << name;
  }
}

TEST(ServerMetrics, HttpResponsesAreCountedByMethodAndStatus) {
  ServerMetrics metrics;
  metrics.http_response("POST", 200);
  metrics.http_response("POST", 200);
  metrics.http_response("GET", 405);
  const std::string text = metrics.render();
  EXPECT_THAT(text, HasSubstr("acmcp_http_requests_total{method=\"POST\",status=\"200\"} 2"));
  EXPECT_THAT(text, HasSubstr("acmcp_http_requests_total{method=\"GET\",status=\"405\"} 1"));
}

TEST(ServerMetrics, UnusualMethodsShareOneLabel) {
  ServerMetrics metrics;
  metrics.http_response("BREW", 405);
  metrics.http_response("", 400);
  const std::string text = metrics.render();
  EXPECT_THAT(text, HasSubstr("method=\"other\",status=\"405\""));
  EXPECT_THAT(text, HasSubstr("method=\"other\",status=\"400\""));
  EXPECT_THAT(text, Not(HasSubstr("BREW")));
}

TEST(ServerMetrics, SessionGaugeReadsTheGivenCount) {
  ServerMetrics metrics;
  metrics.set_session_gauge([] { return 3.0; });
  EXPECT_THAT(metrics.render(), HasSubstr("acmcp_http_sessions 3\n"));
}

TEST(MeteredTools, CountsCallsByToolStatusAndIsError) {
  ServerMetrics metrics;
  FixedTools inner;
  MeteredTools tools(inner, metrics);
  run(tools.call_tool("ok", json::object(), {}));
  run(tools.call_tool("invalid", json::object(), {}));
  const std::string text = metrics.render();
  EXPECT_THAT(text,
              HasSubstr("acmcp_tool_calls_total{tool=\"ok\",status=\"200\",is_error=\"false\"} 1"));
  EXPECT_THAT(
      text,
      HasSubstr("acmcp_tool_calls_total{tool=\"invalid\",status=\"-1\",is_error=\"true\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_tool_call_duration_seconds_count{tool=\"ok\"} 1"));
}

TEST(MeteredTools, UnknownToolNamesShareOneLabel) {
  ServerMetrics metrics;
  FixedTools inner;
  MeteredTools tools(inner, metrics);
  run(tools.call_tool("missing", json::object(), {}));
  const std::string text = metrics.render();
  EXPECT_THAT(text, HasSubstr("tool=\"unknown\""));
  EXPECT_THAT(text, Not(HasSubstr("tool=\"missing\"")));
}

TEST(MeteredTools, PassesDefinitionsThrough) {
  ServerMetrics metrics;
  FixedTools inner;
  MeteredTools tools(inner, metrics);
  EXPECT_EQ(&tools.tool_definitions(), &inner.tool_definitions());
  EXPECT_FALSE(tools.has_tool("missing"));
}

TEST(MeteredUpstream, CountsAttemptsByStatusAndRetries) {
  ServerMetrics metrics;
  ScriptedUpstream inner;
  inner.attempt_statuses = {429, 503, 200};
  MeteredUpstream upstream(inner, metrics);
  const auto response = run(upstream.send(ac::Request{"GET", "/tags", {}, {}}, {}));
  EXPECT_EQ(response.status, 200);
  const std::string text = metrics.render();
  EXPECT_THAT(text, HasSubstr("acmcp_upstream_requests_total{status=\"429\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_upstream_requests_total{status=\"503\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_upstream_requests_total{status=\"200\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_upstream_retries_total 2"));
  EXPECT_THAT(text, HasSubstr("acmcp_upstream_request_duration_seconds_count 3"));
}

TEST(MeteredUpstream, NoResponseCountsAsStatusZero) {
  ServerMetrics metrics;
  ScriptedUpstream inner;
  inner.attempt_statuses = {0};
  MeteredUpstream upstream(inner, metrics);
  run(upstream.send(ac::Request{"GET", "/tags", {}, {}}, {}));
  EXPECT_THAT(metrics.render(), HasSubstr("acmcp_upstream_requests_total{status=\"0\"} 1"));
  EXPECT_THAT(metrics.render(), Not(HasSubstr("acmcp_upstream_retries_total 1")));
}

TEST(MeteredUpstream, CountsRateLimitWaitsAndKeepsTheCallersObserver) {
  ServerMetrics metrics;
  ScriptedUpstream inner;
  inner.attempt_statuses = {200};
  inner.rate_limit_waits = 2;
  MeteredUpstream upstream(inner, metrics);
  int seen_waits = 0;
  int seen_attempts = 0;
  ac::SendObserver observer;
  observer.on_rate_limit_wait = [&](std::chrono::nanoseconds) { ++seen_waits; };
  observer.on_attempt = [&](int, std::chrono::nanoseconds) { ++seen_attempts; };
  run(upstream.send(ac::Request{"GET", "/tags", {}, {}}, observer));
  EXPECT_THAT(metrics.render(), HasSubstr("acmcp_upstream_rate_limit_waits_total 2"));
  EXPECT_EQ(seen_waits, 2);
  EXPECT_EQ(seen_attempts, 1);
}

}  // namespace
}  // namespace acmcp::app
