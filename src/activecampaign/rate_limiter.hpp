// Client-side pacing of upstream request starts: at most N in any sliding window, with callers
// (the clients of this server) served in turn.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

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
//
// Fairness: the account's budget is shared by every client of this server. Requests that must
// wait queue per caller, and each free start goes to the next caller in turn (round robin),
// each caller's own requests in order. One client's flood then delays another client's request
// by at most one start per waiting caller, not by the whole flood. A caller may have at most
// max_queued_per_caller requests waiting; more are refused at once, so a flood cannot queue
// up hours of the account's budget. A cancelled waiter leaves the queue and uses no start.
// Waiters sleep asynchronously (no thread blocks). Safe to share between threads.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kDefaultMargin{100};

  // max_rps <= 0: unlimited. max_queued_per_caller 0: no limit.
  explicit RateLimiter(double max_rps, Clock::duration margin = kDefaultMargin,
                       std::size_t max_queued_per_caller = 0);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Books the next start for a caller arriving at `now`, after every start booked before, and
  // returns when it may start. (The window arithmetic on its own, without queueing.)
  Clock::time_point reserve(Clock::time_point now);

  struct Admission {
    enum class Outcome { kStarted, kCancelled, kBusy };
    Outcome outcome = Outcome::kStarted;
    Clock::duration waited{};       // kStarted: how long the caller waited
    std::size_t queued = 0;         // kBusy: the caller's requests already waiting
    Clock::duration retry_after{};  // kBusy: about when the waiting requests will have started
  };

  // Waits (asynchronously, on the calling coroutine's executor) until the caller may start a
  // request. `caller` tells callers apart for fairness; 0 is a caller like any other.
  boost::asio::awaitable<Admission> acquire(std::uint64_t caller = 0);

  bool unlimited() const;
  // Starts allowed in one window, and the window's length (margin included).
  std::size_t burst() const;
  Clock::duration window() const;

  struct State;  // opaque; defined in rate_limiter.cpp

 private:
  std::shared_ptr<State> state_;
};

}  // namespace acmcp::ac
