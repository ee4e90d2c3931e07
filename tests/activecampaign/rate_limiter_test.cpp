// Client-side rate limiting: slot reservation with a fake clock, and real asynchronous waits.
#include "activecampaign/rate_limiter.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <vector>

namespace acmcp::ac {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

TEST(RateLimiter, FirstCallerStartsAtOnce) {
  RateLimiter limiter(5);
  const auto now = Clock::time_point{} + 10s;
  EXPECT_EQ(limiter.reserve(now), now);
}

TEST(RateLimiter, SpacesSlotsByInterval) {
  RateLimiter limiter(5);
  const auto now = Clock::time_point{} + 10s;
  EXPECT_EQ(limiter.reserve(now), now);
  EXPECT_EQ(limiter.reserve(now), now + 200ms);
  EXPECT_EQ(limiter.reserve(now), now + 400ms);
}

TEST(RateLimiter, SlotsFollowCallOrder) {
  RateLimiter limiter(10);
  const auto now = Clock::time_point{} + 10s;
  std::vector<Clock::time_point> slots;
  for (int i = 0; i < 5; ++i) slots.push_back(limiter.reserve(now));
  for (std::size_t i = 1; i < slots.size(); ++i) EXPECT_LT(slots[i - 1], slots[i]);
}

TEST(RateLimiter, IdleTimeIsNotBanked) {
  RateLimiter limiter(5);
  const auto start = Clock::time_point{} + 10s;
  limiter.reserve(start);
  const auto later = start + 5s;
  EXPECT_EQ(limiter.reserve(later), later);
  EXPECT_EQ(limiter.reserve(later), later + 200ms);
}

TEST(RateLimiter, ZeroMeansUnlimited) {
  RateLimiter limiter(0);
  EXPECT_TRUE(limiter.unlimited());
  const auto now = Clock::time_point{} + 10s;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.reserve(now), now);
}

TEST(RateLimiter, AcquirePacesRealWaitsInOrder) {
  boost::asio::io_context io;
  RateLimiter limiter(50);  // 20 ms apart
  std::vector<int> order;
  std::vector<Clock::time_point> started;
  const auto begin = Clock::now();
  for (int i = 0; i < 6; ++i) {
    boost::asio::co_spawn(
        io,
        [&, i]() -> boost::asio::awaitable<void> {
          const auto waited = co_await limiter.acquire();
          EXPECT_TRUE(waited.has_value());
          order.push_back(i);
          started.push_back(Clock::now());
        },
        boost::asio::detached);
  }
  io.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_GE(started.back() - begin, 95ms);  // five intervals of 20 ms, minus timer slack
}

TEST(RateLimiter, AcquireReportsWaitLength) {
  boost::asio::io_context io;
  RateLimiter limiter(20);  // 50 ms apart
  std::vector<Clock::duration> waits;
  for (int i = 0; i < 2; ++i) {
    boost::asio::co_spawn(
        io, [&]() -> boost::asio::awaitable<void> { waits.push_back(*co_await limiter.acquire()); },
        boost::asio::detached);
  }
  io.run();
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_EQ(waits[0], Clock::duration::zero());
  EXPECT_GT(waits[1], 40ms);
  EXPECT_LE(waits[1], 50ms);
}

}  // namespace
}  // namespace acmcp::ac
