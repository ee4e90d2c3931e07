// Request checks for the HTTP transport that need no sockets: Origin and Host allow-lists
// (DNS-rebinding protection), bearer-token authentication in constant time, and a throttle for
// the warnings that refusals log.
#pragma once
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acmcp::transport {

// True when both strings are equal; the time taken depends only on their lengths.
bool constant_time_equals(std::string_view a, std::string_view b);

// The token of an "Authorization: Bearer <token>" value (scheme case-insensitive), else nullopt.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// The host name of a Host header value or an authority: lower-cased, port removed, IPv6
// literals keep their brackets ("[::1]:8080" -> "[::1]").
std::string host_name(std::string_view authority);

// An origin in normal form ("scheme://host[:port]", lower-cased, no trailing slash); nullopt
// when the text is not an http(s) origin (e.g. "null").
std::optional<std::string> normalize_origin(std::string_view origin);

// Decides which Origin and Host headers a request may carry. Origins on localhost, 127.0.0.1
// and [::1] (any port, http or https) are always allowed; `extra_origins` adds more.
class OriginPolicy {
 public:
  // `check_host`: reject Host headers that do not name this machine's loopback names, the
  // host of an allowed origin or one of `extra_hosts` (the address the server is bound to)
  // (used when the server listens on a loopback address).
  OriginPolicy(const std::vector<std::string>& extra_origins, bool check_host,
               const std::vector<std::string>& extra_hosts = {});

  bool origin_allowed(std::string_view origin) const;
  // `host` is the Host header value; an absent header is passed as empty.
  bool host_allowed(std::string_view host) const;

 private:
  std::vector<std::string> origins_;  // normalized
  std::vector<std::string> hosts_;    // host names of the extra origins
  bool check_host_;
};

// Lets the first warning of a kind through, then at most one per interval carrying the count of
// everything since, so a flood (thousands of refused connections) costs a line per interval.
class WarningThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit WarningThrottle(Clock::duration interval) : interval_(interval) {}

  // Counts one event. Returns how many events the line due now reports (this one included),
  // or 0 when no line is due yet.
  std::size_t note(Clock::time_point now);
  // Events counted but not yet reported, once the interval since the last line has passed
  // (then they count as reported); 0 otherwise.
  std::size_t flush(Clock::time_point now);

 private:
  std::size_t report_if_due(Clock::time_point now);  // the lock is held

  std::mutex mutex_;
  Clock::duration interval_;
  std::optional<Clock::time_point> last_line_;
  std::size_t unreported_ = 0;
};

}  // namespace acmcp::transport
