// Parsing of ACTIVECAMPAIGN_API_URL and building of request targets.
#include "activecampaign/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace acmcp::ac {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// What a URL is for, as error messages name it.
struct Role {
  std::string_view name;     // "ActiveCampaign API URL"
  std::string_view example;  // "https://youraccount.api-us1.com"
};
constexpr Role kAccountUrl{"ActiveCampaign API URL", "https://youraccount.api-us1.com"};

[[noreturn]] void reject(const Role& role, std::string_view url, std::string_view why) {
  throw std::invalid_argument("invalid " + std::string(role.name) + " \"" + std::string(url) +
                              "\": " + std::string(why) + " (expected e.g. " +
                              std::string(role.example) + ")");
}

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Scheme, host and port into an ApiUrl; the path as given, without a trailing '/', into
// base_path.
ApiUrl parse_url(std::string_view url, const Role& role) {
  ApiUrl result;
  std::string_view rest = url;
  // Surrounding whitespace is a common copy-paste accident in environment variables.
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) {
    rest.remove_prefix(1);
  }
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) {
    rest.remove_suffix(1);
  }
  if (rest.empty()) reject(role, url, "it is empty");

  const auto scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos) reject(role, url, "it has no scheme (https://)");
  const std::string scheme = lowercase(rest.substr(0, scheme_end));
  if (scheme == "https") {
    result.tls = true;
    result.port = 443;
  } else if (scheme == "http") {
    result.tls = false;
    result.port = 80;
  } else {
    reject(role, url, "the scheme must be http or https, not \"" + scheme + "\"");
  }
  rest.remove_prefix(scheme_end + 3);

  if (rest.find_first_of("?#") != std::string_view::npos) {
    reject(role, url, "it must not have a query or fragment");
  }
  const auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  const std::string_view path =
      path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);

  if (authority.find('@') != std::string_view::npos) {
    reject(role, url, "it must not contain user information");
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) reject(role, url, "the IPv6 address has no closing ']'");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') reject(role, url, "unexpected text after the IPv6 address");
      port = after.substr(1);
      if (port.empty()) reject(role, url, "the port is empty");
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) reject(role, url, "the port is empty");
  }
  if (host.empty()) reject(role, url, "the host is empty");
  for (const unsigned char c : host) {
    if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == ':')) {
      reject(role, url, "the host contains an invalid character");
    }
  }
  result.host = lowercase(host);

  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      reject(role, url, "the port must be a number from 1 to 65535");
    }
    result.port = static_cast<unsigned short>(value);
  }

  for (const unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7f || c == '%')
      reject(role, url, "the path contains an invalid character");
  }
  std::string_view trimmed = path;
  while (!trimmed.empty() && trimmed.back() == '/') trimmed.remove_suffix(1);
  result.base_path = std::string(trimmed);
  return result;
}

}  // namespace

std::string ApiUrl::host_port() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ApiUrl parse_api_url(std::string_view url) {
  ApiUrl result = parse_url(url, kAccountUrl);
  if (!(result.base_path.empty() || result.base_path == "/api/3")) {
    reject(kAccountUrl, url, "the path must be empty or /api/3, not \"" + result.base_path + "\"");
  }
  result.base_path = "/api/3";
  return result;
}

ApiUrl parse_service_url(std::string_view url, std::string_view name, std::string_view example,
                         std::string_view base_path) {
  ApiUrl result = parse_url(url, Role{name, example});
  result.base_path += base_path;
  return result;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0F];
    }
  }
  return out;
}

std::string build_target(const ApiUrl& url, std::string_view path,
                         const std::vector<std::pair<std::string, std::string>>& query) {
  std::string target = url.base_path;
  if (!path.empty() && path.front() != '/') target += '/';
  // Path characters outside RFC 3986 pchar (and '%', since paths arrive unencoded) are encoded.
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || c == '/' || c == ':' || c == '@' || c == '!' || c == '$' || c == '&' ||
        c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == ';' ||
        c == '=') {
      target += ch;
    } else {
      target += percent_encode(std::string_view(&ch, 1));
    }
  }
  char separator = '?';
  for (const auto& [key, value] : query) {
    target += separator;
    target += percent_encode(key);
    target += '=';
    target += percent_encode(value);
    separator = '&';
  }
  return target;
}

}  // namespace acmcp::ac
