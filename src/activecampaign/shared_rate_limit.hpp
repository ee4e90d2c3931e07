// One ActiveCampaign account's request budget shared by every replica of this server through
// Redis, with local pacing while Redis cannot be reached.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace acmcp::ac {

struct SharedRateLimitConfig {
  // redis://HOST:PORT[/DB]; HOST may be a bracketed IPv6 address. Anything else (another scheme,
  // no port, a database that is not a number, a user name or password) is std::invalid_argument.
  std::string redis_url;
  double max_rps = 5;  // per account; <= 0 (or NaN): unlimited, Redis is never asked
  // While Redis is unreachable each replica paces an account at an even share of its starts per
  // window (at least one), so that together they still stay under the account's limit. >= 1.
  int replicas = 1;
  std::chrono::milliseconds margin{100};  // as RateLimiter's margin
  // Bounds connecting and each command, so a dead or stuck Redis costs a caller at most this
  // (plus the local pacing) rather than hanging it. Must be positive.
  std::chrono::milliseconds redis_timeout{250};
};

// The same sliding window as RateLimiter (at most N = max(1, floor(max_rps)) starts in any
// window of N/max_rps seconds plus the margin), but counted in Redis across every process that
// uses the same Redis, on Redis's clock. Each start is a member of a sorted set per account,
// scored by the time it may start. A start may be booked up to one window ahead (the caller
// then sleeps until it), never further: a replica that dies holding bookings wastes only those
// starts, none of them more than a window ahead. The keys expire once idle.
//
// Fairness between this replica's own callers is the local RateLimiter's job: this class only
// decides when the replica's next admitted request may start.
//
// Redis commands run on a thread of this object (hiredis is blocking); callers wait
// asynchronously and resume on their own coroutine's executor. When Redis cannot be reached or
// answers with an error, acquire() paces with a local RateLimiter per account at
// that share, and does not try to reconnect more than about once per second.
// Safe to share between threads. Destroy it only after every acquire() has finished.
class SharedRateLimit {
 public:
  // `executor`: the server's executor, as for Client; the limiter runs nothing on it (waits run on
  // the executor of the coroutine that calls acquire()). Throws std::invalid_argument for an
  // invalid URL, replicas < 1 or a timeout <= 0. Does not wait for Redis: the first connection
  // is made on the limiter's own thread, and a failure there is logged.
  SharedRateLimit(boost::asio::any_io_executor executor, SharedRateLimitConfig config);
  ~SharedRateLimit();
  SharedRateLimit(const SharedRateLimit&) = delete;
  SharedRateLimit& operator=(const SharedRateLimit&) = delete;

  // Returns when `account` may start one request. `account` is an opaque key, free of secrets,
  // that names the account in Redis. Cancellable through the coroutine's cancellation slot:
  // it then throws boost::system::system_error with asio::error::operation_aborted, and a start
  // booked for it is given back. Never throws for Redis trouble: it logs one warning when the
  // shared budget becomes unusable (and one info line when it works again) and paces locally.
  boost::asio::awaitable<void> acquire(std::string account);

  // Starts allowed in one window, and the window (margin included); as RateLimiter's.
  std::size_t burst() const;
  std::chrono::milliseconds window() const;

  struct Impl;  // opaque; defined in shared_rate_limit.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

// The parts of a redis:// URL. Throws std::invalid_argument saying what is wrong; the message
// never repeats the URL, which could hold a password.
struct RedisAddress {
  std::string host;
  int port = 0;
  int db = 0;
};
RedisAddress parse_redis_url(const std::string& url);

}  // namespace acmcp::ac
