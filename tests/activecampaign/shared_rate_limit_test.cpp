// The rate limit that replicas share through Redis, against a real redis-server on loopback:
// the budget across replicas and accounts, Redis dying and coming back, an unreachable Redis,
// cancellation, Redis errors, and URL checking.
#include "activecampaign/shared_rate_limit.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace acmcp::ac {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kRedisServer = "/usr/bin/redis-server";

// A port nothing listens on right now (the kernel's choice for an ephemeral bind).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// A redis-server child process on a loopback port, without persistence, and a way to look into
// it from the test.
class RedisServer {
 public:
  explicit RedisServer(int port = free_port()) : port_(port) { start(); }
  ~RedisServer() { kill(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  void start() {
    if (::access(kRedisServer, X_OK) != 0) {
      throw std::runtime_error(std::string(kRedisServer) +
                               " is missing: install redis-server (tools/install-deps.sh test)");
    }
    const std::string port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl(kRedisServer, kRedisServer, "--port", port.c_str(), "--bind", "127.0.0.1", "--save",
              "", "--appendonly", "no", "--loglevel", "warning", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline) {
      const auto pong = command({"PING"});
      if (pong && pong->type == REDIS_REPLY_STATUS) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("redis-server exited at start (port " + port + " taken?)");
      }
      std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("redis-server did not answer PING within 10 s");
  }

  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // One command on a connection of its own; null when Redis does not answer.
  ReplyPtr command(const std::vector<std::string>& arguments, int db = 0) const {
    redisContext* context = redisConnectWithTimeout("127.0.0.1", port_, timeval{1, 0});
    if (!context || context->err) {
      if (context) redisFree(context);
      return nullptr;
    }
    redisSetTimeout(context, timeval{1, 0});
    if (db != 0) run(context, {"SELECT", std::to_string(db)});
    auto reply = run(context, arguments);
    redisFree(context);
    return reply;
  }

  long long integer(const std::vector<std::string>& arguments, int db = 0) const {
    const auto reply = command(arguments, db);
    if (!reply || reply->type != REDIS_REPLY_INTEGER) return -1000;
    return reply->integer;
  }

 private:
  static ReplyPtr run(redisContext* context, const std::vector<std::string>& arguments) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& argument : arguments) {
      argv.push_back(argument.data());
      lengths.push_back(argument.size());
    }
    return ReplyPtr(static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
  }

  int port_;
  pid_t pid_ = -1;
};

// Collects what the limiter logs (the test main turns logging off otherwise).
class CapturingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  int count(spdlog::level::level_enum level, const std::string& needle = "") {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(lines_.begin(), lines_.end(), [&](const auto& line) {
      return line.first == level && line.second.find(needle) != std::string::npos;
    }));
  }
  std::string text() {
    std::lock_guard lock(mutex_);
    std::string all;
    for (const auto& line : lines_) all += line.second + "\n";
    return all;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    lines_.emplace_back(message.level, std::string(message.payload.data(), message.payload.size()));
  }
  void flush_() override {}

 private:
  std::vector<std::pair<spdlog::level::level_enum, std::string>> lines_;
};

class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()), sink_(std::make_shared<CapturingSink>()) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  int warnings() { return sink_->count(spdlog::level::warn, "Redis"); }
  int infos() { return sink_->count(spdlog::level::info, "Redis"); }
  CapturingSink& sink() { return *sink_; }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<CapturingSink> sink_;
};

// When each acquire() returned, from any thread.
class Grants {
 public:
  void record() {
    std::lock_guard lock(mutex_);
    times_.push_back(Clock::now());
  }
  void record_failure() {
    std::lock_guard lock(mutex_);
    ++failures_;
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return times_.size();
  }
  int failures() {
    std::lock_guard lock(mutex_);
    return failures_;
  }
  std::vector<Clock::time_point> sorted() {
    std::lock_guard lock(mutex_);
    auto times = times_;
    std::sort(times.begin(), times.end());
    return times;
  }

 private:
  std::mutex mutex_;
  std::vector<Clock::time_point> times_;
  int failures_ = 0;
};

