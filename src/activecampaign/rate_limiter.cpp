// Sliding-window reservation and asynchronous waiting for the client-side rate limit.
#include "activecampaign/rate_limiter.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>

namespace acmcp::ac {

namespace asio = boost::asio;

namespace {
constexpr double kMaxBurst = 1000;
}  // namespace

RateLimiter::RateLimiter(double max_rps, Clock::duration margin) {
  if (!(max_rps > 0)) return;  // also NaN
  // The ring holds one entry per start in a window; above kMaxBurst the window shrinks instead.
  burst_ = static_cast<std::size_t>(std::clamp(std::floor(max_rps), 1.0, kMaxBurst));
  window_ = std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(static_cast<double>(burst_) / max_rps)) +
            std::max(margin, Clock::duration::zero());
  if (window_ <= Clock::duration::zero()) window_ = Clock::duration{1};
  // Far enough in the past that the first burst_ callers start at once.
  recent_.assign(burst_, Clock::time_point::min());
}

RateLimiter::Clock::time_point RateLimiter::reserve(Clock::time_point now) {
  if (unlimited()) return now;
  const std::lock_guard lock(mutex_);
  auto slot = std::max(now, last_);
  const auto oldest = recent_[next_];
  if (oldest != Clock::time_point::min()) slot = std::max(slot, oldest + window_);
  recent_[next_] = slot;
  next_ = (next_ + 1) % burst_;
  last_ = slot;
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
