// An ActiveCampaign account as a request names it: whom to reach and with what credentials.
// Header-only and free of dependencies, so that the layers which only carry an account from an
// HTTP client to the upstream (transport, mcp, tools) need not link the client.
#pragma once
#include <string>

namespace acmcp::ac {

// Whom the client talks to, which decides the URL's form and how credentials are sent.
enum class Service {
  kActiveCampaign,  // an account's API: Api-Token header
  kMatonGateway,    // Maton's ActiveCampaign proxy: Bearer key, Maton-Connection, /active-campaign
  kMatonControl,    // Maton's connection management (ctrl.maton.ai): Bearer key
};

// Credentials an HTTP client of this server supplied for itself (--per-client-credentials).
struct Account {
  Service service = Service::kActiveCampaign;
  std::string api_url;     // ActiveCampaign: the account's URL; Maton: the server's gateway
  std::string token;       // the Api-Token or Maton key; never logged
  std::string connection;  // Maton-Connection, if any
  // Where the credentials came from, for the advice when they are refused.
  std::string token_source;
  std::string connection_source;
  // Names the account for its rate limit, in logs and metrics: the API host, or for Maton a hash
  // of key and connection. Never a secret.
  std::string key;
};

}  // namespace acmcp::ac
