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
  const Regex* first = cache.find_or_compile("^[a-z]+$");
  const Regex* second = cache.find_or_compile("^[a-z]+$");
  EXPECT_NE(first, nullptr);
  EXPECT_EQ(first, second);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(PatternCache, SearchIsUnanchored) {
  PatternCache cache;
  EXPECT_EQ(cache.search("b", "abc"), PatternMatch::Match);
  EXPECT_EQ(cache.search("^b", "abc"), PatternMatch::NoMatch);
}

// ECMAScript matches code points; byte-wise matching would let a quantifier or "." take one byte
// of a multi-byte character (the upstream suite's optional/non-bmp-regex.json cases among them).
TEST(PatternCache, MatchesCodePointsNotBytes) {
  PatternCache cache;
  EXPECT_EQ(cache.search("^\xF0\x9F\x90\xB2*$", ""), PatternMatch::Match);
  EXPECT_EQ(cache.search("^\xF0\x9F\x90\xB2*$", "\xF0\x9F\x90\xB2\xF0\x9F\x90\xB2"),
            PatternMatch::Match);
  EXPECT_EQ(cache.search("^.$", "\xC3\xA9"), PatternMatch::Match);           // "é"
  EXPECT_EQ(cache.search("^.{3}$", "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"),  // "€€€"
            PatternMatch::Match);
  EXPECT_EQ(cache.search("^[\xC3\xA9"
                         "a]+$",
                         "a\xC3\xA9"),
            PatternMatch::Match);
  EXPECT_EQ(cache.search("^[\xC3\xA9]$", "\xC3\xA8"), PatternMatch::NoMatch);  // "è"
  EXPECT_EQ(cache.search("^\\W$", "\xC3\xA9"), PatternMatch::Match);
  EXPECT_EQ(cache.search("^\\d$", "\xDF\x80"), PatternMatch::NoMatch);  // NKO DIGIT ZERO
  EXPECT_EQ(cache.search("^\\w+$", "abc_9"), PatternMatch::Match);
}

TEST(PatternCache, WhiteSpaceIsEcmaScripts) {
  PatternCache cache;
  for (const char* space :
       {" ", "\t", "\xC2\xA0", "\xE2\x80\xA9", "\xE3\x80\x80", "\xEF\xBB\xBF"}) {
    SCOPED_TRACE(space);
    EXPECT_EQ(cache.search("^\\s$", space), PatternMatch::Match);
    EXPECT_EQ(cache.search("^\\S$", space), PatternMatch::NoMatch);
  }
  EXPECT_EQ(cache.search("^\\S$", "\xE2\x80\x93"), PatternMatch::Match);  // EN DASH
  EXPECT_EQ(cache.search("^[^\\s]$", "\xC2\xA0"), PatternMatch::NoMatch);
}

// Malformed UTF-8 (not from JSON text) is matched as U+FFFD rather than thrown on.
TEST(PatternCache, MalformedTextIsMatchedAsReplacementCharacters) {
  PatternCache cache;
  EXPECT_EQ(cache.search("^a.b$",
                         "a\xFF"
                         "b"),
            PatternMatch::Match);
  EXPECT_EQ(cache.search("^a.b$",
                         "a\xC3"
                         "b"),
            PatternMatch::Match);
  EXPECT_EQ(cache.search("^a..$", "a\xE2\x82"), PatternMatch::NoMatch);
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
