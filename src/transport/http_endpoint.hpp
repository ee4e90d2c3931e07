// The MCP endpoint of the Streamable HTTP transport, free of sockets and of Beast: it turns one
// request into one Answer (a whole response, or an outbox whose messages become the response)
// and keeps the sessions. The connection (http_connection.cpp) reads requests and writes the
// answers; the listener (http_listener.cpp) accepts connections and shuts everything down.
// A change to how requests map to sessions and answers (e.g. a stateless protocol revision)
// belongs here.
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mcp/session.hpp"
#include "transport/http_protocol.hpp"
#include "transport/http_security.hpp"
#include "transport/http_sessions.hpp"
#include "transport/http_transport.hpp"

namespace acmcp::transport {

// JSON-RPC code the TypeScript SDK uses for transport-level errors.
inline constexpr int kTransportError = -32000;
inline constexpr std::string_view kSessionHeader = "Mcp-Session-Id";

// A request as the endpoint sees it. Header names compare case-insensitively.
struct HttpRequest {
  std::string method;  // as sent, e.g. "POST"
  std::string target;
  unsigned version = 11;  // 10 for HTTP/1.0, 11 for HTTP/1.1
  bool keep_alive = true;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // empty while only the header has been read

  // The value of the first header called `name`; empty when there is none.
  std::string_view header(std::string_view name) const;
  std::size_t count(std::string_view name) const;
  std::string_view path() const;  // the target without its query
};

// A whole response. The connection adds Server, Content-Length and Connection.
struct HttpResponse {
  HttpResponse() = default;
  explicit HttpResponse(int status_code, std::string text = {},
                        std::string type = "application/json")
      : status(status_code), body(std::move(text)), content_type(std::move(type)) {}

  int status = 200;
  std::string body;
  std::string content_type = "application/json";  // sent only with a body
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;  // the connection closes after this response
};

HttpResponse error_response(int status, int code, std::string_view message);
HttpResponse shutting_down_response();

// What to send for one request.
struct Answer {
  enum class Kind {
    kResponse,  // `response`, as it is
    // The reply to a POST that carried requests: JSON when the response comes first, an event
    // stream when notifications come before it; `response.headers` go on either.
    kReply,
    // A GET's event stream of session-level messages, open until the client or session ends it;
    // `response.headers` go on its head.
    kStream,
  };
  Kind kind = Kind::kResponse;
  HttpResponse response;
  std::shared_ptr<Outbox> outbox;  // kReply and kStream: where the messages come from
  AcceptedTypes accepted;          // kReply: the forms the client takes
  // kStream: takes the messages a broken stream could not send, so that another stream of the
  // session may carry them.
  std::function<void(std::vector<nlohmann::json>)> undelivered;
  // Held until the answer has been written: keeps the session in use, and when released
  // detaches the outbox from the session.
  std::shared_ptr<void> lease;
};

class McpEndpoint {
 public:
  McpEndpoint(const HttpOptions& options, SessionFactory make_session);

  const HttpOptions& options() const { return options_; }
  // Set once the listener knows the address it is bound to, before any request.
  void set_policy(OriginPolicy policy) { policy_.emplace(std::move(policy)); }

  // From now on requests to /mcp get 503 and connections close after their answer.
  void stop() { stopping_ = true; }
  bool stopping() const { return stopping_; }

  // The checks that need only the request's header: a request refused here gets its answer
  // before its body is read (a stranger's body is never held in memory), and the connection
  // is closed after it.
  std::optional<HttpResponse> refusal(const HttpRequest& header) const;
  // Answers one request that passed refusal(). `wake` is called from any thread whenever an
  // outbox of the answer has news; it must not block.
  Answer handle(const HttpRequest& request, const std::function<void()>& wake);

  std::size_t session_count() const { return sessions_.size(); }
  // Ends the sessions nobody has used for options().session_idle_timeout.
  void expire_idle_sessions();
  // Every live session, stateless mode's one-request sessions included.
  std::vector<std::shared_ptr<mcp::Session>> live_sessions() const;
  void end_all_sessions();

 private:
  struct Opened;
  Opened open_session(const HttpRequest& request, const nlohmann::json& message);
  // A request of revision 2026-07-28: checked here, where the HTTP status is chosen, then
  // served by a session that lives for this request only.
  Opened open_modern(const HttpRequest& request, const nlohmann::json& message);
  // Throws SessionRefused when the factory refuses the request's client.
  std::shared_ptr<SessionRecord> create_record(std::string id, const HttpRequest& request);
  Answer post(const HttpRequest& request, const std::function<void()>& wake);
  Answer get(const HttpRequest& request, const std::function<void()>& wake);
  HttpResponse remove(const HttpRequest& request);

  const HttpOptions& options_;
  SessionFactory make_session_;
  std::optional<OriginPolicy> policy_;
  std::atomic<bool> stopping_{false};
  SessionTable sessions_;
  // One-request sessions (stateless mode's, and every request of revision 2026-07-28), kept
  // only so that shutdown can drain their calls.
  SessionTable throwaway_sessions_;
  std::atomic<std::uint64_t> throwaway_counter_{0};
};

}  // namespace acmcp::transport
