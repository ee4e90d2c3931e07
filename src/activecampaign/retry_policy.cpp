// Retry rules: 429 for every method; 502/503/504 and broken connections only for idempotent ones;
// a plain 500 only for safe (read-only) ones; POST only when it certainly never reached the
// upstream. Exponential backoff with full jitter.
#include "activecampaign/retry_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

namespace acmcp::ac {
namespace {

// ActiveCampaign answers 500 for transient faults too. Repeating a read is harmless, but a PUT or
// DELETE that failed with 500 may have taken effect: repeated, a DELETE would then report 404.
bool is_safe(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "PUT" || method == "DELETE" || method == "HEAD" ||
         method == "OPTIONS";
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int> month_index(std::string_view name) {
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < months.size(); ++i) {
    if (months[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

// "HH:MM:SS"
bool parse_clock(std::string_view text, std::tm& tm) {
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return false;
  const auto h = parse_int(text.substr(0, 2));
  const auto m = parse_int(text.substr(3, 2));
  const auto s = parse_int(text.substr(6, 2));
  if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) return false;
  tm.tm_hour = *h;
  tm.tm_min = *m;
  tm.tm_sec = *s;
  return true;
}

// Splits on runs of spaces.
std::array<std::string_view, 6> split_words(std::string_view text, std::size_t& count) {
  std::array<std::string_view, 6> words{};
  count = 0;
  while (!text.empty()) {
    const auto start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const auto end = std::min(text.find(' '), text.size());
    if (count == words.size()) {
      ++count;
      break;
    }
    words[count++] = text.substr(0, end);
    text.remove_prefix(end);
  }
  return words;
}

// The three HTTP-date forms of RFC 9110 section 5.6.7, all in GMT.
std::optional<std::time_t> parse_http_date(std::string_view text) {
  std::tm tm{};
  std::size_t count = 0;
  const auto w = split_words(text, count);
  std::optional<int> day, month, year;
  if (count == 6 && w[0].size() == 4 && w[0][3] == ',' && w[5] == "GMT") {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    day = parse_int(w[1]);
    month = month_index(w[2]);
    year = parse_int(w[3]);
    if (!parse_clock(w[4], tm)) return std::nullopt;
  } else if (count == 4 && w[0].back() == ',' && w[3] == "GMT" && w[1].size() == 9 &&
             w[1][2] == '-' && w[1][6] == '-') {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years are taken as 19xx/20xx.
    day = parse_int(w[1].substr(0, 2));
    month = month_index(w[1].substr(3, 3));
    year = parse_int(w[1].substr(7, 2));
    if (year) *year += *year < 70 ? 2000 : 1900;
    if (!parse_clock(w[2], tm)) return std::nullopt;
  } else if (count == 5 && w[0].size() == 3) {
    // asctime: "Sun Nov  6 08:49:37 1994"
    month = month_index(w[1]);
    day = parse_int(w[2]);
    year = parse_int(w[4]);
    if (!parse_clock(w[3], tm)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!day || !month || !year || *day < 1 || *day > 31 || *year < 1900) return std::nullopt;
  tm.tm_mday = *day;
  tm.tm_mon = *month;
  tm.tm_year = *year - 1900;
  return timegm(&tm);
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    // Huge values saturate rather than overflow; the caller caps them anyway.
    if (value.size() > 9) return std::chrono::milliseconds(std::chrono::hours(24 * 365));
    return std::chrono::seconds(*parse_int(value));
  }
  const auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  // Compared in seconds first: system_clock counts nanoseconds and overflows past year 2262.
  const std::time_t now_seconds = std::chrono::system_clock::to_time_t(now);
  if (*date <= now_seconds) return std::chrono::milliseconds(0);
  if (*date - now_seconds > 365 * 24 * 3600) {
    return std::chrono::milliseconds(std::chrono::hours(24 * 365));
  }
  const auto at = std::chrono::system_clock::from_time_t(*date);
  if (at <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(at - now);
}

RetryPolicy::RetryPolicy(int max_retries, std::chrono::milliseconds backoff_base,
                         std::chrono::milliseconds backoff_max)
    : max_retries_(std::max(0, max_retries)),
      backoff_base_(std::max(std::chrono::milliseconds(0), backoff_base)),
      backoff_max_(std::max(std::chrono::milliseconds(0), backoff_max)) {}

bool RetryPolicy::retryable(std::string_view method, const AttemptOutcome& outcome) {
  switch (outcome.failure) {
    case AttemptFailure::None:
      if (outcome.status == 429) return true;
      if (outcome.status == 500) return is_safe(method);
      return is_idempotent(method) &&
             (outcome.status == 502 || outcome.status == 503 || outcome.status == 504);
    case AttemptFailure::NotSent:
      return true;
    case AttemptFailure::ConnectionLost:
      return is_idempotent(method);
    case AttemptFailure::Timeout:
    case AttemptFailure::Permanent:
      return false;
  }
  return false;
}

std::chrono::milliseconds RetryPolicy::backoff_ceiling(int retries_done) const {
  // Doubling stops once it passes the maximum, so large counts cannot overflow.
  auto ceiling = backoff_base_;
  for (int i = 0; i < retries_done && ceiling < backoff_max_; ++i) ceiling *= 2;
  return std::min(ceiling, backoff_max_);
}

RetryDecision RetryPolicy::decide(std::string_view method, const AttemptOutcome& outcome,
                                  int retries_done, double unit_random,
                                  std::chrono::system_clock::time_point now) const {
  RetryDecision decision;
  if (outcome.failure == AttemptFailure::None) {
    decision.reason = "HTTP " + std::to_string(outcome.status);
  } else if (outcome.failure == AttemptFailure::Timeout) {
    decision.reason = "a timeout";
  } else {
    decision.reason = "a connection failure";
  }
  if (retries_done >= max_retries_ || !retryable(method, outcome)) return decision;
  decision.retry = true;

  if (outcome.failure == AttemptFailure::None && outcome.status == 429) {
    if (const auto after = parse_retry_after(outcome.retry_after, now)) {
      decision.delay = std::min(*after, kMaxRetryAfter);
      return decision;
    }
  }
  const double u = std::clamp(unit_random, 0.0, 1.0);
  const auto ceiling = backoff_ceiling(retries_done);
  decision.delay = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
      std::llround(u * static_cast<double>(ceiling.count()))));
  return decision;
}

}  // namespace acmcp::ac
