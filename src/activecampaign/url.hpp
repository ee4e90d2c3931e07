// ActiveCampaign API base URL parsing and request-target building (percent-encoded query).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acmcp::ac {

struct ApiUrl {
  bool tls = true;   // https
  std::string host;  // no brackets, lowercase as given
  unsigned short port = 443;
  std::string base_path = "/api/3";  // what every request target starts with

  std::string host_port() const;  // "acct.api-us1.com:443"
};

// Accepts "https://acct.api-us1.com", a trailing "/", "/api/3" or "/api/3/", http or https and an
// optional port. Throws std::invalid_argument saying what is wrong with anything else.
ApiUrl parse_api_url(std::string_view url);

// A gateway's or a service's URL (Maton's), for which a path prefix is part of the address: its
// path, without a trailing '/', then `base_path` become the ApiUrl's base_path. `name` and
// `example` say in an error what the URL was meant to be.
ApiUrl parse_service_url(std::string_view url, std::string_view name, std::string_view example,
                         std::string_view base_path);

// RFC 3986 percent-encoding: unreserved characters (ALPHA DIGIT - . _ ~) are kept, every other
// byte becomes %XX (upper-case hex), so '[' ']' '+' '@' ' ' are all encoded.
std::string percent_encode(std::string_view text);

// base_path + path + "?" + encoded query (the "?" only when there is a query).
std::string build_target(const ApiUrl& url, std::string_view path,
                         const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace acmcp::ac
