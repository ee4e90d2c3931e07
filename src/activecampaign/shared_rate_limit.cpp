// The account's budget in Redis: one Lua script decides each start atomically; hiredis runs on a
// thread of its own; local pacing takes over while Redis is unusable.
#include "activecampaign/shared_rate_limit.hpp"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "activecampaign/rate_limiter.hpp"

namespace acmcp::ac {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kKeyPrefix = "acmcp:ratelimit:";
constexpr auto kReconnectPause = 1s;

// KEYS[1]: the account's starts, a sorted set scored by start time in ms on Redis's clock (TIME,
// so every replica uses one clock). ARGV: starts per window, window in ms, a member unique
// across replicas. Returns {1, ms}: start after ms (0: now); or {0, ms}: the next free start is
// more than a window away, ask again after ms.
// A start goes after the latest booked one and a window after the one `burst` places back, so
// no window holds more than `burst` starts (as in RateLimiter). Bookings reach at most one
// window ahead, so a replica that dies holding some wastes no start further ahead. Writes after
// TIME need the script's effects, not the script, to be replicated: the default from Redis 5 on,
// asked for explicitly for 3.2 and 4.
constexpr const char* kScript = R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local burst = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local start = now
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if latest[2] then start = math.max(start, tonumber(latest[2])) end
if redis.call('ZCARD', KEYS[1]) >= burst then
  local back = redis.call('ZRANGE', KEYS[1], -burst, -burst, 'WITHSCORES')
  start = math.max(start, tonumber(back[2]) + window)
end
if start - now > window then
  return {0, math.max(1, math.ceil(start - window - now))}
end
redis.call('ZADD', KEYS[1], start, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(start - now + window))
return {1, math.ceil(start - now)}
)lua";

struct Reply {
  enum class Kind { kGranted, kRetry, kUnavailable };
  Kind kind = Kind::kUnavailable;
  std::chrono::milliseconds delay{};  // kGranted: until the start; kRetry: until asking again
  std::string member;                 // kGranted: the booking, given back if the caller leaves
};

// One question to the Redis thread. `abandoned` (under `mutex`) settles, whichever side comes
// second, who gives back a start the caller no longer wants.
struct Pending {
  explicit Pending(const asio::any_io_executor& executor) : reply(executor, 1) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code, Reply)> reply;
  std::mutex mutex;
  bool abandoned = false;
};

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

[[noreturn]] void throw_cancelled() {
  throw boost::system::system_error(asio::error::operation_aborted, "shared rate limit");
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> to_int(std::string_view text, int max) {
  if (!all_digits(text) || text.size() > 10) return std::nullopt;
  long long value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value > max) return std::nullopt;
  return static_cast<int>(value);
}

// Members must differ between replicas that share Redis; 64 random bits make a clash unlikely
// enough, and a clash would only merge two bookings into one.
std::string random_replica_id() {
  std::random_device device;
  const auto value = (static_cast<std::uint64_t>(device()) << 32) | device();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

bool host_character(char c, bool bracketed) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return bracketed ? (c == ':' || c == '.' || c == '%') : (c == '.' || c == '-' || c == '_');
}

timeval to_timeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

std::string describe_rate(double rps) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", rps);
  return text;
}

}  // namespace

RedisAddress parse_redis_url(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  constexpr std::string_view kForm = " (expected redis://HOST:PORT[/DB])";
  const auto invalid = [&](const std::string& what) {
    return std::invalid_argument("Redis URL: " + what + std::string(kForm));
  };
  if (url.rfind(kScheme, 0) != 0) {
    throw invalid(url.find("://") == std::string::npos ? "no redis:// scheme"
                                                       : "only the redis:// scheme is supported");
  }
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  const auto path = rest.find('/');
  const std::string_view authority = rest.substr(0, path);
  if (authority.find('@') != std::string_view::npos) {
    throw invalid("user names and passwords are not supported");
  }
  if (authority.find_first_of("?#") != std::string_view::npos ||
      (path != std::string_view::npos &&
       rest.substr(path).find_first_of("?#") != std::string_view::npos)) {
    throw invalid("query strings and fragments are not supported");
  }

  RedisAddress address;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw invalid("unclosed [ in the IPv6 host");
    address.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (after.empty() || after.front() != ':') throw invalid("no port after the host");
    port = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) throw invalid("no port after the host");
    address.host = std::string(authority.substr(0, colon));
    port = authority.substr(colon + 1);
    if (address.host.find(':') != std::string::npos) {
      throw invalid("an IPv6 host must be in brackets");
    }
  }
  if (address.host.empty()) throw invalid("no host");
  const bool bracketed = authority.front() == '[';
  if (!std::all_of(address.host.begin(), address.host.end(),
                   [&](char c) { return host_character(c, bracketed); })) {
    throw invalid("the host holds a character a host name or address cannot have");
  }
  if (port.empty()) throw invalid("no port after the host");
  const auto port_number = to_int(port, 65535);
  if (!port_number || *port_number == 0) {
    throw invalid("the port must be a number from 1 to 65535");
  }
  address.port = *port_number;
  if (path != std::string_view::npos) {
    const auto db = to_int(rest.substr(path + 1), std::numeric_limits<int>::max());
    if (!db) throw invalid("the database after / must be a number from 0 up");
    address.db = *db;
  }
  return address;
}

