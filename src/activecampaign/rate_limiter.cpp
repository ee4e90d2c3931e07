// Sliding-window starts, served to queued callers in turn, and asynchronous waiting.
#include "activecampaign/rate_limiter.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace acmcp::ac {

namespace asio = boost::asio;
using Clock = RateLimiter::Clock;
using Admission = RateLimiter::Admission;

namespace {
constexpr double kMaxBurst = 1000;

// One queued request: the pump hands it its start through the channel.
struct Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : start(executor, 1) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code)> start;
  bool granted = false;  // under State::mutex
};
}  // namespace

struct RateLimiter::State {
  std::size_t burst = 0;  // 0: unlimited
  Clock::duration window{};
  std::size_t max_queued_per_caller = 0;

  std::mutex mutex;
  std::vector<Clock::time_point> recent;  // the last `burst` starts, a ring
  std::size_t next = 0;                   // the ring's oldest entry, overwritten next
  Clock::time_point last{};               // the newest start
  std::map<std::uint64_t, std::deque<std::shared_ptr<Waiter>>> queues;
  std::deque<std::uint64_t> turns;  // callers with waiting requests, next to be served first
  bool pump_running = false;

  // The earliest start the window allows for a request arriving at `now`.
  Clock::time_point next_start(Clock::time_point now) const {
    auto start = std::max(now, last);
    const auto oldest = recent[next];
    if (oldest != Clock::time_point::min()) start = std::max(start, oldest + window);
    return start;
  }
  void book(Clock::time_point start) {
    recent[next] = start;
    next = (next + 1) % burst;
    last = start;
  }
  void forget(std::uint64_t caller, const std::shared_ptr<Waiter>& waiter) {
    auto queue = queues.find(caller);
    if (queue == queues.end()) return;
    auto& waiters = queue->second;
    const auto it = std::find(waiters.begin(), waiters.end(), waiter);
    if (it == waiters.end()) return;
    waiters.erase(it);
    if (waiters.empty()) {
      queues.erase(queue);
      turns.erase(std::find(turns.begin(), turns.end(), caller));
    }
  }
};

namespace {

// Hands out starts while requests wait: each start, when the window allows it, to the next
// caller in turn. Runs while anything waits; acquire() starts it again when needed.
asio::awaitable<void> pump(std::shared_ptr<RateLimiter::State> state) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    std::shared_ptr<Waiter> granted;
    Clock::time_point wake;
    {
      std::lock_guard lock(state->mutex);
      if (state->turns.empty()) {
        state->pump_running = false;
        co_return;
      }
      const auto now = Clock::now();
      wake = state->next_start(now);
      if (wake <= now) {
        const auto caller = state->turns.front();
        state->turns.pop_front();
        auto queue = state->queues.find(caller);
        granted = std::move(queue->second.front());
        queue->second.pop_front();
        if (queue->second.empty()) {
          state->queues.erase(queue);
        } else {
          state->turns.push_back(caller);
        }
        granted->granted = true;
        state->book(now);
      }
    }
    if (granted) {
      granted->start.try_send(boost::system::error_code{});
      continue;
    }
    timer.expires_at(wake);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace

RateLimiter::RateLimiter(double max_rps, Clock::duration margin, std::size_t max_queued_per_caller)
    : state_(std::make_shared<State>()) {
  state_->max_queued_per_caller = max_queued_per_caller;
  if (!(max_rps > 0)) return;  // also NaN
  // The ring holds one entry per start in a window; above kMaxBurst the window shrinks instead.
  state_->burst = static_cast<std::size_t>(std::clamp(std::floor(max_rps), 1.0, kMaxBurst));
  state_->window = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                       static_cast<double>(state_->burst) / max_rps)) +
                   std::max(margin, Clock::duration::zero());
  if (state_->window <= Clock::duration::zero()) state_->window = Clock::duration{1};
  // Far enough in the past that the first `burst` callers start at once.
  state_->recent.assign(state_->burst, Clock::time_point::min());
}

RateLimiter::~RateLimiter() = default;

bool RateLimiter::unlimited() const { return state_->burst == 0; }
std::size_t RateLimiter::burst() const { return state_->burst; }
Clock::duration RateLimiter::window() const { return state_->window; }

Clock::time_point RateLimiter::reserve(Clock::time_point now) {
  if (unlimited()) return now;
  std::lock_guard lock(state_->mutex);
  const auto start = state_->next_start(now);
  state_->book(start);
  return start;
}

asio::awaitable<Admission> RateLimiter::acquire(std::uint64_t caller) {
  if (unlimited()) co_return Admission{};
  const auto executor = co_await asio::this_coro::executor;
  const auto arrived = Clock::now();
  auto waiter = std::make_shared<Waiter>(executor);
  bool start_pump = false;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->turns.empty() && state_->next_start(arrived) <= arrived) {
      state_->book(arrived);
      co_return Admission{};
    }
    auto& queue = state_->queues[caller];
    if (state_->max_queued_per_caller > 0 && queue.size() >= state_->max_queued_per_caller) {
      Admission busy;
      busy.outcome = Admission::Outcome::kBusy;
      busy.queued = queue.size();
      // Every caller in turn gets a start: this caller's queue drains after about its length
      // times the number of callers waiting, at `burst` starts per window.
      const auto starts = queue.size() * std::max<std::size_t>(state_->turns.size(), 1);
      busy.retry_after = state_->window * static_cast<long>(starts / state_->burst + 1);
      co_return busy;
    }
    if (queue.empty()) state_->turns.push_back(caller);
    queue.push_back(waiter);
    start_pump = !std::exchange(state_->pump_running, true);
  }
  // Outside the lock: co_spawn may run the pump at once on this thread, and it takes the lock.
  if (start_pump) asio::co_spawn(executor, pump(state_), asio::detached);
  const auto [error] = co_await waiter->start.async_receive(asio::as_tuple(asio::use_awaitable));
  if (error) {
    std::lock_guard lock(state_->mutex);
    if (!waiter->granted) state_->forget(caller, waiter);
    co_return Admission{Admission::Outcome::kCancelled};
  }
  co_return Admission{Admission::Outcome::kStarted, Clock::now() - arrived};
}

}  // namespace acmcp::ac
