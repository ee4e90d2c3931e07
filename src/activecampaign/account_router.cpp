// The per-account clients and their shared limiters, behind one mutex: creating a client is
// cheap (no connection until the first request), so nothing slow happens under the lock.
#include "activecampaign/account_router.hpp"

#include <list>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "activecampaign/rate_limiter.hpp"

namespace acmcp::ac {

struct AccountRouter::Impl {
  boost::asio::any_io_executor executor;
  ClientConfig base;
  Upstream* own;
  std::size_t max_clients;

  mutable std::mutex mutex;
  // Most recently used first; the index finds an entry by client key.
  std::list<std::pair<std::string, std::shared_ptr<Client>>> clients;
  std::unordered_map<std::string, decltype(clients)::iterator> index;
  // By Account::key; a limiter lives as long as a client (or a running request) holds it.
  std::map<std::string, std::weak_ptr<RateLimiter>> limiters;

  // Throws std::invalid_argument for an account the client cannot use.
  std::shared_ptr<Client> client_for(const Account& account) {
    // Two clients of one account with different credentials need two clients (the credentials
    // go in every request), but one limiter.
    const std::string client_key =
        account.key + '\n' + fingerprint(account.token + '\n' + account.connection);
    std::lock_guard lock(mutex);
    if (const auto found = index.find(client_key); found != index.end()) {
      clients.splice(clients.begin(), clients, found->second);
      return found->second->second;
    }
    auto& slot = limiters[account.key];
    auto limiter = slot.lock();
    if (!limiter) {
      limiter = std::make_shared<RateLimiter>(base.max_rps, RateLimiter::kDefaultMargin,
                                              base.max_queued_per_caller);
      slot = limiter;
    }
    ClientConfig config = base;
    config.service = account.service;
    config.api_url = account.api_url;
    config.token = account.token;
    config.connection = account.connection;
    config.token_source = account.token_source;
    config.connection_source = account.connection_source;
    config.limiter = std::move(limiter);
    config.account_key = account.key;
    auto client = std::make_shared<Client>(executor, std::move(config));
    clients.emplace_front(client_key, client);
    index[client_key] = clients.begin();
    while (clients.size() > max_clients) {
      index.erase(clients.back().first);
      clients.pop_back();
    }
    std::erase_if(limiters, [](const auto& entry) { return entry.second.expired(); });
    return client;
  }
};

AccountRouter::AccountRouter(boost::asio::any_io_executor executor, ClientConfig base,
                             Upstream* own, std::size_t max_clients)
    : impl_(std::make_unique<Impl>()) {
  impl_->executor = std::move(executor);
  impl_->base = std::move(base);
  impl_->base.limiter = nullptr;
  impl_->own = own;
  impl_->max_clients = std::max<std::size_t>(1, max_clients);
}

AccountRouter::~AccountRouter() = default;

boost::asio::awaitable<Response> AccountRouter::send(Request request, SendObserver observer) {
  if (!request.account) {
    if (impl_->own) co_return co_await impl_->own->send(std::move(request), std::move(observer));
    Response response;
    response.error =
        "this server has no ActiveCampaign account of its own, and the client "
        "named none";
    co_return response;
  }
  std::shared_ptr<Client> client;
  try {
    client = impl_->client_for(*request.account);
  } catch (const std::invalid_argument& error) {
    Response response;
    response.error = error.what();
    co_return response;
  }
  co_return co_await client->send(std::move(request), std::move(observer));
}

std::size_t AccountRouter::client_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->clients.size();
}

std::size_t AccountRouter::limiter_count() const {
  std::lock_guard lock(impl_->mutex);
  std::size_t alive = 0;
  for (const auto& [key, limiter] : impl_->limiters) alive += limiter.expired() ? 0 : 1;
  return alive;
}

}  // namespace acmcp::ac
