// Unit tests for the shared cache of compiled schema patterns.
#include "schema/pattern_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace acmcp::schema::detail {
namespace {

TEST(PatternCache, CompilesEachPatternOnce) {
  PatternCache cache;
  const std::regex* first = cache.find_or_compile("^[a-z]+$");
  const std::regex* second = cache.find_or_compile("^[a-z]+$");
  EXPECT_NE(first, nullptr);
  EXPECT_EQ(first, second);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(PatternCache, SearchIsUnanchored) {
  PatternCache cache;
  EXPECT_EQ(cache.search("b", "abc"), PatternMatch::Match);
  EXPECT_EQ(cache.search("^b", "abc"), PatternMatch::NoMatch);
}

TEST(PatternCache, InvalidPatternIsReportedAndRemembered) {
  PatternCache cache;
  EXPECT_EQ(cache.find_or_compile("([a-z"), nullptr);
  EXPECT_EQ(cache.search("([a-z", "abc"), PatternMatch::InvalidPattern);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(PatternCache, RefusesTextsBeyondTheLimit) {
  PatternCache cache;
  const std::string long_text(kMaxPatternInputBytes + 1, 'a');
  EXPECT_EQ(cache.search("^a+$", long_text), PatternMatch::TooLong);
  EXPECT_EQ(cache.search("^a+$", long_text.substr(1)), PatternMatch::Match);
}

TEST(PatternCache, IsSafeToUseFromManyThreads) {
  PatternCache cache;
  std::atomic<int> matches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&cache, &matches, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string pattern = "^x" + std::to_string((t + i) % 10) + "$";
        if (cache.search(pattern, "x" + std::to_string((t + i) % 10)) == PatternMatch::Match) {
          ++matches;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(matches.load(), 8 * 200);
  EXPECT_EQ(cache.size(), 10u);
}

}  // namespace
}  // namespace acmcp::schema::detail
