// Client-side pacing of upstream request starts: at most N per second, first come first served.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <mutex>
#include <optional>

namespace acmcp::ac {

// Each caller reserves the next free start slot, spaced 1/max_rps apart, then waits on a timer
// until its slot. Reservations are handed out in call order, so waiters start in FIFO order and no
// thread blocks while waiting. Safe to share between threads.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(double max_rps);  // max_rps <= 0: unlimited

  // Books the next start slot for a caller arriving at `now` and returns when it may start.
  Clock::time_point reserve(Clock::time_point now);

  // Waits (asynchronously, on the calling coroutine's executor) until a reserved slot.
  // Returns how long it waited, or nothing when the wait was cancelled.
  boost::asio::awaitable<std::optional<Clock::duration>> acquire();

  bool unlimited() const { return interval_ == Clock::duration::zero(); }
  Clock::duration interval() const { return interval_; }

 private:
  Clock::duration interval_{};
  std::mutex mutex_;
  Clock::time_point next_free_{};
};

}  // namespace acmcp::ac
