// Blocking Beast client used by the sandbox tests: each operation runs on a private io_context for
// at most a few seconds, so a misbehaving server fails a test instead of hanging it.
#include "sandbox/http_test_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>

namespace acmcp::sandbox::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpTestClient::Impl {
  // Runs one asynchronous operation to completion or until the deadline passes.
  template <typename Start>
  beast::error_code run(Start start) {
    beast::error_code result = asio::error::timed_out;
    bool done = false;
    io.restart();
    start([&](beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    io.run_for(std::chrono::seconds(5));
    if (!done) {
      beast::error_code ignored;
      socket.cancel(ignored);
      io.restart();
      io.run();
      result = asio::error::timed_out;
    }
    return result;
  }

  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
};

HttpTestClient::HttpTestClient(unsigned short port) : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

HttpTestClient::~HttpTestClient() {
  beast::error_code ignored;
  impl_->socket.close(ignored);
}

std::optional<HttpReply> HttpTestClient::send(const std::string& method, const std::string& target,
                                              const std::string& token, const std::string& body,
                                              const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!token.empty()) request.set("Api-Token", token);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  if (!headers.count("Connection")) request.keep_alive(true);
  request.prepare_payload();
  auto ec = impl_->run(
      [&](auto handler) { http::async_write(impl_->socket, request, std::move(handler)); });
  if (ec) return std::nullopt;
  return read_reply();
}

void HttpTestClient::write_raw(const std::string& bytes) {
  impl_->run([&](auto handler) {
    asio::async_write(impl_->socket, asio::buffer(bytes), std::move(handler));
  });
}

std::optional<HttpReply> HttpTestClient::read_reply() {
  http::response<http::string_body> response;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  auto ec = impl_->run([&](auto handler) {
    http::async_read(impl_->socket, impl_->buffer, parser, std::move(handler));
  });
  if (ec) return std::nullopt;
  response = parser.release();
  HttpReply reply;
  reply.status = static_cast<int>(response.result_int());
  reply.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    reply.headers[name] = std::string(field.value());
  }
  return reply;
}

bool HttpTestClient::peer_closed() {
  char byte = 0;
  auto ec = impl_->run([&](auto handler) {
    impl_->socket.async_read_some(asio::buffer(&byte, 1), std::move(handler));
  });
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

std::optional<HttpReply> http_once(unsigned short port, const std::string& method,
                                   const std::string& target, const std::string& token,
                                   const std::string& body) {
  HttpTestClient client(port);
  return client.send(method, target, token, body);
}

}  // namespace acmcp::sandbox::testing