void spawn_acquires(asio::io_context& io, SharedRateLimit& limit, const std::string& account,
                    int count, Grants& grants) {
  for (int i = 0; i < count; ++i) {
    asio::co_spawn(
        io,
        [&limit, account, &grants]() -> asio::awaitable<void> {
          co_await limit.acquire(account);
          grants.record();
        },
        [&grants](std::exception_ptr error) {
          if (error) grants.record_failure();
        });
  }
}

// `count` acquires one after the other, each `pause` after the previous one started.
void spawn_sequence(asio::io_context& io, SharedRateLimit& limit, const std::string& account,
                    int count, Grants& grants, std::vector<Clock::duration>* durations = nullptr,
                    Clock::duration pause = {}) {
  asio::co_spawn(
      io,
      [&, account, count, durations, pause]() -> asio::awaitable<void> {
        asio::steady_timer timer(io);
        for (int i = 0; i < count; ++i) {
          const auto asked = Clock::now();
          co_await limit.acquire(account);
          grants.record();
          if (durations) durations->push_back(Clock::now() - asked);
          timer.expires_after(pause);
          co_await timer.async_wait(asio::use_awaitable);
        }
      },
      [&grants](std::exception_ptr error) {
        if (error) grants.record_failure();
      });
}

// The most starts in any span of `span` that begins at a start.
std::size_t most_within(const std::vector<Clock::time_point>& sorted, Clock::duration span) {
  std::size_t most = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    std::size_t within = 0;
    for (std::size_t j = i; j < sorted.size() && sorted[j] - sorted[i] < span; ++j) ++within;
    most = std::max(most, within);
  }
  return most;
}

double seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

SharedRateLimitConfig config_for(const std::string& url, int replicas = 1) {
  SharedRateLimitConfig config;
  config.redis_url = url;
  config.replicas = replicas;
  return config;
}

