// Every tool: its definition from schemas/ and its handler (a table row or a multi-step function).
#pragma once
#include <memory>
#include <span>

#include "activecampaign/upstream.hpp"
#include "mcp/tool_provider.hpp"
#include "tools/embedded_schemas.hpp"

namespace acmcp::tools {

class ToolRegistry final : public mcp::ToolProvider {
 public:
  // Loads the embedded schema files. Throws std::runtime_error if they are inconsistent
  // (a tool without a handler, a handler without a definition, a malformed file).
  explicit ToolRegistry(ac::Upstream& upstream);
  // The same from other files (tests use it to check the start-up consistency checks).
  ToolRegistry(ac::Upstream& upstream, std::span<const EmbeddedFile> files);
  ~ToolRegistry() override;

  const nlohmann::json& tool_definitions() const override;
  std::shared_ptr<const std::string> tool_definitions_text() const override;  // made once
  bool has_tool(std::string_view name) const override;
  boost::asio::awaitable<nlohmann::json> call_tool(std::string name, nlohmann::json arguments,
                                                   mcp::ToolCallContext context) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace acmcp::tools
