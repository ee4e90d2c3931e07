// Configuration loading: each source becomes a layer of key -> JSON value; layers are applied
// defaults < file < environment < flags, then the result is checked as a whole.
#include "app/config.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace acmcp::app {

using nlohmann::json;

namespace {

// key -> (value, where it came from, for messages)
struct Setting {
  json value;
  std::string source;
};
using Layer = std::map<std::string, Setting>;

constexpr std::array<const char*, 9> kFileKeys = {"api_url",     "api_token", "timeout_ms",
                                                  "max_retries", "max_rps",   "ca_file",
                                                  "log_level",   "transport", "sandbox"};

struct EnvironmentVariable {
  const char* name;
  const char* key;
};
constexpr std::array<EnvironmentVariable, 7> kEnvironment = {{
    {"ACTIVECAMPAIGN_API_URL", "api_url"},
    {"ACTIVECAMPAIGN_API_TOKEN", "api_token"},
    {"ACTIVECAMPAIGN_TIMEOUT_MS", "timeout_ms"},
    {"ACTIVECAMPAIGN_MAX_RETRIES", "max_retries"},
    {"ACTIVECAMPAIGN_MAX_RPS", "max_rps"},
    {"ACTIVECAMPAIGN_CA_FILE", "ca_file"},
    {"LOG_LEVEL", "log_level"},
}};

constexpr std::array<const char*, 8> kLogLevels = {"trace",   "debug", "info",     "warn",
                                                   "warning", "error", "critical", "off"};

// Shows a value in an error message; the token's value is never shown.
std::string shown(const std::string& key, const json& value) {
  if (key == "api_token") return "(hidden)";
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
  if (key == "sandbox") {
    if (value.is_boolean()) {
      config.sandbox = value.get<bool>();
    } else if (value == "true" || value == "false") {
      config.sandbox = value == "true";
    } else {
      return invalid(key, setting, "is not true or false");
    }
    return {};
  }
  return "unknown setting " + key;
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
    if (std::find(kFileKeys.begin(), kFileKeys.end(), key) == kFileKeys.end()) {
      return "unknown key \"" + key + "\" in the config file " + path +
             " (known: api_url, api_token, timeout_ms, max_retries, max_rps, ca_file, "
             "log_level, transport, sandbox)";
    }
    layer[key] = Setting{value, key + " in " + path};
  }
  return {};
}

}  // namespace

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
    } else if (flag == "--sandbox" && no_value()) {
      flags["sandbox"] = Setting{true, "--sandbox"};
    } else if (flag == "--transport" || flag == "--log-level" || flag == "--config") {
      const auto value = take_value();
      if (!value) return {Action::Serve, {}, flag + " needs a value"};
      if (flag == "--config") {
        config_path = *value;
      } else {
        flags[flag == "--transport" ? "transport" : "log_level"] = Setting{*value, flag};
      }
    } else if (flag == "--version" || flag == "--list-tools" || flag == "--sandbox") {
      return {Action::Serve, {}, flag + " takes no value"};
    } else {
      return {Action::Serve, {}, "unknown argument " + arguments[i] + " (see --help)"};
    }
  }
  if (result.action == Action::Version || result.action == Action::ListTools) return result;

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

  if (result.config.transport == "http") {
    result.error = "the http transport is not available yet; use --transport stdio";
    return result;
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
  --list-tools            print each tool's name and title, then exit
  --version               print the version, then exit
  --help                  print this help, then exit

Environment (overrides the config file; flags override both):
  ACTIVECAMPAIGN_API_URL       account API URL, e.g. https://youraccount.api-us1.com
  ACTIVECAMPAIGN_API_TOKEN     API token (Settings > Developer in ActiveCampaign)
  ACTIVECAMPAIGN_TIMEOUT_MS    timeout per upstream attempt in ms (default 30000)
  ACTIVECAMPAIGN_MAX_RETRIES   retries for 429, 5xx and network failures (default 3)
  ACTIVECAMPAIGN_MAX_RPS       client-side request rate limit per second (default 5; 0 disables)
  ACTIVECAMPAIGN_CA_FILE       extra CA bundle (PEM) for TLS
  LOG_LEVEL                    as --log-level

Config file keys: api_url, api_token, timeout_ms, max_retries, max_rps, ca_file, log_level,
transport, sandbox.

Exit codes: 0 success, 2 invalid configuration or arguments, 1 other failure.
)";
}

}  // namespace acmcp::app
