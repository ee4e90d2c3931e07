// Streamable HTTP transport on Boost.Beast: one coroutine per connection, on its own strand,
// reading requests in turn (keep-alive) and answering each with JSON, an event stream or an
// error. The only file of the transport that includes Beast.
#include "transport/http_transport.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "transport/http_protocol.hpp"
#include "transport/http_security.hpp"
#include "transport/http_sessions.hpp"
#include "util/json_parse.hpp"

namespace acmcp::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
constexpr std::string_view kVersionHeader = "MCP-Protocol-Version";
constexpr std::string_view kDefaultProtocolVersion = "2025-03-26";
constexpr std::string_view kServerName = "activecampaign-mcp";
// JSON-RPC codes the TypeScript SDK uses for transport-level errors.
constexpr int kTransportError = -32000;
constexpr int kSessionNotFound = -32001;
// A JSON answer sends nothing while it waits; this just bounds one wait (it then repeats).
constexpr std::chrono::milliseconds kNoKeepalive = std::chrono::hours(24);

auto redirect(beast::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

// One accepted TCP connection. Everything here is touched only on the connection's strand.
struct Connection : std::enable_shared_from_this<Connection> {
  explicit Connection(tcp::socket socket)
      : stream(std::move(socket)), signal(stream.get_executor()) {}

  // Called from any thread when an outbox this connection writes has news.
  void wake() {
    asio::post(stream.get_executor(), [self = shared_from_this()] { self->signal.cancel(); });
  }

  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  asio::steady_timer signal;  // its wait is cut short (cancelled) by wake()
  // Between requests, or still reading a request's header: nothing of ours is lost by closing.
  // Read by the accept loop when it needs a slot, so atomic.
  std::atomic<bool> idle{true};
  bool peer_gone = false;       // the client closed while we were producing an answer
  bool peer_sent_more = false;  // the client sent more during an answer that never ends itself
  std::string method;           // of the request being answered, for HttpOptions::on_response
  std::uint64_t watch_generation = 0;
};

// What waiting on an outbox produced.
struct OutboxEvent {
  std::vector<json> messages;
  bool closed = false;
  bool timed_out = false;
};

struct ReplyTarget {
  bool json_ok = true;
  bool event_stream_ok = true;
};

}  // namespace

struct HttpTransport::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, HttpOptions opts, SessionFactory factory)
      : executor(std::move(ex)),
        options(std::move(opts)),
        make_session(std::move(factory)),
        acceptor(asio::make_strand(executor)),
        housekeeping(asio::make_strand(executor)) {}

  asio::any_io_executor executor;
  HttpOptions options;
  SessionFactory make_session;
  tcp::acceptor acceptor;
  asio::steady_timer housekeeping;
  std::optional<OriginPolicy> policy;
  std::atomic<std::uint16_t> bound_port{0};
  std::atomic<bool> stopping{false};
  SessionTable sessions;
  // Stateless mode's one-request sessions, kept only so that shutdown can drain their calls.
  SessionTable throwaway_sessions;
  std::atomic<std::uint64_t> stateless_counter{0};

  std::mutex connections_mutex;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections;  // oldest first
  std::map<asio::ip::address, std::size_t> connections_per_address;
  WarningThrottle refusal_warnings{std::chrono::seconds(10)};
  std::uint64_t next_connection = 0;
  std::atomic<std::size_t> connection_count{0};

  // --- sessions ---

  std::shared_ptr<SessionRecord> create_record(std::string id) {
    auto record = std::make_shared<SessionRecord>(std::move(id));
    std::weak_ptr<SessionRecord> weak = record;
    auto session = make_session([weak](const json& message) {
      if (auto target = weak.lock()) target->deliver(message);
    });
    if (!session) throw std::runtime_error("the session factory returned no session");
    record->attach(std::move(session));
    return record;
  }

  std::vector<std::shared_ptr<Connection>> live_connections() {
    std::lock_guard lock(connections_mutex);
    std::vector<std::shared_ptr<Connection>> live;
    for (const auto& entry : connections) {
      if (auto connection = entry.second.lock()) live.push_back(std::move(connection));
    }
    return live;
  }

  std::vector<std::shared_ptr<SessionRecord>> all_sessions() const {
    auto records = sessions.all();
    for (auto& record : throwaway_sessions.all()) records.push_back(std::move(record));
    return records;
  }

  std::size_t in_flight() const {
    std::size_t total = 0;
    for (const auto& record : all_sessions()) {
      if (auto session = record->session()) total += session->in_flight();
    }
    return total;
  }
};

