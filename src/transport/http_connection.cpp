// The connection on Boost.Beast: one coroutine per connection, on its own strand, reading
// requests in turn and writing each one's Answer: a whole response, a POST's reply (JSON or an
// event stream) or a GET's event stream. What to answer is the endpoint's business.
#include "transport/http_connection.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "transport/http_endpoint.hpp"

namespace acmcp::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

struct Connection : std::enable_shared_from_this<Connection> {
  Connection(tcp::socket socket, const HttpOptions& opts)
      : stream(std::move(socket)), signal(stream.get_executor()), options(opts) {}

  // Called from any thread when an outbox this connection writes has news.
  void wake() {
    asio::post(stream.get_executor(), [self = shared_from_this()] { self->signal.cancel(); });
  }

  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  asio::steady_timer signal;  // its wait is cut short (cancelled) by wake()
  const HttpOptions& options;
  // Between requests, or still reading a request's header: nothing of ours is lost by closing.
  // Read by the listener when it needs a slot, so atomic.
  std::atomic<bool> idle{true};
  bool peer_gone = false;       // the client closed while we were producing an answer
  bool peer_sent_more = false;  // the client sent more during an answer that never ends itself
  std::string method;           // of the request being answered, for HttpOptions::on_response
  std::uint64_t watch_generation = 0;
};

std::shared_ptr<Connection> make_connection(tcp::socket socket, const HttpOptions& options) {
  return std::make_shared<Connection>(std::move(socket), options);
}

bool is_idle(const Connection& connection) { return connection.idle; }

void close_if_idle(const std::shared_ptr<Connection>& connection) {
  asio::post(connection->stream.get_executor(), [connection] {
    if (connection->idle) connection->stream.cancel();
  });
}

void close_now(const std::shared_ptr<Connection>& connection) {
  asio::post(connection->stream.get_executor(), [connection] { connection->stream.close(); });
}

