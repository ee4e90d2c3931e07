// In-memory ActiveCampaign v3 emulator served over a real loopback HTTP listener.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acmcp::sandbox {

class ExchangeHook;

struct SandboxOptions {
  std::string token = "sandbox-token";  // requests must carry it as Api-Token, else 403
  bool seed = true;                     // start with a little demo data
  bool rate_limit = false;              // enforce 5 requests/second with 429 + Retry-After
  double rate_per_second = 5;
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0 = pick a free port
  // The request log keeps the newest entries only, so a long --sandbox session stays bounded.
  std::size_t max_logged_requests = 10000;
};

struct RecordedRequest {
  std::string method;
  std::string target;                             // raw request target as received
  std::string path;                               // decoded path after /api/3, e.g. "/contacts/3"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  nlohmann::json body;                            // parsed JSON body, null if none
  std::string api_token;                          // the Api-Token header as received
};

class SandboxServer {
 public:
  // Starts listening at once on options.host:options.port.
  SandboxServer(boost::asio::any_io_executor executor, SandboxOptions options = {});
  ~SandboxServer();
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  unsigned short port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>/api/3"
  const std::string& token() const;

  // Test builds hook into every exchange (see exchange_hook.hpp) to inject faults; nullptr
  // removes the hook.
  void set_hook(std::shared_ptr<ExchangeHook> hook);
  std::shared_ptr<ExchangeHook> hook() const;
  // The requests received, in order (the newest options.max_logged_requests of them).
  std::vector<RecordedRequest> requests() const;
  void clear_requests();

  // Direct access to the data for tests: answers as the HTTP API would, without the network.
  // Returns {status, body}.
  std::pair<int, nlohmann::json> handle(const std::string& method, const std::string& path,
                                        const std::multimap<std::string, std::string>& query,
                                        const nlohmann::json& body);

  void stop();  // closes the listener and open connections

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace acmcp::sandbox
