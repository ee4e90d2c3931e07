// MCP over Streamable HTTP for the benchmark: sessions (initialize, calls, DELETE) on keep-alive
// connections, measured one at a time or by many concurrent clients. Asio stays in the .cpp.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bench {

struct HttpTarget {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/mcp";
};

// Parses "http://host:port/path"; throws std::invalid_argument.
HttpTarget parse_http_url(const std::string& url);

// Returns "" when a reply is what the series expects, else what is wrong with it.
using ReplyCheck = std::function<std::string(const nlohmann::json& reply)>;

struct ThroughputResult {
  long calls = 0;   // answered without error in the window
  long errors = 0;  // failed calls (HTTP error, JSON-RPC error or isError true)
  double seconds = 0;
  std::string first_error;
  double calls_per_second() const { return seconds > 0 ? static_cast<double>(calls) / seconds : 0; }
};

class HttpBench {
 public:
  HttpBench(HttpTarget target, std::chrono::milliseconds timeout);
  ~HttpBench();

  // Round trips in microseconds of `count` requests on one session, after `warmup` unmeasured
  // ones. Throws std::runtime_error when a reply fails `check`.
  std::vector<double> latency(const std::string& method, const std::string& params_json,
                              int warmup, int count, const ReplyCheck& check);

  // `clients` sessions, each on its own connection, call tools/call back to back: first for
  // `warmup` (not counted), then for `window`. at_start/at_end run right at the window's edges.
  ThroughputResult throughput(int clients, const std::string& call_params_json,
                              std::chrono::milliseconds warmup, std::chrono::milliseconds window,
                              const std::function<void()>& at_start,
                              const std::function<void()>& at_end);

  // serverInfo from the first initialize, once a session was opened.
  nlohmann::json server_info() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bench
