// The HTTP transport's session bookkeeping, free of sockets: an Outbox per HTTP response that
// carries messages, a SessionRecord per MCP session (routing of session-level messages to its
// open streams, idle tracking) and the table of live sessions by id.
#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcp/session.hpp"

namespace acmcp::transport {

// Ordered messages on their way to one HTTP response (a POST's reply or a GET stream). Producers
// push from any thread; `wake` tells the writer there is something new (it must not block).
class Outbox {
 public:
  explicit Outbox(std::function<void()> wake) : wake_(std::move(wake)) {}

  bool push(nlohmann::json message);  // false once closed: the message is not taken
  void close();                       // nothing more will come; idempotent
  bool closed() const;

  struct Taken {
    std::vector<nlohmann::json> messages;
    bool closed = false;
  };
  Taken take();  // everything queued so far, and whether the outbox is closed

 private:
  mutable std::mutex mutex_;
  std::deque<nlohmann::json> queue_;
  bool closed_ = false;
  std::function<void()> wake_;
};

// One MCP session as HTTP sees it.
class SessionRecord {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SessionRecord(std::string id) : id_(std::move(id)), last_used_(Clock::now()) {}

  const std::string& id() const { return id_; }
  void attach(std::shared_ptr<mcp::Session> session);
  std::shared_ptr<mcp::Session> session() const;

  // Feeds one input to the session. The session requires that inputs never overlap; this
  // holds a lock for the (short, synchronous) call.
  void receive(const nlohmann::json& message, mcp::Reply reply);

  // A message not tied to a request (e.g. a log record). It goes to exactly one open GET stream
  // (round robin); with none open, to the oldest open POST response of this session (which then
  // becomes an event stream); with neither, it is dropped, as the specification allows.
  void deliver(const nlohmann::json& message);

  void add_stream(std::shared_ptr<Outbox> stream);
  void add_request(std::shared_ptr<Outbox> request);
  void remove(const Outbox* outbox);  // a stream or request that has finished

  // Requests and streams being served keep the session from expiring.
  void begin_use();
  void end_use();
  bool idle_for(Clock::duration timeout, Clock::time_point now) const;
  // When the session was last used, or nothing while a request or stream uses it.
  std::optional<Clock::time_point> idle_since() const;

  // Ends the session: closes its streams and cancels its in-flight calls. Idempotent.
  void end();
  bool ended() const;

 private:
  const std::string id_;
  mutable std::mutex receive_mutex_;
  mutable std::mutex mutex_;
  std::shared_ptr<mcp::Session> session_;
  std::vector<std::shared_ptr<Outbox>> streams_;
  std::vector<std::shared_ptr<Outbox>> requests_;
  std::size_t next_stream_ = 0;
  int users_ = 0;
  Clock::time_point last_used_;
  bool ended_ = false;
};

// Live sessions by id; safe from any thread.
class SessionTable {
 public:
  void insert(std::shared_ptr<SessionRecord> record);
  std::shared_ptr<SessionRecord> find(const std::string& id) const;
  std::shared_ptr<SessionRecord> remove(const std::string& id);
  // Removes and returns the sessions unused for at least `timeout`.
  std::vector<std::shared_ptr<SessionRecord>> remove_idle(SessionRecord::Clock::duration timeout,
                                                          SessionRecord::Clock::time_point now);
  // Removes and returns the idle session that was used least recently; null when every
  // session is in use.
  std::shared_ptr<SessionRecord> remove_least_recently_used_idle();
  std::vector<std::shared_ptr<SessionRecord>> all() const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<SessionRecord>> records_;
};

}  // namespace acmcp::transport
