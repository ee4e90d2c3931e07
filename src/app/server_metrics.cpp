// Metric definitions and the recording decorators around the upstream and the tools.
#include "app/server_metrics.hpp"

#include <array>
#include <chrono>

namespace acmcp::app {

namespace {

constexpr const char* kHttpRequests = "acmcp_http_requests_total";
constexpr const char* kHttpSessions = "acmcp_http_sessions";
constexpr const char* kToolCalls = "acmcp_tool_calls_total";
constexpr const char* kToolDuration = "acmcp_tool_call_duration_seconds";
constexpr const char* kUpstreamRequests = "acmcp_upstream_requests_total";
constexpr const char* kUpstreamDuration = "acmcp_upstream_request_duration_seconds";
constexpr const char* kUpstreamRetries = "acmcp_upstream_retries_total";
constexpr const char* kRateLimitWaits = "acmcp_upstream_rate_limit_waits_total";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Label values from a fixed set, so a client cannot grow the number of series.
std::string method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kKnown = {"GET", "POST",    "DELETE",
                                                             "PUT", "OPTIONS", "HEAD"};
  for (auto known : kKnown) {
    if (method == known) return std::string(known);
  }
  return "other";
}

}  // namespace

ServerMetrics::ServerMetrics() {
  registry_.describe_counter(kHttpRequests, "HTTP responses sent, by request method and status.");
  registry_.describe_counter(kToolCalls,
                             "Tool calls by tool, envelope StatusCode (-1 invalid input, 200 "
                             "upstream answered, 500 no usable answer) and isError.");
  registry_.describe_histogram(kToolDuration, "Tool call duration in seconds, by tool.",
                               metrics::default_latency_buckets());
  registry_.describe_counter(kUpstreamRequests,
                             "ActiveCampaign request attempts by HTTP status (0 = no response: "
                             "timeout, connection or TLS failure).");
  registry_.describe_histogram(kUpstreamDuration,
                               "ActiveCampaign request attempt duration in seconds.",
                               metrics::default_latency_buckets());
  registry_.describe_counter(kUpstreamRetries,
                             "ActiveCampaign requests sent again after a 429, 5xx or network "
                             "failure.");
  registry_.describe_counter(kRateLimitWaits,
                             "Times a request waited for the client-side rate limit.");
  set_session_gauge({});
}

void ServerMetrics::http_response(std::string_view method, int status) {
  registry_.increment(kHttpRequests,
                      {{"method", method_label(method)}, {"status", std::to_string(status)}});
}

void ServerMetrics::set_session_gauge(std::function<double()> read) {
  registry_.describe_gauge(kHttpSessions, "Open MCP sessions on the HTTP transport.",
                           std::move(read));
}

boost::asio::awaitable<ac::Response> MeteredUpstream::send(ac::Request request,
                                                           ac::SendObserver observer) {
  auto& metrics = metrics_;
  observer.on_attempt = [&metrics, outer = std::move(observer.on_attempt)](
                            int status, std::chrono::nanoseconds elapsed) {
    metrics.registry().increment(kUpstreamRequests, {{"status", std::to_string(status)}});
    metrics.registry().observe(kUpstreamDuration, {},
                               std::chrono::duration<double>(elapsed).count());
    if (outer) outer(status, elapsed);
  };
  observer.on_rate_limit_wait =
      [&metrics, outer = std::move(observer.on_rate_limit_wait)](std::chrono::nanoseconds waited) {
        metrics.registry().increment(kRateLimitWaits);
        if (outer) outer(waited);
      };
  ac::Response response = co_await inner_.send(std::move(request), std::move(observer));
  if (response.attempts > 1)
    metrics.registry().increment(kUpstreamRetries, {}, response.attempts - 1);
  co_return response;
}

boost::asio::awaitable<mcp::ToolResult> MeteredTools::call_tool(std::string name,
                                                                nlohmann::json arguments,
                                                                mcp::ToolCallContext context) {
  const auto start = Clock::now();
  const std::string tool = inner_.has_tool(name) ? name : "unknown";
  mcp::ToolResult result =
      co_await inner_.call_tool(std::move(name), std::move(arguments), std::move(context));
  metrics_.registry().increment(kToolCalls, {{"tool", tool},
                                             {"status", std::to_string(result.status_code)},
                                             {"is_error", result.is_error ? "true" : "false"}});
  metrics_.registry().observe(kToolDuration, {{"tool", tool}}, seconds_since(start));
  co_return result;
}

}  // namespace acmcp::app