namespace {

using Impl = HttpTransport::Impl;

// --- responses ---

Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type = "application/json") {
  Response response{status, request.version()};
  response.set(http::field::server, kServerName);
  if (!body.empty()) response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

Response error_response(const Request& request, http::status status, int code,
                        std::string_view message) {
  return make_response(request, status, jsonrpc_error_body(code, message));
}

void report_response(Impl& impl, const Connection& connection, int status) {
  if (impl.options.on_response) impl.options.on_response(connection.method, status);
}

asio::awaitable<bool> write_response(Impl& impl, Connection& connection, Response response) {
  report_response(impl, connection, response.result_int());
  beast::error_code ec;
  connection.stream.expires_after(impl.options.write_timeout);
  co_await http::async_write(connection.stream, response, redirect(ec));
  connection.stream.expires_never();
  co_return !ec && response.keep_alive();
}

// Ends our side, then reads and discards what the client is still sending for a moment, so that
// closing does not reset the connection and destroy an answer the client has not read yet.
asio::awaitable<void> close_gently(Impl& impl, Connection& connection) {
  beast::error_code ec;
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 16 * 1024> discard{};
  std::size_t drained = 0;
  connection.stream.expires_after(std::chrono::seconds(2));  // for all of the draining
  while (!ec && drained < impl.options.body_limit + 64 * 1024) {
    drained += co_await connection.stream.async_read_some(asio::buffer(discard), redirect(ec));
  }
}

// Sends a last answer on a connection we are about to drop.
asio::awaitable<void> answer_and_close(Impl& impl, Connection& connection, Response response) {
  response.keep_alive(false);
  co_await write_response(impl, connection, std::move(response));
  co_await close_gently(impl, connection);
}

// --- waiting for the client or for messages ---

// Watches for the client closing the connection while an answer is being prepared. Data from
// the client (a pipelined request) is left alone for the next read, unless the answer is a
// stream that only the client can end (`endless`): that request could never be answered, and
// the client's close behind it never seen, so the stream is ended instead.
void arm_peer_watch(const std::shared_ptr<Connection>& connection, std::uint64_t generation,
                    bool endless) {
  connection->stream.socket().async_wait(
      tcp::socket::wait_read, [connection, generation, endless](beast::error_code ec) {
        if (generation != connection->watch_generation || ec == asio::error::operation_aborted) {
          return;
        }
        if (!ec) {
          // Readiness can be reported spuriously (a stale edge), so look without blocking.
          char byte;
          const auto n = ::recv(connection->stream.socket().native_handle(), &byte, 1,
                                MSG_PEEK | MSG_DONTWAIT);
          if (n > 0) {
            if (endless) {
              connection->peer_sent_more = true;
              connection->signal.cancel();
            }
            return;
          }
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            arm_peer_watch(connection, generation, endless);
            return;
          }
        }
        connection->peer_gone = true;
        connection->signal.cancel();
      });
}

void start_peer_watch(const std::shared_ptr<Connection>& connection, bool endless = false) {
  arm_peer_watch(connection, ++connection->watch_generation, endless);
}

void stop_peer_watch(Connection& connection) {
  ++connection.watch_generation;
  beast::error_code ignored;
  connection.stream.socket().cancel(ignored);
}

// Waits until `outbox` has messages or is closed, the peer leaves, or `wait` passes.
asio::awaitable<OutboxEvent> next_from(Connection& connection, Outbox& outbox,
                                       std::chrono::milliseconds wait) {
  for (;;) {
    // Taking and starting the wait happen in one turn of the strand, and wake() posts its
    // cancel to the same strand, so no wake-up is lost in between.
    auto taken = outbox.take();
    if (!taken.messages.empty() || taken.closed || connection.peer_gone ||
        connection.peer_sent_more) {
      co_return OutboxEvent{std::move(taken.messages), taken.closed, false};
    }
    connection.signal.expires_after(wait);
    beast::error_code ec;
    co_await connection.signal.async_wait(redirect(ec));
    if (!ec) co_return OutboxEvent{{}, false, true};
  }
}

// Waits up to `timeout` for the next request to start arriving; false when none did.
asio::awaitable<bool> wait_for_request(const std::shared_ptr<Connection>& connection,
                                       std::chrono::milliseconds timeout) {
  asio::steady_timer timer(connection->stream.get_executor());
  timer.expires_after(timeout);
  timer.async_wait([connection](beast::error_code ec) {
    if (!ec) connection->stream.socket().cancel(ec);
  });
  beast::error_code ec;
  co_await connection->stream.socket().async_wait(tcp::socket::wait_read, redirect(ec));
  timer.cancel();
  co_return !ec;
}

// --- event streams ---

asio::awaitable<bool> start_event_stream(Impl& impl, Connection& connection, const Request& request,
                                         const std::string& session_id) {
  http::response<http::empty_body> head{http::status::ok, request.version()};
  head.set(http::field::server, kServerName);
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-cache, no-transform");
  if (!session_id.empty()) head.set(kSessionHeader, session_id);
  head.keep_alive(request.keep_alive());
  head.chunked(true);
  http::response_serializer<http::empty_body> serializer{head};
  report_response(impl, connection, head.result_int());
  beast::error_code ec;
  connection.stream.expires_after(impl.options.write_timeout);
  co_await http::async_write_header(connection.stream, serializer, redirect(ec));
  connection.stream.expires_never();
  co_return !ec;
}

