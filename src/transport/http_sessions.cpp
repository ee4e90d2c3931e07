// Outboxes, session records and the session table of the HTTP transport.
#include "transport/http_sessions.hpp"

#include <algorithm>

namespace acmcp::transport {

using nlohmann::json;

bool Outbox::push(json message) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    queue_.push_back(std::move(message));
  }
  if (wake_) wake_();
  return true;
}

void Outbox::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
  }
  if (wake_) wake_();
}

bool Outbox::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

Outbox::Taken Outbox::take() {
  std::lock_guard lock(mutex_);
  Taken taken;
  taken.closed = closed_;
  taken.messages.assign(std::make_move_iterator(queue_.begin()),
                        std::make_move_iterator(queue_.end()));
  queue_.clear();
  return taken;
}

void SessionRecord::attach(std::shared_ptr<mcp::Session> session) {
  std::lock_guard lock(mutex_);
  session_ = std::move(session);
}

std::shared_ptr<mcp::Session> SessionRecord::session() const {
  std::lock_guard lock(mutex_);
  return session_;
}

void SessionRecord::receive(const json& message, mcp::Reply reply) {
  auto target = session();
  if (!target) {
    if (reply.close) reply.close();
    return;
  }
  std::lock_guard lock(receive_mutex_);
  target->receive_message(message, std::move(reply));
}

void SessionRecord::deliver(const json& message) {
  std::lock_guard lock(mutex_);
  auto closed = [](const std::shared_ptr<Outbox>& outbox) { return outbox->closed(); };
  std::erase_if(streams_, closed);
  std::erase_if(requests_, closed);
  for (std::size_t tried = 0; tried < streams_.size(); ++tried) {
    auto& stream = streams_[next_stream_++ % streams_.size()];
    if (stream->push(message)) return;
  }
  for (auto& request : requests_) {
    if (request->push(message)) return;
  }
}

void SessionRecord::add_stream(std::shared_ptr<Outbox> stream) {
  std::lock_guard lock(mutex_);
  if (ended_) {
    stream->close();
    return;
  }
  streams_.push_back(std::move(stream));
}

void SessionRecord::add_request(std::shared_ptr<Outbox> request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(request));
}

void SessionRecord::remove(const Outbox* outbox) {
  std::lock_guard lock(mutex_);
  auto same = [outbox](const std::shared_ptr<Outbox>& entry) { return entry.get() == outbox; };
  std::erase_if(streams_, same);
  std::erase_if(requests_, same);
}

void SessionRecord::begin_use() {
  std::lock_guard lock(mutex_);
  ++users_;
  last_used_ = Clock::now();
}

void SessionRecord::end_use() {
  std::lock_guard lock(mutex_);
  if (users_ > 0) --users_;
  last_used_ = Clock::now();
}

bool SessionRecord::idle_for(Clock::duration timeout, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return users_ == 0 && now - last_used_ >= timeout;
}

std::optional<SessionRecord::Clock::time_point> SessionRecord::idle_since() const {
  std::lock_guard lock(mutex_);
  if (users_ > 0) return std::nullopt;
  return last_used_;
}

void SessionRecord::end() {
  std::vector<std::shared_ptr<Outbox>> streams;
  std::shared_ptr<mcp::Session> session;
  {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    ended_ = true;
    streams.swap(streams_);
    session = session_;
  }
  for (auto& stream : streams) stream->close();
  if (session) session->cancel_all();
}

bool SessionRecord::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

void SessionTable::insert(std::shared_ptr<SessionRecord> record) {
  std::lock_guard lock(mutex_);
  records_[record->id()] = std::move(record);
}

std::shared_ptr<SessionRecord> SessionTable::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = records_.find(id);
  return it == records_.end() ? nullptr : it->second;
}

std::shared_ptr<SessionRecord> SessionTable::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = records_.find(id);
  if (it == records_.end()) return nullptr;
  auto record = std::move(it->second);
  records_.erase(it);
  return record;
}

std::vector<std::shared_ptr<SessionRecord>> SessionTable::remove_idle(
    SessionRecord::Clock::duration timeout, SessionRecord::Clock::time_point now) {
  std::vector<std::shared_ptr<SessionRecord>> idle;
  std::lock_guard lock(mutex_);
  for (auto it = records_.begin(); it != records_.end();) {
    if (it->second->idle_for(timeout, now)) {
      idle.push_back(std::move(it->second));
      it = records_.erase(it);
    } else {
      ++it;
    }
  }
  return idle;
}

std::shared_ptr<SessionRecord> SessionTable::remove_least_recently_used_idle() {
  std::lock_guard lock(mutex_);
  auto oldest = records_.end();
  std::optional<SessionRecord::Clock::time_point> oldest_since;
  for (auto it = records_.begin(); it != records_.end(); ++it) {
    const auto since = it->second->idle_since();
    if (since && (!oldest_since || *since < *oldest_since)) {
      oldest = it;
      oldest_since = since;
    }
  }
  if (oldest == records_.end()) return nullptr;
  auto record = std::move(oldest->second);
  records_.erase(oldest);
  return record;
}

std::vector<std::shared_ptr<SessionRecord>> SessionTable::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<SessionRecord>> records;
  for (const auto& entry : records_) records.push_back(entry.second);
  return records;
}

std::size_t SessionTable::size() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

}  // namespace acmcp::transport
