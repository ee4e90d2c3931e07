// One MCP session: lifecycle, dispatch of JSON-RPC messages, tools, logging, cancellation and
// progress. Transport-agnostic: a transport hands it raw messages and a Reply per message.
#pragma once
#include <spdlog/common.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mcp/tool_provider.hpp"

namespace acmcp::mcp {

// Protocol versions we speak, newest first; the first is the answer to an unknown request.
std::span<const std::string_view> supported_protocol_versions();
inline constexpr std::string_view kLatestProtocolVersion = "2025-11-25";
// The last version that allowed JSON-RPC batches.
inline constexpr std::string_view kBatchProtocolVersion = "2025-03-26";

// JSON-RPC 2.0 error codes.
namespace error_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Codes MCP reserves (revision 2026-07-28).
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kUnsupportedProtocolVersion = -32022;
}  // namespace error_code

// The MCP logging levels (RFC 5424 severities), least severe first.
std::span<const std::string_view> log_levels();

// True for an id a request may carry: a string or a number (an integer beyond 64 bits is kept
// as written, util::raw_json).
bool valid_request_id(const nlohmann::json& id);

struct ServerInfo {
  std::string name = "activecampaign-mcp";
  std::string version;
  std::string title = "ActiveCampaign MCP Server";
};

using MessageSink = std::function<void(const nlohmann::json& message)>;

// Where the messages caused by one input go. `send` carries request-scoped messages (progress
// notifications, then the response); `close` is called exactly once, when nothing more will be
// sent for that input. Both may be called from any thread. A message may hold parts serialised
// already (util::raw_json: tools/list's large answer, a tool's envelope), which a transport
// writes as they are.
struct Reply {
  MessageSink send;
  std::function<void()> close;
};

// The CallToolResult answering a tools/call: {content: [{type: text, text: <the envelope as
// compact JSON>}, <the note, if any>], structuredContent: <the envelope>, isError}. The envelope
// is serialised once, here; structuredContent carries that same text.
nlohmann::json call_tool_result(const ToolResult& result);

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `session_sink` receives messages not tied to a request (notifications/message log records).
  static std::shared_ptr<Session> create(boost::asio::any_io_executor executor, ToolProvider& tools,
                                         ServerInfo info, std::string instructions,
                                         MessageSink session_sink);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Handles one raw input (a JSON-RPC message or a batch). Quick methods are answered before it
  // returns; tools/call runs in its own coroutine. Calls for one session must not overlap
  // (a transport feeds them from one strand) so that message order is kept.
  void receive(std::string_view raw, Reply reply);
  void receive_message(const nlohmann::json& message, Reply reply);

  // Waits for in-flight tool calls to finish; after `grace`, cancels the rest and waits briefly
  // for them to unwind.
  boost::asio::awaitable<void> drain(std::chrono::milliseconds grace);
  // Cancels every in-flight request: none of them will get a response.
  void cancel_all();
  std::size_t in_flight() const;

  // The negotiated protocol version, once initialize succeeded.
  std::optional<std::string> protocol_version() const;
  // Unique in the process: tells this session's calls and log records from other sessions'.
  std::uint64_t serial() const;

  // The upstream account every tool call of this session uses (null: the server's own). Set by
  // whoever creates the session, before its first message.
  void set_account(std::shared_ptr<const ac::Account> account);

  // Sends a log record to the client as notifications/message if the client asked for that
  // level with logging/setLevel; does nothing before that.
  void forward_log(spdlog::level::level_enum level, std::string_view text);

  struct State;  // opaque; defined in session.cpp

 private:
  Session(boost::asio::any_io_executor executor, ToolProvider& tools, ServerInfo info,
          std::string instructions, MessageSink session_sink);
  std::unique_ptr<State> state_;
};

}  // namespace acmcp::mcp
