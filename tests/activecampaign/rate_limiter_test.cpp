// Client-side rate limiting: sliding-window reservation with a fake clock, real asynchronous
// waits, turns between callers, the per-caller queue limit and cancellation.
#include "activecampaign/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <limits>
#include <vector>

namespace acmcp::ac {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

const auto kNow = Clock::time_point{} + 10s;

std::vector<Clock::time_point> reserve_many(RateLimiter& limiter, int count,
                                            Clock::time_point now = kNow) {
  std::vector<Clock::time_point> slots;
  for (int i = 0; i < count; ++i) slots.push_back(limiter.reserve(now));
  return slots;
}

TEST(RateLimiter, WindowIsOneSecondPlusMarginAtWholeRates) {
  RateLimiter limiter(5);
  EXPECT_EQ(limiter.burst(), 5u);
  EXPECT_EQ(limiter.window(), 1s + RateLimiter::kDefaultMargin);
}

TEST(RateLimiter, FractionalRatesKeepTheirAverage) {
  RateLimiter half(0.5, 0ms);  // one start per 2 s
  EXPECT_EQ(half.burst(), 1u);
  EXPECT_EQ(half.window(), 2s);
  RateLimiter two_and_a_half(2.5, 0ms);  // two starts per 0.8 s
  EXPECT_EQ(two_and_a_half.burst(), 2u);
  EXPECT_EQ(two_and_a_half.window(), 800ms);
}

TEST(RateLimiter, ABurstUpToTheRateStartsAtOnce) {
  RateLimiter limiter(5);
  for (const auto slot : reserve_many(limiter, 5)) EXPECT_EQ(slot, kNow);
}

TEST(RateLimiter, TheNextBurstWaitsAWindowAfterTheFirst) {
  RateLimiter limiter(5, 100ms);
  const auto slots = reserve_many(limiter, 12);
  for (int i = 5; i < 10; ++i) EXPECT_EQ(slots[i], kNow + 1100ms) << i;
  EXPECT_EQ(slots[10], kNow + 2200ms);
  EXPECT_EQ(slots[11], kNow + 2200ms);
}

// The server's rule, checked over every window that starts at a reservation.
TEST(RateLimiter, NoWindowEverHoldsMoreThanTheBurst) {
  RateLimiter limiter(5, 100ms);
  std::vector<Clock::time_point> slots;
  auto now = kNow;
  for (int i = 0; i < 200; ++i) {
    now += std::chrono::milliseconds(i % 7 == 0 ? 450 : 30);  // bursts and lulls
    slots.push_back(limiter.reserve(now));
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    std::size_t within = 0;
    for (std::size_t j = i; j < slots.size() && slots[j] - slots[i] < 1100ms; ++j) ++within;
    EXPECT_LE(within, 5u) << "window starting at reservation " << i;
  }
}

TEST(RateLimiter, ReservationsFollowCallOrder) {
  RateLimiter limiter(3, 50ms);
  const auto slots = reserve_many(limiter, 20);
  for (std::size_t i = 1; i < slots.size(); ++i) EXPECT_LE(slots[i - 1], slots[i]);
}

TEST(RateLimiter, AnEarlierClockReadingDoesNotJumpTheQueue) {
  RateLimiter limiter(1, 0ms);
  EXPECT_EQ(limiter.reserve(kNow), kNow);
  EXPECT_EQ(limiter.reserve(kNow), kNow + 1s);
  // Another thread read the clock a little earlier but takes the lock later.
  EXPECT_EQ(limiter.reserve(kNow - 1ms), kNow + 2s);
}

TEST(RateLimiter, IdleTimeIsNotBanked) {
  RateLimiter limiter(2, 100ms);
  reserve_many(limiter, 2);
  const auto later = kNow + 60s;
  const auto slots = reserve_many(limiter, 3, later);
  EXPECT_EQ(slots[0], later);
  EXPECT_EQ(slots[1], later);
  EXPECT_EQ(slots[2], later + 1100ms);
}

TEST(RateLimiter, ZeroNegativeAndNaNMeanUnlimited) {
  for (double rate : {0.0, -3.0, std::numeric_limits<double>::quiet_NaN()}) {
    RateLimiter limiter(rate);
    EXPECT_TRUE(limiter.unlimited()) << rate;
    for (const auto slot : reserve_many(limiter, 100)) EXPECT_EQ(slot, kNow);
  }
}

TEST(RateLimiter, HugeRatesStayBoundedInMemory) {
  RateLimiter limiter(1e9, 0ms);
  EXPECT_EQ(limiter.burst(), 1000u);
  EXPECT_GT(limiter.window(), 0us);
  EXPECT_LE(limiter.window(), 1us);
}

// Coroutine functions rather than capturing lambdas: the closure would die before the frame.
boost::asio::awaitable<void> start_after_limit(RateLimiter& limiter, int index,
                                               std::vector<int>& order,
                                               std::vector<Clock::duration>& waits,
                                               std::vector<Clock::time_point>& started) {
  const auto admission = co_await limiter.acquire();
  EXPECT_EQ(admission.outcome, RateLimiter::Admission::Outcome::kStarted);
  order.push_back(index);
  waits.push_back(admission.waited);
  started.push_back(Clock::now());
}

boost::asio::awaitable<void> record_wait(RateLimiter& limiter,
                                         std::vector<Clock::duration>& waits) {
  const auto admission = co_await limiter.acquire();
  if (admission.outcome == RateLimiter::Admission::Outcome::kStarted) {
    waits.push_back(admission.waited);
  }
}

// Order and reported waits, not wall-clock windows: a loaded machine (the sanitizer runs share
// two cores) can delay any start, but never make a timer fire early.
TEST(RateLimiter, AcquireWaitsForTheNextWindowInOrder) {
  boost::asio::io_context io;
  RateLimiter limiter(2, 20ms);  // two starts per 1020 ms
  std::vector<int> order;
  std::vector<Clock::duration> waits;
  std::vector<Clock::time_point> started;
  const auto begin = Clock::now();
  for (int i = 0; i < 4; ++i) {
    boost::asio::co_spawn(io, start_after_limit(limiter, i, order, waits, started),
                          boost::asio::detached);
  }
  io.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  ASSERT_EQ(started.size(), 4u);
  EXPECT_EQ(waits[0], Clock::duration::zero());
  EXPECT_EQ(waits[1], Clock::duration::zero());
  EXPECT_GT(waits[2], Clock::duration::zero());
  EXPECT_GT(waits[3], Clock::duration::zero());
  EXPECT_GE(started[2] - begin, 1020ms);
  EXPECT_GE(started[3] - begin, 1020ms);
}

TEST(RateLimiter, AcquireReportsWaitLength) {
  boost::asio::io_context io;
  RateLimiter limiter(1, 50ms);  // one start per 1050 ms
  std::vector<Clock::duration> waits;
  for (int i = 0; i < 2; ++i) {
    boost::asio::co_spawn(io, record_wait(limiter, waits), boost::asio::detached);
  }
  io.run();
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_EQ(waits[0], Clock::duration::zero());
  // The second waits out the rest of the first one's window: 1050 ms less the time between the
  // two calls, plus the time to wake up, either of which a loaded machine may stretch.
  EXPECT_GT(waits[1], 550ms);
  EXPECT_LT(waits[1], 1550ms);
}

// --- turns between callers --------------------------------------------------------------------

using Outcome = RateLimiter::Admission::Outcome;

boost::asio::awaitable<void> start_as(RateLimiter& limiter, std::uint64_t caller,
                                      std::vector<std::uint64_t>& starts,
                                      std::vector<Outcome>* outcomes = nullptr) {
  const auto admission = co_await limiter.acquire(caller);
  if (outcomes) outcomes->push_back(admission.outcome);
  if (admission.outcome == Outcome::kStarted) starts.push_back(caller);
}

// At 10,000 per second the window is 100 ms and holds 1,000 starts, so a test spans few windows.
constexpr double kFast = 10'000;

TEST(RateLimiterTurns, AFloodDoesNotDelayAnotherCallerBehindAllOfIt) {
  boost::asio::io_context io;
  RateLimiter limiter(kFast, 0ms);
  std::vector<std::uint64_t> starts;
  for (int i = 0; i < 1'300; ++i) {
    boost::asio::co_spawn(io, start_as(limiter, 1, starts), boost::asio::detached);
  }
  boost::asio::co_spawn(io, start_as(limiter, 2, starts), boost::asio::detached);
  io.run();
  ASSERT_EQ(starts.size(), 1'301u);
  // The first window's 1,000 starts go to the flood (nobody else was waiting); the next window
  // starts with one of the flood's requests queued before, then the other caller's.
  const auto other = std::find(starts.begin(), starts.end(), 2u) - starts.begin();
  EXPECT_EQ(other, 1'001);
}

TEST(RateLimiterTurns, WaitingCallersAlternateAndEachKeepsItsOrder) {
  boost::asio::io_context io;
  RateLimiter limiter(kFast, 0ms);
  std::vector<std::uint64_t> starts;
  for (int i = 0; i < 1'000; ++i) {  // fills the window
    boost::asio::co_spawn(io, start_as(limiter, 9, starts), boost::asio::detached);
  }
  for (int i = 0; i < 3; ++i) {
    boost::asio::co_spawn(io, start_as(limiter, 1, starts), boost::asio::detached);
  }
  for (int i = 0; i < 3; ++i) {
    boost::asio::co_spawn(io, start_as(limiter, 2, starts), boost::asio::detached);
  }
  io.run();
  ASSERT_EQ(starts.size(), 1'006u);
  EXPECT_EQ(std::vector<std::uint64_t>(starts.begin() + 1'000, starts.end()),
            (std::vector<std::uint64_t>{1, 2, 1, 2, 1, 2}));
}

TEST(RateLimiterTurns, ACallerBeyondItsQueueLimitIsBusyAtOnce) {
  boost::asio::io_context io;
  RateLimiter limiter(kFast, 0ms, /*max_queued_per_caller=*/3);
  std::vector<std::uint64_t> starts;
  std::vector<Outcome> outcomes;
  for (int i = 0; i < 1'005; ++i) {
    boost::asio::co_spawn(io, start_as(limiter, 1, starts, &outcomes), boost::asio::detached);
  }
  boost::asio::co_spawn(io, start_as(limiter, 2, starts, &outcomes), boost::asio::detached);
  io.run();
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), Outcome::kBusy), 2);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), Outcome::kStarted), 1'004);
  EXPECT_EQ(std::count(starts.begin(), starts.end(), 2u), 1);  // another caller has its own limit
}

