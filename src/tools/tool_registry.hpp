// Every tool: its definition from schemas/ and its handler (a table row or a multi-step function).
#pragma once
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "activecampaign/upstream.hpp"
#include "mcp/tool_provider.hpp"
#include "tools/embedded_schemas.hpp"

namespace acmcp::tools {

// Which tools are served, under which names, and how large results may be.
struct ToolSettings {
  std::string prefix;                      // before every served name; "" for none
  std::vector<std::string> toolsets;       // empty (with `tools` empty): every toolset
  std::vector<std::string> tools;          // served besides the toolsets (names without prefix)
  std::vector<std::string> exclude_tools;  // never served; wins over the two above
  bool read_only = false;                  // serve only read-only tools; wins too
  bool full_results = false;               // false: records without links and null fields
  std::size_t max_result_chars = 50000;    // a longer page is cut at a record; 0: no limit
};

class ToolRegistry final : public mcp::ToolProvider {
 public:
  // Loads the embedded schema files. Throws std::runtime_error if they are inconsistent
  // (a tool without a handler, a handler without a definition, a malformed file).
  // Throws std::invalid_argument, naming the valid ones, when `settings` names a tool or toolset
  // that does not exist.
  explicit ToolRegistry(ac::Upstream& upstream, ToolSettings settings = {});
  // The same from other files (tests use it to check the start-up consistency checks).
  ToolRegistry(ac::Upstream& upstream, std::span<const EmbeddedFile> files,
               ToolSettings settings = {});
  ~ToolRegistry() override;

  const nlohmann::json& tool_definitions() const override;
  std::shared_ptr<const std::string> tool_definitions_text() const override;  // made once
  bool has_tool(std::string_view name) const override;
  std::string unavailable_reason(std::string_view name) const override;
  boost::asio::awaitable<mcp::ToolResult> call_tool(std::string name, nlohmann::json arguments,
                                                    mcp::ToolCallContext context) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace acmcp::tools
