// Forwards spdlog records to attached sessions; guards against records logged while forwarding.
#include "mcp/client_log_sink.hpp"

#include <algorithm>
#include <string_view>

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
  std::erase_if(sessions_, [](const std::weak_ptr<Session>& weak) { return weak.expired(); });
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) session->forward_log(message.level, text);
  }
}

}  // namespace acmcp::mcp
