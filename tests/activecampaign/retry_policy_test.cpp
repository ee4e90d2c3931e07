// Retry rules, backoff with jitter and Retry-After parsing.
#include "activecampaign/retry_policy.hpp"

#include <gtest/gtest.h>

namespace acmcp::ac {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

AttemptOutcome http_status(int status, std::string retry_after = {}) {
  return AttemptOutcome{AttemptFailure::None, status, std::move(retry_after)};
}
AttemptOutcome failure(AttemptFailure kind) { return AttemptOutcome{kind, 0, {}}; }

std::chrono::system_clock::time_point fixed_now() {
  // Sun, 06 Nov 1994 08:49:37 GMT
  return std::chrono::system_clock::from_time_t(784111777);
}

TEST(RetryAfter, ParsesDelaySeconds) {
  EXPECT_EQ(parse_retry_after("3", fixed_now()), milliseconds(3000));
  EXPECT_EQ(parse_retry_after(" 0 ", fixed_now()), milliseconds(0));
}

TEST(RetryAfter, ParsesImfFixdate) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", fixed_now()), milliseconds(10000));
}

TEST(RetryAfter, ParsesRfc850AndAsctimeDates) {
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:42 GMT", fixed_now()), milliseconds(5000));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:39 1994", fixed_now()), milliseconds(2000));
}

// Found by fuzz_upstream_response: a date past 2262 overflowed system_clock's nanoseconds.
TEST(RetryAfter, FarFutureDateIsCappedAtAYear) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 9513 07:28:00 GMT", fixed_now()),
            std::chrono::duration_cast<milliseconds>(std::chrono::hours(24 * 365)));
}

TEST(RetryAfter, DateInThePastMeansNoWait) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", fixed_now()), milliseconds(0));
}

TEST(RetryAfter, RejectsGarbage) {
  EXPECT_FALSE(parse_retry_after("", fixed_now()));
  EXPECT_FALSE(parse_retry_after("soon", fixed_now()));
  EXPECT_FALSE(parse_retry_after("-5", fixed_now()));
  EXPECT_FALSE(parse_retry_after("1.5", fixed_now()));
  EXPECT_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:47 GMT", fixed_now()));
}

TEST(RetryPolicy, RetriesRateLimitForEveryMethod) {
  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
    EXPECT_TRUE(RetryPolicy::retryable(method, http_status(429))) << method;
  }
}

TEST(RetryPolicy, RetriesGatewayErrorsOnlyForIdempotentMethods) {
  for (int status : {502, 503, 504}) {
    EXPECT_TRUE(RetryPolicy::retryable("GET", http_status(status)));
    EXPECT_TRUE(RetryPolicy::retryable("PUT", http_status(status)));
    EXPECT_TRUE(RetryPolicy::retryable("DELETE", http_status(status)));
    EXPECT_FALSE(RetryPolicy::retryable("POST", http_status(status)));
  }
}

TEST(RetryPolicy, DoesNotRetrySuccessOrClientErrors) {
  for (int status : {200, 201, 400, 401, 403, 404, 422}) {
    EXPECT_FALSE(RetryPolicy::retryable("GET", http_status(status))) << status;
  }
}

TEST(RetryPolicy, RetriesAPlain500OnlyForReads) {
  EXPECT_TRUE(RetryPolicy::retryable("GET", http_status(500)));
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    EXPECT_FALSE(RetryPolicy::retryable(method, http_status(500))) << method;
  }
}

TEST(RetryPolicy, RetriesUnsentRequestsForEveryMethod) {
  EXPECT_TRUE(RetryPolicy::retryable("POST", failure(AttemptFailure::NotSent)));
  EXPECT_TRUE(RetryPolicy::retryable("GET", failure(AttemptFailure::NotSent)));
}

TEST(RetryPolicy, RetriesLostConnectionsOnlyForIdempotentMethods) {
  EXPECT_TRUE(RetryPolicy::retryable("GET", failure(AttemptFailure::ConnectionLost)));
  EXPECT_TRUE(RetryPolicy::retryable("DELETE", failure(AttemptFailure::ConnectionLost)));
  EXPECT_FALSE(RetryPolicy::retryable("POST", failure(AttemptFailure::ConnectionLost)));
}

