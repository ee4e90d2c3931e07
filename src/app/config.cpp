// Configuration loading: each source becomes a layer of key -> JSON value; layers are applied
// defaults < file < environment < flags, then the result is checked as a whole.
#include "app/config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "transport/http_security.hpp"

namespace acmcp::app {

using nlohmann::json;

namespace {

// key -> (value, where it came from, for messages)
struct Setting {
  json value;
  std::string source;
};
using Layer = std::map<std::string, Setting>;

constexpr std::array<const char*, 29> kFileKeys = {"api_url",
                                                   "api_token",
                                                   "timeout_ms",
                                                   "max_retries",
                                                   "max_rps",
                                                   "ca_file",
                                                   "upstream_max_body_bytes",
                                                   "log_level",
                                                   "transport",
                                                   "sandbox",
                                                   "host",
                                                   "port",
                                                   "stateless",
                                                   "allowed_origins",
                                                   "auth_token_file",
                                                   "allow_unauthenticated",
                                                   "session_idle_timeout",
                                                   "max_body_bytes",
                                                   "max_connections",
                                                   "max_connections_per_client",
                                                   "max_sessions",
                                                   "max_queued_calls",
                                                   "tool_prefix",
                                                   "toolsets",
                                                   "tools",
                                                   "exclude_tools",
                                                   "read_only",
                                                   "result_format",
                                                   "max_result_chars"};

struct EnvironmentVariable {
  const char* name;
  const char* key;
};
constexpr std::array<EnvironmentVariable, 16> kEnvironment = {{
    {"ACTIVECAMPAIGN_API_URL", "api_url"},
    {"ACTIVECAMPAIGN_API_TOKEN", "api_token"},
    {"ACTIVECAMPAIGN_TIMEOUT_MS", "timeout_ms"},
    {"ACTIVECAMPAIGN_MAX_RETRIES", "max_retries"},
    {"ACTIVECAMPAIGN_MAX_RPS", "max_rps"},
    {"ACTIVECAMPAIGN_CA_FILE", "ca_file"},
    {"ACTIVECAMPAIGN_MAX_BODY_BYTES", "upstream_max_body_bytes"},
    {"ACTIVECAMPAIGN_TOOL_PREFIX", "tool_prefix"},
    {"ACTIVECAMPAIGN_TOOLSETS", "toolsets"},
    {"ACTIVECAMPAIGN_TOOLS", "tools"},
    {"ACTIVECAMPAIGN_EXCLUDE_TOOLS", "exclude_tools"},
    {"ACTIVECAMPAIGN_READ_ONLY", "read_only"},
    {"ACTIVECAMPAIGN_RESULT_FORMAT", "result_format"},
    {"ACTIVECAMPAIGN_MAX_RESULT_CHARS", "max_result_chars"},
    {"LOG_LEVEL", "log_level"},
    // The bearer token itself; a file may only name where the token is (auth_token_file).
    {"MCP_AUTH_TOKEN", "auth_token"},
}};

// Command-line switches and flags with a value, by the setting they set.
const std::map<std::string, std::string> kSwitches = {
    {"--sandbox", "sandbox"},
    {"--stateless", "stateless"},
    {"--allow-unauthenticated", "allow_unauthenticated"},
    {"--read-only", "read_only"},
};
const std::map<std::string, std::string> kValueFlags = {
    {"--transport", "transport"},
    {"--log-level", "log_level"},
    {"--host", "host"},
    {"--port", "port"},
    {"--allow-origin", "allowed_origins"},
    {"--auth-token-file", "auth_token_file"},
    {"--session-idle-timeout", "session_idle_timeout"},
    {"--max-body-bytes", "max_body_bytes"},
    {"--upstream-max-body-bytes", "upstream_max_body_bytes"},
    {"--max-connections", "max_connections"},
    {"--max-connections-per-client", "max_connections_per_client"},
    {"--max-sessions", "max_sessions"},
    {"--max-queued-calls", "max_queued_calls"},
    {"--tool-prefix", "tool_prefix"},
    {"--toolsets", "toolsets"},
    {"--tools", "tools"},
    {"--exclude-tools", "exclude_tools"},
    {"--result-format", "result_format"},
    {"--max-result-chars", "max_result_chars"},
};

constexpr std::array<const char*, 8> kLogLevels = {"trace",   "debug", "info",     "warn",
                                                   "warning", "error", "critical", "off"};

// Shows a value in an error message; the token's value is never shown.
std::string shown(const std::string& key, const json& value) {
  if (key == "api_token" || key == "auth_token") return "(hidden)";
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string invalid(const std::string& key, const Setting& setting, const std::string& why) {
  return "invalid " + setting.source + ": " + shown(key, setting.value) + " " + why;
}

std::optional<double> as_number(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return number;
}

// A list setting: a JSON array of strings, or one string of comma-separated names (as flags and
// environment variables give it). Blanks around names are ignored; empty names are dropped.
std::optional<std::vector<std::string>> name_list(const json& value) {
  std::vector<std::string> names;
  auto add = [&](std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (!text.empty()) names.emplace_back(text);
  };
  if (value.is_string()) {
    std::string_view text = value.get_ref<const std::string&>();
    for (std::size_t comma; (comma = text.find(',')) != std::string_view::npos;) {
      add(text.substr(0, comma));
      text.remove_prefix(comma + 1);
    }
    add(text);
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) return std::nullopt;
      add(item.get_ref<const std::string&>());
    }
  } else {
    return std::nullopt;
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

bool valid_host(const std::string& host) {
  if (host == "localhost") return true;
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  unsigned char address[16];
  return ::inet_pton(AF_INET, bare.c_str(), address) == 1 ||
         ::inet_pton(AF_INET6, bare.c_str(), address) == 1;
}

std::string apply(Config& config, const std::string& key, const Setting& setting) {
  const json& value = setting.value;
  auto text = [&](std::string& target) -> std::string {
    if (!value.is_string()) return invalid(key, setting, "is not a string");
    target = value.get<std::string>();
    return {};
  };
  auto integer = [&](int& target, int minimum, int maximum, const char* what) -> std::string {
    const auto number = as_number(value);
    if (!number || std::floor(*number) != *number || *number < minimum || *number > maximum) {
      return invalid(key, setting, std::string("is not ") + what);
    }
    target = static_cast<int>(*number);
    return {};
  };
  if (key == "api_url") return text(config.api_url);
  if (key == "api_token") return text(config.api_token);
  if (key == "ca_file") return text(config.ca_file);
  if (key == "timeout_ms") {
    return integer(config.timeout_ms, 1, 3600000,
                   "a whole number of milliseconds from 1 to 3600000");
  }
  if (key == "max_retries")
    return integer(config.max_retries, 0, 100, "a whole number from 0 to 100");
  if (key == "max_rps") {
    const auto number = as_number(value);
    if (!number || !std::isfinite(*number) || *number < 0) {
      return invalid(key, setting, "is not a number >= 0 (0 disables rate limiting)");
    }
    config.max_rps = *number;
    return {};
  }
  if (key == "log_level") {
    if (!value.is_string() || std::find(kLogLevels.begin(), kLogLevels.end(),
                                        value.get<std::string>()) == kLogLevels.end()) {
      return invalid(key, setting,
                     "is not a log level (trace, debug, info, warn, error, critical, off)");
    }
    config.log_level = value.get<std::string>();
    if (config.log_level == "warning") config.log_level = "warn";
    return {};
  }
  if (key == "transport") {
    if (value != "stdio" && value != "http")
      return invalid(key, setting, "is not a transport (stdio or http)");
    config.transport = value.get<std::string>();
    return {};
  }
  auto boolean = [&](bool& target) -> std::string {
    if (value.is_boolean()) {
      target = value.get<bool>();
    } else if (value == "true" || value == "false") {
      target = value == "true";
    } else {
      return invalid(key, setting, "is not true or false");
    }
    return {};
  };
  if (key == "sandbox") return boolean(config.sandbox);
  if (key == "stateless") return boolean(config.stateless);
  if (key == "allow_unauthenticated") return boolean(config.allow_unauthenticated);
  if (key == "host") {
    if (!value.is_string() || !valid_host(value.get<std::string>())) {
      return invalid(key, setting,
                     "is not an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::1) or "
                     "localhost");
    }
    config.host = value.get<std::string>();
    if (config.host.size() > 2 && config.host.front() == '[') {
      config.host = config.host.substr(1, config.host.size() - 2);
    }
    return {};
  }
  if (key == "port") return integer(config.port, 0, 65535, "a port from 0 to 65535");
  if (key == "session_idle_timeout") {
    return integer(config.session_idle_timeout_s, 1, 7 * 24 * 3600,
                   "a whole number of seconds from 1 to 604800");
  }
  if (key == "max_body_bytes") {
    return integer(config.max_body_bytes, 1024, 1 << 30,
                   "a whole number of bytes from 1024 to 1073741824");
  }
  if (key == "upstream_max_body_bytes") {
    return integer(config.upstream_max_body_bytes, 1024, 1 << 30,
                   "a whole number of bytes from 1024 to 1073741824");
  }
  if (key == "max_connections") {
    return integer(config.max_connections, 1, 100000, "a whole number from 1 to 100000");
  }
  if (key == "max_connections_per_client") {
    return integer(config.max_connections_per_client, 0, 100000,
                   "a whole number from 0 (no limit) to 100000");
  }
  if (key == "max_sessions") {
    return integer(config.max_sessions, 1, 1000000, "a whole number from 1 to 1000000");
  }
  if (key == "max_queued_calls") {
    return integer(config.max_queued_calls, 1, 100000, "a whole number from 1 to 100000");
  }
  if (key == "tool_prefix") {
    // Tool names stay within [A-Za-z0-9_.-] and short enough for clients that add their own.
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 24 ||
        value.get_ref<const std::string&>().find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
            std::string::npos) {
      return invalid(key, setting, "is not up to 24 of the characters A-Z a-z 0-9 _ . -");
    }
    config.tool_prefix = value.get<std::string>();
    return {};
  }
  if (key == "toolsets" || key == "tools" || key == "exclude_tools") {
    auto names = name_list(value);
    if (!names) return invalid(key, setting, "is not a list of names");
    if (key == "toolsets") {
      for (const auto& name : *names) {
        if (std::find(toolset_names().begin(), toolset_names().end(), name) ==
            toolset_names().end()) {
          return invalid(key, setting,
                         "names an unknown toolset \"" + name +
                             "\" (toolsets: " + joined(toolset_names()) + ")");
        }
      }
      config.toolsets = std::move(*names);
    } else {
      (key == "tools" ? config.tools : config.exclude_tools) = std::move(*names);
    }
    return {};
  }
  if (key == "read_only") return boolean(config.read_only);
  if (key == "result_format") {
    if (value != "compact" && value != "full") {
      return invalid(key, setting, "is not a result format (compact or full)");
    }
    config.full_results = value == "full";
    return {};
  }
  if (key == "max_result_chars") {
    return integer(config.max_result_chars, 0, 1 << 30,
                   "a whole number of characters (0 = no limit)");
  }
  if (key == "allowed_origins") {
    if (!value.is_array()) return invalid(key, setting, "is not an array of origins");
    std::vector<std::string> origins;
    for (const auto& origin : value) {
      if (!origin.is_string() || !transport::normalize_origin(origin.get<std::string>())) {
        return invalid(key, setting,
                       "holds something that is not an origin such as https://app.example.com");
      }
      origins.push_back(origin.get<std::string>());
    }
    config.allowed_origins = std::move(origins);
    return {};
  }
  // The later source wins between a token file and MCP_AUTH_TOKEN.
  if (key == "auth_token_file") {
    if (auto error = text(config.auth_token_file); !error.empty()) return error;
    if (!config.auth_token_file.empty()) config.auth_token.clear();  // "" names no file
    return {};
  }
  if (key == "auth_token") {
    config.auth_token_file.clear();
    return text(config.auth_token);
  }
  return "unknown setting " + key;
}

// The token file's content without its trailing line break(s); nullopt when unreadable.
std::optional<std::string> read_token_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::stringstream content;
  content << file.rdbuf();
  if (file.bad()) return std::nullopt;
  std::string token = content.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

std::string read_file_layer(const std::string& path, Layer& layer) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return "cannot read the config file " + path;
  std::stringstream content;
  content << file.rdbuf();
  if (file.bad()) return "cannot read the config file " + path;
  const json document = json::parse(content.str(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return "the config file " + path + " is not valid JSON";
  if (!document.is_object()) return "the config file " + path + " must hold a JSON object";
  for (const auto& [key, value] : document.items()) {
    if (key == "auth_token") {
      return "the config file " + path +
             " may not hold the bearer token: put it in a file named by auth_token_file, or in "
             "MCP_AUTH_TOKEN";
    }
    if (std::find(kFileKeys.begin(), kFileKeys.end(), key) == kFileKeys.end()) {
      std::string known;
      for (const char* name : kFileKeys) known += (known.empty() ? "" : ", ") + std::string(name);
      return "unknown key \"" + key + "\" in the config file " + path + " (known: " + known + ")";
    }
    layer[key] = Setting{value, key + " in " + path};
  }
  return {};
}

// Reads the token file and refuses an unprotected server on a non-loopback address.
std::string check_http(Config& config) {
  if (!config.auth_token_file.empty()) {
    auto token = read_token_file(config.auth_token_file);
    if (!token) return "cannot read the auth token file " + config.auth_token_file;
    if (token->empty()) return "the auth token file " + config.auth_token_file + " is empty";
    config.auth_token = std::move(*token);
  }
  if (config.auth_token.empty() && !config.allow_unauthenticated &&
      !is_loopback_host(config.host)) {
    return "refusing to listen on " + config.host +
           " without authentication: anyone who can reach that address could use the "
           "ActiveCampaign account. Set MCP_AUTH_TOKEN or --auth-token-file PATH to require a "
           "bearer token, listen on 127.0.0.1, or pass --allow-unauthenticated if something "
           "else (a proxy, a firewall) protects the server";
  }
  return {};
}

}  // namespace

const std::vector<std::string>& toolset_names() {
  static const std::vector<std::string> names = {"contacts", "lists", "tags",
                                                 "accounts", "deals", "ecommerce"};
  return names;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  unsigned char v4[4];
  if (::inet_pton(AF_INET, bare.c_str(), v4) == 1) return v4[0] == 127;
  unsigned char v6[16];
  if (::inet_pton(AF_INET6, bare.c_str(), v6) != 1) return false;
  static constexpr unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::equal(std::begin(v6), std::end(v6), std::begin(kLoopback6));
}

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

ConfigResult load_config(const std::vector<std::string>& arguments,
                         const EnvironmentLookup& environment) {
  ConfigResult result;
  Layer flags;
  std::optional<std::string> config_path;

  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string flag = arguments[i];
    std::optional<std::string> inline_value;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    auto take_value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 < arguments.size()) return arguments[++i];
      return std::nullopt;
    };
    auto no_value = [&] { return !inline_value; };

