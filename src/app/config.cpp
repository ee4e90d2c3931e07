// Configuration loading: each source becomes a layer of setting -> JSON value; layers are applied
// defaults < file < environment < flags, then the result is checked as a whole. settings() is
// the one place a setting is named: its flag, variable, file key, meaning and how it is read.
#include "app/config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <type_traits>

#include "activecampaign/shared_rate_limit.hpp"
#include "app/per_client.hpp"
#include "transport/http_security.hpp"
#include "util/join.hpp"

namespace acmcp::app {

using nlohmann::json;

namespace {

// A value as one source gave it, with that source's name for messages ("--port", "LOG_LEVEL",
// "port in /etc/acmcp.json").
struct Given {
  json value;
  std::string source;
};

// How a setting's value is read into a Config, and how a Config's value is shown.
struct Rule {
  // Stores the value; returns why it is not valid ("is not a string"), or "" once stored.
  std::function<std::string(Config&, const json&)> read;
  // As help and the README show it (Markdown); "" when there is nothing to show. Applied to a
  // default Config it gives the default, so each default is written only where Config gets it.
  std::function<std::string(const Config&)> show;
};

enum Trait : unsigned {
  kPlain = 0,
  kSecret = 1,      // the value never appears in a message
  kRepeatable = 2,  // each use of the flag adds one item to a list
};

struct Spec {
  std::string_view section;      // the heading --help lists it under
  std::string_view flag;         // "--port"; empty: none
  std::string_view argument;     // what follows the flag ("P"); empty: a switch
  std::string_view environment;  // empty: none
  std::string_view key;          // in the config file; empty: not allowed there
  std::string_view meaning;      // Markdown; --help shows it as plain text
  Rule rule;                     // empty for --config and for the flags that only act
  Action action;                 // what a flag that only acts does; Serve for the others
  unsigned traits;
};

constexpr std::string_view kConfigFlag = "--config";

// Said once above the settings, in --help and in the README.
constexpr std::string_view kHowSettingsCombine =
    "A setting is a flag, an environment variable or a key of the JSON file given with "
    "`--config`, as listed. Flags win over environment variables, which win over the config "
    "file, which wins over the defaults. Lists are comma-separated (arrays in the file); switches "
    "are `true` or `false` in the environment and the file.";

constexpr std::array<const char*, 8> kLogLevels = {"trace",   "debug", "info",     "warn",
                                                   "warning", "error", "critical", "off"};

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

std::string code(const std::string& text) { return text.empty() ? "" : "`" + text + "`"; }

// ---- where a setting lives, and the kinds of value

// The field `member` (of `part`) of a Config, const or not.
template <typename Member>
auto at(Member member) {
  return [member](auto& config) -> auto& { return config.*member; };
}
template <typename Part, typename Member>
auto at(Part part, Member member) {
  return [ part, member ](auto& config) -> auto& { return (config.*part).*member; };
}

// A whole number from minimum to maximum (a JSON number or a string of one).
std::optional<long long> whole(const json& value, long long minimum, long long maximum) {
  const auto number = as_number(value);
  if (!number || std::floor(*number) != *number || *number < static_cast<double>(minimum) ||
      *number > static_cast<double>(maximum)) {
    return std::nullopt;
  }
  return static_cast<long long>(*number);
}

template <typename Field>
Rule text(Field field) {
  return {[field](Config& config, const json& value) -> std::string {
            if (!value.is_string()) return "is not a string";
            field(config) = value.get<std::string>();
            return {};
          },
          [field](const Config& config) { return code(field(config)); }};
}

template <typename Field>
Rule integer(Field field, long long minimum, long long maximum, std::string what) {
  return {[=](Config& config, const json& value) -> std::string {
            const auto number = whole(value, minimum, maximum);
            if (!number) return "is not " + what;
            field(config) = static_cast<std::remove_cvref_t<decltype(field(config))>>(*number);
            return {};
          },
          [field](const Config& config) { return std::to_string(field(config)); }};
}

// A whole number of `Unit`s into a std::chrono::duration.
template <typename Unit, typename Field>
Rule duration(Field field, long long minimum, long long maximum, std::string what) {
  return {
      [=](Config& config, const json& value) -> std::string {
        const auto number = whole(value, minimum, maximum);
        if (!number) return "is not " + what;
        field(config) =
            std::chrono::duration_cast<std::remove_cvref_t<decltype(field(config))>>(Unit(*number));
        return {};
      },
      [field](const Config& config) {
        return std::to_string(std::chrono::duration_cast<Unit>(field(config)).count());
      }};
}

template <typename Field>
Rule boolean(Field field) {
  return {[field](Config& config, const json& value) -> std::string {
            if (value.is_boolean()) {
              field(config) = value.get<bool>();
            } else if (value == "true" || value == "false") {
              field(config) = value == "true";
            } else {
              return "is not true or false";
            }
            return {};
          },
          [field](const Config& config) { return std::string(field(config) ? "on" : "off"); }};
}

template <typename Field>
Rule names(Field field) {
  return {[field](Config& config, const json& value) -> std::string {
            auto list = name_list(value);
            if (!list) return "is not a list of names";
            field(config) = std::move(*list);
            return {};
          },
          [field](const Config& config) { return code(util::join(field(config), ",")); }};
}

Rule requests_per_second() {
  return {[](Config& config, const json& value) -> std::string {
            const auto number = as_number(value);
            if (!number || !std::isfinite(*number) || *number < 0) {
              return "is not a number >= 0 (0 disables rate limiting)";
            }
            config.upstream.max_rps = *number;
            return {};
          },
          [](const Config& config) {
            std::ostringstream out;
            out << config.upstream.max_rps;
            return out.str();
          }};
}

Rule log_level() {
  return {[](Config& config, const json& value) -> std::string {
            if (!value.is_string() || std::find(kLogLevels.begin(), kLogLevels.end(),
                                                value.get<std::string>()) == kLogLevels.end()) {
              return "is not a log level (trace, debug, info, warn, error, critical, off)";
            }
            config.log_level = value.get<std::string>();
            if (config.log_level == "warning") config.log_level = "warn";
            return {};
          },
          [](const Config& config) { return code(config.log_level); }};
}

Rule transport_kind() {
  return {[](Config& config, const json& value) -> std::string {
            if (value != "stdio" && value != "http") return "is not a transport (stdio or http)";
            config.transport = value.get<std::string>();
            return {};
          },
          [](const Config& config) { return code(config.transport); }};
}

Rule listen_host() {
  return {[](Config& config, const json& value) -> std::string {
            if (!value.is_string() || !valid_host(value.get<std::string>())) {
              return "is not an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::1) or "
                     "localhost";
            }
            config.http.host = value.get<std::string>();
            if (config.http.host.size() > 2 && config.http.host.front() == '[') {
              config.http.host = config.http.host.substr(1, config.http.host.size() - 2);
            }
            return {};
          },
          [](const Config& config) { return code(config.http.host); }};
}

Rule origins() {
  return {[](Config& config, const json& value) -> std::string {
            if (!value.is_array()) return "is not an array of origins";
            std::vector<std::string> list;
            for (const auto& origin : value) {
              if (!origin.is_string() || !transport::normalize_origin(origin.get<std::string>())) {
                return "holds something that is not an origin such as https://app.example.com";
              }
              list.push_back(origin.get<std::string>());
            }
            config.http.allowed_origins = std::move(list);
            return {};
          },
          [](const Config& config) { return code(util::join(config.http.allowed_origins, ",")); }};
}

// A secret given either itself or as a file to read it from (the bearer token, the Maton key):
// whichever source comes later wins, so setting one forgets the other.
template <typename File, typename Secret>
Rule secret_file(File file, Secret secret) {
  Rule rule = text(file);
  return {[read = rule.read, file, secret](Config& config, const json& value) {
            auto why = read(config, value);
            if (why.empty() && !file(config).empty()) secret(config).clear();
            return why;  // "" names no file
          },
          rule.show};
}

template <typename Secret, typename File>
Rule secret_itself(Secret secret, File file) {
  Rule rule = text(secret);
  return {[read = rule.read, file](Config& config, const json& value) {
            file(config).clear();
            return read(config, value);
          },
          rule.show};
}

Rule upstream_kind() {
  return {[](Config& config, const json& value) -> std::string {
            if (value != "activecampaign" && value != "maton") {
              return "is not an upstream (activecampaign or maton)";
            }
            config.upstream_kind = value.get<std::string>();
            return {};
          },
          [](const Config& config) { return code(config.upstream_kind); }};
}

Rule redis_url() {
  return {[](Config& config, const json& value) -> std::string {
            if (!value.is_string()) return "is not a string";
            config.rate_limit_redis = value.get<std::string>();
            if (config.rate_limit_redis.empty()) return {};
            try {
              ac::parse_redis_url(config.rate_limit_redis);
            } catch (const std::invalid_argument& error) {
              return std::string("is not usable: ") + error.what();
            }
            return {};
          },
          [](const Config& config) { return code(config.rate_limit_redis); }};
}

Rule url_patterns() {
  Rule rule = names(at(&Config::per_client_api_urls));
  return {[read = rule.read](Config& config, const json& value) -> std::string {
            if (auto why = read(config, value); !why.empty()) return why;
            for (const auto& pattern : config.per_client_api_urls) {
              if (auto why = url_pattern_error(pattern); !why.empty()) {
                return "holds \"" + pattern + "\": " + why;
              }
            }
            return {};
          },
          rule.show};
}

Rule tool_prefix() {
  return {[](Config& config, const json& value) -> std::string {
            // Tool names stay within [A-Za-z0-9_.-] and short enough for clients that add their
            // own.
            if (!value.is_string() || value.get_ref<const std::string&>().size() > 24 ||
                value.get_ref<const std::string&>().find_first_not_of(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
                    std::string::npos) {
              return "is not up to 24 of the characters A-Z a-z 0-9 _ . -";
            }
            config.tools.prefix = value.get<std::string>();
            return {};
          },
          [](const Config& config) { return code(config.tools.prefix); }};
}

Rule result_format() {
  return {
      [](Config& config, const json& value) -> std::string {
        if (value != "compact" && value != "full") {
          return "is not a result format (compact or full)";
        }
        config.tools.full_results = value == "full";
        return {};
      },
      [](const Config& config) { return code(config.tools.full_results ? "full" : "compact"); }};
}

// ---- every setting, in the order help and the README list them

constexpr std::string_view kGeneral = "Options";
constexpr std::string_view kUpstream = "Upstream (ActiveCampaign, directly or through Maton)";
constexpr std::string_view kHttp =
    "HTTP transport (--transport http; MCP Streamable HTTP at http://HOST:PORT/mcp)";
constexpr std::string_view kTools = "Tools (see --list-tools)";

const std::vector<Spec>& settings() {
  static const std::vector<Spec> table = {
      {kGeneral, "--transport", "stdio|http", "", "transport",
       "how clients connect: stdio, or MCP Streamable HTTP at `/mcp` (see [HTTP "
       "transport](#http-transport))",
       transport_kind(), Action::Serve, kPlain},
      {kGeneral, "--sandbox", "", "", "sandbox",
       "use the built-in in-memory ActiveCampaign with demo data; no credentials needed",
       boolean(at(&Config::sandbox)), Action::Serve, kPlain},
      {kGeneral,
       kConfigFlag,
       "PATH",
       "",
       "",
       "a JSON file: an object with any of the config file keys listed here (see "
       "`config/activecampaign-mcp.example.json` and "
       "`config/activecampaign-mcp.http.example.json`)",
       {},
       Action::Serve,
       kPlain},
      {kGeneral, "--log-level", "L", "LOG_LEVEL", "log_level",
       "`trace debug info warn error critical off`; logs go to stderr only", log_level(),
       Action::Serve, kPlain},
      {kGeneral,
       "--list-tools",
       "",
       "",
       "",
       "print the name and title of every tool the settings leave, then exit",
       {},
       Action::ListTools,
       kPlain},
      {kGeneral,
       "--version",
       "",
       "",
       "",
       "print the version, then exit",
       {},
       Action::Version,
       kPlain},
      {kGeneral,
       "--check",
       "",
       "",
       "",
       "verify the upstream credentials with one cheap request (through Maton, also list the "
       "active connections), print the verdict, then exit: 0 when they are accepted, 1 when not",
       {},
       Action::Check,
       kPlain},
      {kGeneral, "--help", "", "", "", "print these settings, then exit", {}, Action::Help, kPlain},

      {kUpstream, "--upstream", "activecampaign|maton", "", "upstream",
       "reach the account directly with an API token, or through the [Maton "
       "gateway](#through-the-maton-gateway); by default whichever has credentials set",
       upstream_kind(), Action::Serve, kPlain},
      {kUpstream, "", "", "ACTIVECAMPAIGN_API_URL", "api_url",
       "`https://ACCOUNT.api-us1.com` or `https://ACCOUNT.api-us1.com/api/3`",
       text(at(&Config::upstream, &ac::ClientConfig::api_url)), Action::Serve, kPlain},
      {kUpstream, "", "", "ACTIVECAMPAIGN_API_TOKEN", "api_token",
       "the account's API key (Settings > Developer), sent as the `Api-Token` header; never "
       "printed or logged, and replaced by `[redacted]` wherever an upstream answer echoes it",
       text(at(&Config::upstream, &ac::ClientConfig::token)), Action::Serve, kSecret},
      {kUpstream, "", "", "MATON_API_KEY", "",
       "Maton: the API key (https://maton.ai/settings), sent as `Authorization: Bearer`; never "
       "printed, and never read from the config file",
       secret_itself(at(&Config::maton, &Config::Maton::api_key),
                     at(&Config::maton, &Config::Maton::api_key_file)),
       Action::Serve, kSecret},
      {kUpstream, "--maton-api-key-file", "PATH", "", "maton_api_key_file",
       "Maton: read the API key from this file instead (its trailing newline is ignored)",
       secret_file(at(&Config::maton, &Config::Maton::api_key_file),
                   at(&Config::maton, &Config::Maton::api_key)),
       Action::Serve, kPlain},
      {kUpstream, "", "", "MATON_CONNECTION", "maton_connection",
       "Maton: the ActiveCampaign connection to use, sent as `Maton-Connection`; without it the "
       "gateway uses the oldest active one",
       text(at(&Config::maton, &Config::Maton::connection)), Action::Serve, kPlain},
      {kUpstream, "", "", "MATON_GATEWAY_URL", "maton_gateway_url",
       "Maton: the gateway (a private gateway may add a path prefix)",
       text(at(&Config::maton, &Config::Maton::gateway_url)), Action::Serve, kPlain},
      {kUpstream, "", "", "MATON_CTRL_URL", "maton_ctrl_url",
       "Maton: the connection service `--check` lists connections at",
       text(at(&Config::maton, &Config::Maton::ctrl_url)), Action::Serve, kPlain},
      {kUpstream, "", "", "ACTIVECAMPAIGN_TIMEOUT_MS", "timeout_ms",
       "time limit in milliseconds for each attempt of an upstream request",
       duration<std::chrono::milliseconds>(at(&Config::upstream, &ac::ClientConfig::timeout), 1,
                                           3600000,
                                           "a whole number of milliseconds from 1 to 3600000"),
       Action::Serve, kPlain},
      {kUpstream, "", "", "ACTIVECAMPAIGN_MAX_RETRIES", "max_retries",
       "retries after the first attempt (429 for every request; 502/503/504 and connection "
       "failures for GET, PUT and DELETE; a plain 500 for GET only)",
       integer(at(&Config::upstream, &ac::ClientConfig::max_retries), 0, 100,
               "a whole number from 0 to 100"),
       Action::Serve, kPlain},
      {kUpstream, "", "", "ACTIVECAMPAIGN_MAX_RPS", "max_rps",
       "upstream requests per second to one account, shared by this process's clients in turn "
       "(and by replicas with `--rate-limit-redis`); 0 disables the limit",
       requests_per_second(), Action::Serve, kPlain},
      {kUpstream, "--max-queued-calls", "N", "", "max_queued_calls",
       "upstream requests one client (session) may have waiting for that limit; more fail at "
       "once with StatusCode 500 saying when to retry",
       integer(at(&Config::upstream, &ac::ClientConfig::max_queued_per_caller), 1, 100000,
               "a whole number from 1 to 100000"),
       Action::Serve, kPlain},
      {kUpstream, "--rate-limit-redis", "URL", "ACTIVECAMPAIGN_RATE_LIMIT_REDIS",
       "rate_limit_redis",
       "`redis://HOST:PORT[/DB]`: replicas of this server share each account's rate through "
       "this Redis (see [Many replicas, one rate limit](#many-replicas-one-rate-limit)); a "
       "call never fails because Redis is down",
       redis_url(), Action::Serve, kSecret},  // a URL may hold a password: never shown
      {kUpstream, "--rate-limit-replicas", "N", "", "rate_limit_replicas",
       "while Redis is unreachable, each replica paces an account at its rate divided by N",
       integer(at(&Config::rate_limit_replicas), 1, 1000, "a whole number from 1 to 1000"),
       Action::Serve, kPlain},
      {kUpstream, "", "", "ACTIVECAMPAIGN_CA_FILE", "ca_file",
       "extra CA bundle (PEM) trusted besides the system's",
       text(at(&Config::upstream, &ac::ClientConfig::ca_file)), Action::Serve, kPlain},
      {kUpstream, "--upstream-max-body-bytes", "N", "ACTIVECAMPAIGN_MAX_BODY_BYTES",
       "upstream_max_body_bytes",
       "larger upstream response bodies are refused (StatusCode 500) instead of read into "
       "memory",
       integer(at(&Config::upstream, &ac::ClientConfig::max_body_bytes), 1024, 1 << 30,
               "a whole number of bytes from 1024 to 1073741824"),
       Action::Serve, kPlain},

      {kHttp, "--host", "H", "", "host",
       "HTTP: address to listen on; anything but loopback (127.0.0.0/8, `::1`, `localhost`) "
       "needs a token or `--allow-unauthenticated`",
       listen_host(), Action::Serve, kPlain},
      {kHttp, "--port", "P", "", "port",
       "HTTP: port; 0 picks a free one (the log line `listening on http://H:P/mcp` shows it)",
       integer(at(&Config::http, &transport::HttpOptions::port), 0, 65535,
               "a port from 0 to 65535"),
       Action::Serve, kPlain},
      {kHttp, "--stateless", "", "", "stateless",
       "HTTP: no sessions, every POST self-contained (behind a load balancer); GET/DELETE "
       "answer 405",
       boolean(at(&Config::http, &transport::HttpOptions::stateless)), Action::Serve, kPlain},
      {kHttp, "--allow-origin", "ORIGIN", "", "allowed_origins",
       "HTTP: browser origins accepted besides `localhost`/`127.0.0.1`/`[::1]` (an array in "
       "the file); others get 403",
       origins(), Action::Serve, kRepeatable},
      {kHttp, "--auth-token-file", "PATH", "", "auth_token_file",
       "HTTP: require `Authorization: Bearer <token>` on `/mcp` and `/metrics`, the token "
       "being the file's content (its trailing newline is ignored)",
       secret_file(at(&Config::auth_token_file),
                   at(&Config::http, &transport::HttpOptions::auth_token)),
       Action::Serve, kPlain},
      {kHttp, "", "", "MCP_AUTH_TOKEN", "",
       "HTTP: the bearer token itself, instead of a token file; a token is never read from the "
       "config file",
       secret_itself(at(&Config::http, &transport::HttpOptions::auth_token),
                     at(&Config::auth_token_file)),
       Action::Serve, kSecret},
      {kHttp, "--allow-unauthenticated", "", "", "allow_unauthenticated",
       "HTTP: allow a non-loopback address without a token (something else must protect it); "
       "otherwise it is refused with exit code 2",
       boolean(at(&Config::allow_unauthenticated)), Action::Serve, kPlain},
      {kHttp, "--per-client-credentials", "", "", "per_client_credentials",
       "HTTP: each client may name its own account in headers, read once per session (per "
       "request in 2026-07-28): `X-ActiveCampaign-Api-Url` + `X-ActiveCampaign-Api-Token`, or "
       "`X-Maton-Api-Key` (+ `X-Maton-Connection`); each account gets its own rate limit (see "
       "[One server, many accounts](#one-server-many-accounts))",
       boolean(at(&Config::per_client_credentials)), Action::Serve, kPlain},
      {kHttp, "--per-client-api-urls", "LIST", "", "per_client_api_urls",
       "HTTP: the API URLs a client may name (`*.` matches any subdomain; the port defaults by "
       "scheme); any other is refused with 403 and nothing is sent",
       url_patterns(), Action::Serve, kPlain},
      {kHttp, "--session-idle-timeout", "S", "", "session_idle_timeout",
       "HTTP: seconds before an unused session ends (later requests with its id get 404)",
       duration<std::chrono::seconds>(
           at(&Config::http, &transport::HttpOptions::session_idle_timeout), 1, 7 * 24 * 3600,
           "a whole number of seconds from 1 to 604800"),
       Action::Serve, kPlain},
      {kHttp, "--max-body-bytes", "N", "", "max_body_bytes", "HTTP: larger request bodies get 413",
       integer(at(&Config::http, &transport::HttpOptions::body_limit), 1024, 1 << 30,
               "a whole number of bytes from 1024 to 1073741824"),
       Action::Serve, kPlain},
      {kHttp, "--max-connections", "N", "", "max_connections",
       "HTTP: concurrent connections; at the limit the oldest idle one is closed, and when "
       "none is idle more get 503",
       integer(at(&Config::http, &transport::HttpOptions::max_connections), 1, 100000,
               "a whole number from 1 to 100000"),
       Action::Serve, kPlain},
      {kHttp, "--max-connections-per-client", "N", "", "max_connections_per_client",
       "HTTP: concurrent connections from one client address; more get 503; 0 = no limit of "
       "its own",
       integer(at(&Config::http, &transport::HttpOptions::max_connections_per_client), 0, 100000,
               "a whole number from 0 (no limit) to 100000"),
       Action::Serve, kPlain},
      {kHttp, "--max-sessions", "N", "", "max_sessions",
       "HTTP: live sessions; at the limit `initialize` ends the least recently used idle "
       "session, and gets 503 with `Retry-After` when none is idle",
       integer(at(&Config::http, &transport::HttpOptions::max_sessions), 1, 1000000,
               "a whole number from 1 to 1000000"),
       Action::Serve, kPlain},

      {kTools, "--toolsets", "LIST", "ACTIVECAMPAIGN_TOOLSETS", "toolsets",
       "serve only these toolsets (comma-separated; an array in the file), named in the [tool "
       "overview](#tools-at-a-glance); an unknown one stops the server with the list of toolsets",
       names(at(&Config::tools, &tools::ToolSettings::toolsets)), Action::Serve, kPlain},
      {kTools, "--tools", "LIST", "ACTIVECAMPAIGN_TOOLS", "tools",
       "serve these tools too, e.g. `get_contact,create_deal`; with neither this nor "
       "`--toolsets`, every tool is served",
       names(at(&Config::tools, &tools::ToolSettings::tools)), Action::Serve, kPlain},
      {kTools, "--exclude-tools", "LIST", "ACTIVECAMPAIGN_EXCLUDE_TOOLS", "exclude_tools",
       "never serve these tools; wins over `--toolsets` and `--tools`",
       names(at(&Config::tools, &tools::ToolSettings::exclude_tools)), Action::Serve, kPlain},
      {kTools, "--read-only", "", "ACTIVECAMPAIGN_READ_ONLY", "read_only",
       "serve only the tools that change nothing (`readOnlyHint`); wins over everything else",
       boolean(at(&Config::tools, &tools::ToolSettings::read_only)), Action::Serve, kPlain},
      {kTools, "--tool-prefix", "P", "ACTIVECAMPAIGN_TOOL_PREFIX", "tool_prefix",
       "put `P` (up to 24 of `A-Z a-z 0-9 _ . -`) before every tool name, for clients that do "
       "not namespace tools by server",
       tool_prefix(), Action::Serve, kPlain},
      {kTools, "--result-format", "F", "ACTIVECAMPAIGN_RESULT_FORMAT", "result_format",
       "`compact` leaves `links` and null-valued fields out of records; `full` returns records "
       "as ActiveCampaign sent them",
       result_format(), Action::Serve, kPlain},
      {kTools, "--max-result-chars", "N", "ACTIVECAMPAIGN_MAX_RESULT_CHARS", "max_result_chars",
       "a get-many page longer than this is cut at a whole record (see [Results that "
       "fit](#results-that-fit)); 0 = no limit",
       integer(at(&Config::tools, &tools::ToolSettings::max_result_chars), 0, 1 << 30,
               "a whole number of characters (0 = no limit)"),
       Action::Serve, kPlain},
  };
  return table;
}

const Spec* with_flag(std::string_view flag) {
  if (flag.empty()) return nullptr;
  for (const auto& spec : settings()) {
    if (spec.flag == flag) return &spec;
  }
  return nullptr;
}

const Spec* with_key(std::string_view key) {
  for (const auto& spec : settings()) {
    if (!spec.key.empty() && spec.key == key) return &spec;
  }
  return nullptr;
}

// Markdown as --help shows it: no backticks, and a link to a README section as its title.
std::string plain(std::string_view markdown) {
  std::string out;
  for (std::size_t i = 0; i < markdown.size(); ++i) {
    const char c = markdown[i];
    if (c == '`') continue;
    if (c == '[') {
      const auto middle = markdown.find("](#", i);
      const auto end = markdown.find(')', middle);
      if (middle != std::string_view::npos && end != std::string_view::npos) {
        out += std::string(markdown.substr(i + 1, middle - i - 1)) + " in README.md";
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

// `text` broken into lines of at most `width` characters (a longer word gets its own line), each
// indented by `indent` spaces.
std::string wrapped(const std::string& text, std::size_t indent, std::size_t width) {
  std::string out;
  std::string line;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += std::string(indent, ' ') + line + "\n";
  return out;
}

// "--port P"; "" for a setting without a flag.
std::string usage(const Spec& spec) {
  std::string out(spec.flag);
  if (!spec.argument.empty()) out += " " + std::string(spec.argument);
  return out;
}

// Setting -> the value given for it, applied in the table's order.
using Layer = std::map<const Spec*, Given>;

std::string invalid(const Spec& spec, const Given& given, const std::string& why) {
  // A token's value is never shown.
  const std::string shown = (spec.traits & kSecret)
                                ? "(hidden)"
                                : given.value.dump(-1, ' ', false, json::error_handler_t::replace);
  return "invalid " + given.source + ": " + shown + " " + why;
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
    if (key == "maton_api_key") {
      return "the config file " + path +
             " may not hold the Maton API key: put it in a file named by maton_api_key_file, or "
             "in MATON_API_KEY";
    }
    if (key == "auth_token") {
      return "the config file " + path +
             " may not hold the bearer token: put it in a file named by auth_token_file, or in "
             "MCP_AUTH_TOKEN";
    }
    const Spec* spec = with_key(key);
    if (!spec) {
      std::vector<std::string_view> known;
      for (const auto& each : settings()) {
        if (!each.key.empty()) known.push_back(each.key);
      }
      return "unknown key \"" + key + "\" in the config file " + path +
             " (known: " + util::join(known) + ")";
    }
    layer[spec] = Given{value, key + " in " + path};
  }
  return {};
}

// Reads the token file and refuses an unprotected server on a non-loopback address.
std::string check_http(Config& config) {
  if (!config.auth_token_file.empty()) {
    auto token = read_token_file(config.auth_token_file);
    if (!token) return "cannot read the auth token file " + config.auth_token_file;
    if (token->empty()) return "the auth token file " + config.auth_token_file + " is empty";
    config.http.auth_token = std::move(*token);
  }
  if (config.http.auth_token.empty() && !config.allow_unauthenticated &&
      !is_loopback_host(config.http.host)) {
    return "refusing to listen on " + config.http.host +
           " without authentication: anyone who can reach that address could use the "
           "ActiveCampaign account. Set MCP_AUTH_TOKEN or --auth-token-file PATH to require a "
           "bearer token, listen on 127.0.0.1, or pass --allow-unauthenticated if something "
           "else (a proxy, a firewall) protects the server";
  }
  return {};
}

// Decides the upstream and fills config.upstream for it. Returns why that is impossible.
std::string resolve_upstream(Config& config) {
  auto& maton = config.maton;
  if (!maton.api_key_file.empty()) {
    auto key = read_token_file(maton.api_key_file);
    if (!key) return "cannot read the Maton API key file " + maton.api_key_file;
    if (key->empty()) return "the Maton API key file " + maton.api_key_file + " is empty";
    maton.api_key = std::move(*key);
  }
  if (config.sandbox) return {};
  auto& upstream = config.upstream;
  const bool direct = !upstream.api_url.empty() || !upstream.token.empty();
  std::string kind = config.upstream_kind;
  if (kind.empty() && !maton.api_key.empty()) {
    if (direct) {
      return "both an ActiveCampaign account (ACTIVECAMPAIGN_API_URL/ACTIVECAMPAIGN_API_TOKEN) "
             "and a Maton API key are set: choose one with --upstream activecampaign or "
             "--upstream maton";
    }
    kind = "maton";
  }
  if (kind == "maton") {
    if (maton.api_key.empty()) {
      return "no Maton API key configured: set MATON_API_KEY or --maton-api-key-file PATH (the "
             "key is at https://maton.ai/settings), or run with --sandbox to try the server "
             "against built-in demo data";
    }
    upstream.service = ac::Service::kMatonGateway;
    upstream.api_url = maton.gateway_url;
    upstream.token = maton.api_key;
    upstream.connection = maton.connection;
    upstream.token_source = maton.api_key_file.empty()
                                ? std::string("MATON_API_KEY")
                                : "the Maton API key in " + maton.api_key_file;
    upstream.connection_source = "MATON_CONNECTION";
    return {};
  }
  if (upstream.api_url.empty() && upstream.token.empty() && config.per_client_credentials) {
    return {};  // only the accounts the clients name
  }
  if (upstream.api_url.empty() || upstream.token.empty()) {
    return "no ActiveCampaign account configured: set ACTIVECAMPAIGN_API_URL and "
           "ACTIVECAMPAIGN_API_TOKEN (or api_url and api_token in a --config file), or "
           "MATON_API_KEY to go through the Maton gateway, or run with --sandbox to try the "
           "server against built-in demo data";
  }
  return {};
}

}  // namespace

bool has_own_account(const Config& config) {
  return config.sandbox || !config.upstream.token.empty();
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

    const Spec* spec = with_flag(flag == "-h" ? "--help" : flag);
    if (!spec) return {Action::Serve, {}, "unknown argument " + arguments[i] + " (see --help)"};
    if (spec->action == Action::Help) {
      if (!no_value()) return {Action::Help, {}, flag + " takes no value"};
      result.action = Action::Help;
      return result;  // --help wins over everything else, including errors later on the line
    }
    if (spec->argument.empty()) {
      if (!no_value()) return {Action::Serve, {}, flag + " takes no value"};
      if (spec->action != Action::Serve) {
        result.action = spec->action;
      } else {
        flags[spec] = Given{true, flag};
      }
      continue;
    }
    const auto value = take_value();
    if (!value) return {Action::Serve, {}, flag + " needs a value"};
    if (spec->flag == kConfigFlag) {
      config_path = *value;
    } else if (spec->traits & kRepeatable) {
      auto& list = flags[spec];
      if (list.value.is_null()) list = Given{json::array(), flag};
      list.value.push_back(*value);
    } else {
      flags[spec] = Given{*value, flag};
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
  for (const auto& spec : settings()) {
    if (spec.environment.empty()) continue;
    const std::string name(spec.environment);
    const auto value = environment(name);
    if (value && !value->empty()) env[&spec] = Given{*value, name};
  }

  for (const Layer* layer : {&file, &env, &flags}) {
    for (const auto& [spec, given] : *layer) {
      if (auto why = spec->rule.read(result.config, given.value); !why.empty()) {
        result.error = invalid(*spec, given, why);
        return result;
      }
    }
  }

  // --list-tools only needs the settings that choose the tools.
  if (result.action == Action::ListTools) return result;
  if (result.config.transport == "http" && result.action == Action::Serve) {
    if (auto error = check_http(result.config); !error.empty()) {
      result.error = std::move(error);
      return result;
    }
  }
  if (result.config.per_client_credentials && result.config.transport != "http") {
    result.error =
        "--per-client-credentials needs --transport http: the accounts come in HTTP "
        "headers";
    return result;
  }
  result.error = resolve_upstream(result.config);
  if (result.error.empty() && result.action == Action::Check && !has_own_account(result.config)) {
    result.error =
        "--check needs the server's own credentials (ACTIVECAMPAIGN_API_URL and "
        "ACTIVECAMPAIGN_API_TOKEN, or MATON_API_KEY)";
  }
  return result;
}

std::string help_text(const std::string& program) {
  std::string out = "Usage: " + program + R"( [options]

An MCP (Model Context Protocol) server for the ActiveCampaign v3 API. With no options it speaks
MCP over stdio (one JSON-RPC message per line on stdin and stdout; logs go to stderr).

)";
  out += wrapped(plain(kHowSettingsCombine), 0, 100);
  const Config defaults;
  std::string_view section;
  for (const auto& spec : settings()) {
    if (spec.section != section) {
      section = spec.section;
      out += "\n" + std::string(section) + ":\n";
    }
    const std::string name = spec.flag.empty() ? std::string(spec.environment) : usage(spec);
    std::vector<std::string> also;
    if (!spec.flag.empty() && !spec.environment.empty()) also.emplace_back(spec.environment);
    if (!spec.key.empty()) also.push_back("file: " + std::string(spec.key));
    if (spec.traits & kRepeatable) also.emplace_back("repeatable");
    const std::string shown = spec.rule.show ? plain(spec.rule.show(defaults)) : "";
    if (!shown.empty() && shown != "off") also.push_back("default " + shown);  // switches: off
    out += "  " + name + (also.empty() ? "" : "  (" + util::join(also, "; ") + ")") + "\n";
    out += wrapped(plain(spec.meaning), 6, 100);
  }
  out += R"(
Endpoints (HTTP): /mcp, GET /healthz (no token needed), GET /metrics (Prometheus text format).

Exit codes: 0 success, 2 invalid configuration or arguments, 1 other failure.
)";
  return out;
}

std::string settings_markdown() {
  // A '|' inside a cell (stdio|http) must not end it.
  auto cell = [](std::string text) {
    for (std::size_t at = 0; (at = text.find('|', at)) != std::string::npos; at += 2) {
      text.insert(at, "\\");
    }
    return text;
  };
  const Config defaults;
  std::string out = wrapped(std::string(kHowSettingsCombine), 0, 100) +
                    "\n| flag | environment | config file key | default | meaning |\n"
                    "|---|---|---|---|---|\n";
  for (const auto& spec : settings()) {
    std::vector<std::string> cells = {
        code(usage(spec)) + (spec.traits & kRepeatable ? " (repeatable)" : ""),
        code(std::string(spec.environment)), code(std::string(spec.key)),
        spec.rule.show ? spec.rule.show(defaults) : "", std::string(spec.meaning)};
    out += "|";
    for (auto& text : cells) out += text.empty() ? " |" : " " + cell(std::move(text)) + " |";
    out += "\n";
  }
  return out;
}

}  // namespace acmcp::app
