// Fuzzes argument coercion + validation and the handler of every tool: the input's first line
// picks the tool (its name, else its first byte modulo the tool count), the rest is the JSON
// arguments. The full call runs against an in-memory upstream; the envelope must keep its shape.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "tools/tool_registry.hpp"
#include "util/json_parse.hpp"

namespace {

using namespace acmcp;
using nlohmann::json;

struct World {
  fuzz::CannedUpstream upstream;
  tools::ToolRegistry registry{upstream};
  std::vector<std::string> names;

  World() {
    for (const auto& tool : registry.tool_definitions()) names.push_back(tool["name"]);
    if (names.empty()) fuzz::fail("the registry has no tools");
  }
};

World& world() {
  static World instance;
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // handlers log upstream failures; noise here
  world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto& w = world();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto line_end = input.find('\n');
  const std::string_view selector = input.substr(0, line_end);
  const std::string_view arguments_text =
      line_end == std::string_view::npos ? std::string_view{} : input.substr(line_end + 1);

  std::string name;
  if (w.registry.has_tool(selector)) {
    name = std::string(selector);
  } else {
    name = w.names[static_cast<unsigned char>(input[0]) % w.names.size()];
  }
  // Parsed as the server parses a client message: too deep or not JSON never reaches a tool.
  auto parsed = acmcp::util::parse_json(arguments_text);
  if (!parsed) return -1;
  json arguments = std::move(parsed.value);

  w.upstream.requests = 0;
  boost::asio::io_context io;
  std::optional<mcp::ToolResult> returned;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, w.registry.call_tool(name, std::move(arguments), {}),
                        [&](std::exception_ptr error, mcp::ToolResult value) {
                          failure = error;
                          returned = std::move(value);
                        });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      fuzz::fail("call_tool threw", json{{"tool", name}, {"what", e.what()}});
    } catch (...) {
      fuzz::fail("call_tool threw a non-standard exception", json{{"tool", name}});
    }
  }
  if (!returned) fuzz::fail("call_tool never finished", json{{"tool", name}});
  const json result = fuzz::as_sent(*returned);
  fuzz::maybe_print(name, result);
  fuzz::check_tool_result(result);
  if (result["structuredContent"]["StatusCode"] == -1 && w.upstream.requests != 0) {
    fuzz::fail("an input judged invalid still reached the upstream", result);
  }
  return 0;
}