    if (flag == "--help" || flag == "-h") {
      if (!no_value()) return {Action::Help, {}, flag + " takes no value"};
      result.action = Action::Help;
      return result;  // --help wins over everything else, including errors later on the line
    }
    if (flag == "--version" && no_value()) {
      result.action = Action::Version;
    } else if (flag == "--list-tools" && no_value()) {
      result.action = Action::ListTools;
    } else if (const auto it = kSwitches.find(flag); it != kSwitches.end() && no_value()) {
      flags[it->second] = Setting{true, flag};
    } else if (const auto it = kValueFlags.find(flag);
               it != kValueFlags.end() || flag == "--config") {
      const auto value = take_value();
      if (!value) return {Action::Serve, {}, flag + " needs a value"};
      if (flag == "--config") {
        config_path = *value;
      } else if (flag == "--allow-origin") {
        auto& origins = flags["allowed_origins"];
        if (origins.value.is_null()) origins = Setting{json::array(), flag};
        origins.value.push_back(*value);
      } else {
        flags[it->second] = Setting{*value, flag};
      }
    } else if (flag == "--version" || flag == "--list-tools" || kSwitches.contains(flag)) {
      return {Action::Serve, {}, flag + " takes no value"};
    } else {
      return {Action::Serve, {}, "unknown argument " + arguments[i] + " (see --help)"};
    }
  }
  if (result.action == Action::Version) return result;

  Layer file;
  if (config_path) {
    result.config.config_file = *config_path;
    if (auto error = read_file_layer(*config_path, file); !error.empty()) {
      result.error = std::move(error);
      return result;
    }
  }
  Layer env;
  for (const auto& variable : kEnvironment) {
    const auto value = environment(variable.name);
    if (value && !value->empty()) env[variable.key] = Setting{*value, variable.name};
  }

  for (const Layer* layer : {&file, &env, &flags}) {
    for (const auto& [key, setting] : *layer) {
      if (auto error = apply(result.config, key, setting); !error.empty()) {
        result.error = std::move(error);
        return result;
      }
    }
  }

  // --list-tools only needs the settings that choose the tools.
  if (result.action == Action::ListTools) return result;
  if (result.config.transport == "http") {
    if (auto error = check_http(result.config); !error.empty()) {
      result.error = std::move(error);
      return result;
    }
  }
  if (!result.config.sandbox &&
      (result.config.api_url.empty() || result.config.api_token.empty())) {
    result.error =
        "no ActiveCampaign account configured: set ACTIVECAMPAIGN_API_URL and "
        "ACTIVECAMPAIGN_API_TOKEN (or api_url and api_token in a --config file), or run with "
        "--sandbox to try the server against built-in demo data";
  }
  return result;
}

