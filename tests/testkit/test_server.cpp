// The scriptable test server: one coroutine per connection, keep-alive, optional TLS.
#include "testkit/test_server.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <deque>
#include <mutex>
#include <thread>

namespace acmcp::testkit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}
}  // namespace

struct TestServer::Impl {
  std::optional<ssl::context> tls;  // declared first: sessions still queued in `io` use it
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;

  mutable std::mutex mutex;
  std::deque<ScriptedResponse> pending;
  std::vector<ReceivedRequest> received;
  int accepted = 0;

  ScriptedResponse next_response(ReceivedRequest request) {
    const std::lock_guard lock(mutex);
    received.push_back(std::move(request));
    if (pending.empty()) return ScriptedResponse{};
    auto response = std::move(pending.front());
    pending.pop_front();
    return response;
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, tcp::socket& socket, int connection) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      auto [read_error, read] = co_await http::async_read(stream, buffer, request, kTuple);
      if (read_error) co_return;
      ReceivedRequest record;
      record.method = std::string(request.method_string());
      record.target = std::string(request.target());
      for (const auto& field : request) {
        record.headers[lowercase(std::string(field.name_string()))] = std::string(field.value());
      }
      record.body = request.body();
      record.connection = connection;
      record.at = std::chrono::steady_clock::now();
      const auto script = next_response(std::move(record));

      if (script.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, script.delay);
        co_await timer.async_wait(kTuple);
      }
      switch (script.action) {
        case ScriptedResponse::Action::ResetAfterRead: {
          boost::system::error_code ec;
          socket.set_option(asio::socket_base::linger(true, 0), ec);
          socket.close(ec);
          co_return;
        }
        case ScriptedResponse::Action::CloseAfterRead: {
          boost::system::error_code ec;
          socket.shutdown(tcp::socket::shutdown_both, ec);
          socket.close(ec);
          co_return;
        }
        case ScriptedResponse::Action::NeverAnswer: {
          char byte = 0;
          co_await socket.async_read_some(asio::buffer(&byte, 1), kTuple);  // until client leaves
          co_return;
        }
        case ScriptedResponse::Action::Answer:
          break;
      }
      http::response<http::string_body> response{static_cast<http::status>(script.status), 11};
      for (const auto& [name, value] : script.headers) response.set(name, value);
      if (response.find(http::field::content_type) == response.end()) {
        response.set(http::field::content_type, "application/json");
      }
      response.body() = script.body;
      response.keep_alive(script.keep_alive && request.keep_alive());
      response.prepare_payload();
      auto [write_error, written] = co_await http::async_write(stream, response, kTuple);
      if (write_error || !response.keep_alive() || script.close_after_answer) {
        boost::system::error_code ec;
        socket.shutdown(tcp::socket::shutdown_both, ec);
        co_return;
      }
    }
  }

  asio::awaitable<void> session(tcp::socket socket, int connection) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, stream.socket(), connection);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    auto [handshake_error] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (handshake_error) co_return;
    co_await serve(stream, beast::get_lowest_layer(stream).socket(), connection);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor.async_accept(kTuple);
      if (error) co_return;
      int connection = 0;
      {
        const std::lock_guard lock(mutex);
        connection = ++accepted;
      }
      asio::co_spawn(io, session(std::move(socket), connection), asio::detached);
    }
  }
};

TestServer::TestServer(std::optional<TlsIdentity> tls) : impl_(std::make_shared<Impl>()) {
  if (tls) {
    impl_->tls.emplace(ssl::context::tls_server);
    impl_->tls->use_certificate_chain_file(tls->certificate_file);
    impl_->tls->use_private_key_file(tls->key_file, ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

TestServer::~TestServer() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short TestServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string TestServer::url(const std::string& host) const {
  return std::string(impl_->tls ? "https://" : "http://") + host + ":" + std::to_string(port());
}

void TestServer::script(ScriptedResponse response) {
  const std::lock_guard lock(impl_->mutex);
  impl_->pending.push_back(std::move(response));
}

std::vector<ReceivedRequest> TestServer::requests() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

int TestServer::connections() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->accepted;
}

unsigned short unused_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

}  // namespace acmcp::testkit