TEST(RetryPolicy, NeverRetriesTimeoutsOrPermanentFailures) {
  EXPECT_FALSE(RetryPolicy::retryable("GET", failure(AttemptFailure::Timeout)));
  EXPECT_FALSE(RetryPolicy::retryable("GET", failure(AttemptFailure::Permanent)));
}

TEST(RetryPolicy, StopsAfterMaxRetries) {
  const RetryPolicy policy(2, milliseconds(100), milliseconds(1000));
  EXPECT_TRUE(policy.decide("GET", http_status(503), 0, 0.5).retry);
  EXPECT_TRUE(policy.decide("GET", http_status(503), 1, 0.5).retry);
  EXPECT_FALSE(policy.decide("GET", http_status(503), 2, 0.5).retry);
}

TEST(RetryPolicy, ZeroMaxRetriesNeverRetries) {
  const RetryPolicy policy(0, milliseconds(100), milliseconds(1000));
  EXPECT_FALSE(policy.decide("GET", http_status(429), 0, 0.5).retry);
}

TEST(RetryPolicy, BackoffCeilingDoublesUpToMaximum) {
  const RetryPolicy policy(10, milliseconds(200), milliseconds(1000));
  EXPECT_EQ(policy.backoff_ceiling(0), milliseconds(200));
  EXPECT_EQ(policy.backoff_ceiling(1), milliseconds(400));
  EXPECT_EQ(policy.backoff_ceiling(2), milliseconds(800));
  EXPECT_EQ(policy.backoff_ceiling(3), milliseconds(1000));
  EXPECT_EQ(policy.backoff_ceiling(60), milliseconds(1000));
}

TEST(RetryPolicy, FullJitterSpansZeroToCeiling) {
  const RetryPolicy policy(5, milliseconds(200), milliseconds(10000));
  EXPECT_EQ(policy.decide("GET", http_status(503), 2, 0.0).delay, milliseconds(0));
  EXPECT_EQ(policy.decide("GET", http_status(503), 2, 0.5).delay, milliseconds(400));
  EXPECT_EQ(policy.decide("GET", http_status(503), 2, 1.0).delay, milliseconds(800));
}

TEST(RetryPolicy, HonoursRetryAfterOn429) {
  const RetryPolicy policy(3, milliseconds(200), milliseconds(1000));
  const auto decision = policy.decide("POST", http_status(429, "7"), 0, 0.0, fixed_now());
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, seconds(7));
}

TEST(RetryPolicy, HonoursRetryAfterDateOn429) {
  const RetryPolicy policy(3, milliseconds(200), milliseconds(1000));
  const auto decision =
      policy.decide("GET", http_status(429, "Sun, 06 Nov 1994 08:49:40 GMT"), 0, 0.0, fixed_now());
  EXPECT_EQ(decision.delay, seconds(3));
}

TEST(RetryPolicy, CapsLongRetryAfter) {
  const RetryPolicy policy(3, milliseconds(200), milliseconds(1000));
  EXPECT_EQ(policy.decide("GET", http_status(429, "3600"), 0, 0.0).delay, kMaxRetryAfter);
}

TEST(RetryPolicy, FallsBackToBackoffWithoutUsableRetryAfter) {
  const RetryPolicy policy(3, milliseconds(200), milliseconds(1000));
  EXPECT_EQ(policy.decide("GET", http_status(429), 1, 1.0).delay, milliseconds(400));
  EXPECT_EQ(policy.decide("GET", http_status(429, "later"), 1, 1.0).delay, milliseconds(400));
}

TEST(RetryPolicy, ReasonNamesTheStatus) {
  const RetryPolicy policy(3, milliseconds(200), milliseconds(1000));
  EXPECT_EQ(policy.decide("GET", http_status(503), 0, 0.0).reason, "HTTP 503");
}

}  // namespace
}  // namespace acmcp::ac