std::string construction_error(const std::string& url) {
  asio::io_context io;
  try {
    SharedRateLimit limit(io.get_executor(), config_for(url));
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(SharedRateLimitUrl, AcceptsHostPortAndDatabase) {
  const auto plain = parse_redis_url("redis://127.0.0.1:6379");
  EXPECT_EQ(plain.host, "127.0.0.1");
  EXPECT_EQ(plain.port, 6379);
  EXPECT_EQ(plain.db, 0);
  const auto named = parse_redis_url("redis://redis-0.cache_internal:6380/3");
  EXPECT_EQ(named.host, "redis-0.cache_internal");
  EXPECT_EQ(named.port, 6380);
  EXPECT_EQ(named.db, 3);
  const auto v6 = parse_redis_url("redis://[::1]:7000/0");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 7000);
}

TEST(SharedRateLimitUrl, RejectsBadUrlsWithAClearMessage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "no redis:// scheme"},
      {"127.0.0.1:6379", "no redis:// scheme"},
      {"http://127.0.0.1:6379", "only the redis:// scheme"},
      {"rediss://127.0.0.1:6379", "only the redis:// scheme"},
      {"redis://127.0.0.1", "no port"},
      {"redis://127.0.0.1:", "no port"},
      {"redis://127.0.0.1/2", "no port"},
      {"redis://[::1]/2", "no port"},
      {"redis://:6379", "no host"},
      {"redis://::1:6379", "IPv6 host must be in brackets"},
      {"redis://127.0.0.1:0", "port must be a number from 1 to 65535"},
      {"redis://127.0.0.1:70000", "port must be a number from 1 to 65535"},
      {"redis://127.0.0.1:63x9", "port must be a number from 1 to 65535"},
      {"redis://127.0.0.1:6379/", "database after / must be a number"},
      {"redis://127.0.0.1:6379/x", "database after / must be a number"},
      {"redis://127.0.0.1:6379/-1", "database after / must be a number"},
      {"redis://127.0.0.1:6379/99999999999", "database after / must be a number"},
      {"redis://127.0.0.1:6379/1?timeout=1", "query strings"},
      {"redis://ho st:6379", "host holds a character"},
  };
  for (const auto& [url, expected] : cases) {
    const auto message = construction_error(url);
    EXPECT_NE(message.find(expected), std::string::npos) << url << " -> " << message;
    EXPECT_NE(message.find("redis://HOST:PORT[/DB]"), std::string::npos) << url;
  }
  // The URL is not repeated, so a password in it does not reach a log or an error reply.
  const auto message = construction_error("redis://user:s3cret@127.0.0.1:6379");
  EXPECT_NE(message.find("passwords are not supported"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
}

TEST(SharedRateLimit, RejectsNoReplicasAndNoTimeout) {
  asio::io_context io;
  auto config = config_for("redis://127.0.0.1:6379", 0);
  EXPECT_THROW(SharedRateLimit(io.get_executor(), config), std::invalid_argument);
  config.replicas = 1;
  config.redis_timeout = 0ms;
  EXPECT_THROW(SharedRateLimit(io.get_executor(), config), std::invalid_argument);
}

TEST(SharedRateLimit, WindowMatchesTheLocalLimiter) {
  asio::io_context io;
  SharedRateLimit five(io.get_executor(), config_for("redis://127.0.0.1:6379"));
  EXPECT_EQ(five.burst(), 5u);
  EXPECT_EQ(five.window(), 1100ms);
  auto config = config_for("redis://127.0.0.1:6379");
  config.max_rps = 2.5;
  SharedRateLimit fractional(io.get_executor(), config);
  EXPECT_EQ(fractional.burst(), 2u);
  EXPECT_EQ(fractional.window(), 900ms);
}

// Three replicas, each with its own thread and executor, flood one account: together they keep
// to the account's 5 per second, and get close to it.
TEST(SharedRateLimit, ThreeReplicasShareOneAccountsBudget) {
  RedisServer redis;
  LogCapture logs;
  Grants grants;
  {
    std::vector<std::unique_ptr<asio::io_context>> ios;
    std::vector<std::unique_ptr<SharedRateLimit>> limits;
    for (int i = 0; i < 3; ++i) {
      ios.push_back(std::make_unique<asio::io_context>());
      limits.push_back(std::make_unique<SharedRateLimit>(ios.back()->get_executor(),
                                                         config_for(redis.url(), 3)));
    }
    const auto started = Clock::now();
    for (int i = 0; i < 3; ++i) spawn_acquires(*ios[i], *limits[i], "shared", 10, grants);
    std::vector<std::thread> threads;
    for (auto& io : ios) threads.emplace_back([&io] { io->run_for(40s); });
    for (auto& thread : threads) thread.join();
    ASSERT_EQ(grants.size(), 30u) << "failures: " << grants.failures();
    const auto times = grants.sorted();
    // The account's own rule: never more than 5 starts in a second.
    EXPECT_LE(most_within(times, 1s), 5u);
    // Five full windows (1.1 s each) lie between the first start and the 26th; the first
    // start's reply may arrive a little late, hence 5.4 s.
    EXPECT_GE(seconds(times.back() - times.front()), 5.4);
    // Near the floor: a shared budget used by one replica at a time would take three times
    // as long, a lost booking a window more.
    EXPECT_LT(seconds(times.back() - started), 9.0);
  }
  EXPECT_EQ(logs.warnings(), 0) << logs.sink().text();
  EXPECT_EQ(redis.integer({"EXISTS", "acmcp:ratelimit:shared"}), 1);
}

TEST(SharedRateLimit, AccountsDoNotDelayEachOther) {
  RedisServer redis;
  asio::io_context io;
  SharedRateLimit limit(io.get_executor(), config_for(redis.url()));
  Grants busy, quiet;
  const auto started = Clock::now();
  spawn_acquires(io, limit, "busy", 10, busy);
  spawn_acquires(io, limit, "quiet", 5, quiet);
  io.run_for(30s);
  ASSERT_EQ(busy.size(), 10u);
  ASSERT_EQ(quiet.size(), 5u);
  // The busy account waits a window for its second five; the quiet one does not.
  EXPECT_GE(seconds(busy.sorted().back() - busy.sorted().front()), 1.0);
  EXPECT_LT(seconds(quiet.sorted().back() - started), 1.0);
}

// Redis killed in the middle of a burst: every request still starts, paced locally; the outage
// is logged once, and after Redis is back on its port the budget is shared again.
TEST(SharedRateLimit, KeepsPacingWhenRedisDiesAndSharesAgainWhenItIsBack) {
  RedisServer redis;
  LogCapture logs;
  asio::io_context io;
  SharedRateLimit limit(io.get_executor(), config_for(redis.url(), 2));
  Grants grants;
  spawn_acquires(io, limit, "outage", 20, grants);
  std::thread runner([&] { io.run_for(40s); });
  // The first window is granted through Redis and the next one booked there.
  const auto deadline = Clock::now() + 10s;
  while ((grants.size() < 5 || redis.integer({"ZCARD", "acmcp:ratelimit:outage"}) < 10) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(grants.size(), 5u);
  EXPECT_EQ(redis.integer({"ZCARD", "acmcp:ratelimit:outage"}), 10);
  redis.kill();
  runner.join();
  ASSERT_EQ(grants.size(), 20u) << "failures: " << grants.failures();
  EXPECT_EQ(grants.failures(), 0);
  EXPECT_EQ(logs.warnings(), 1) << logs.sink().text();
  EXPECT_EQ(logs.sink().count(spdlog::level::warn, " 2 requests per second"), 1)
      << logs.sink().text();
  EXPECT_EQ(logs.infos(), 0) << logs.sink().text();

  redis.start();  // same port, empty
  bool shared_again = false;
  for (int attempt = 0; attempt < 10 && !shared_again; ++attempt) {
    std::this_thread::sleep_for(400ms);  // reconnecting waits about a second after a failure
    io.restart();
    Grants more;
    spawn_acquires(io, limit, "outage", 1, more);
    io.run_for(10s);
    ASSERT_EQ(more.size(), 1u);
    shared_again = redis.integer({"EXISTS", "acmcp:ratelimit:outage"}) == 1;
  }
  EXPECT_TRUE(shared_again);
  EXPECT_EQ(logs.infos(), 1) << logs.sink().text();
  EXPECT_EQ(logs.warnings(), 1) << logs.sink().text();
}

// Nothing listens at the URL from the start: with 5 replicas each paces at 1 request per second.
// The requests come one after the other, so reconnecting is tried (and fails) again meanwhile.
TEST(SharedRateLimit, UnreachableRedisPacesAtTheReplicasShare) {
  LogCapture logs;
  const int port = free_port();
  asio::io_context io;
  SharedRateLimit limit(io.get_executor(),
                        config_for("redis://127.0.0.1:" + std::to_string(port), 5));
  Grants grants;
  spawn_sequence(io, limit, "nowhere", 4, grants);
  io.run_for(30s);
  ASSERT_EQ(grants.size(), 4u) << "failures: " << grants.failures();
  const auto times = grants.sorted();
  for (std::size_t i = 1; i < times.size(); ++i) {
    EXPECT_GE(seconds(times[i] - times[i - 1]), 1.0) << i;  // 1 per 1.1 s
  }
  EXPECT_LT(seconds(times.back() - times.front()), 3.3 + 3.0);
  EXPECT_EQ(logs.warnings(), 1) << logs.sink().text();
  EXPECT_EQ(logs.sink().count(spdlog::level::warn, "127.0.0.1:" + std::to_string(port)), 1);
  EXPECT_EQ(logs.sink().count(spdlog::level::warn, " 1 requests per second"), 1)
      << logs.sink().text();
}

// Redis accepts connections but never answers (the kernel completes them; nobody reads): each
// question costs at most the timeout, and a new connection is tried about once per second.
TEST(SharedRateLimit, AStuckRedisCostsTheTimeoutAndIsRetriedAboutOncePerSecond) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 64), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::atomic<bool> stop{false};
  std::atomic<int> connections{0};
  std::thread acceptor([&] {
    std::vector<int> accepted;  // held open, so the limiter sees silence rather than a close
    while (!stop) {
      pollfd ready{listener, POLLIN, 0};
      if (::poll(&ready, 1, 20) != 1) continue;
      const int fd = ::accept(listener, nullptr, nullptr);
      if (fd < 0) continue;
      accepted.push_back(fd);
      ++connections;
    }
    for (const int fd : accepted) ::close(fd);
  });

  LogCapture logs;
  {
    asio::io_context io;
    auto config = config_for("redis://127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
    config.max_rps = 100;  // the local pacing never waits here
    config.redis_timeout = 200ms;
    SharedRateLimit limit(io.get_executor(), config);
    Grants grants;
    std::vector<Clock::duration> durations;
    const auto started = Clock::now();
    spawn_sequence(io, limit, "stuck", 40, grants, &durations, 75ms);
    io.run_for(30s);
    const auto elapsed = seconds(Clock::now() - started);
    ASSERT_EQ(grants.size(), 40u) << "failures: " << grants.failures();
    // At most the timeout, plus the two windows that local pacing waits when it takes over (for
    // starts Redis may have granted ahead): 0.2 + 2.2 s.
    EXPECT_LT(seconds(*std::max_element(durations.begin(), durations.end())), 3.0);
    // About 3 s: the first connection and about one more per second; one per question would
    // make about 40.
    EXPECT_GE(connections.load(), 2);
    EXPECT_LE(connections.load(), static_cast<int>(elapsed) + 2) << elapsed << " s";
  }
  stop = true;
  acceptor.join();
  ::close(listener);
  EXPECT_EQ(logs.warnings(), 1) << logs.sink().text();
  EXPECT_EQ(logs.sink().count(spdlog::level::warn, "no answer within the timeout"), 1)
      << logs.sink().text();
}

// A caller cancelled while it sleeps until its booked start gives the start back.
TEST(SharedRateLimit, ACancelledWaitGivesItsStartBack) {
  RedisServer redis;
  asio::io_context io;
  SharedRateLimit limit(io.get_executor(), config_for(redis.url()));
  const std::string key = "acmcp:ratelimit:cancel";
  long long booked = -1;
  long long after_cancel = -1;
  std::exception_ptr outcome;
  bool finished = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 5; ++i) co_await limit.acquire("cancel");
        asio::cancellation_signal signal;
        asio::co_spawn(io, limit.acquire("cancel"),
                       asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr error) {
                         outcome = error;
                         finished = true;
                       }));
        asio::steady_timer timer(io, 300ms);
        co_await timer.async_wait(asio::use_awaitable);
        booked = redis.integer({"ZCARD", key});
        EXPECT_FALSE(finished);
        signal.emit(asio::cancellation_type::terminal);
        for (int i = 0; i < 200 && !finished; ++i) {
          timer.expires_after(5ms);
          co_await timer.async_wait(asio::use_awaitable);
        }
        // The booking is removed on the limiter's thread, soon after.
        for (int i = 0; i < 100; ++i) {
          after_cancel = redis.integer({"ZCARD", key});
          if (after_cancel == 5) break;
          timer.expires_after(10ms);
          co_await timer.async_wait(asio::use_awaitable);
        }
      },
      [](std::exception_ptr error) {
        if (error) std::rethrow_exception(error);
      });
  io.run_for(20s);
  EXPECT_EQ(booked, 6);
  ASSERT_TRUE(finished);
  ASSERT_TRUE(outcome);
  try {
    std::rethrow_exception(outcome);
  } catch (const boost::system::system_error& error) {
    EXPECT_EQ(error.code(), asio::error::operation_aborted);
  } catch (...) {
    ADD_FAILURE() << "not a system_error";
  }
  EXPECT_EQ(after_cancel, 5);
}

