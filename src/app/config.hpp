// Configuration from the command line, the environment and a JSON file, in that order of
// precedence over the defaults. Errors are values: a message for stderr and exit code 2.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace acmcp::app {

struct Config {
  std::string api_url;
  std::string api_token;  // never printed
  int timeout_ms = 30000;
  int max_retries = 3;
  double max_rps = 5;  // 0 disables client-side rate limiting
  std::string ca_file;
  int upstream_max_body_bytes = 16 * 1024 * 1024;  // larger upstream answers are refused
  std::string log_level = "info";                  // trace debug info warn error critical off
  std::string transport = "stdio";                 // stdio | http
  bool sandbox = false;
  std::string config_file;  // the --config path, if any

  // HTTP transport (--transport http).
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  bool stateless = false;
  std::vector<std::string> allowed_origins;  // besides the localhost origins, always allowed
  std::string auth_token_file;               // where auth_token was read from, if a file
  std::string auth_token;                    // bearer token for /mcp and /metrics; never printed
  bool allow_unauthenticated = false;        // permits a non-loopback bind without auth_token
  int session_idle_timeout_s = 1800;
  int max_body_bytes = 1024 * 1024;
  int max_connections = 256;
  int max_connections_per_client = 32;  // 0: only max_connections limits one address
  int max_sessions = 1000;
  // Per client: upstream requests that may wait for the rate limit; more fail at once.
  int max_queued_calls = 50;

  // What the tools layer exposes, and how large its results may be.
  std::string tool_prefix;            // put before every tool name, for clients that do not
                                      // namespace tools by server
  std::vector<std::string> toolsets;  // empty: all
  std::vector<std::string> tools;     // empty: all (of the toolsets)
  std::vector<std::string> exclude_tools;
  bool read_only = false;
  bool full_results = false;     // result_format full: records as ActiveCampaign sent them
  int max_result_chars = 50000;  // 0: no limit
};

// The toolsets --toolsets accepts, in the order help and errors list them.
const std::vector<std::string>& toolset_names();

// True for 127.0.0.0/8, ::1 (with or without brackets) and "localhost".
bool is_loopback_host(const std::string& host);

enum class Action { Serve, Help, Version, ListTools };

struct ConfigResult {
  Action action = Action::Serve;
  Config config;
  std::string error;  // non-empty: print it to stderr and exit with code 2
  bool ok() const { return error.empty(); }
};

// Looks an environment variable up; returns nullopt when it is not set.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

// `arguments` excludes the program name. For Action::Serve the result is also checked for
// completeness (credentials unless --sandbox).
ConfigResult load_config(const std::vector<std::string>& arguments,
                         const EnvironmentLookup& environment);

std::string help_text(const std::string& program);

}  // namespace acmcp::app
