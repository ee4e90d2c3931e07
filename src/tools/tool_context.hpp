// What a running tool call can use: the upstream API and the caller's progress channel.
#pragma once
#include <string>

#include "activecampaign/upstream.hpp"
#include "mcp/tool_provider.hpp"

namespace acmcp::tools {

struct ToolContext {
  ac::Upstream& upstream;
  mcp::ToolCallContext call;

  // Reports step `step` of `total` of a multi-step call (no-op when the client asked for none).
  void report_step(int step, int total, const std::string& message) const {
    if (call.progress) call.progress(step, total, message);
  }
};

}  // namespace acmcp::tools
