// MCP over Streamable HTTP (revisions 2025-03-26 to 2026-07-28, basic/transports): one endpoint,
// /mcp, taking JSON-RPC messages by POST and offering server-to-client event streams by GET.
//
// Choices where the specification leaves room (the TypeScript SDK is the model):
// - Accept: a missing header counts as "*/*", and wildcards count. A POST whose Accept allows
//   neither application/json nor text/event-stream gets 406; a client that accepts only JSON
//   gets JSON and loses progress and log notifications. A GET must accept text/event-stream.
// - A request's answer is application/json unless progress or log notifications come before
//   the result; then it is text/event-stream and the stream ends after the result.
// - Session-level messages (log records) go to one open GET stream of the session; with none,
//   to an open POST stream of the session; with neither, they are dropped.
// - DELETE answers 204. A request that ends without an answer (cancelled by the client) gets
//   202 with no body. /healthz needs no bearer token (probes) but passes the Origin/Host checks;
//   /metrics (when HttpOptions::metrics is set) needs both, as metrics describe the traffic.
// - Stateless mode: no session ids; every POST gets a fresh session that is already
//   initialized with the MCP-Protocol-Version header's version (default 2025-03-26).
// - Revision 2026-07-28 (a modern MCP-Protocol-Version header, or per-request _meta in the
//   body), in either mode: every POST gets a one-request session and never a session id; its
//   refusals carry the statuses the revision names (400, or 404 for an unknown method); GET and
//   DELETE answer 405. An event stream carries X-Accel-Buffering: no, so that a proxy passes
//   progress on as it comes.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/session.hpp"

namespace acmcp::transport {

struct HttpOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port; see HttpTransport::port()
  bool stateless = false;
  // Origins allowed besides http(s)://localhost, 127.0.0.1 and [::1] on any port, which always
  // are; e.g. "https://app.example.com". Their host names are also accepted in Host headers.
  std::vector<std::string> allowed_origins;
  std::string auth_token;  // when set, /mcp requires "Authorization: Bearer <auth_token>"
  std::size_t body_limit = 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  // At the limit the oldest idle connection is closed to make room; when none is idle, 503.
  std::size_t max_connections = 256;
  // Connections from one client address (0: no limit beyond max_connections).
  std::size_t max_connections_per_client = 32;
  // Live sessions. An initialize beyond it ends the least recently used idle session; when
  // every session is in use it gets 503 with Retry-After.
  std::size_t max_sessions = 1000;
  std::chrono::milliseconds header_read_timeout{10'000};
  std::chrono::milliseconds body_read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  // How long a kept-alive connection may sit between requests before it is closed.
  std::chrono::milliseconds keep_alive_timeout{60'000};
  std::chrono::milliseconds session_idle_timeout{30 * 60'000};
  std::chrono::milliseconds sse_keepalive_interval{15'000};
  // The JSON object served at GET /healthz; {"status": "ok"} when unset.
  std::function<nlohmann::json()> health;
  // The Prometheus text (format 0.0.4) served at GET /metrics, which needs the bearer token
  // like /mcp; /metrics is 404 when unset.
  std::function<std::string()> metrics;
  // Told about every response sent: the request method ("" when the request could not be read)
  // and the status. Called on the connection's strand; must be quick and thread-safe.
  std::function<void(std::string_view method, int status)> on_response;
};

// The headers of the request that opens a session (an initialize, or any request served without
// a session), for a factory that reads what a client supplies for itself: every value of the
// header named (case-insensitively), in order.
using RequestHeaders = std::function<std::vector<std::string_view>(std::string_view name)>;

// Thrown by a SessionFactory that refuses the client: the request is answered with `status` and
// the message, and no session is made.
struct SessionRefused : std::runtime_error {
  SessionRefused(int http_status, const std::string& message)
      : std::runtime_error(message), status(http_status) {}
  int status;
};

// Makes the session for a new client; `session_sink` carries its session-level messages.
using SessionFactory = std::function<std::shared_ptr<mcp::Session>(mcp::MessageSink session_sink,
                                                                   const RequestHeaders& headers)>;

class HttpTransport {
 public:
  HttpTransport(boost::asio::any_io_executor executor, HttpOptions options,
                SessionFactory make_session);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Binds and starts accepting; throws std::runtime_error saying why when it cannot.
  void start();
  // The bound port (the chosen one when options.port was 0); 0 before start().
  std::uint16_t port() const;
  // Number of live sessions.
  std::size_t session_count() const;
  // Number of open connections.
  std::size_t connection_count() const;

  // Stops accepting, lets in-flight calls finish for up to `grace` (then cancels them), ends
  // the event streams and closes every connection.
  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace);

  struct Impl;  // opaque; defined in http_listener.cpp

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace acmcp::transport
