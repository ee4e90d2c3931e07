// Requests to the sandbox over real loopback HTTP, carrying its Api-Token header.
#pragma once
#include <optional>
#include <string>

#include "testkit/http_client.hpp"

namespace acmcp::sandbox {

// `token` "" sends no Api-Token header at all.
inline std::optional<testkit::HttpResult> send(testkit::HttpClient& client,
                                               const std::string& method, const std::string& target,
                                               const std::string& token,
                                               const std::string& body = "",
                                               testkit::Headers headers = {}) {
  if (!token.empty()) headers.emplace_back("Api-Token", token);
  return client.request(method, target, body, headers);
}

// One request on a fresh connection.
inline std::optional<testkit::HttpResult> http_once(unsigned short port, const std::string& method,
                                                    const std::string& target,
                                                    const std::string& token,
                                                    const std::string& body = "") {
  testkit::HttpClient client(port);
  return send(client, method, target, token, body);
}

}  // namespace acmcp::sandbox
