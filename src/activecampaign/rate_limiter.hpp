// Client-side pacing of upstream request starts: at most N in any sliding window, first come
// first served.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

namespace acmcp::ac {

// A sliding window, not fixed spacing. For a rate R per second the limiter lets at most
// N = max(1, floor(R)) requests start in any window of N/R seconds plus a margin (1 s + margin at
// ActiveCampaign's 5 per second). Why:
// - ActiveCampaign (and the sandbox) count requests per token over a sliding second. A
//   multi-step tool's two or three calls then go at once instead of 1/R apart each, and an
//   agent's sporadic calls never wait.
// - The server sees arrivals, not our starts. Requests leave on different pooled connections
//   (some need a new one), so an earlier start can arrive later than a later start; with
//   starts exactly one window apart the server could count N+1 in its second and answer 429.
//   The margin (kDefaultMargin) absorbs that skew. It costs about margin/window of the
//   sustained rate: 100 queued calls at 5/s take 19 windows, 20.9 s instead of 19 s.
// Each caller reserves the earliest start that keeps the rule: no sooner than now, than the
// previous reservation (FIFO), or than the reservation N places back plus the window. Waiters
// then sleep on a timer, so no thread blocks. A cancelled waiter's slot stays used, which can
// only make the limiter more cautious. Safe to share between threads.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kDefaultMargin{100};

  // max_rps <= 0: unlimited.
  explicit RateLimiter(double max_rps, Clock::duration margin = kDefaultMargin);

  // Books the next start for a caller arriving at `now` and returns when it may start.
  Clock::time_point reserve(Clock::time_point now);

  // Waits (asynchronously, on the calling coroutine's executor) until a reserved start.
  // Returns how long it waited, or nothing when the wait was cancelled.
  boost::asio::awaitable<std::optional<Clock::duration>> acquire();

  bool unlimited() const { return burst_ == 0; }
  // Starts allowed in one window, and the window's length (margin included).
  std::size_t burst() const { return burst_; }
  Clock::duration window() const { return window_; }

 private:
  std::size_t burst_ = 0;
  Clock::duration window_{};
  std::mutex mutex_;
  std::vector<Clock::time_point> recent_;  // the last burst_ reservations, a ring
  std::size_t next_ = 0;                   // the ring's oldest entry, overwritten next
  Clock::time_point last_{};               // the newest reservation
};

}  // namespace acmcp::ac