TEST(SharedRateLimit, MembersDifferBetweenReplicasAndIdleKeysExpire) {
  RedisServer redis;
  asio::io_context io;
  SharedRateLimit first(io.get_executor(), config_for(redis.url()));
  SharedRateLimit second(io.get_executor(), config_for(redis.url()));
  Grants grants;
  spawn_acquires(io, first, "members", 2, grants);
  spawn_acquires(io, second, "members", 2, grants);
  io.run_for(10s);
  ASSERT_EQ(grants.size(), 4u);
  const auto members = redis.command({"ZRANGE", "acmcp:ratelimit:members", "0", "-1"});
  ASSERT_TRUE(members);
  ASSERT_EQ(members->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(members->elements, 4u);
  std::set<std::string> replicas;
  for (std::size_t i = 0; i < members->elements; ++i) {
    const std::string member(members->element[i]->str, members->element[i]->len);
    replicas.insert(member.substr(0, member.find(':')));
  }
  EXPECT_EQ(replicas.size(), 2u);
  const auto ttl = redis.integer({"PTTL", "acmcp:ratelimit:members"});
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 1100);
}

// An error answer (here a key of the wrong type) is handled like an outage: local pacing, one
// warning, and Redis is used again once it answers properly.
TEST(SharedRateLimit, RedisErrorsFallBackLikeAnOutage) {
  RedisServer redis;
  LogCapture logs;
  const std::string key = "acmcp:ratelimit:wrongtype";
  ASSERT_TRUE(redis.command({"SET", key, "not a sorted set"}));
  asio::io_context io;
  SharedRateLimit limit(io.get_executor(), config_for(redis.url()));
  Grants grants;
  spawn_acquires(io, limit, "wrongtype", 3, grants);
  io.run_for(10s);
  ASSERT_EQ(grants.size(), 3u);
  EXPECT_EQ(logs.warnings(), 1) << logs.sink().text();
  EXPECT_EQ(logs.sink().count(spdlog::level::warn, "WRONGTYPE"), 1) << logs.sink().text();

  ASSERT_TRUE(redis.command({"DEL", key}));
  std::this_thread::sleep_for(1100ms);
  io.restart();
  spawn_acquires(io, limit, "wrongtype", 1, grants);
  io.run_for(10s);
  ASSERT_EQ(grants.size(), 4u);
  EXPECT_EQ(redis.integer({"ZCARD", key}), 1);
  EXPECT_EQ(logs.infos(), 1) << logs.sink().text();
}

