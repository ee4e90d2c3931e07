// What the tools layer needs from ActiveCampaign: send one request, get a status and a JSON body.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "activecampaign/account.hpp"

namespace acmcp::ac {

struct Request {
  std::string method;  // "GET", "POST", "PUT", "DELETE"
  std::string path;    // relative to the API base, e.g. "/contacts/12" (no query string)
  std::vector<std::pair<std::string, std::string>> query;  // unencoded; encoded by the client
  std::optional<nlohmann::json> body;                      // sent as application/json
  // Who asks (one value per client of this server): the rate limiter serves callers in turn.
  std::uint64_t caller = 0;
  // The account the client supplied for itself; null: the server's own.
  std::shared_ptr<const Account> account = nullptr;
};

struct Response {
  int status = 0;       // HTTP status of the last response; 0 when none came back
  nlohmann::json body;  // parsed JSON body; null when the body was empty
  std::string error;    // non-empty when no usable response: timeout, refused, reset, TLS,
                        // body not JSON, body too large. Never contains the token, nor
                        // does body: an echoed token reads "[redacted]".
  int attempts = 0;     // how many times the request was sent
  // Set when the upstream refused the credentials (or, through Maton, found no connection to
  // use): who refused what ("the Maton gateway rejected the API key"), and what to do about it,
  // naming where the credentials came from ("Check MATON_API_KEY ...").
  std::string refusal;
  std::string advice;
};

// Progress events a caller may want to surface (retries and rate-limit waits).
struct SendObserver {
  std::function<void(const std::string& what)>
      on_wait;  // e.g. "retrying after 429 (attempt 2 of 4)"
  // For metrics: every attempt's HTTP status (0 when no response came back) and duration, and
  // every wait for the client-side rate limiter, however short.
  std::function<void(int status, std::chrono::nanoseconds elapsed)> on_attempt = {};
  std::function<void(std::chrono::nanoseconds waited)> on_rate_limit_wait = {};
};

class Upstream {
 public:
  virtual ~Upstream() = default;
  // Never throws for network or HTTP failures: they come back in Response.
  virtual boost::asio::awaitable<Response> send(Request request, SendObserver observer = {}) = 0;
};

}  // namespace acmcp::ac
