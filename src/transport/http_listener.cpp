// HttpTransport: the listener. Binds, accepts connections within the limits (evicting idle ones
// to make room), ends idle sessions, and shuts down: sessions drain, then connections close.
#include <spdlog/spdlog.h>

#include <algorithm>
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
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>

#include "transport/http_connection.hpp"
#include "transport/http_endpoint.hpp"
#include "transport/http_transport.hpp"

namespace acmcp::transport {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

auto redirect(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

}  // namespace

struct HttpTransport::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, HttpOptions opts, SessionFactory factory)
      : executor(std::move(ex)),
        options(std::move(opts)),
        endpoint(options, std::move(factory)),
        acceptor(asio::make_strand(executor)),
        housekeeping(asio::make_strand(executor)),
        news(asio::make_strand(executor)) {}

  asio::any_io_executor executor;
  HttpOptions options;
  McpEndpoint endpoint;  // refers to `options`
  tcp::acceptor acceptor;
  asio::steady_timer housekeeping;
  // Shutdown waits on it; whoever changes what shutdown waits for (a session drained, the last
  // connection gone) cancels it, on its strand.
  asio::steady_timer news;
  std::atomic<std::uint16_t> bound_port{0};

  std::mutex connections_mutex;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections;  // oldest first
  std::map<asio::ip::address, std::size_t> connections_per_address;
  WarningThrottle refusal_warnings{std::chrono::seconds(10)};
  std::uint64_t next_connection = 0;
  std::atomic<std::size_t> connection_count{0};

  std::shared_ptr<McpEndpoint> shared_endpoint() {
    return std::shared_ptr<McpEndpoint>(shared_from_this(), &endpoint);
  }

  void tell_news() {
    asio::post(news.get_executor(), [self = shared_from_this()] { self->news.cancel(); });
  }

  std::vector<std::shared_ptr<Connection>> live_connections() {
    std::lock_guard lock(connections_mutex);
    std::vector<std::shared_ptr<Connection>> live;
    for (const auto& entry : connections) {
      if (auto connection = entry.second.lock()) live.push_back(std::move(connection));
    }
    return live;
  }

  void stop() {
    endpoint.stop();
    asio::post(acceptor.get_executor(), [self = shared_from_this()] {
      error_code ignored;
      self->acceptor.close(ignored);
    });
    asio::post(housekeeping.get_executor(),
               [self = shared_from_this()] { self->housekeeping.cancel(); });
  }
};

namespace {

using Impl = HttpTransport::Impl;

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
      if (connection && is_idle(*connection)) {
        oldest = std::move(connection);
        break;
      }
    }
  }
  if (!oldest) return false;
  close_if_idle(oldest);
  return true;
}

// Why a newcomer from `peer` gets no connection; empty when it may have one.
std::string refusal_reason(Impl& impl, const asio::ip::address& peer) {
  const auto per_address_cap = impl.options.max_connections_per_client;
  if (per_address_cap > 0) {
    // find, not operator[]: a refused newcomer must not leave an entry behind.
    std::lock_guard lock(impl.connections_mutex);
    const auto from_peer = impl.connections_per_address.find(peer);
    if (from_peer != impl.connections_per_address.end() && from_peer->second >= per_address_cap) {
      return std::to_string(from_peer->second) + " already open from " + peer.to_string() +
             " (--max-connections-per-client)";
    }
  }
  if (impl.connection_count.load() >= impl.options.max_connections && !evict_oldest_idle(impl)) {
    return std::to_string(impl.connection_count.load()) +
           " already open, all busy (--max-connections)";
  }
  return {};
}

void admit(const std::shared_ptr<Impl>& impl, tcp::socket socket, const asio::ip::address& peer) {
  auto connection = make_connection(std::move(socket), impl->options);
  std::uint64_t key;
  {
    std::lock_guard lock(impl->connections_mutex);
    key = impl->next_connection++;
    impl->connections.emplace(key, connection);
    ++impl->connections_per_address[peer];
  }
  ++impl->connection_count;
  start_serving(impl->shared_endpoint(), std::move(connection),
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
                  if (--impl->connection_count == 0 && impl->endpoint.stopping()) {
                    impl->tell_news();
                  }
                });
}

asio::awaitable<void> accept_loop(std::shared_ptr<Impl> impl) {
  while (!impl->endpoint.stopping()) {
    error_code ec;
    tcp::socket socket =
        co_await impl->acceptor.async_accept(asio::make_strand(impl->executor), redirect(ec));
    if (ec) {
      if (impl->endpoint.stopping() || !impl->acceptor.is_open()) break;
      spdlog::warn("accepting an HTTP connection failed: {}", ec.message());
      // Out of file descriptors and similar: back off instead of spinning.
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(redirect(ec));
      continue;
    }
    const auto peer = socket.remote_endpoint(ec).address();
    if (ec) continue;  // already gone
    if (const std::string refused = refusal_reason(*impl, peer); !refused.empty()) {
      warn_refused(*impl, refused);
      if (impl->options.on_response) impl->options.on_response("", 503);
      refuse_busy(std::move(socket));
      continue;
    }
    admit(impl, std::move(socket), peer);
  }
}

