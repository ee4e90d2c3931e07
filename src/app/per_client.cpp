// Per-client credentials: the headers, the allowlist and the account key.
#include "app/per_client.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <stdexcept>

#include "activecampaign/client.hpp"
#include "activecampaign/url.hpp"
#include "util/join.hpp"

namespace acmcp::app {
namespace {

constexpr std::string_view kApiUrlHeader = "X-ActiveCampaign-Api-Url";
constexpr std::string_view kApiTokenHeader = "X-ActiveCampaign-Api-Token";
constexpr std::string_view kMatonKeyHeader = "X-Maton-Api-Key";
constexpr std::string_view kMatonConnectionHeader = "X-Maton-Connection";

struct Pattern {
  bool tls = true;
  std::string host;  // "*.api-us1.com" or an exact host, lowercase
  unsigned port = 443;
};

std::optional<Pattern> parse_pattern(std::string_view text, std::string& why) {
  Pattern pattern;
  if (text.starts_with("https://")) {
    text.remove_prefix(8);
  } else if (text.starts_with("http://")) {
    pattern.tls = false;
    pattern.port = 80;
    text.remove_prefix(7);
  } else {
    why = "it must start with https:// or http://";
    return std::nullopt;
  }
  if (!text.empty() && text.back() == '/') text.remove_suffix(1);
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    const auto digits = text.substr(colon + 1);
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), pattern.port);
    if (error != std::errc() || end != digits.data() + digits.size() || pattern.port == 0 ||
        pattern.port > 65535) {
      why = "its port must be a number from 1 to 65535";
      return std::nullopt;
    }
    text = text.substr(0, colon);
  }
  std::string_view exact = text.starts_with("*.") ? text.substr(2) : text;
  if (exact.empty() || exact.find('*') != std::string_view::npos ||
      !std::all_of(exact.begin(), exact.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; })) {
    why = "its host must be a name or address, optionally after \"*.\" (no path)";
    return std::nullopt;
  }
  pattern.host = std::string(text);
  std::transform(pattern.host.begin(), pattern.host.end(), pattern.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return pattern;
}

bool matches(const Pattern& pattern, const ac::ApiUrl& url) {
  if (pattern.tls != url.tls || pattern.port != url.port) return false;
  if (!pattern.host.starts_with("*.")) return url.host == pattern.host;
  const std::string_view suffix = std::string_view(pattern.host).substr(1);  // ".api-us1.com"
  return url.host.size() > suffix.size() && url.host.ends_with(suffix);
}

[[noreturn]] void refuse(int status, const std::string& why) {
  throw transport::SessionRefused(status, why);
}

// The one value of a header, or nullopt; a repeated header is refused rather than guessed at.
std::optional<std::string> single(const transport::RequestHeaders& headers, std::string_view name) {
  const auto values = headers(name);
  if (values.empty()) return std::nullopt;
  if (values.size() > 1) refuse(400, "Bad Request: " + std::string(name) + " is sent twice");
  std::string value(values.front());
  if (value.empty()) refuse(400, "Bad Request: " + std::string(name) + " is empty");
  return value;
}

}  // namespace

std::string url_pattern_error(std::string_view pattern) {
  std::string why;
  return parse_pattern(pattern, why) ? std::string() : why;
}

std::shared_ptr<const ac::Account> account_from_headers(const PerClientPolicy& policy,
                                                        const transport::RequestHeaders& headers) {
  const auto api_url = single(headers, kApiUrlHeader);
  const auto api_token = single(headers, kApiTokenHeader);
  const auto maton_key = single(headers, kMatonKeyHeader);
  const auto maton_connection = single(headers, kMatonConnectionHeader);
  const bool direct = api_url || api_token;
  const bool maton = maton_key || maton_connection;
  if (direct && maton) {
    refuse(400,
           "Bad Request: send either X-ActiveCampaign-Api-Url and X-ActiveCampaign-Api-Token "
           "or X-Maton-Api-Key, not both");
  }
  auto account = std::make_shared<ac::Account>();
  if (direct) {
    if (!api_url || !api_token) {
      refuse(400,
             "Bad Request: X-ActiveCampaign-Api-Url and X-ActiveCampaign-Api-Token go "
             "together");
    }
    ac::ApiUrl url;
    try {
      url = ac::parse_api_url(*api_url);
    } catch (const std::invalid_argument& error) {
      refuse(400, std::string("Bad Request: X-ActiveCampaign-Api-Url: ") + error.what());
    }
    std::string why;
    const bool allowed = std::any_of(policy.allowed_api_urls.begin(), policy.allowed_api_urls.end(),
                                     [&](const std::string& text) {
                                       const auto pattern = parse_pattern(text, why);
                                       return pattern && matches(*pattern, url);
                                     });
    if (!allowed) {
      refuse(403, "Forbidden: X-ActiveCampaign-Api-Url " + url.host_port() +
                      " is not an API URL this server may reach (allowed: " +
                      util::join(policy.allowed_api_urls, ", ") + ")");
    }
    account->service = ac::Service::kActiveCampaign;
    account->api_url = *api_url;
    account->token = *api_token;
    account->token_source = "the X-ActiveCampaign-Api-Token header";
  } else if (maton) {
    if (!maton_key) refuse(400, "Bad Request: X-Maton-Connection needs X-Maton-Api-Key");
    account->service = ac::Service::kMatonGateway;
    account->api_url = policy.maton_gateway_url;
    account->token = *maton_key;
    account->connection = maton_connection.value_or("");
    account->token_source = "the X-Maton-Api-Key header";
    account->connection_source = "the X-Maton-Connection header";
  } else {
    if (policy.server_has_account) return nullptr;
    refuse(401,
           "Unauthorized: this server has no ActiveCampaign account of its own; send "
           "X-ActiveCampaign-Api-Url and X-ActiveCampaign-Api-Token, or X-Maton-Api-Key");
  }
  account->key =
      ac::account_key(account->service, account->api_url, account->token, account->connection);
  return account;
}

}  // namespace acmcp::app
