// Per-client accounts: each request goes out with the client for the account it names.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "activecampaign/client.hpp"

namespace acmcp::ac {

// Sends a request that names no account with the server's own upstream, and one that does with a
// client made for that account. The clients of one account (one Account::key) share one rate
// limiter: ActiveCampaign counts requests per account, whoever sends them, and one account's
// burst then never delays another's. At most `max_clients` clients are kept, the least recently
// used dropped first (a request still running on a dropped client finishes normally).
class AccountRouter final : public Upstream {
 public:
  // `base` holds what every client shares (timeouts, retries, rate, CA file, body limit); `own`
  // may be null when the server has no account of its own.
  AccountRouter(boost::asio::any_io_executor executor, ClientConfig base, Upstream* own,
                std::size_t max_clients = 256);
  ~AccountRouter() override;
  AccountRouter(const AccountRouter&) = delete;
  AccountRouter& operator=(const AccountRouter&) = delete;

  boost::asio::awaitable<Response> send(Request request, SendObserver observer = {}) override;

  std::size_t client_count() const;
  std::size_t limiter_count() const;  // accounts with a client (or a request) still alive

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace acmcp::ac
