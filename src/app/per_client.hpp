// Credentials an HTTP client supplies for itself (--per-client-credentials): which headers carry
// them, which API URLs they may name, and the account they make.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "activecampaign/account.hpp"
#include "transport/http_transport.hpp"

namespace acmcp::app {

struct PerClientPolicy {
  // Where a client's X-ActiveCampaign-Api-Url may point: "https://*.api-us1.com" (any host
  // under that domain), "http://127.0.0.1:8080" (exactly that); the port defaults by scheme.
  std::vector<std::string> allowed_api_urls;
  std::string maton_gateway_url;  // where a client's Maton key is sent: the server's gateway
  bool server_has_account = false;
};

// Why `pattern` is not an allowlist entry; "" when it is one.
std::string url_pattern_error(std::string_view pattern);

// The account the request's headers name, or null when they name none and the server has an
// account of its own. Throws transport::SessionRefused: 400 for incomplete, repeated or mixed
// credentials, 403 for an API URL outside the allowlist, 401 for none when the server has none.
// Nothing is sent upstream for a refused client, and no message quotes a token or key.
std::shared_ptr<const ac::Account> account_from_headers(const PerClientPolicy& policy,
                                                        const transport::RequestHeaders& headers);

}  // namespace acmcp::app
