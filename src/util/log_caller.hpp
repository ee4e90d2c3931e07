// Which client a log record is about, for the sink that forwards records to clients: a client
// that asked for log records (logging/setLevel) must get its own and server-wide ones, never
// another client's (their names, their upstream paths and record IDs).
//
// A thread-local, set around the synchronous code that writes a record. Never hold a scope
// across a co_await: the coroutine may resume on another thread.
#pragma once
#include <cstdint>

namespace acmcp::util {

// The serial of the session the current record is about; 0 for a server-wide record.
inline thread_local std::uint64_t log_caller = 0;

class LogCallerScope {
 public:
  explicit LogCallerScope(std::uint64_t caller) : saved_(log_caller) { log_caller = caller; }
  ~LogCallerScope() { log_caller = saved_; }
  LogCallerScope(const LogCallerScope&) = delete;
  LogCallerScope& operator=(const LogCallerScope&) = delete;

 private:
  std::uint64_t saved_;
};

}  // namespace acmcp::util
