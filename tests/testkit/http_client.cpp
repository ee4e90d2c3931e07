// Blocking Beast client for tests: each operation runs on a private io_context for
// at most its timeout, so a misbehaving server fails a test instead of hanging it.
#include "testkit/http_client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace acmcp::testkit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Splits complete SSE events off the front of `text`; returns their data lines joined, and
// counts comment-only events.
std::vector<std::string> take_events(std::string& text, int& comments) {
  std::vector<std::string> events;
  for (;;) {
    const auto end = text.find("\n\n");
    if (end == std::string::npos) break;
    const std::string block = text.substr(0, end);
    text.erase(0, end + 2);
    std::string data;
    bool has_data = false;
    std::size_t start = 0;
    while (start <= block.size()) {
      auto newline = block.find('\n', start);
      if (newline == std::string::npos) newline = block.size();
      const std::string line = block.substr(start, newline - start);
      if (line.rfind("data:", 0) == 0) {
        std::string value = line.substr(5);
        if (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (has_data) data += "\n";
        data += value;
        has_data = true;
      }
      start = newline + 1;
    }
    if (has_data) {
      events.push_back(data);
    } else if (block.rfind(":", 0) == 0) {
      ++comments;
    }
  }
  return events;
}

}  // namespace

std::vector<nlohmann::json> HttpResult::events() const {
  std::string text = body;
  int comments = 0;
  std::vector<nlohmann::json> parsed;
  for (const auto& data : take_events(text, comments)) {
    parsed.push_back(nlohmann::json::parse(data, nullptr, false));
  }
  return parsed;
}

struct HttpClient::Impl {
  template <typename Start>
  beast::error_code run(std::chrono::milliseconds timeout, Start start) {
    beast::error_code result = asio::error::timed_out;
    bool done = false;
    io.restart();
    start([&](beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    io.run_for(timeout);
    if (!done) {
      beast::error_code ignored;
      socket.cancel(ignored);
      io.restart();
      io.run();
      result = asio::error::timed_out;
    }
    return result;
  }

  HttpResult result_from_parser() const {
    HttpResult result;
    const auto& message = parser->get();
    result.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      result.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    }
    result.body = message.body();
    return result;
  }

  void new_parser() {
    parser.emplace();
    parser->body_limit(64 * 1024 * 1024);
    consumed = 0;
    pending_events.clear();
    sse_text.clear();
    comments = 0;
  }

  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
  bool connected = false;
  std::uint16_t port = 0;
  std::string address;
  std::optional<http::response_parser<http::string_body>> parser;
  std::size_t consumed = 0;  // bytes of the streamed body already split into events
  std::string sse_text;
  std::vector<std::string> pending_events;
  int comments = 0;
};

HttpClient::HttpClient(std::uint16_t port, const std::string& address, const std::string& source)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->address = address;
  const tcp::endpoint endpoint(asio::ip::make_address(address), port);
  if (!source.empty()) {
    beast::error_code error;
    impl_->socket.open(endpoint.protocol(), error);
    if (!error) impl_->socket.bind(tcp::endpoint(asio::ip::make_address(source), 0), error);
    if (error) return;
  }
  const auto ec = impl_->run(2s, [&](auto handler) {
    impl_->socket.async_connect(endpoint,
                                [handler](beast::error_code error) mutable { handler(error, 0); });
  });
  impl_->connected = !ec;
}

HttpClient::~HttpClient() {
  beast::error_code ignored;
  impl_->socket.close(ignored);
}

bool HttpClient::connected() const { return impl_->connected; }

void HttpClient::send(const std::string& method, const std::string& target, const std::string& body,
                      const Headers& headers) {
  std::map<std::string, std::pair<std::string, std::string>> fields;  // lower name -> name, value
  fields["host"] = {"Host", impl_->address + ":" + std::to_string(impl_->port)};
  if (method == "POST") {
    fields["content-type"] = {"Content-Type", "application/json"};
    fields["accept"] = {"Accept", "application/json, text/event-stream"};
  }
  for (const auto& [name, value] : headers) fields[lower(name)] = {name, value};
  std::string text = method + " " + target + " HTTP/1.1\r\n";
  for (const auto& [key, field] : fields) {
    if (!field.second.empty()) text += field.first + ": " + field.second + "\r\n";
  }
  if (method == "POST" || !body.empty()) {
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n" + body;
  write_raw(text);
}

void HttpClient::write_raw(const std::string& bytes) {
  impl_->run(5s,
             [&](auto handler) { asio::async_write(impl_->socket, asio::buffer(bytes), handler); });
}

std::optional<HttpResult> HttpClient::request(const std::string& method, const std::string& target,
                                              const std::string& body, const Headers& headers,
                                              std::chrono::milliseconds timeout) {
  send(method, target, body, headers);
  return read_response(timeout);
}

std::optional<HttpResult> HttpClient::read_response(std::chrono::milliseconds timeout) {
  impl_->new_parser();
  const auto ec = impl_->run(timeout, [&](auto handler) {
    http::async_read(impl_->socket, impl_->buffer, *impl_->parser, handler);
  });
  if (ec) return std::nullopt;
  return impl_->result_from_parser();
}

std::optional<HttpResult> HttpClient::read_header(std::chrono::milliseconds timeout) {
  impl_->new_parser();
  const auto ec = impl_->run(timeout, [&](auto handler) {
    http::async_read_header(impl_->socket, impl_->buffer, *impl_->parser, handler);
  });
  if (ec) return std::nullopt;
  return impl_->result_from_parser();
}

std::optional<nlohmann::json> HttpClient::next_event(std::chrono::milliseconds timeout) {
  auto& impl = *impl_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!impl.pending_events.empty()) {
      auto data = impl.pending_events.front();
      impl.pending_events.erase(impl.pending_events.begin());
      return nlohmann::json::parse(data, nullptr, false);
    }
    if (!impl.parser || impl.parser->is_done()) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return std::nullopt;
    const auto ec = impl.run(left, [&](auto handler) {
      http::async_read_some(impl.socket, impl.buffer, *impl.parser, handler);
    });
    auto& body = impl.parser->get().body();
    impl.sse_text += body.substr(impl.consumed);
    impl.consumed = body.size();
    for (auto& event : take_events(impl.sse_text, impl.comments)) {
      impl.pending_events.push_back(std::move(event));
    }
    if (ec && impl.pending_events.empty()) return std::nullopt;
  }
}

bool HttpClient::stream_ended() const { return impl_->parser && impl_->parser->is_done(); }

int HttpClient::comments_seen() const { return impl_->comments; }

bool HttpClient::closed_by_server(std::chrono::milliseconds timeout) {
  char byte;
  const auto ec = impl_->run(timeout, [&](auto handler) {
    impl_->socket.async_read_some(asio::buffer(&byte, 1), handler);
  });
  return ec && ec != asio::error::timed_out;
}

}  // namespace acmcp::testkit