TEST(RateLimiterTurns, BusySaysHowManyWaitAndWhenToRetry) {
  boost::asio::io_context io;
  RateLimiter limiter(1, 0ms, 2);  // one start per second
  std::vector<RateLimiter::Admission> admissions;
  auto acquire = [&]() -> boost::asio::awaitable<void> {
    admissions.push_back(co_await limiter.acquire(5));
  };
  for (int i = 0; i < 4; ++i) boost::asio::co_spawn(io, acquire(), boost::asio::detached);
  io.run_for(100ms);  // the first starts, two wait, the fourth is refused
  ASSERT_EQ(admissions.size(), 2u);
  EXPECT_EQ(admissions[1].outcome, Outcome::kBusy);
  EXPECT_EQ(admissions[1].queued, 2u);
  EXPECT_GE(admissions[1].retry_after, 2s);
  io.stop();
}

TEST(RateLimiterTurns, ACancelledWaiterLeavesTheQueue) {
  boost::asio::io_context io;
  RateLimiter limiter(kFast, 0ms, 1);
  std::vector<std::uint64_t> starts;
  std::vector<Outcome> outcomes;
  for (int i = 0; i < 1'000; ++i) {
    boost::asio::co_spawn(io, start_as(limiter, 9, starts), boost::asio::detached);
  }
  boost::asio::cancellation_signal cancel;
  boost::asio::co_spawn(io, start_as(limiter, 1, starts, &outcomes),
                        boost::asio::bind_cancellation_slot(cancel.slot(), boost::asio::detached));
  io.poll();
  cancel.emit(boost::asio::cancellation_type::terminal);
  io.poll();
  ASSERT_EQ(outcomes, std::vector<Outcome>{Outcome::kCancelled});
  // Its place is free again: the caller's limit of one waiting request is not used up.
  boost::asio::co_spawn(io, start_as(limiter, 1, starts, &outcomes), boost::asio::detached);
  io.run();
  EXPECT_EQ(outcomes, (std::vector<Outcome>{Outcome::kCancelled, Outcome::kStarted}));
  EXPECT_EQ(starts.size(), 1'001u);
}

TEST(RateLimiterTurns, UnlimitedNeverWaitsNorRefuses) {
  boost::asio::io_context io;
  RateLimiter limiter(0, 0ms, 1);
  std::vector<std::uint64_t> starts;
  for (int i = 0; i < 100; ++i) {
    boost::asio::co_spawn(io, start_as(limiter, 1, starts), boost::asio::detached);
  }
  io.run();
  EXPECT_EQ(starts.size(), 100u);
}

}  // namespace
}  // namespace acmcp::ac