asio::awaitable<bool> write_chunk(Impl& impl, Connection& connection, const std::string& text) {
  beast::error_code ec;
  connection.stream.expires_after(impl.options.write_timeout);
  co_await asio::async_write(connection.stream, http::make_chunk(asio::buffer(text)), redirect(ec));
  connection.stream.expires_never();
  co_return !ec;
}

asio::awaitable<bool> end_event_stream(Impl& impl, Connection& connection) {
  beast::error_code ec;
  connection.stream.expires_after(impl.options.write_timeout);
  co_await asio::async_write(connection.stream, http::make_chunk_last(), redirect(ec));
  connection.stream.expires_never();
  co_return !ec;
}

// Writes the answer to a POST that carried requests: JSON when the response comes first, an
// event stream when notifications come before it. Returns whether the connection stays open.
asio::awaitable<bool> write_reply(Impl& impl, std::shared_ptr<Connection> connection,
                                  const Request& request, Outbox& outbox, ReplyTarget target,
                                  const std::string& session_id) {
  start_peer_watch(connection);
  bool streaming = false;
  for (;;) {
    auto event = co_await next_from(*connection, outbox,
                                    streaming ? impl.options.sse_keepalive_interval : kNoKeepalive);
    if (connection->peer_gone) co_return false;
    if (event.timed_out) {
      if (streaming && !co_await write_chunk(impl, *connection, sse_comment("keep-alive"))) {
        co_return false;
      }
      continue;
    }
    for (auto& message : event.messages) {
      const bool notification = message.is_object() && message.contains("method");
      if (!streaming) {
        const bool stream_now = notification ? target.event_stream_ok : !target.json_ok;
        if (notification && !stream_now) continue;  // the client takes JSON only
        if (!stream_now) {
          stop_peer_watch(*connection);
          auto response = make_response(request, http::status::ok, to_wire(message));
          if (!session_id.empty()) response.set(kSessionHeader, session_id);
          co_return co_await write_response(impl, *connection, std::move(response));
        }
        if (!co_await start_event_stream(impl, *connection, request, session_id)) co_return false;
        streaming = true;
      }
      if (!co_await write_chunk(impl, *connection, sse_event(message))) co_return false;
      if (!notification) {
        // The response is the last thing a request's stream carries.
        stop_peer_watch(*connection);
        co_return co_await end_event_stream(impl, *connection) && request.keep_alive();
      }
    }
    if (event.closed) {
      stop_peer_watch(*connection);
      if (streaming) co_return co_await end_event_stream(impl, *connection) && request.keep_alive();
      if (impl.stopping) {
        co_await write_response(
            impl, *connection,
            error_response(request, http::status::service_unavailable, kTransportError,
                           "Service Unavailable: the server is shutting down"));
        co_return false;
      }
      // Cancelled by the client: there is no response to give.
      co_return co_await write_response(impl, *connection,
                                        make_response(request, http::status::accepted, ""));
    }
  }
}

// --- session checks shared by POST, GET and DELETE ---

struct SessionLookup {
  std::shared_ptr<SessionRecord> record;
  std::optional<Response> error;
};

SessionLookup find_session(Impl& impl, const Request& request) {
  const auto id = request[kSessionHeader];
  if (id.empty()) {
    return {nullptr, error_response(request, http::status::bad_request, kTransportError,
                                    "Bad Request: Mcp-Session-Id header is required")};
  }
  auto record = impl.sessions.find(std::string(id));
  if (!record || record->ended()) {
    return {nullptr, error_response(request, http::status::not_found, kSessionNotFound,
                                    "Session not found")};
  }
  return {std::move(record), std::nullopt};
}

// The protocol version a request claims, or an error response when it is not one we speak.
std::optional<Response> check_protocol_version(const Request& request, std::string& version) {
  const auto header = request[kVersionHeader];
  version = header.empty() ? std::string(kDefaultProtocolVersion) : std::string(header);
  const auto supported = mcp::supported_protocol_versions();
  if (std::find(supported.begin(), supported.end(), version) != supported.end()) {
    return std::nullopt;
  }
  std::string list;
  for (auto known : supported) list += (list.empty() ? "" : ", ") + std::string(known);
  return error_response(request, http::status::bad_request, kTransportError,
                        "Bad Request: Unsupported protocol version " + version +
                            " (supported versions: " + list + ")");
}

// Marks a session as in use for the lifetime of the guard.
class UseGuard {
 public:
  explicit UseGuard(std::shared_ptr<SessionRecord> record) : record_(std::move(record)) {
    record_->begin_use();
  }
  ~UseGuard() { record_->end_use(); }
  UseGuard(const UseGuard&) = delete;
  UseGuard& operator=(const UseGuard&) = delete;

 private:
  std::shared_ptr<SessionRecord> record_;
};

