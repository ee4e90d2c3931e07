// Format checks for JSON Schema `format` (see formats.hpp); hand-written, no regex.
#include "schema/formats.hpp"

#include <cstring>
#include <string>

namespace acmcp::schema::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// Reads exactly `count` digits at `pos` as a number; -1 when they are not all digits.
int read_digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool is_email_local_char(char c) {
  return is_alpha(c) || is_digit(c) || is_non_ascii(c) ||
         (c != '\0' && std::strchr("!#$%&'*+/=?^_`{|}~-", c));
}

bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!(is_alpha(c) || is_digit(c) || is_non_ascii(c) || c == '-')) return false;
  }
  return true;
}

bool is_uri_char(char c) {
  return is_alpha(c) || is_digit(c) || (c != '\0' && std::strchr("-._~:/?#[]@!$&'()*+,;=", c));
}

// The dotted IPv4 ending an IPv6 literal: four decimal octets without leading zeros.
bool is_dotted_ipv4(std::string_view text) {
  int octets = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view octet =
        text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (octet.empty() || octet.size() > 3 || (octet.size() > 1 && octet.front() == '0')) {
      return false;
    }
    int value = 0;
    for (char c : octet) {
      if (!is_digit(c)) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || ++octets > 4) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return octets == 4;
}

// RFC 3986 IP-literal contents: an IPv6 address (hex groups and colons, perhaps ending in a dotted
// IPv4) or "v" IPvFuture. The groups' count is not checked.
bool is_ip_literal(std::string_view text) {
  if (text.empty()) return false;
  if (text.front() == 'v' || text.front() == 'V') {
    for (char c : text) {
      if (!is_uri_char(c) || c == '/' || c == '?' || c == '#' || c == '[' || c == ']' || c == '@') {
        return false;
      }
    }
    return true;
  }
  const std::size_t last_colon = text.rfind(':');
  if (last_colon == std::string_view::npos) return false;
  const std::string_view tail = text.substr(last_colon + 1);
  if (tail.find('.') != std::string_view::npos) {
    if (!is_dotted_ipv4(tail)) return false;
  } else {
    for (char c : tail) {
      if (!is_hex(c)) return false;
    }
  }
  for (char c : text.substr(0, last_colon + 1)) {
    if (!is_hex(c) && c != ':') return false;
  }
  return true;
}

// RFC 3986 authority: [userinfo@]host[:port]. Brackets belong to an IP-literal host only, and a
// port is digits.
bool is_authority(std::string_view authority, bool host_required) {
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos &&
      authority.substr(0, at).find_first_of("[]") != std::string_view::npos) {
    return false;
  }
  const std::string_view host_port =
      at == std::string_view::npos ? authority : authority.substr(at + 1);
  std::string_view host = host_port;
  std::string_view port;
  if (!host_port.empty() && host_port.front() == '[') {
    const std::size_t close = host_port.find(']');
    if (close == std::string_view::npos || !is_ip_literal(host_port.substr(1, close - 1))) {
      return false;
    }
    host = host_port.substr(0, close + 1);
    const std::string_view after = host_port.substr(close + 1);
    if (!after.empty() && after.front() != ':') return false;
    port = after.empty() ? after : after.substr(1);
  } else {
    if (host_port.find_first_of("[]") != std::string_view::npos) return false;
    const std::size_t port_colon = host_port.find(':');
    host = host_port.substr(0, port_colon);
    port = port_colon == std::string_view::npos ? "" : host_port.substr(port_colon + 1);
  }
  for (char c : port) {
    if (!is_digit(c)) return false;
  }
  return !host_required || !host.empty();
}

}  // namespace

bool is_email(std::string_view text) {
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty() || local.size() > 64 || domain.empty() || domain.size() > 255) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (c != '.' && !is_email_local_char(c)) return false;
  }
  std::size_t labels = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!is_domain_label(label)) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  const int year = read_digits(text, 0, 4);
  const int month = read_digits(text, 5, 2);
  const int day = read_digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  return day <= days_in_month(year, month);
}

bool is_date_time(std::string_view text) {
  if (text.size() < 20 || !is_date(text.substr(0, 10))) return false;
  const char separator = text[10];
  if (separator != 'T' && separator != 't' && separator != ' ') return false;
  if (text[13] != ':' || text[16] != ':') return false;
  const int hour = read_digits(text, 11, 2);
  const int minute = read_digits(text, 14, 2);
  const int second = read_digits(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return false;
  }
  // A leap second is inserted at 23:59:60 UTC only, whatever the offset it is written with.
  const auto is_leap_second_time = [&](int offset_minutes) {
    const int utc = ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440;
    return second != 60 || utc == 23 * 60 + 59;
  };
  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t fraction_start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == fraction_start) return false;
  }
  if (pos >= text.size()) return false;
  const std::string_view offset = text.substr(pos);
  if (offset == "Z" || offset == "z") return is_leap_second_time(0);
  if (offset.size() != 6 || (offset[0] != '+' && offset[0] != '-') || offset[3] != ':') {
    return false;
  }
  const int offset_hour = read_digits(offset, 1, 2);
  const int offset_minute = read_digits(offset, 4, 2);
  if (offset_hour < 0 || offset_hour > 23 || offset_minute < 0 || offset_minute > 59) return false;
  const int offset_minutes = (offset[0] == '-' ? -1 : 1) * (offset_hour * 60 + offset_minute);
  return is_leap_second_time(offset_minutes);
}

bool is_uri(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
  const std::string_view scheme = text.substr(0, colon);
  if (!is_alpha(scheme.front())) return false;
  for (char c : scheme) {
    if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) return false;
  }
  for (std::size_t i = colon + 1; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      i += 2;
    } else if (!is_uri_char(text[i])) {
      return false;
    }
  }
  std::string lower_scheme(scheme);
  for (char& c : lower_scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const bool web = lower_scheme == "http" || lower_scheme == "https";
  const std::string_view rest = text.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return !web;
  return is_authority(rest.substr(2, rest.find_first_of("/?#", 2) - 2), web);
}

}  // namespace acmcp::schema::detail
