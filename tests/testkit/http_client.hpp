// A small blocking HTTP/1.1 client for tests of the transport, the binary and the sandbox: one
// connection, every operation bounded by a timeout, with helpers to read an event stream.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace acmcp::testkit {

using namespace std::chrono_literals;

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  // The JSON messages of an event-stream body, in order.
  std::vector<nlohmann::json> events() const;
};

// Header lines for a request; the client adds Host, Content-Type and Accept unless given here,
// and an entry with an empty value removes that default.
using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  // Connects at once to `address`:port (connected() says if it worked), from `source` when
  // given (another loopback address acts as another client). The default Host header names
  // `address`.
  explicit HttpClient(std::uint16_t port, const std::string& address = "127.0.0.1",
                      const std::string& source = "");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  bool connected() const;

  // Sends a request and reads the whole answer (an event stream until its end); nullopt when
  // the connection closed or the timeout passed first.
  std::optional<HttpResult> request(const std::string& method, const std::string& target,
                                    const std::string& body = "", const Headers& headers = {},
                                    std::chrono::milliseconds timeout = 5s);
  void send(const std::string& method, const std::string& target, const std::string& body = "",
            const Headers& headers = {});
  void write_raw(const std::string& bytes);
  std::optional<HttpResult> read_response(std::chrono::milliseconds timeout = 5s);

  // For streams: reads only the status line and headers, then events one at a time.
  std::optional<HttpResult> read_header(std::chrono::milliseconds timeout = 5s);
  // The next SSE event's data as JSON (comments skipped); nullopt on timeout or end of stream.
  std::optional<nlohmann::json> next_event(std::chrono::milliseconds timeout = 5s);
  // True once the body being streamed has ended.
  bool stream_ended() const;
  // Comments (": ...") seen so far on the current stream.
  int comments_seen() const;

  // True when the server closes the connection within `timeout`.
  bool closed_by_server(std::chrono::milliseconds timeout = 5s);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace acmcp::testkit
