// Fuzzes the JSON-RPC message handler: each line of the input is one raw message (or batch) for
// a fresh mcp::Session backed by the real tool registry over an in-memory upstream, so an input
// can initialize first and then call tools. Every Reply must be closed exactly once.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "mcp/session.hpp"
#include "tools/tool_registry.hpp"

namespace {

using namespace acmcp;
using nlohmann::json;

struct World {
  fuzz::CannedUpstream upstream;
  tools::ToolRegistry registry{upstream};
};

World& world() {
  static World instance;
  return instance;
}

// What the session did with one input line.
struct ReplyLog {
  int closes = 0;
  bool sent_after_close = false;
};

void check_sent(const json& message) {
  if (message.is_array()) {  // a batch's responses
    if (message.empty()) fuzz::fail("an empty batch response was sent");
    for (const auto& element : message) check_sent(element);
    return;
  }
  if (!message.is_object() || message.value("jsonrpc", "") != "2.0") {
    fuzz::fail("the session sent something that is not a JSON-RPC 2.0 message", message);
  }
  if (message.contains("result") && message.contains("error")) {
    fuzz::fail("a response has both result and error", message);
  }
  // A tools/call result carries an envelope; its shape is the tools layer's promise.
  if (const auto result = message.find("result");
      result != message.end() && result->is_object() && result->contains("structuredContent")) {
    fuzz::check_tool_result(*result);
  }
}

void check_message(const json& message) { check_sent(fuzz::as_sent(message)); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  boost::asio::io_context io;
  auto session =
      mcp::Session::create(io.get_executor(), world().registry, mcp::ServerInfo{.version = "fuzz"},
                           "instructions", [](const json& message) { check_message(message); });

  std::vector<std::shared_ptr<ReplyLog>> logs;
  while (!input.empty()) {
    const auto end = input.find('\n');
    const auto line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);

    auto log = std::make_shared<ReplyLog>();
    logs.push_back(log);
    mcp::Reply reply{[log](const json& message) {
                       if (log->closes > 0) log->sent_after_close = true;
                       check_message(message);
                     },
                     [log] {
                       if (++log->closes > 1) fuzz::fail("a Reply was closed twice");
                     }};
    session->receive(line, std::move(reply));
    // Lets calls started by earlier lines progress, as a live client would see. A poll that runs
    // out of work stops the io_context, hence the restarts.
    io.restart();
    io.poll();
  }
  io.restart();
  io.run();

  if (session->in_flight() != 0) fuzz::fail("a request is still in flight with nothing to run");
  for (const auto& log : logs) {
    if (log->closes != 1) fuzz::fail("a Reply was never closed");
    if (log->sent_after_close) fuzz::fail("a message was sent after its Reply was closed");
  }
  return 0;
}
