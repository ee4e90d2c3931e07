// Loopback HTTP/1.1 front of the sandbox (the only Beast code in it): listener, keep-alive
// sessions, rate limiting, the request log and the test builds' exchange hook around the Store.
#include "sandbox/sandbox_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "sandbox/exchange_hook.hpp"
#include "sandbox/store.hpp"
#include "util/compact_json.hpp"
#include "util/json_parse.hpp"

namespace acmcp::sandbox {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);

using Request = HttpRequest;
using Response = HttpResponse;

// One accepted connection; everything on it runs on its own strand.
struct Connection {
  explicit Connection(tcp::socket socket)
      : stream(std::move(socket)), delay_timer(stream.get_executor()) {}

  void close() {
    beast::error_code ignored;
    delay_timer.cancel();
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  }

  beast::tcp_stream stream;
  asio::steady_timer delay_timer;
  // A hook's writer for the answer about to be written, in place of the usual write.
  std::function<asio::awaitable<bool>(HookedConnection, Response&)> spoil;
};

Response json_response(int status, const json& body, bool keep_alive) {
  Response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = util::compact_json(body);
  res.keep_alive(keep_alive);
  return res;
}

}  // namespace

struct SandboxServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, SandboxOptions opts)
      : options(std::move(opts)),
        executor(executor),
        acceptor(asio::make_strand(executor)),
        store(options.token, options.seed) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(std::shared_ptr<Connection> connection, std::uint64_t id);
  // The response to one request, or nullopt when the hook says to drop the connection.
  asio::awaitable<std::optional<Response>> answer(const Request& request, Connection& connection);
  bool admit(const std::string& token);
  void stop();

  SandboxOptions options;
  asio::any_io_executor executor;
  tcp::acceptor acceptor;
  unsigned short port = 0;
  std::string base_url;

  mutable std::mutex mutex;  // guards everything below
  Store store;
  std::shared_ptr<ExchangeHook> hook;
  std::deque<RecordedRequest> log;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> recent_by_token;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections;
  std::uint64_t next_connection_id = 1;
  bool stopped = false;
};

asio::awaitable<void> SandboxServer::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(executor), kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      spdlog::debug("sandbox: accept failed: {}", ec.message());
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    std::uint64_t id = 0;
    {
      std::lock_guard lock(mutex);
      if (stopped) {
        connection->close();
        co_return;
      }
      id = next_connection_id++;
      connections[id] = connection;
    }
    asio::co_spawn(connection->stream.get_executor(), serve(connection, id), asio::detached);
  }
}

asio::awaitable<void> SandboxServer::Impl::serve(std::shared_ptr<Connection> connection,
                                                 std::uint64_t id) {
  auto self = shared_from_this();
  auto& stream = connection->stream;
  beast::flat_buffer buffer;
  try {
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kMaxHeaderBytes);
      parser.body_limit(kMaxBodyBytes);
      stream.expires_after(kIdleTimeout);
      auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      if (read_error) {
        // Answer what we can name, then hang up; a closed or idle connection just ends.
        std::optional<Response> refusal;
        if (read_error == http::error::body_limit)
          refusal = json_response(413, {{"message", "Request body larger than 1 MiB."}}, false);
        else if (read_error == http::error::header_limit)
          refusal = json_response(431, {{"message", "Request headers too large."}}, false);
        else if (read_error.category() == beast::error_code(http::error::bad_method).category() &&
                 read_error != http::error::end_of_stream &&
                 read_error != http::error::partial_message)
          refusal = json_response(400, {{"message", "Malformed HTTP request."}}, false);
        if (refusal) {
          refusal->prepare_payload();
          stream.expires_after(std::chrono::seconds(5));
          co_await http::async_write(stream, *refusal, kUseTuple);
        }
        break;
      }
      Request request = parser.release();
      std::optional<Response> response = co_await answer(request, *connection);
      if (!response) {
        // Abort, so the client sees the connection drop rather than an answer.
        beast::error_code ignored;
        stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
        stream.socket().close(ignored);
        break;
      }
      if (auto spoil = std::exchange(connection->spoil, nullptr)) {
        if (!co_await spoil({stream, connection->delay_timer}, *response)) break;
        continue;
      }
      response->prepare_payload();
      stream.expires_after(kIdleTimeout);
      auto [write_error, written] = co_await http::async_write(stream, *response, kUseTuple);
      if (write_error || !response->keep_alive()) break;
    }
  } catch (const std::exception& e) {
    spdlog::debug("sandbox: session ended: {}", e.what());
  }
  connection->close();
  std::lock_guard lock(mutex);
  connections.erase(id);
}

bool SandboxServer::Impl::admit(const std::string& token) {
  if (!options.rate_limit) return true;
  auto now = std::chrono::steady_clock::now();
  auto allowed = static_cast<std::size_t>(std::max(1.0, std::floor(options.rate_per_second)));
  std::lock_guard lock(mutex);
  auto& recent = recent_by_token[token];
  while (!recent.empty() && now - recent.front() >= std::chrono::seconds(1)) recent.pop_front();
  if (recent.size() >= allowed) return false;
  recent.push_back(now);
  return true;
}