// Each replica's pace while Redis is unusable: an even share of the account's starts per window,
// over the same window. An even share of the rate (max_rps / replicas) over a window of its own
// would not do: at 5 per second and 3 replicas, each would start 1 per 0.7 s, which puts 2 of each
// replica's starts, 6 in all, into some second.
double local_share(const RateLimiter& shape, const SharedRateLimitConfig& config) {
  if (shape.unlimited()) return 0;
  const auto starts = std::max<std::size_t>(
      1, shape.burst() / static_cast<std::size_t>(std::max(config.replicas, 1)));
  return static_cast<double>(starts) * config.max_rps / static_cast<double>(shape.burst());
}

struct SharedRateLimit::Impl {
  explicit Impl(SharedRateLimitConfig cfg)
      : config(std::move(cfg)),
        address(parse_redis_url(config.redis_url)),
        // The window arithmetic is RateLimiter's, so shared and local pacing agree.
        shape(config.max_rps, config.margin),
        burst(shape.burst()),
        window(std::chrono::ceil<std::chrono::milliseconds>(shape.window())),
        local_rps(local_share(shape, config)),
        replica_id(random_replica_id()),
        work(asio::make_work_guard(io)) {
    if (config.replicas < 1) {
      throw std::invalid_argument("shared rate limit: replicas must be at least 1");
    }
    if (config.redis_timeout <= std::chrono::milliseconds::zero()) {
      throw std::invalid_argument("shared rate limit: the Redis timeout must be positive");
    }
    where =
        (address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host) +
        ":" + std::to_string(address.port) +
        (address.db != 0 ? "/" + std::to_string(address.db) : "");
  }

  SharedRateLimitConfig config;
  RedisAddress address;
  std::string where;  // for log lines: host:port[/db]
  RateLimiter shape;
  std::size_t burst = 0;  // 0: unlimited
  std::chrono::milliseconds window{};
  double local_rps = 0;
  std::string replica_id;

  // Until then Redis is known to be unusable: callers pace locally without asking the thread.
  std::atomic<Clock::rep> retry_at{Clock::time_point::min().time_since_epoch().count()};

  std::mutex fallback_mutex;
  // Made afresh for each outage (see fallback()); a waiter holds its own reference.
  std::map<std::string, std::shared_ptr<RateLimiter>, std::less<>> fallbacks;

  // Touched only on the Redis thread.
  redisContext* context = nullptr;
  std::string script_sha;
  std::uint64_t counter = 0;
  bool degraded = false;  // warned, and Redis has not answered since
  Clock::time_point last_connect = Clock::time_point::min();

  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread thread;

  bool unlimited() const { return burst == 0; }

  bool known_down() const {
    return Clock::now().time_since_epoch().count() < retry_at.load(std::memory_order_relaxed);
  }

  std::shared_ptr<RateLimiter> fallback(const std::string& account) {
    std::lock_guard lock(fallback_mutex);
    auto& limiter = fallbacks[account];
    if (!limiter) {
      limiter = std::make_shared<RateLimiter>(local_rps, config.margin);
      // Starts Redis granted before it failed may lie up to one shared window ahead. Local pacing
      // begins a whole window after the last of them, so that no window holds both kinds: the
      // two together could exceed the account's limit.
      const auto booked_until = Clock::now() + 2 * window - limiter->window();
      for (std::size_t i = 0; i < limiter->burst(); ++i) limiter->reserve(booked_until);
    }
    return limiter;
  }