std::shared_ptr<Outbox> make_outbox(const std::shared_ptr<Connection>& connection) {
  std::weak_ptr<Connection> weak = connection;
  return std::make_shared<Outbox>([weak] {
    if (auto target = weak.lock()) target->wake();
  });
}

// --- methods on /mcp ---

asio::awaitable<bool> handle_post(Impl& impl, std::shared_ptr<Connection> connection,
                                  const Request& request) {
  if (!is_json_content_type(request[http::field::content_type])) {
    co_return co_await write_response(
        impl, *connection,
        error_response(request, http::status::unsupported_media_type, kTransportError,
                       "Unsupported Media Type: Content-Type must be application/json"));
  }
  const auto accepted =
      parse_accept(request[http::field::accept], request.count(http::field::accept) > 0);
  if (!accepted.json && !accepted.event_stream) {
    co_return co_await write_response(
        impl, *connection,
        error_response(
            request, http::status::not_acceptable, kTransportError,
            "Not Acceptable: Client must accept both application/json and text/event-stream"));
  }
  auto parsed = util::parse_json(request.body());
  if (!parsed) {
    // A named string, not a temporary of the conditional operator: GCC 12 destroys such
    // temporaries twice inside a co_await expression.
    const std::string why = parsed.error == util::ParsedJson::Error::kTooDeep
                                ? "Parse error: the body is " + parsed.detail
                                : "Parse error: the body is not valid JSON";
    co_return co_await write_response(
        impl, *connection,
        error_response(request, http::status::bad_request, mcp::error_code::kParseError, why));
  }
  json message = std::move(parsed.value);

  std::shared_ptr<SessionRecord> record;
  std::string issued_id;   // set on a successful initialize
  bool throwaway = false;  // stateless: the session lives for this request only
  try {
    if (impl.options.stateless) {
      std::string version;
      if (auto error = check_protocol_version(request, version)) {
        co_return co_await write_response(impl, *connection, std::move(*error));
      }
      throwaway = true;
      record = impl.create_record("stateless-" + std::to_string(++impl.stateless_counter));
      if (!is_initialize_request(message)) {
        // As if the client had initialized with the version it names in the header.
        record->receive({{"jsonrpc", "2.0"},
                         {"id", "stateless-initialize"},
                         {"method", "initialize"},
                         {"params",
                          {{"protocolVersion", version},
                           {"capabilities", json::object()},
                           {"clientInfo", {{"name", "stateless-http"}, {"version", "-"}}}}}},
                        mcp::Reply{});
      }
      impl.throwaway_sessions.insert(record);
    } else if (is_initialize_request(message)) {
      if (impl.sessions.size() >= impl.options.max_sessions) {
        auto evicted = impl.sessions.remove_least_recently_used_idle();
        if (!evicted) {
          auto response =
              error_response(request, http::status::service_unavailable, kTransportError,
                             "Service Unavailable: every session is in use; try again later");
          response.set(http::field::retry_after, "5");
          co_return co_await write_response(impl, *connection, std::move(response));
        }
        spdlog::info("HTTP session ended to make room for a new one ({} sessions at most)",
                     impl.options.max_sessions);
        evicted->end();
      }
      record = impl.create_record(new_session_id());
    } else {
      auto lookup = find_session(impl, request);
      if (lookup.error) co_return co_await write_response(impl, *connection, *lookup.error);
      std::string version;
      if (auto error = check_protocol_version(request, version)) {
        co_return co_await write_response(impl, *connection, std::move(*error));
      }
      record = std::move(lookup.record);
    }
  } catch (const std::exception& e) {
    spdlog::error("cannot start an MCP session: {}", e.what());
    record.reset();
  }
  if (!record) {
    co_return co_await write_response(
        impl, *connection,
        error_response(request, http::status::internal_server_error,
                       mcp::error_code::kInternalError, "Internal error: cannot start a session"));
  }

  UseGuard in_use(record);
  struct Forget {  // a throwaway session leaves the table whatever happens below
    Impl& impl;
    std::shared_ptr<SessionRecord> record;
    bool active;
    ~Forget() {
      if (active) impl.throwaway_sessions.remove(record->id());
    }
  } forget{impl, record, throwaway};

  if (!contains_request(message)) {
    record->receive(message, mcp::Reply{});
    co_return co_await write_response(impl, *connection,
                                      make_response(request, http::status::accepted, ""));
  }

  auto outbox = make_outbox(connection);
  record->add_request(outbox);
  record->receive(
      message,
      mcp::Reply{[outbox](const json& m) { outbox->push(m); }, [outbox] { outbox->close(); }});
  if (!throwaway && is_initialize_request(message)) {
    if (record->session()->protocol_version()) {
      impl.sessions.insert(record);
      issued_id = record->id();
      spdlog::debug("HTTP session started ({} live)", impl.sessions.size());
    }
  }
  const ReplyTarget target{accepted.json, accepted.event_stream};
  const bool keep = co_await write_reply(impl, connection, request, *outbox, target, issued_id);
  record->remove(outbox.get());
  if (throwaway && !outbox->closed()) record->end();  // nobody can ever collect the answer
  co_return keep;
}

