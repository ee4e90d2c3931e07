// Which failed upstream attempts are retried, and how long to wait first (pure logic).
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace acmcp::ac {

// How one attempt ended, as far as retrying is concerned.
enum class AttemptFailure {
  None,            // an HTTP response came back (see status)
  NotSent,         // failed before any of the request was sent: DNS, refused, TLS handshake
  ConnectionLost,  // the connection broke after the request (or part of it) was sent
  Timeout,         // the attempt ran out of time; not retried, the caller already waited long
  Permanent,       // retrying cannot help: certificate rejected, bad response body
};

struct AttemptOutcome {
  AttemptFailure failure = AttemptFailure::None;
  int status = 0;
  std::string retry_after;  // the Retry-After header, if any
};

struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
  std::string reason;  // e.g. "HTTP 429", "HTTP 503", "connection failure"
};

// Longest Retry-After the client will honour; longer values are cut to this.
inline constexpr std::chrono::milliseconds kMaxRetryAfter{60000};

// Parses Retry-After as delay-seconds or an HTTP-date (IMF-fixdate, RFC 850 or asctime form).
// A date in the past gives 0. Returns nothing for an unreadable value. Not capped.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

class RetryPolicy {
 public:
  RetryPolicy(int max_retries, std::chrono::milliseconds backoff_base,
              std::chrono::milliseconds backoff_max);

  // Whether this kind of outcome may be retried for this method at all (ignores the count).
  static bool retryable(std::string_view method, const AttemptOutcome& outcome);

  // Backoff ceiling before retry number retries_done+1: min(max, base * 2^retries_done).
  std::chrono::milliseconds backoff_ceiling(int retries_done) const;

  // retries_done: retries already made (0 after the first attempt). unit_random in [0, 1) picks
  // the full-jitter delay in [0, ceiling]; a usable Retry-After replaces it (capped).
  RetryDecision decide(
      std::string_view method, const AttemptOutcome& outcome, int retries_done, double unit_random,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  int max_retries() const { return max_retries_; }

 private:
  int max_retries_;
  std::chrono::milliseconds backoff_base_;
  std::chrono::milliseconds backoff_max_;
};

}  // namespace acmcp::ac