  void start() {
    thread = std::thread([this] {
      // hiredis writes with write(2): a connection Redis has closed must give EPIPE on this
      // thread, not a SIGPIPE that ends a process which does not ignore it.
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
      io.run();
    });
    asio::post(io, [this] { connect(); });
  }

  void stop() {
    work.reset();  // the thread still answers every question already asked, then ends
    if (thread.joinable()) thread.join();
    if (context) redisFree(context);
    context = nullptr;
  }

  // --- on the Redis thread ---

  void disconnect() {
    if (context) redisFree(context);
    context = nullptr;
  }

  void fail(const std::string& reason) {
    disconnect();
    retry_at.store((Clock::now() + kReconnectPause).time_since_epoch().count(),
                   std::memory_order_relaxed);
    if (degraded) return;
    degraded = true;
    {
      std::lock_guard lock(fallback_mutex);
      fallbacks.clear();
    }
    spdlog::warn(
        "rate limit: Redis at {} is unusable ({}); each account is paced on this replica alone at "
        "{} requests per second until Redis answers again",
        where, reason, describe_rate(local_rps));
  }

  void answered() {
    if (!degraded) return;
    degraded = false;
    spdlog::info(
        "rate limit: Redis at {} answers again; the account budget is shared between replicas "
        "again",
        where);
  }

  static std::string context_error(const redisContext* c) {
    if (!c) return "out of memory";
    if (c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return "no answer within the timeout";
    }
    return c->errstr[0] != '\0' ? c->errstr : "connection error";
  }

  ReplyPtr command(std::initializer_list<std::string_view> arguments) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& argument : arguments) {
      argv.push_back(argument.data());
      lengths.push_back(argument.size());
    }
    return ReplyPtr(static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  }

  // Connects, selects the database and loads the script. False (after fail()) when Redis
  // cannot be used; also false without trying within kReconnectPause of the last failure.
  bool connect() {
    if (context) return true;
    if (known_down()) return false;
    last_connect = Clock::now();
    const auto timeout = to_timeval(config.redis_timeout);
    context = redisConnectWithTimeout(address.host.c_str(), address.port, timeout);
    if (!context || context->err) {
      fail("cannot connect: " + context_error(context));
      return false;
    }
    if (redisSetTimeout(context, timeout) != REDIS_OK) {
      fail("cannot set the timeout: " + context_error(context));
      return false;
    }
    if (address.db != 0) {
      const auto db = std::to_string(address.db);
      const auto reply = command({"SELECT", db});
      if (!reply) {
        fail("SELECT failed: " + context_error(context));
        return false;
      }
      if (reply->type == REDIS_REPLY_ERROR) {
        fail("SELECT " + db + ": " + std::string(reply->str, reply->len));
        return false;
      }
    }
    const auto loaded = command({"SCRIPT", "LOAD", kScript});
    if (!loaded) {
      fail("SCRIPT LOAD failed: " + context_error(context));
      return false;
    }
    if (loaded->type != REDIS_REPLY_STRING) {
      fail("SCRIPT LOAD: " + (loaded->type == REDIS_REPLY_ERROR
                                  ? std::string(loaded->str, loaded->len)
                                  : std::string("unexpected reply")));
      return false;
    }
    script_sha.assign(loaded->str, loaded->len);
    spdlog::debug("rate limit: sharing each account's budget through Redis at {}", where);
    return true;
  }

  ReplyPtr run_script(const std::string& key, const std::string& member) {
    const auto burst_text = std::to_string(burst);
    const auto window_text = std::to_string(window.count());
    auto reply = command({"EVALSHA", script_sha, "1", key, burst_text, window_text, member});
    // The script cache is empty after SCRIPT FLUSH or a restart behind a proxy; EVAL caches it
    // again for the next EVALSHA.
    if (reply && reply->type == REDIS_REPLY_ERROR &&
        std::string_view(reply->str, reply->len).rfind("NOSCRIPT", 0) == 0) {
      reply = command({"EVAL", kScript, "1", key, burst_text, window_text, member});
    }
    return reply;
  }

  Reply ask(const std::string& key) {
    if (!connect()) return {};
    const auto member = replica_id + ":" + std::to_string(++counter);
    auto reply = run_script(key, member);
    // A connection that Redis (or something between) closed while idle fails on first use:
    // one new connection then, unless one was made within the pause.
    if (!reply &&
        (context->err == REDIS_ERR_EOF ||
         (context->err == REDIS_ERR_IO && errno != EAGAIN && errno != EWOULDBLOCK)) &&
        Clock::now() - last_connect >= kReconnectPause) {
      disconnect();
      if (!connect()) return {};
      reply = run_script(key, member);
    }
    if (!reply) {
      fail(context_error(context));
      return {};
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      fail("the script failed: " + std::string(reply->str, reply->len));
      return {};
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[0]->type != REDIS_REPLY_INTEGER ||
        reply->element[1]->type != REDIS_REPLY_INTEGER || reply->element[1]->integer < 0) {
      fail("the script gave an unexpected reply");
      return {};
    }
    answered();
    Reply result;
    result.delay = std::chrono::milliseconds(reply->element[1]->integer);
    if (reply->element[0]->integer == 1) {
      result.kind = Reply::Kind::kGranted;
      result.member = member;
    } else {
      result.kind = Reply::Kind::kRetry;
    }
    return result;
  }

  // Best effort: a start given back lets a later request use it; if Redis cannot be reached
  // the booking lapses within a window anyway.
  void give_back(const std::string& key, const std::string& member) {
    if (!context) return;
    const auto reply = command({"ZREM", key, member});
    if (!reply) disconnect();  // the next question reconnects, or finds Redis down
  }

  // --- on the caller's side ---

  asio::awaitable<Reply> ask_redis(const asio::any_io_executor& caller, std::string key) {
    auto pending = std::make_shared<Pending>(caller);
    asio::post(io, [this, pending, key] {
      {
        std::lock_guard lock(pending->mutex);
        if (pending->abandoned) return;  // the caller left before its turn: ask nothing
      }
      auto reply = ask(key);
      {
        std::lock_guard lock(pending->mutex);
        if (!pending->abandoned) {
          pending->reply.try_send(boost::system::error_code{}, std::move(reply));
          return;
        }
      }
      if (reply.kind == Reply::Kind::kGranted) give_back(key, reply.member);
    });
    const auto [error, reply] =
        co_await pending->reply.async_receive(asio::as_tuple(asio::use_awaitable));
    if (!error) co_return reply;
    {
      std::lock_guard lock(pending->mutex);
      pending->abandoned = true;
    }
    // An answer sent before `abandoned` was set waits in the channel.
    pending->reply.try_receive([&](boost::system::error_code, Reply late) {
      if (late.kind == Reply::Kind::kGranted) release(key, std::move(late.member));
    });
    throw_cancelled();
  }

  void release(std::string key, std::string member) {
    asio::post(
        io, [this, key = std::move(key), member = std::move(member)] { give_back(key, member); });
  }
};

