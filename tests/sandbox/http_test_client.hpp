// A tiny blocking HTTP/1.1 client for the sandbox tests: one connection, requests in sequence.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace acmcp::sandbox::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class HttpTestClient {
 public:
  explicit HttpTestClient(unsigned short port);  // connects at once; throws when refused
  ~HttpTestClient();
  HttpTestClient(const HttpTestClient&) = delete;
  HttpTestClient& operator=(const HttpTestClient&) = delete;

  // nullopt when the connection dropped without an answer.
  std::optional<HttpReply> send(const std::string& method, const std::string& target,
                                const std::string& token, const std::string& body = "",
                                const std::map<std::string, std::string>& headers = {});
  void write_raw(const std::string& bytes);  // for malformed requests
  std::optional<HttpReply> read_reply();     // after write_raw
  bool peer_closed();                        // true once the server has closed the connection

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
std::optional<HttpReply> http_once(unsigned short port, const std::string& method,
                                   const std::string& target, const std::string& token,
                                   const std::string& body = "");

}  // namespace acmcp::sandbox::testing
