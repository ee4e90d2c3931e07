// Slot reservation and asynchronous waiting for the client-side rate limit.
#include "activecampaign/rate_limiter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace acmcp::ac {

namespace asio = boost::asio;

RateLimiter::RateLimiter(double max_rps) {
  if (max_rps > 0) {
    interval_ =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / max_rps));
    if (interval_ <= Clock::duration::zero()) interval_ = Clock::duration{1};
  }
}

RateLimiter::Clock::time_point RateLimiter::reserve(Clock::time_point now) {
  if (unlimited()) return now;
  const std::lock_guard lock(mutex_);
  const auto slot = std::max(now, next_free_);
  next_free_ = slot + interval_;
  return slot;
}

asio::awaitable<std::optional<RateLimiter::Clock::duration>> RateLimiter::acquire() {
  const auto now = Clock::now();
  const auto slot = reserve(now);
  if (slot <= now) co_return Clock::duration::zero();
  asio::steady_timer timer(co_await asio::this_coro::executor, slot);
  const auto [error] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (error) co_return std::nullopt;
  co_return slot - now;
}

}  // namespace acmcp::ac