asio::awaitable<std::optional<Response>> SandboxServer::Impl::answer(const Request& request,
                                                                     Connection& connection) {
  const bool keep_alive = request.keep_alive();
  std::string method(request.method_string());
  std::string raw_target(request.target());
  Target target = parse_target(raw_target);
  std::string token(request["Api-Token"]);

  RecordedRequest record;
  record.method = method;
  record.target = raw_target;
  record.path = target.under_api ? target.path : raw_target.substr(0, raw_target.find('?'));
  record.query = target.query;
  if (!request.body().empty()) {
    auto parsed = util::parse_json(request.body());
    record.body = parsed ? std::move(parsed.value) : json(nullptr);
  }
  record.api_token = token;
  {
    std::lock_guard lock(mutex);
    log.push_back(record);
    while (log.size() > options.max_logged_requests) log.pop_front();
  }

  std::shared_ptr<ExchangeHook> installed;
  {
    std::lock_guard lock(mutex);
    installed = hook;
  }
  if (installed) {
    Interception taken = co_await installed->intercept(request, record.path,
                                                       {connection.stream, connection.delay_timer});
    if (taken.drop) co_return std::nullopt;
    if (taken.answer) co_return std::move(*taken.answer);
    connection.spoil = std::move(taken.write);
  }

  if (!target.under_api) co_return json_response(404, {{"message", "Not Found"}}, keep_alive);

  StoreResponse result;
  if (token == options.token && !admit(token)) {
    Response res =
        json_response(429,
                      {{"message", "Rate limit exceeded: at most " +
                                       std::to_string(static_cast<int>(options.rate_per_second)) +
                                       " requests per second. Retry after 1 second."}},
                      keep_alive);
    res.set(http::field::retry_after, "1");
    co_return res;
  }
  {
    std::lock_guard lock(mutex);
    result = store.handle_raw(method, target.path, target.query, request.body(), token);
  }
  Response res = json_response(result.status, result.body, keep_alive);
  for (const auto& [name, value] : result.headers) res.set(name, value);
  co_return res;
}

void SandboxServer::Impl::stop() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex);
    if (stopped) return;
    stopped = true;
    for (auto& [id, weak] : connections)
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  // With the io_context already stopped no handler runs any more: close everything here.
  auto* io = executor.target<asio::io_context::executor_type>();
  if (io && io->context().stopped()) {
    beast::error_code ignored;
    acceptor.close(ignored);
    for (auto& connection : open) connection->close();
    return;
  }
  // Sockets belong to their strands; close them there. Wait (briefly) for the listener so a
  // caller can rely on new connections being refused once stop() returns.
  auto closed = std::make_shared<std::promise<void>>();
  auto done = closed->get_future();
  asio::post(acceptor.get_executor(), [self = shared_from_this(), closed] {
    beast::error_code ignored;
    self->acceptor.close(ignored);
    closed->set_value();
  });
  for (auto& connection : open)
    asio::post(connection->stream.get_executor(), [connection] { connection->close(); });
  done.wait_for(std::chrono::seconds(1));
}

SandboxServer::SandboxServer(asio::any_io_executor executor, SandboxOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {
  auto& acceptor = impl_->acceptor;
  // Throws for an unusable host or a port in use: the caller cannot run without the listener.
  const auto& host = impl_->options.host;
  tcp::endpoint endpoint(asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host),
                         impl_->options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = acceptor.local_endpoint().port();
  impl_->base_url = "http://" + impl_->options.host + ":" + std::to_string(impl_->port) + "/api/3";
  impl_->store.set_base_url(impl_->base_url);
  asio::co_spawn(acceptor.get_executor(), impl_->accept_loop(), asio::detached);
}

SandboxServer::~SandboxServer() { stop(); }

unsigned short SandboxServer::port() const { return impl_->port; }

std::string SandboxServer::base_url() const { return impl_->base_url; }

const std::string& SandboxServer::token() const { return impl_->options.token; }

void SandboxServer::set_hook(std::shared_ptr<ExchangeHook> hook) {
  std::lock_guard lock(impl_->mutex);
  impl_->hook = std::move(hook);
}

std::shared_ptr<ExchangeHook> SandboxServer::hook() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->hook;
}

std::vector<RecordedRequest> SandboxServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->log.begin(), impl_->log.end()};
}

void SandboxServer::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->log.clear();
}

std::pair<int, nlohmann::json> SandboxServer::handle(
    const std::string& method, const std::string& path,
    const std::multimap<std::string, std::string>& query, const nlohmann::json& body) {
  std::lock_guard lock(impl_->mutex);
  StoreResponse result = impl_->store.handle(method, path, query, body);
  return {result.status, std::move(result.body)};
}

void SandboxServer::stop() { impl_->stop(); }

}  // namespace acmcp::sandbox