asio::awaitable<bool> handle_get(Impl& impl, std::shared_ptr<Connection> connection,
                                 const Request& request) {
  if (impl.options.stateless) {
    auto response = error_response(request, http::status::method_not_allowed, kTransportError,
                                   "Method Not Allowed: this server is stateless and offers no "
                                   "event stream; use POST");
    response.set(http::field::allow, "POST");
    co_return co_await write_response(impl, *connection, std::move(response));
  }
  const bool has_accept = request.count(http::field::accept) > 0;
  if (!has_accept || !parse_accept(request[http::field::accept], true).event_stream) {
    co_return co_await write_response(
        impl, *connection,
        error_response(request, http::status::not_acceptable, kTransportError,
                       "Not Acceptable: Client must accept text/event-stream"));
  }
  auto lookup = find_session(impl, request);
  if (lookup.error) co_return co_await write_response(impl, *connection, *lookup.error);
  std::string version;
  if (auto error = check_protocol_version(request, version)) {
    co_return co_await write_response(impl, *connection, std::move(*error));
  }
  auto record = std::move(lookup.record);
  UseGuard in_use(record);
  auto outbox = make_outbox(connection);
  record->add_stream(outbox);
  if (!co_await start_event_stream(impl, *connection, request, record->id())) {
    record->remove(outbox.get());
    co_return false;
  }
  start_peer_watch(connection, true);
  bool keep = false;
  for (;;) {
    auto event = co_await next_from(*connection, *outbox, impl.options.sse_keepalive_interval);
    if (connection->peer_gone) break;
    bool written = true;
    if (event.timed_out) {
      written = co_await write_chunk(impl, *connection, sse_comment("keep-alive"));
    }
    for (std::size_t i = 0; written && i < event.messages.size(); ++i) {
      written = co_await write_chunk(impl, *connection, sse_event(event.messages[i]));
      if (!written) {
        // Another stream of the session may still reach the client.
        outbox->close();
        record->remove(outbox.get());
        for (std::size_t rest = i; rest < event.messages.size(); ++rest) {
          record->deliver(event.messages[rest]);
        }
      }
    }
    if (!written) break;
    if (event.closed) {
      stop_peer_watch(*connection);
      keep = co_await end_event_stream(impl, *connection) && request.keep_alive();
      break;
    }
    if (connection->peer_sent_more) {
      // A request pipelined behind this stream: end the stream and the connection, so the
      // client sees its request unanswered and can send it again on another connection.
      stop_peer_watch(*connection);
      if (co_await end_event_stream(impl, *connection)) co_await close_gently(impl, *connection);
      break;
    }
  }
  stop_peer_watch(*connection);
  outbox->close();
  record->remove(outbox.get());
  co_return keep;
}

asio::awaitable<bool> handle_delete(Impl& impl, std::shared_ptr<Connection> connection,
                                    const Request& request) {
  if (impl.options.stateless) {
    auto response = error_response(request, http::status::method_not_allowed, kTransportError,
                                   "Method Not Allowed: this server is stateless and has no "
                                   "sessions to end");
    response.set(http::field::allow, "POST");
    co_return co_await write_response(impl, *connection, std::move(response));
  }
  auto lookup = find_session(impl, request);
  if (lookup.error) co_return co_await write_response(impl, *connection, *lookup.error);
  std::string version;
  if (auto error = check_protocol_version(request, version)) {
    co_return co_await write_response(impl, *connection, std::move(*error));
  }
  impl.sessions.remove(lookup.record->id());
  lookup.record->end();
  spdlog::debug("HTTP session ended by the client ({} live)", impl.sessions.size());
  co_return co_await write_response(impl, *connection,
                                    make_response(request, http::status::no_content, ""));
}

// The checks that need only the request's header: a request refused here gets its answer
// before its body is read (a stranger's body is never held in memory), and the connection is
// closed after it.
std::string_view path_of(const Request& request) {
  const std::string_view target = request.target();
  return target.substr(0, target.find('?'));
}

