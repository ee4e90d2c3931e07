// In-memory ActiveCampaign v3 emulator served over a real loopback HTTP listener.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace acmcp::sandbox {

struct SandboxOptions {
  std::string token = "sandbox-token";  // requests must carry it as Api-Token, else 403
  bool seed = true;                     // start with a little demo data
  bool rate_limit = false;              // enforce 5 requests/second with 429 + Retry-After
  double rate_per_second = 5;
  std::string host = "127.0.0.1";
  unsigned short port = 0;              // 0 = pick a free port
  // The request log keeps the newest entries only, so a long --sandbox session stays bounded.
  std::size_t max_logged_requests = 10000;
};

// A fault the server injects instead of (or before) answering normally.
struct Fault {
  enum class Kind {
    Status,   // answer `status` with `body` (raw text) and `headers`
    Delay,    // wait `delay`, then answer normally
    Reset,    // close the connection without answering
    NonJson,  // answer 200 with a body that is not JSON
    // The kinds below let the store handle the request first (a write takes effect), then spoil
    // the answer on the wire, as a failing network or proxy would.
    ResetAfterHeaders,   // send the response headers, then reset the connection
    StallBeforeHeaders,  // send nothing for `delay`, then close
    StallMidBody,        // send the headers and half the body, then nothing for `delay`, close
    Truncated,           // a complete HTTP message whose JSON body is cut in half
    Oversized,           // answer 200 with a JSON body of `size` bytes
    ContentType,         // answer `status` with `body` labelled `content_type`
  };
  Kind kind = Kind::Status;
  std::string method;        // "" = any method
  std::string path_prefix;   // matched against the path after /api/3; "" = any path
  int count = 1;             // how many matching requests it applies to; -1 = forever
  int status = 500;
  std::string body = "{}";
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};
  std::size_t size = 0;                   // Oversized: body length in bytes
  std::string content_type = "text/html; charset=utf-8";  // ContentType
};

struct RecordedRequest {
  std::string method;
  std::string target;                          // raw request target as received
  std::string path;                            // decoded path after /api/3, e.g. "/contacts/3"
  std::multimap<std::string, std::string> query;  // decoded query parameters
  nlohmann::json body;                         // parsed JSON body, null if none
  std::string api_token;                       // the Api-Token header as received
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

  void add_fault(Fault fault);
  void clear_faults();
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
