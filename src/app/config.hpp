// Configuration from the command line, the environment and a JSON file, in that order of
// precedence over the defaults. Errors are values: a message for stderr and exit code 2.
// Every setting is described once, in a table in config.cpp, which parses flags, environment and
// file keys and writes --help and the README's table of settings.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "activecampaign/client.hpp"
#include "tools/tool_registry.hpp"
#include "transport/http_transport.hpp"

namespace acmcp::app {

// What the command line, the environment and the file set, mostly straight into the options of
// the layers they configure, so that each default is written once, in the layer's own struct.
struct Config {
  // api_url, token (never printed), timeouts, retries, rate limit, CA file, body limit. Unlike
  // the client's own default (no limit), a client (session) of the server may have at most 50
  // calls waiting for the rate limit, so that one client's flood cannot hold the memory.
  ac::ClientConfig upstream = [] {
    ac::ClientConfig defaults;
    defaults.max_queued_per_caller = 50;
    return defaults;
  }();
  // The HTTP transport (--transport http). Its auth_token, never printed, is the bearer token
  // for /mcp and /metrics.
  transport::HttpOptions http;
  // What the tools layer exposes, and how large its results may be.
  tools::ToolSettings tools;

  // Which upstream: "activecampaign" or "maton"; empty picks the one whose credentials are set.
  // load_config turns the choice into `upstream`.
  std::string upstream_kind;
  struct Maton {
    std::string api_key;       // never printed, and never read from the config file
    std::string api_key_file;  // where api_key was read from, if a file
    std::string connection;
    std::string gateway_url = "https://gateway.maton.ai";
    std::string ctrl_url = "https://ctrl.maton.ai";
  } maton;

  // HTTP clients may name their own account in headers (app/per_client.hpp), with API URLs
  // matching these patterns.
  bool per_client_credentials = false;
  std::vector<std::string> per_client_api_urls = {"https://*.api-us1.com",
                                                  "https://*.activehosted.com"};

  // Replicas share each account's budget through this Redis (redis://HOST:PORT[/DB]); while it
  // is unreachable each paces at the account's rate divided by rate_limit_replicas.
  std::string rate_limit_redis;
  int rate_limit_replicas = 1;

  std::string log_level = "info";   // trace debug info warn error critical off
  std::string transport = "stdio";  // stdio | http
  bool sandbox = false;
  std::string config_file;             // the --config path, if any
  std::string auth_token_file;         // where http.auth_token was read from, if a file
  bool allow_unauthenticated = false;  // permits a non-loopback bind without http.auth_token
};

// Whether the server reaches an account of its own (the sandbox, or configured credentials),
// rather than only those its HTTP clients name.
bool has_own_account(const Config& config);

// True for 127.0.0.0/8, ::1 (with or without brackets) and "localhost".
bool is_loopback_host(const std::string& host);

enum class Action { Serve, Help, Version, ListTools, Check };

struct ConfigResult {
  Action action = Action::Serve;
  Config config;
  std::string error;  // non-empty: print it to stderr and exit with code 2
  bool ok() const { return error.empty(); }
};

// Looks an environment variable up; returns nullopt when it is not set.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

// `arguments` excludes the program name. For Action::Serve and Action::Check the result is also
// checked for completeness (credentials unless --sandbox), and `upstream` says whom to reach.
ConfigResult load_config(const std::vector<std::string>& arguments,
                         const EnvironmentLookup& environment);

std::string help_text(const std::string& program);

// The README's table of settings (Markdown), from the same table as help_text.
std::string settings_markdown();

}  // namespace acmcp::app
