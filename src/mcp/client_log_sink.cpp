// Forwards spdlog records to the attached sessions they concern; guards against records logged
// while forwarding.
#include "mcp/client_log_sink.hpp"

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "util/log_caller.hpp"

namespace acmcp::mcp {

namespace {
// A transport that logs while writing a forwarded record would otherwise recurse (and deadlock
// on the sink's mutex); such records still reach the other sinks.
thread_local bool forwarding = false;
}  // namespace

void ClientLogSink::attach(std::weak_ptr<Session> session) {
  std::lock_guard lock(mutex_);
  sessions_.push_back(std::move(session));
}

void ClientLogSink::sink_it_(const spdlog::details::log_msg& message) {
  if (forwarding) return;
  struct Guard {
    Guard() { forwarding = true; }
    ~Guard() { forwarding = false; }
  } guard;
  const std::string_view text(message.payload.data(), message.payload.size());
  // A record about one session goes to that session only; a server-wide one to every session.
  const std::uint64_t about = util::log_caller;
  std::erase_if(sessions_, [](const std::weak_ptr<Session>& weak) { return weak.expired(); });
  for (const auto& weak : sessions_) {
    auto session = weak.lock();
    if (session && (about == 0 || session->serial() == about)) {
      session->forward_log(message.level, text);
    }
  }
}

}  // namespace acmcp::mcp