TEST(SharedRateLimit, LoadsTheScriptAgainAfterAFlush) {
  RedisServer redis;
  LogCapture logs;
  asio::io_context io;
  SharedRateLimit limit(io.get_executor(), config_for(redis.url()));
  Grants grants;
  spawn_acquires(io, limit, "flush", 1, grants);
  io.run_for(10s);
  ASSERT_TRUE(redis.command({"SCRIPT", "FLUSH"}));
  io.restart();
  spawn_acquires(io, limit, "flush", 2, grants);
  io.run_for(10s);
  ASSERT_EQ(grants.size(), 3u);
  EXPECT_EQ(redis.integer({"ZCARD", "acmcp:ratelimit:flush"}), 3);
  EXPECT_EQ(logs.warnings(), 0) << logs.sink().text();
}

TEST(SharedRateLimit, UsesTheDatabaseInTheUrl) {
  RedisServer redis;
  asio::io_context io;
  SharedRateLimit limit(io.get_executor(), config_for(redis.url() + "/3"));
  Grants grants;
  spawn_acquires(io, limit, "db", 1, grants);
  io.run_for(10s);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(redis.integer({"EXISTS", "acmcp:ratelimit:db"}, 3), 1);
  EXPECT_EQ(redis.integer({"EXISTS", "acmcp:ratelimit:db"}), 0);
}

TEST(SharedRateLimit, NoRateMeansNoLimitAndNoRedis) {
  LogCapture logs;
  asio::io_context io;
  auto config = config_for("redis://127.0.0.1:" + std::to_string(free_port()));
  config.max_rps = 0;
  SharedRateLimit limit(io.get_executor(), config);
  Grants grants;
  const auto started = Clock::now();
  spawn_acquires(io, limit, "unlimited", 50, grants);
  io.run_for(10s);
  ASSERT_EQ(grants.size(), 50u);
  EXPECT_LT(seconds(grants.sorted().back() - started), 1.0);
  EXPECT_EQ(logs.warnings(), 0) << logs.sink().text();
}

}  // namespace
}  // namespace acmcp::ac