std::optional<Response> refusal(Impl& impl, const Request& header) {
  const std::string_view path = path_of(header);
  // RFC 9112: more than one Host, or none in HTTP/1.1, is a bad request.
  const auto hosts = header.count(http::field::host);
  if (hosts > 1 || (hosts == 0 && header.version() >= 11)) {
    return error_response(header, http::status::bad_request, kTransportError,
                          "Bad Request: a request needs exactly one Host header");
  }
  if (!impl.policy->host_allowed(header[http::field::host])) {
    return error_response(header, http::status::forbidden, kTransportError,
                          "Forbidden: invalid Host header");
  }
  if (header.count(http::field::origin) > 1 ||
      (header.count(http::field::origin) == 1 &&
       !impl.policy->origin_allowed(header[http::field::origin]))) {
    return error_response(header, http::status::forbidden, kTransportError,
                          "Forbidden: invalid Origin header");
  }
  const bool metrics_path = path == "/metrics" && impl.options.metrics;
  if (path != "/mcp" && path != "/healthz" && !metrics_path) {
    return make_response(header, http::status::not_found, "Not Found: the MCP endpoint is /mcp\n",
                         "text/plain; charset=utf-8");
  }
  if (path != "/healthz" && !impl.options.auth_token.empty()) {
    const auto token = header.count(http::field::authorization) == 1
                           ? bearer_token(header[http::field::authorization])
                           : std::nullopt;
    if (!token || !constant_time_equals(*token, impl.options.auth_token)) {
      auto response = error_response(
          header, http::status::unauthorized, kTransportError,
          token ? "Unauthorized: invalid bearer token" : "Unauthorized: bearer token required");
      response.set(http::field::www_authenticate,
                   token ? "Bearer error=\"invalid_token\"" : "Bearer");
      return response;
    }
  }
  return std::nullopt;
}

// Routes one request that passed refusal(); returns whether the connection stays open for
// another.
asio::awaitable<bool> handle(Impl& impl, std::shared_ptr<Connection> connection,
                             const Request& request) {
  const std::string_view path = path_of(request);
  if (path == "/healthz") {
    if (request.method() != http::verb::get) {
      auto response = make_response(request, http::status::method_not_allowed, "");
      response.set(http::field::allow, "GET");
      co_return co_await write_response(impl, *connection, std::move(response));
    }
    json health = impl.options.health ? impl.options.health() : json{{"status", "ok"}};
    co_return co_await write_response(impl, *connection,
                                      make_response(request, http::status::ok, to_wire(health)));
  }
  if (path == "/metrics") {
    if (request.method() != http::verb::get) {
      auto response = make_response(request, http::status::method_not_allowed, "");
      response.set(http::field::allow, "GET");
      co_return co_await write_response(impl, *connection, std::move(response));
    }
    co_return co_await write_response(
        impl, *connection,
        make_response(request, http::status::ok, impl.options.metrics(),
                      "text/plain; version=0.0.4; charset=utf-8"));
  }
  if (impl.stopping) {
    auto response = error_response(request, http::status::service_unavailable, kTransportError,
                                   "Service Unavailable: the server is shutting down");
    response.keep_alive(false);
    co_await write_response(impl, *connection, std::move(response));
    co_return false;
  }
  switch (request.method()) {
    case http::verb::post:
      co_return co_await handle_post(impl, std::move(connection), request);
    case http::verb::get:
      co_return co_await handle_get(impl, std::move(connection), request);
    case http::verb::delete_:
      co_return co_await handle_delete(impl, std::move(connection), request);
    default: {
      auto response = error_response(request, http::status::method_not_allowed, kTransportError,
                                     "Method not allowed.");
      response.set(http::field::allow, impl.options.stateless ? "POST" : "GET, POST, DELETE");
      co_return co_await write_response(impl, *connection, std::move(response));
    }
  }
}

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category();
}

// Reads and answers requests until the client leaves, a timeout passes or the server stops.
asio::awaitable<void> serve(std::shared_ptr<Impl> impl, std::shared_ptr<Connection> connection) {
  const Request bare_request;  // answers to requests we could not read are shaped by this one
  bool first = true;
  for (;;) {
    connection->idle = true;
    if (impl->stopping) break;
    if (!first && connection->buffer.size() == 0 &&
        !co_await wait_for_request(connection, impl->options.keep_alive_timeout)) {
      break;
    }
    first = false;
    if (impl->stopping) break;

    http::request_parser<http::string_body> parser;
    parser.header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(impl->options.header_limit, UINT32_MAX)));
    parser.body_limit(impl->options.body_limit);
    beast::error_code ec;
    connection->stream.expires_after(impl->options.header_read_timeout);
    co_await http::async_read_header(connection->stream, connection->buffer, parser, redirect(ec));
    connection->idle = false;
    connection->method = parser.is_header_done() ? std::string(parser.get().method_string()) : "";
    if (!ec) {
      if (auto refused = refusal(*impl, parser.get())) {
        connection->stream.expires_never();
        co_await answer_and_close(*impl, *connection, std::move(*refused));
        break;
      }
    }
    if (!ec && !parser.is_done()) {
      if (iequals(parser.get()[http::field::expect], "100-continue")) {
        constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(connection->stream, asio::buffer(kContinue), redirect(ec));
      }
      if (!ec) {
        connection->stream.expires_after(impl->options.body_read_timeout);
        co_await http::async_read(connection->stream, connection->buffer, parser, redirect(ec));
      }
    }
    connection->stream.expires_never();
    if (ec == http::error::header_limit) {
      co_await answer_and_close(
          *impl, *connection,
          error_response(bare_request, http::status::request_header_fields_too_large,
                         kTransportError, "Request Header Fields Too Large"));
      break;
    }
    if (ec == http::error::body_limit) {
      co_await answer_and_close(
          *impl, *connection,
          error_response(bare_request, http::status::payload_too_large, kTransportError,
                         "Payload Too Large: the body exceeds " +
                             std::to_string(impl->options.body_limit) + " bytes"));
      break;
    }
    if (ec && is_http_error(ec) && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      co_await answer_and_close(*impl, *connection,
                                error_response(bare_request, http::status::bad_request,
                                               kTransportError, "Bad Request: malformed HTTP"));
      break;
    }
    if (ec) break;  // the client left, or was too slow
    Request request = parser.release();
    if (!co_await handle(*impl, connection, request)) break;
  }
  beast::error_code ignored;
  connection->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  connection->stream.close();
}