std::string help_text(const std::string& program) {
  return "Usage: " + program + R"( [options]

An MCP (Model Context Protocol) server for the ActiveCampaign v3 API. With no options it speaks
MCP over stdio (one JSON-RPC message per line on stdin and stdout; logs go to stderr).

Options:
  --transport stdio|http  transport to serve (default stdio)
  --sandbox               run against a built-in ActiveCampaign emulator with demo data
                          (no account or token needed)
  --config PATH           read settings from a JSON file (see config/activecampaign-mcp.example.json)
  --log-level LEVEL       trace, debug, info, warn, error, critical or off (default info)
  --list-tools            print the name and title of each tool the settings leave, then exit
  --version               print the version, then exit
  --help                  print this help, then exit

HTTP transport (--transport http; MCP Streamable HTTP at http://HOST:PORT/mcp):
  --host H                address to listen on (default 127.0.0.1; localhost, ::1 and any
                          127.x.x.x count as loopback)
  --port P                port to listen on (default 8080; 0 picks a free port, shown in the
                          "listening on http://H:P/mcp" log line)
  --stateless             no sessions: every POST is self-contained (for load balancers); GET
                          and DELETE answer 405
  --allow-origin ORIGIN   also accept browser requests from ORIGIN, e.g.
                          https://app.example.com (repeatable; localhost origins always pass)
  --auth-token-file PATH  require "Authorization: Bearer <token>" on /mcp and /metrics, the
                          token being the content of PATH (a trailing newline is ignored)
  --allow-unauthenticated allow listening on a non-loopback address without a token
                          (otherwise refused: exit code 2)
  --session-idle-timeout SECONDS
                          end sessions unused for this long (default 1800)
  --max-body-bytes N      largest request body accepted, else 413 (default 1048576)
  --max-connections N     concurrent connections; at the limit the oldest idle one is closed,
                          and when none is idle more get 503 (default 256)
  --max-connections-per-client N
                          concurrent connections from one client address; more get 503
                          (default 32; 0 = no limit of its own)
  --max-sessions N        live sessions; at the limit initialize ends the least recently used
                          idle session, and gets 503 when none is idle (default 1000)

Upstream:
  --upstream-max-body-bytes N
                          largest ActiveCampaign response body accepted; a larger one fails
                          the call with StatusCode 500 (default 16777216)
  --max-queued-calls N    upstream requests of one client (session) that may wait for the rate
                          limit; beyond that a call fails at once with StatusCode 500 saying
                          when to retry (default 50). Clients are served in turn.
  Endpoints: /mcp, GET /healthz (no token needed), GET /metrics (Prometheus text format).

Tools (names are comma-separated; see --list-tools):
  --toolsets LIST         serve only these toolsets: contacts, lists, tags, accounts, deals,
                          ecommerce (default: all)
  --tools LIST            also serve these tools, e.g. get_contact,create_deal
  --exclude-tools LIST    never serve these tools (wins over --toolsets and --tools)
  --read-only             serve only the tools that change nothing (wins too)
  --tool-prefix P         put P before every tool name, for clients that do not namespace
                          tools by server (e.g. ac_ gives ac_get_contact)
  --result-format compact|full
                          compact (default) leaves null fields and links out of records;
                          full returns them as ActiveCampaign sent them
  --max-result-chars N    cut a get-many page longer than N characters at a whole record and
                          say which Offset continues (default 50000; 0 = no limit)

Environment (overrides the config file; flags override both):
  ACTIVECAMPAIGN_API_URL       account API URL, e.g. https://youraccount.api-us1.com
  ACTIVECAMPAIGN_API_TOKEN     API token (Settings > Developer in ActiveCampaign)
  ACTIVECAMPAIGN_TIMEOUT_MS    timeout per upstream attempt in ms (default 30000)
  ACTIVECAMPAIGN_MAX_RETRIES   retries for 429, 5xx and network failures (default 3)
  ACTIVECAMPAIGN_MAX_RPS       client-side request rate limit per second (default 5; 0 disables)
  ACTIVECAMPAIGN_CA_FILE       extra CA bundle (PEM) for TLS
  ACTIVECAMPAIGN_MAX_BODY_BYTES  as --upstream-max-body-bytes
  LOG_LEVEL                    as --log-level
  MCP_AUTH_TOKEN               bearer token for the HTTP transport (instead of --auth-token-file)
  ACTIVECAMPAIGN_TOOLSETS, ACTIVECAMPAIGN_TOOLS, ACTIVECAMPAIGN_EXCLUDE_TOOLS,
  ACTIVECAMPAIGN_READ_ONLY (true/false), ACTIVECAMPAIGN_TOOL_PREFIX,
  ACTIVECAMPAIGN_RESULT_FORMAT, ACTIVECAMPAIGN_MAX_RESULT_CHARS
                               as the flags of the same names

Config file keys: api_url, api_token, timeout_ms, max_retries, max_rps, ca_file,
upstream_max_body_bytes, log_level,
transport, sandbox, host, port, stateless, allowed_origins (array), auth_token_file,
allow_unauthenticated, session_idle_timeout, max_body_bytes, max_connections,
max_connections_per_client, max_sessions, max_queued_calls, toolsets, tools, exclude_tools
(arrays or comma-separated strings), read_only, tool_prefix, result_format, max_result_chars.
The bearer token itself is never taken from a config file.

Exit codes: 0 success, 2 invalid configuration or arguments, 1 other failure.
)";
}

}  // namespace acmcp::app