namespace {

constexpr std::string_view kServerName = "activecampaign-mcp";
// A JSON answer sends nothing while it waits; this just bounds one wait (it then repeats).
constexpr std::chrono::milliseconds kNoKeepalive = std::chrono::hours(24);

auto redirect(beast::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// --- writing ---

void report_response(const Connection& connection, int status) {
  if (connection.options.on_response) connection.options.on_response(connection.method, status);
}

// Runs one write under the write timeout; true when it succeeded.
template <typename Write>
asio::awaitable<bool> timed_write(Connection& connection, Write write) {
  beast::error_code ec;
  connection.stream.expires_after(connection.options.write_timeout);
  co_await write(redirect(ec));
  connection.stream.expires_never();
  co_return !ec;
}

// Every whole response goes out here. Returns whether the connection stays open.
asio::awaitable<bool> write_response(Connection& connection, const HttpRequest& request,
                                     HttpResponse answer) {
  http::response<http::string_body> response{static_cast<http::status>(answer.status),
                                             request.version};
  response.set(http::field::server, kServerName);
  if (!answer.body.empty()) response.set(http::field::content_type, answer.content_type);
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  response.body() = std::move(answer.body);
  response.keep_alive(request.keep_alive && !answer.close);
  response.prepare_payload();
  report_response(connection, response.result_int());
  const bool written = co_await timed_write(connection, [&](auto token) {
    return http::async_write(connection.stream, response, std::move(token));
  });
  if (!written) co_return false;
  co_return response.keep_alive();
}

// Ends our side, then reads and discards what the client is still sending for a moment, so that
// closing does not reset the connection and destroy an answer the client has not read yet.
asio::awaitable<void> close_gently(Connection& connection) {
  beast::error_code ec;
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 16 * 1024> discard{};
  std::size_t drained = 0;
  connection.stream.expires_after(std::chrono::seconds(2));  // for all of the draining
  while (!ec && drained < connection.options.body_limit + 64 * 1024) {
    drained += co_await connection.stream.async_read_some(asio::buffer(discard), redirect(ec));
  }
}

// Sends a last answer on a connection we are about to drop.
asio::awaitable<void> answer_and_close(Connection& connection, const HttpRequest& request,
                                       HttpResponse response) {
  response.close = true;
  co_await write_response(connection, request, std::move(response));
  co_await close_gently(connection);
}

asio::awaitable<bool> start_event_stream(Connection& connection, const HttpRequest& request,
                                         const HttpResponse& extra) {
  http::response<http::empty_body> head{http::status::ok, request.version};
  head.set(http::field::server, kServerName);
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-cache, no-transform");
  // A proxy such as nginx buffers responses by default, which would hold progress back.
  head.set("X-Accel-Buffering", "no");
  for (const auto& [name, value] : extra.headers) head.set(name, value);
  head.keep_alive(request.keep_alive);
  head.chunked(true);
  http::response_serializer<http::empty_body> serializer{head};
  report_response(connection, head.result_int());
  co_return co_await timed_write(connection, [&](auto token) {
    return http::async_write_header(connection.stream, serializer, std::move(token));
  });
}

asio::awaitable<bool> write_chunk(Connection& connection, const std::string& text) {
  co_return co_await timed_write(connection, [&](auto token) {
    return asio::async_write(connection.stream, http::make_chunk(asio::buffer(text)),
                             std::move(token));
  });
}

asio::awaitable<bool> end_event_stream(Connection& connection) {
  co_return co_await timed_write(connection, [&](auto token) {
    return asio::async_write(connection.stream, http::make_chunk_last(), std::move(token));
  });
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

// What waiting on an outbox produced.
struct OutboxEvent {
  std::vector<json> messages;
  bool closed = false;
  bool timed_out = false;
};

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

// --- answers made of messages ---

// A POST's reply: JSON when the response comes first, an event stream when notifications come
// before it. Returns whether the connection stays open.
asio::awaitable<bool> write_reply(const McpEndpoint& endpoint,
                                  const std::shared_ptr<Connection>& connection,
                                  const HttpRequest& request, const Answer& answer) {
  start_peer_watch(connection);
  bool streaming = false;
  for (;;) {
    const auto wait = streaming ? endpoint.options().sse_keepalive_interval : kNoKeepalive;
    auto event = co_await next_from(*connection, *answer.outbox, wait);
    if (connection->peer_gone) co_return false;
    if (event.timed_out) {
      if (streaming && !co_await write_chunk(*connection, sse_comment("keep-alive"))) {
        co_return false;
      }
      continue;
    }
    for (auto& message : event.messages) {
      const bool notification = message.is_object() && message.contains("method");
      if (!streaming) {
        const bool stream_now = notification ? answer.accepted.event_stream : !answer.accepted.json;
        if (notification && !stream_now) continue;  // the client takes JSON only
        if (!stream_now) {
          stop_peer_watch(*connection);
          HttpResponse response{200, to_wire(message)};
          response.headers = answer.response.headers;
          co_return co_await write_response(*connection, request, std::move(response));
        }
        if (!co_await start_event_stream(*connection, request, answer.response)) co_return false;
        streaming = true;
      }
      if (!co_await write_chunk(*connection, sse_event(message))) co_return false;
      if (!notification) {
        // The response is the last thing a request's stream carries.
        stop_peer_watch(*connection);
        co_return co_await end_event_stream(*connection) && request.keep_alive;
      }
    }
    if (event.closed) {
      stop_peer_watch(*connection);
      if (streaming) co_return co_await end_event_stream(*connection) && request.keep_alive;
      // Cancelled by the client there is no response to give; cancelled by shutdown, say so.
      HttpResponse unanswered{202};
      if (endpoint.stopping()) unanswered = shutting_down_response();
      co_return co_await write_response(*connection, request, std::move(unanswered));
    }
  }
}

// A GET's event stream, until the session ends it or the client leaves. Returns whether the
// connection stays open.
asio::awaitable<bool> write_stream(const McpEndpoint& endpoint,
                                   const std::shared_ptr<Connection>& connection,
                                   const HttpRequest& request, const Answer& answer) {
  if (!co_await start_event_stream(*connection, request, answer.response)) co_return false;
  start_peer_watch(connection, true);
  bool keep = false;
  for (;;) {
    auto event =
        co_await next_from(*connection, *answer.outbox, endpoint.options().sse_keepalive_interval);
    if (connection->peer_gone) break;
    bool written = true;
    if (event.timed_out) written = co_await write_chunk(*connection, sse_comment("keep-alive"));
    for (std::size_t i = 0; written && i < event.messages.size(); ++i) {
      written = co_await write_chunk(*connection, sse_event(event.messages[i]));
      if (!written) {
        // Another stream of the session may still reach the client.
        answer.undelivered(std::vector<json>(
            event.messages.begin() + static_cast<std::ptrdiff_t>(i), event.messages.end()));
      }
    }
    if (!written) break;
    if (event.closed) {
      stop_peer_watch(*connection);
      keep = co_await end_event_stream(*connection) && request.keep_alive;
      break;
    }
    if (connection->peer_sent_more) {
      // A request pipelined behind this stream: end the stream and the connection, so the
      // client sees its request unanswered and can send it again on another connection.
      stop_peer_watch(*connection);
      if (co_await end_event_stream(*connection)) co_await close_gently(*connection);
      break;
    }
  }
  stop_peer_watch(*connection);
  co_return keep;
}

// Writes one answer. Returns whether the connection stays open for another request.
asio::awaitable<bool> send(const McpEndpoint& endpoint,
                           const std::shared_ptr<Connection>& connection,
                           const HttpRequest& request, Answer& answer) {
  switch (answer.kind) {
    case Answer::Kind::kReply:
      co_return co_await write_reply(endpoint, connection, request, answer);
    case Answer::Kind::kStream:
      co_return co_await write_stream(endpoint, connection, request, answer);
    case Answer::Kind::kResponse:
      break;
  }
  co_return co_await write_response(*connection, request, std::move(answer.response));
}

// --- reading ---

HttpRequest from_header(const http::request<http::string_body>& header) {
  HttpRequest request;
  request.method = std::string(header.method_string());
  request.target = std::string(header.target());
  request.version = header.version();
  request.keep_alive = header.keep_alive();
  for (const auto& field : header) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return request;
}

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category();
}

// Reads and answers requests until the client leaves, a timeout passes or the server stops.
asio::awaitable<void> serve(std::shared_ptr<McpEndpoint> endpoint,
                            std::shared_ptr<Connection> connection) {
  const HttpOptions& options = endpoint->options();
  const HttpRequest bare_request;  // answers to requests we could not read are shaped by this one
  const std::weak_ptr<Connection> weak = connection;
  const std::function<void()> wake = [weak] {
    if (auto target = weak.lock()) target->wake();
  };
  bool first = true;
  for (;;) {
    connection->idle = true;
    if (endpoint->stopping()) break;
    if (!first && connection->buffer.size() == 0 &&
        !co_await wait_for_request(connection, options.keep_alive_timeout)) {
      break;
    }
    first = false;
    if (endpoint->stopping()) break;

    http::request_parser<http::string_body> parser;
    parser.header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit, UINT32_MAX)));
    parser.body_limit(options.body_limit);
    beast::error_code ec;
    connection->stream.expires_after(options.header_read_timeout);
    co_await http::async_read_header(connection->stream, connection->buffer, parser, redirect(ec));
    connection->idle = false;
    connection->method = parser.is_header_done() ? std::string(parser.get().method_string()) : "";
    HttpRequest request;
    if (!ec) {
      request = from_header(parser.get());
      if (auto refused = endpoint->refusal(request)) {
        connection->stream.expires_never();
        co_await answer_and_close(*connection, request, std::move(*refused));
        break;
      }
    }
    if (!ec && !parser.is_done()) {
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(connection->stream, asio::buffer(kContinue), redirect(ec));
      }
      if (!ec) {
        connection->stream.expires_after(options.body_read_timeout);
        co_await http::async_read(connection->stream, connection->buffer, parser, redirect(ec));
      }
    }
    connection->stream.expires_never();
    if (ec == http::error::header_limit) {
      co_await answer_and_close(
          *connection, bare_request,
          error_response(431, kTransportError, "Request Header Fields Too Large"));
      break;
    }
    if (ec == http::error::body_limit) {
      co_await answer_and_close(*connection, bare_request,
                                error_response(413, kTransportError,
                                               "Payload Too Large: the body exceeds " +
                                                   std::to_string(options.body_limit) + " bytes"));
      break;
    }
    if (ec && is_http_error(ec) && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      co_await answer_and_close(
          *connection, bare_request,
          error_response(400, kTransportError, "Bad Request: malformed HTTP"));
      break;
    }
    if (ec) break;  // the client left, or was too slow
    request.body = std::move(parser.get().body());
    Answer answer = endpoint->handle(request, wake);
    if (!co_await send(*endpoint, connection, request, answer)) break;
  }
  beast::error_code ignored;
  connection->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  connection->stream.close();
}

asio::awaitable<void> write_busy(tcp::socket socket) {
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

}  // namespace

void start_serving(std::shared_ptr<McpEndpoint> endpoint, std::shared_ptr<Connection> connection,
                   std::function<void(std::exception_ptr)> ended) {
  auto executor = connection->stream.get_executor();
  asio::co_spawn(executor, serve(std::move(endpoint), std::move(connection)), std::move(ended));
}

void refuse_busy(tcp::socket socket) {
  auto executor = socket.get_executor();
  asio::co_spawn(executor, write_busy(std::move(socket)), asio::detached);
}

}  // namespace acmcp::transport