asio::awaitable<void> refuse_busy(tcp::socket socket) {
  const std::string body =
      jsonrpc_error_body(kTransportError, "Service Unavailable: too many connections");
  const std::string text =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(2));
  beast::error_code ec;
  co_await asio::async_write(stream, asio::buffer(text), redirect(ec));
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

void warn_refused(Impl& impl, std::string_view why) {
  if (const auto count = impl.refusal_warnings.note(WarningThrottle::Clock::now())) {
    spdlog::warn("refused {} HTTP connection(s) since the last such line; the latest: {}", count,
                 why);
  }
}

// Makes room for a new connection when every slot is taken: the oldest connection that is
// idle (between requests, or still sending a request's header) is closed. Idle connections
// would otherwise keep everyone else out for as long as they stay; their clients lose nothing
// and connect again when they need to. Returns false when every connection is busy.
bool evict_oldest_idle(Impl& impl) {
  std::shared_ptr<Connection> oldest;
  {
    std::lock_guard lock(impl.connections_mutex);
    for (const auto& entry : impl.connections) {
      auto connection = entry.second.lock();
      if (connection && connection->idle) {
        oldest = std::move(connection);
        break;
      }
    }
  }
  if (!oldest) return false;
  asio::post(oldest->stream.get_executor(), [oldest] {
    if (oldest->idle) oldest->stream.cancel();
  });
  return true;
}

asio::awaitable<void> accept_loop(std::shared_ptr<Impl> impl) {
  const auto per_address_cap = impl->options.max_connections_per_client;
  while (!impl->stopping) {
    beast::error_code ec;
    tcp::socket socket =
        co_await impl->acceptor.async_accept(asio::make_strand(impl->executor), redirect(ec));
    if (ec) {
      if (impl->stopping || !impl->acceptor.is_open()) break;
      spdlog::warn("accepting an HTTP connection failed: {}", ec.message());
      // Out of file descriptors and similar: back off instead of spinning.
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(redirect(ec));
      continue;
    }
    const auto peer = socket.remote_endpoint(ec).address();
    if (ec) continue;  // already gone
    std::string refused;
    if (per_address_cap > 0) {
      // find, not operator[]: a refused newcomer must not leave an entry behind.
      std::lock_guard lock(impl->connections_mutex);
      const auto from_peer = impl->connections_per_address.find(peer);
      if (from_peer != impl->connections_per_address.end() &&
          from_peer->second >= per_address_cap) {
        refused = std::to_string(from_peer->second) + " already open from " + peer.to_string() +
                  " (--max-connections-per-client)";
      }
    }
    if (refused.empty() && impl->connection_count.load() >= impl->options.max_connections &&
        !evict_oldest_idle(*impl)) {
      refused = std::to_string(impl->connection_count.load()) +
                " already open, all busy (--max-connections)";
    }
    if (!refused.empty()) {
      warn_refused(*impl, refused);
      if (impl->options.on_response) impl->options.on_response("", 503);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, refuse_busy(std::move(socket)), asio::detached);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    std::uint64_t key;
    {
      std::lock_guard lock(impl->connections_mutex);
      key = impl->next_connection++;
      impl->connections.emplace(key, connection);
      ++impl->connections_per_address[peer];
    }
    ++impl->connection_count;
    asio::co_spawn(connection->stream.get_executor(), serve(impl, connection),
                   [impl, key, peer](std::exception_ptr error) {
                     if (error) {
                       try {
                         std::rethrow_exception(error);
                       } catch (const std::exception& e) {
                         spdlog::error("HTTP connection failed: {}", e.what());
                       }
                     }
                     {
                       std::lock_guard lock(impl->connections_mutex);
                       impl->connections.erase(key);
                       if (--impl->connections_per_address[peer] == 0) {
                         impl->connections_per_address.erase(peer);
                       }
                     }
                     --impl->connection_count;
                   });
  }
}

