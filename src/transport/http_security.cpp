// Origin/Host allow-lists and bearer checks for the HTTP transport.
#include "transport/http_security.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "transport/http_text.hpp"

namespace acmcp::transport {

namespace {

using http_text::lower;
using http_text::trim;

constexpr std::array<std::string_view, 3> kLoopbackNames = {"localhost", "127.0.0.1", "[::1]"};

bool is_loopback_name(std::string_view name) {
  return std::find(kLoopbackNames.begin(), kLoopbackNames.end(), name) != kLoopbackNames.end();
}

bool valid_port(std::string_view port) {
  return !port.empty() && port.size() <= 5 &&
         std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  // Every byte of the longer string is visited whatever the contents, so timing reveals at most
  // the lengths.
  const std::size_t length = std::max(a.size(), b.size());
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < length; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    difference |= static_cast<unsigned char>(x ^ y);
  }
  return difference == 0;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() ||
      lower(authorization.substr(0, kScheme.size())) != kScheme ||
      (authorization[kScheme.size()] != ' ' && authorization[kScheme.size()] != '\t')) {
    return std::nullopt;
  }
  const auto token = trim(authorization.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

std::string host_name(std::string_view authority) {
  authority = trim(authority);
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return lower(authority);
    return lower(authority.substr(0, close + 1));
  }
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) authority = authority.substr(0, colon);
  return lower(authority);
}

std::optional<std::string> normalize_origin(std::string_view origin) {
  std::string text = lower(trim(origin));
  while (!text.empty() && text.back() == '/') text.pop_back();
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = std::string_view(text).substr(7);
  } else if (text.starts_with("https://")) {
    rest = std::string_view(text).substr(8);
  } else {
    return std::nullopt;
  }
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) return std::nullopt;
  const std::string name = host_name(rest);
  if (name.empty()) return std::nullopt;
  if (rest.size() > name.size()) {
    const auto after = rest.substr(name.size());
    if (after.front() != ':' || !valid_port(after.substr(1))) return std::nullopt;
  }
  return text;
}

OriginPolicy::OriginPolicy(const std::vector<std::string>& extra_origins, bool check_host,
                           const std::vector<std::string>& extra_hosts)
    : check_host_(check_host) {
  for (const auto& host : extra_hosts) hosts_.push_back(host_name(host));
  for (const auto& origin : extra_origins) {
    if (auto normal = normalize_origin(origin)) {
      hosts_.push_back(host_name(std::string_view(*normal).substr(normal->find("://") + 3)));
      origins_.push_back(std::move(*normal));
    }
  }
}

bool OriginPolicy::origin_allowed(std::string_view origin) const {
  const auto normal = normalize_origin(origin);
  if (!normal) return false;
  const std::string name = host_name(std::string_view(*normal).substr(normal->find("://") + 3));
  if (is_loopback_name(name)) return true;
  return std::find(origins_.begin(), origins_.end(), *normal) != origins_.end();
}

bool OriginPolicy::host_allowed(std::string_view host) const {
  if (!check_host_) return true;
  const std::string name = host_name(host);
  if (name.empty()) return false;
  if (is_loopback_name(name)) return true;
  return std::find(hosts_.begin(), hosts_.end(), name) != hosts_.end();
}

std::size_t WarningThrottle::note(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++unreported_;
  return report_if_due(now);
}

std::size_t WarningThrottle::flush(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return unreported_ == 0 ? 0 : report_if_due(now);
}

std::size_t WarningThrottle::report_if_due(Clock::time_point now) {
  if (last_line_ && now - *last_line_ < interval_) return 0;
  last_line_ = now;
  return std::exchange(unreported_, 0);
}

}  // namespace acmcp::transport
