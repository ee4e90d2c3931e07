// The server's metrics (served at GET /metrics in http mode) and the decorators that record
// them around the upstream client and the tool registry, so those layers stay metric-free.
#pragma once
#include <memory>
#include <string_view>

#include "activecampaign/upstream.hpp"
#include "mcp/tool_provider.hpp"
#include "metrics/metrics_registry.hpp"

namespace acmcp::app {

// Metric names, all prefixed "acmcp_"; the README lists them.
class ServerMetrics {
 public:
  ServerMetrics();

  // One HTTP response: method (unknown methods count as "other") and status code.
  void http_response(std::string_view method, int status);
  void set_session_gauge(std::function<double()> read);

  metrics::MetricsRegistry& registry() { return registry_; }
  std::string render() const { return registry_.render(); }

 private:
  metrics::MetricsRegistry registry_;
};

// Records upstream attempts by HTTP status (0 = no response), their duration, retries and
// client-side rate-limit waits.
class MeteredUpstream final : public ac::Upstream {
 public:
  MeteredUpstream(ac::Upstream& inner, ServerMetrics& metrics) : inner_(inner), metrics_(metrics) {}
  boost::asio::awaitable<ac::Response> send(ac::Request request,
                                            ac::SendObserver observer = {}) override;

 private:
  ac::Upstream& inner_;
  ServerMetrics& metrics_;
};

// Records tool calls by tool, envelope StatusCode (-1, 200, 500) and isError, and their duration.
class MeteredTools final : public mcp::ToolProvider {
 public:
  MeteredTools(mcp::ToolProvider& inner, ServerMetrics& metrics)
      : inner_(inner), metrics_(metrics) {}
  const nlohmann::json& tool_definitions() const override { return inner_.tool_definitions(); }
  std::shared_ptr<const std::string> tool_definitions_text() const override {
    return inner_.tool_definitions_text();
  }
  bool has_tool(std::string_view name) const override { return inner_.has_tool(name); }
  std::string unavailable_reason(std::string_view name) const override {
    return inner_.unavailable_reason(name);
  }
  boost::asio::awaitable<mcp::ToolResult> call_tool(std::string name, nlohmann::json arguments,
                                                    mcp::ToolCallContext context) override;

 private:
  mcp::ToolProvider& inner_;
  ServerMetrics& metrics_;
};

}  // namespace acmcp::app