// Ends sessions nobody has used for session_idle_timeout.
asio::awaitable<void> expire_idle_sessions(std::shared_ptr<Impl> impl) {
  const auto timeout = impl->options.session_idle_timeout;
  const auto interval = std::clamp<std::chrono::milliseconds>(
      timeout / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(60'000));
  while (!impl->stopping) {
    impl->housekeeping.expires_after(interval);
    beast::error_code ec;
    co_await impl->housekeeping.async_wait(redirect(ec));
    if (impl->stopping) break;
    if (const auto count = impl->refusal_warnings.flush(WarningThrottle::Clock::now())) {
      spdlog::warn("refused {} more HTTP connection(s) since the last such line", count);
    }
    for (auto& record : impl->sessions.remove_idle(timeout, SessionRecord::Clock::now())) {
      spdlog::info("HTTP session expired after {} s idle", timeout.count() / 1000);
      record->end();
    }
  }
}

std::string display_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

HttpTransport::HttpTransport(asio::any_io_executor executor, HttpOptions options,
                             SessionFactory make_session)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options),
                                   std::move(make_session))) {}

HttpTransport::~HttpTransport() {
  // Coroutines still running hold the Impl; they stop at their next turn.
  impl_->stopping = true;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->housekeeping.cancel();
  });
}

void HttpTransport::start() {
  auto& impl = *impl_;
  const std::string& host = impl.options.host;
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    throw std::runtime_error("invalid HTTP listen address '" + host +
                             "': expected an IP address such as 127.0.0.1 or 0.0.0.0");
  }
  const tcp::endpoint endpoint(address, impl.options.port);
  const std::string where =
      display_host(address.to_string()) + ":" + std::to_string(impl.options.port);
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
    throw std::runtime_error("cannot listen for HTTP on " + where + ": " + ec.message());
  }
  impl.bound_port = impl.acceptor.local_endpoint().port();
  // The address the server is bound to is always a name clients may use for it.
  impl.policy.emplace(impl.options.allowed_origins, address.is_loopback(),
                      std::vector<std::string>{display_host(address.to_string())});
  spdlog::info("listening on http://{}:{}/mcp", display_host(address.to_string()),
               impl.bound_port.load());
  asio::co_spawn(impl.acceptor.get_executor(), accept_loop(impl_), asio::detached);
  asio::co_spawn(impl.housekeeping.get_executor(), expire_idle_sessions(impl_), asio::detached);
}

std::uint16_t HttpTransport::port() const { return impl_->bound_port; }

std::size_t HttpTransport::session_count() const { return impl_->sessions.size(); }

std::size_t HttpTransport::connection_count() const { return impl_->connection_count.load(); }

asio::awaitable<void> HttpTransport::shutdown(std::chrono::milliseconds grace) {
  auto impl = impl_;
  impl->stopping = true;
  asio::post(impl->acceptor.get_executor(), [impl] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  asio::post(impl->housekeeping.get_executor(), [impl] { impl->housekeeping.cancel(); });
  // Connections waiting for a request are closed now; busy ones finish their answer first.
  for (auto& connection : impl->live_connections()) {
    asio::post(connection->stream.get_executor(), [connection] {
      if (connection->idle) connection->stream.cancel();
    });
  }

  constexpr auto kPoll = std::chrono::milliseconds(5);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto pause = [&]() -> asio::awaitable<void> {
    timer.expires_after(kPoll);
    beast::error_code ec;
    co_await timer.async_wait(redirect(ec));
  };
  auto wait_until = [&](auto done,
                        std::chrono::steady_clock::time_point deadline) -> asio::awaitable<void> {
    while (!done() && std::chrono::steady_clock::now() < deadline) co_await pause();
  };

  const auto now = std::chrono::steady_clock::now();
  co_await wait_until([&] { return impl->in_flight() == 0; }, now + grace);
  if (const auto left = impl->in_flight(); left > 0) {
    spdlog::warn("cancelling {} request(s) still running after the {} ms grace period", left,
                 grace.count());
    for (auto& record : impl->all_sessions()) {
      if (auto session = record->session()) session->cancel_all();
    }
    co_await wait_until([&] { return impl->in_flight() == 0; },
                        std::chrono::steady_clock::now() + std::chrono::seconds(1));
  }
  for (auto& record : impl->all_sessions()) {
    impl->sessions.remove(record->id());
    impl->throwaway_sessions.remove(record->id());
    record->end();
  }
  // Let answers already produced reach their clients, then close whatever is left.
  co_await wait_until([&] { return impl->connection_count.load() == 0; },
                      std::chrono::steady_clock::now() + std::chrono::seconds(2));
  for (auto& connection : impl->live_connections()) {
    asio::post(connection->stream.get_executor(), [connection] { connection->stream.close(); });
  }
  co_await wait_until([&] { return impl->connection_count.load() == 0; },
                      std::chrono::steady_clock::now() + std::chrono::seconds(1));
  spdlog::info("HTTP transport stopped");
}

}  // namespace acmcp::transport
