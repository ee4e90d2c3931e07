// MCP over Streamable HTTP for the benchmark: sessions (initialize, calls, DELETE) on keep-alive
// connections, measured one at a time or by many concurrent clients. Asio stays in the .cpp.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
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

// One soak round: every call checked down to the tool's envelope.
struct SoakResult {
  long calls = 0;             // answered with HTTP 200, a JSON-RPC result and StatusCode 200
  long transport_errors = 0;  // the connection failed or timed out (the session stops there)
  long http_errors = 0;       // an HTTP status other than 200
  long rpc_errors = 0;        // no JSON-RPC result for the request's id
  long envelope_errors = 0;   // isError, or an envelope StatusCode other than 200
  long close_errors = 0;      // DELETE of a session failed
  std::string first_error;
  std::vector<double> latencies_us;  // every answered call, in microseconds
  double seconds = 0;                // from the first call to the last answer
  long errors() const {
    return transport_errors + http_errors + rpc_errors + envelope_errors + close_errors;
  }
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

  // Opens `sessions` sessions (each its own connection, initialize + initialized), then each
  // calls tools/call back to back for `duration` and until `min_calls` calls were answered in
  // all, taking the params from `calls` in turn (starting at a different one per session); then
  // DELETEs every session. Opening failures throw; everything later is counted in the result.
  SoakResult soak(int sessions, const std::vector<std::string>& calls,
                  std::chrono::milliseconds duration, long min_calls = 0);

  // GET `path` on a fresh connection (Connection: close); returns the status and the body.
  std::pair<int, std::string> get(const std::string& path);

  // serverInfo from the first initialize, once a session was opened.
  nlohmann::json server_info() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bench