// Ends sessions nobody has used for session_idle_timeout, and reports refusals the throttle
// held back.
asio::awaitable<void> housekeeping_loop(std::shared_ptr<Impl> impl) {
  const auto interval = std::clamp<std::chrono::milliseconds>(
      impl->options.session_idle_timeout / 4, std::chrono::milliseconds(10),
      std::chrono::milliseconds(60'000));
  while (!impl->endpoint.stopping()) {
    impl->housekeeping.expires_after(interval);
    error_code ec;
    co_await impl->housekeeping.async_wait(redirect(ec));
    if (impl->endpoint.stopping()) break;
    if (const auto count = impl->refusal_warnings.flush(WarningThrottle::Clock::now())) {
      spdlog::warn("refused {} more HTTP connection(s) since the last such line", count);
    }
    impl->endpoint.expire_idle_sessions();
  }
}

// Waits until `done()` or `deadline`. Runs on the strand of impl->news: `done` is checked and
// the wait started in one turn of it, and tell_news() posts its cancel to the same strand, so
// no news is missed in between. Shutdown runs once, so there is one waiter at a time.
asio::awaitable<void> wait_for_news(std::shared_ptr<Impl> impl, std::function<bool()> done,
                                    SteadyClock::time_point deadline) {
  while (!done() && SteadyClock::now() < deadline) {
    impl->news.expires_at(deadline);
    error_code ec;
    co_await impl->news.async_wait(redirect(ec));
  }
}

// Callers pass `done` as a named std::function: GCC 12 destroys a lambda temporary inside a
// co_await expression twice, and a captured shared_ptr with it.
asio::awaitable<void> wait_until(std::shared_ptr<Impl> impl, std::function<bool()> done,
                                 SteadyClock::time_point deadline) {
  auto waiting = wait_for_news(impl, std::move(done), deadline);
  const auto strand = impl->news.get_executor();
  co_await asio::co_spawn(strand, std::move(waiting), asio::use_awaitable);
}

// Lets every session finish its calls (each session's own drain: `grace`, then cancellation),
// all at once.
asio::awaitable<void> drain_sessions(std::shared_ptr<Impl> impl, std::chrono::milliseconds grace) {
  auto sessions = impl->endpoint.live_sessions();
  auto draining = std::make_shared<std::atomic<std::size_t>>(sessions.size());
  for (auto& session : sessions) {
    auto drain = session->drain(grace);
    asio::co_spawn(impl->executor, std::move(drain), [impl, draining, session](std::exception_ptr) {
      if (--*draining == 0) impl->tell_news();
    });
  }
  const std::function<bool()> drained = [draining] { return draining->load() == 0; };
  co_await wait_until(impl, drained, SteadyClock::time_point::max());
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
  impl_->stop();
}

void HttpTransport::start() {
  auto& impl = *impl_;
  const std::string& host = impl.options.host;
  error_code ec;
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
    error_code ignored;
    impl.acceptor.close(ignored);
    throw std::runtime_error("cannot listen for HTTP on " + where + ": " + ec.message());
  }
  impl.bound_port = impl.acceptor.local_endpoint().port();
  // The address the server is bound to is always a name clients may use for it.
  impl.endpoint.set_policy(OriginPolicy(impl.options.allowed_origins, address.is_loopback(),
                                        {display_host(address.to_string())}));
  spdlog::info("listening on http://{}:{}/mcp", display_host(address.to_string()),
               impl.bound_port.load());
  asio::co_spawn(impl.acceptor.get_executor(), accept_loop(impl_), asio::detached);
  asio::co_spawn(impl.housekeeping.get_executor(), housekeeping_loop(impl_), asio::detached);
}

std::uint16_t HttpTransport::port() const { return impl_->bound_port; }

std::size_t HttpTransport::session_count() const { return impl_->endpoint.session_count(); }

std::size_t HttpTransport::connection_count() const { return impl_->connection_count.load(); }

asio::awaitable<void> HttpTransport::shutdown(std::chrono::milliseconds grace) {
  auto impl = impl_;
  impl->stop();
  // Connections waiting for a request are closed now; busy ones finish their answer first.
  for (auto& connection : impl->live_connections()) close_if_idle(connection);

  co_await drain_sessions(impl, grace);
  impl->endpoint.end_all_sessions();

  // Let answers already produced reach their clients, then close whatever is left.
  const std::function<bool()> no_connections = [impl] {
    return impl->connection_count.load() == 0;
  };
  const auto answers_sent = SteadyClock::now() + std::chrono::seconds(2);
  co_await wait_until(impl, no_connections, answers_sent);
  for (auto& connection : impl->live_connections()) close_now(connection);
  const auto closed = SteadyClock::now() + std::chrono::seconds(1);
  co_await wait_until(impl, no_connections, closed);
  spdlog::info("HTTP transport stopped");
}

}  // namespace acmcp::transport