SharedRateLimit::SharedRateLimit(asio::any_io_executor /*executor*/, SharedRateLimitConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {
  if (!impl_->unlimited()) impl_->start();
}

SharedRateLimit::~SharedRateLimit() { impl_->stop(); }

std::size_t SharedRateLimit::burst() const { return impl_->burst; }
std::chrono::milliseconds SharedRateLimit::window() const { return impl_->window; }

asio::awaitable<void> SharedRateLimit::acquire(std::string account) {
  if (impl_->unlimited()) co_return;
  const auto executor = co_await asio::this_coro::executor;
  std::string key = std::string(kKeyPrefix) + account;
  asio::steady_timer timer(executor);
  for (;;) {
    if (impl_->known_down()) break;
    const auto reply = co_await impl_->ask_redis(executor, key);
    if (reply.kind == Reply::Kind::kUnavailable) break;
    if (reply.kind == Reply::Kind::kGranted && reply.delay <= std::chrono::milliseconds::zero()) {
      co_return;
    }
    timer.expires_after(reply.delay);
    boost::system::error_code error = asio::error::operation_aborted;
    try {
      std::tie(error) = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    } catch (const boost::system::system_error&) {
      // Cancelled before the wait began; handled below like a cancelled wait.
    }
    if (error) {
      if (reply.kind == Reply::Kind::kGranted) impl_->release(std::move(key), reply.member);
      throw_cancelled();
    }
    if (reply.kind == Reply::Kind::kGranted) co_return;
  }
  const auto limiter = impl_->fallback(account);
  const auto admission = co_await limiter->acquire();
  if (admission.outcome != RateLimiter::Admission::Outcome::kStarted) throw_cancelled();
}

}  // namespace acmcp::ac
