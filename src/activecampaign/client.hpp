// The real ActiveCampaign v3 client: Beast HTTP/1.1 over TCP or TLS, rate limiting, retries.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "activecampaign/account.hpp"
#include "activecampaign/upstream.hpp"

namespace acmcp::ac {

class RateLimiter;
class SharedRateLimit;

struct ClientConfig {
  Service service = Service::kActiveCampaign;
  // ActiveCampaign: "https://acct.api-us1.com" or ".../api/3". Maton: the gateway's or the
  // control service's origin (a private gateway may add a path prefix). http or https.
  std::string api_url;
  std::string token;       // the Api-Token, or Maton's API key; never logged
  std::string connection;  // Maton gateway: sent as Maton-Connection when not empty
  // Where token and connection came from, for the advice when they are refused.
  std::string token_source = "ACTIVECAMPAIGN_API_TOKEN";
  std::string connection_source = "MATON_CONNECTION";
  std::chrono::milliseconds timeout{30000};  // per attempt
  int max_retries = 3;
  double max_rps = 5;  // 0 disables client-side limiting
  // Requests one caller (Request::caller) may have waiting for the rate limit; more fail at
  // once. 0: no limit.
  std::size_t max_queued_per_caller = 0;
  std::string ca_file;  // extra CA bundle (PEM); system roots are always loaded
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds backoff_base{200};  // first backoff ceiling; doubles per retry
  std::chrono::milliseconds backoff_max{10000};
  // When set, the client paces with this limiter, shared with the other clients of one account,
  // instead of one of its own (max_rps and max_queued_per_caller then describe that one).
  std::shared_ptr<RateLimiter> limiter;
  // When set, every start also waits for the account's budget shared with other replicas
  // (--rate-limit-redis), after this process's own limiter.
  std::shared_ptr<SharedRateLimit> shared_limit;
  // Names the account in that shared budget; empty: account_key() of these credentials.
  std::string account_key;
};

// A short, stable name for a secret (the first 16 hex digits of its SHA-256): tells accounts
// apart in keys without keeping or showing the secret.
std::string fingerprint(std::string_view secret);

// Names an account for rate limits and logs without a secret: the API host and port, or for
// Maton a hash of key and connection. Throws std::invalid_argument for an unusable API URL.
std::string account_key(Service service, std::string_view api_url, std::string_view token,
                        std::string_view connection);

class Client final : public Upstream {
 public:
  // Throws std::invalid_argument for an unusable api_url or an unreadable ca_file.
  Client(boost::asio::any_io_executor executor, ClientConfig config);
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  boost::asio::awaitable<Response> send(Request request, SendObserver observer = {}) override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace acmcp::ac
