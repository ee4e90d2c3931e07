// The real ActiveCampaign v3 client: Beast HTTP/1.1 over TCP or TLS, rate limiting, retries.
#pragma once
#include "activecampaign/upstream.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace acmcp::ac {

struct ClientConfig {
  std::string api_url;   // "https://acct.api-us1.com" or ".../api/3", http or https
  std::string token;     // sent as the Api-Token header; never logged
  std::chrono::milliseconds timeout{30000};  // per attempt
  int max_retries = 3;
  double max_rps = 5;    // 0 disables client-side limiting
  // Requests one caller (Request::caller) may have waiting for the rate limit; more fail at
  // once. 0: no limit.
  std::size_t max_queued_per_caller = 0;
  std::string ca_file;   // extra CA bundle (PEM); system roots are always loaded
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds backoff_base{200};   // first backoff ceiling; doubles per retry
  std::chrono::milliseconds backoff_max{10000};
};

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
