// Config: command line, environment and file, their precedence, and every rejection.
#include "app/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>

#include "app/instructions.hpp"

using testing::HasSubstr;
using testing::Not;

namespace acmcp::app {
namespace {

constexpr const char* kToken = "tok-SECRET-123";

class ConfigTest : public testing::Test {
 protected:
  ~ConfigTest() override {
    for (const auto& path : files_) std::remove(path.c_str());
  }

  ConfigResult load(std::vector<std::string> arguments) {
    return load_config(arguments, [this](const std::string& name) -> std::optional<std::string> {
      const auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    });
  }

  void set_credentials() {
    env_["ACTIVECAMPAIGN_API_URL"] = "https://acct.api-us1.com";
    env_["ACTIVECAMPAIGN_API_TOKEN"] = kToken;
  }

  std::string write_file(const std::string& content) {
    const std::string path =
        ::testing::TempDir() + "acmcp-config-" + std::to_string(files_.size()) + "-" +
        ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
    std::ofstream(path) << content;
    files_.push_back(path);
    return path;
  }

  std::map<std::string, std::string> env_;
  std::vector<std::string> files_;
};

TEST_F(ConfigTest, SandboxNeedsNoCredentials) {
  const auto result = load({"--sandbox"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.config.sandbox);
  EXPECT_EQ(result.action, Action::Serve);
}

TEST_F(ConfigTest, DefaultsApply) {
  const auto result = load({"--sandbox"});
  EXPECT_EQ(result.config.transport, "stdio");
  EXPECT_EQ(result.config.upstream.timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(result.config.upstream.max_retries, 3);
  EXPECT_EQ(result.config.upstream.max_rps, 5);
  EXPECT_EQ(result.config.log_level, "info");
  EXPECT_EQ(result.config.upstream.ca_file, "");
}

TEST_F(ConfigTest, MissingCredentialsNameTheVariablesAndSandbox) {
  const auto result = load({});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("ACTIVECAMPAIGN_API_URL"));
  EXPECT_THAT(result.error, HasSubstr("ACTIVECAMPAIGN_API_TOKEN"));
  EXPECT_THAT(result.error, HasSubstr("--sandbox"));
}

TEST_F(ConfigTest, UrlWithoutTokenIsIncomplete) {
  env_["ACTIVECAMPAIGN_API_URL"] = "https://acct.api-us1.com";
  EXPECT_FALSE(load({}).ok());
}

TEST_F(ConfigTest, EnvironmentProvidesCredentials) {
  set_credentials();
  const auto result = load({});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.api_url, "https://acct.api-us1.com");
  EXPECT_EQ(result.config.upstream.token, kToken);
  EXPECT_FALSE(result.config.sandbox);
}

TEST_F(ConfigTest, EnvironmentNumbersAreParsed) {
  set_credentials();
  env_["ACTIVECAMPAIGN_TIMEOUT_MS"] = "1500";
  env_["ACTIVECAMPAIGN_MAX_RETRIES"] = "0";
  env_["ACTIVECAMPAIGN_MAX_RPS"] = "2.5";
  env_["ACTIVECAMPAIGN_CA_FILE"] = "/etc/ca.pem";
  env_["LOG_LEVEL"] = "debug";
  const auto result = load({});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(result.config.upstream.max_retries, 0);
  EXPECT_EQ(result.config.upstream.max_rps, 2.5);
  EXPECT_EQ(result.config.upstream.ca_file, "/etc/ca.pem");
  EXPECT_EQ(result.config.log_level, "debug");
}

TEST_F(ConfigTest, UpstreamBodyLimitDefaultsTo16MiB) {
  set_credentials();
  const auto result = load({});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.max_body_bytes, 16 * 1024 * 1024u);
}

TEST_F(ConfigTest, UpstreamBodyLimitComesFromEnvironmentFileAndFlag) {
  set_credentials();
  env_["ACTIVECAMPAIGN_MAX_BODY_BYTES"] = "65536";
  auto result = load({});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.max_body_bytes, 65536u);
  EXPECT_EQ(result.config.http.body_limit, 1048576u);  // the HTTP transport's limit is separate

  const auto path = write_file(R"({"upstream_max_body_bytes": 4096})");
  env_.erase("ACTIVECAMPAIGN_MAX_BODY_BYTES");
  result = load({"--config", path});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.max_body_bytes, 4096u);

  result = load({"--config", path, "--upstream-max-body-bytes", "2048"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.max_body_bytes, 2048u);
}

TEST_F(ConfigTest, UpstreamBodyLimitOutOfRangeIsRejected) {
  set_credentials();
  for (const char* value : {"0", "1023", "1.5", "lots", "2147483648"}) {
    env_["ACTIVECAMPAIGN_MAX_BODY_BYTES"] = value;
    const auto result = load({});
    EXPECT_FALSE(result.ok()) << value;
    EXPECT_THAT(result.error, HasSubstr("ACTIVECAMPAIGN_MAX_BODY_BYTES")) << value;
  }
}

TEST_F(ConfigTest, EmptyEnvironmentValuesCountAsUnset) {
  set_credentials();
  env_["ACTIVECAMPAIGN_TIMEOUT_MS"] = "";
  const auto result = load({});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.timeout, std::chrono::milliseconds(30000));
}

TEST_F(ConfigTest, NonNumericTimeoutIsRejected) {
  set_credentials();
  env_["ACTIVECAMPAIGN_TIMEOUT_MS"] = "soon";
  const auto result = load({});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("ACTIVECAMPAIGN_TIMEOUT_MS"));
  EXPECT_THAT(result.error, HasSubstr("soon"));
}

TEST_F(ConfigTest, ZeroOrFractionalTimeoutIsRejected) {
  set_credentials();
  for (const char* value : {"0", "1.5", "-10", "10ms"}) {
    env_["ACTIVECAMPAIGN_TIMEOUT_MS"] = value;
    EXPECT_FALSE(load({}).ok()) << value;
  }
}

TEST_F(ConfigTest, NegativeRetriesAreRejected) {
  set_credentials();
  env_["ACTIVECAMPAIGN_MAX_RETRIES"] = "-1";
  const auto result = load({});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("ACTIVECAMPAIGN_MAX_RETRIES"));
}

TEST_F(ConfigTest, ZeroRateDisablesLimitingAndNegativeIsRejected) {
  set_credentials();
  env_["ACTIVECAMPAIGN_MAX_RPS"] = "0";
  EXPECT_EQ(load({}).config.upstream.max_rps, 0);
  env_["ACTIVECAMPAIGN_MAX_RPS"] = "-2";
  EXPECT_FALSE(load({}).ok());
}

TEST_F(ConfigTest, UnknownLogLevelIsRejected) {
  const auto result = load({"--sandbox", "--log-level", "loud"});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("--log-level"));
}

TEST_F(ConfigTest, EverySpdlogLevelIsAccepted) {
  for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    const auto result = load({"--sandbox", "--log-level", level});
    ASSERT_TRUE(result.ok()) << level;
    EXPECT_EQ(result.config.log_level, level);
  }
}

TEST_F(ConfigTest, UnknownFlagIsRejected) {
  const auto result = load({"--sandbox", "--verbose"});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("--verbose"));
}

TEST_F(ConfigTest, PositionalArgumentIsRejected) {
  EXPECT_FALSE(load({"--sandbox", "extra"}).ok());
}

TEST_F(ConfigTest, FlagWithoutValueIsRejected) {
  const auto result = load({"--sandbox", "--transport"});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("--transport"));
}

TEST_F(ConfigTest, FlagsAcceptEqualsForm) {
  const auto result = load({"--sandbox", "--log-level=warn", "--transport=stdio"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.log_level, "warn");
}

TEST_F(ConfigTest, SwitchWithValueIsRejected) { EXPECT_FALSE(load({"--sandbox=yes"}).ok()); }

TEST_F(ConfigTest, UnknownTransportIsRejected) {
  const auto result = load({"--sandbox", "--transport", "carrier-pigeon"});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("carrier-pigeon"));
}

// --- HTTP transport settings ------------------------------------------------------------------

TEST_F(ConfigTest, HttpTransportIsAccepted) {
  const auto result = load({"--sandbox", "--transport", "http"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.transport, "http");
}

TEST_F(ConfigTest, HttpDefaultsApply) {
  const auto result = load({"--sandbox", "--transport", "http"});
  EXPECT_EQ(result.config.http.host, "127.0.0.1");
  EXPECT_EQ(result.config.http.port, 8080);
  EXPECT_FALSE(result.config.http.stateless);
  EXPECT_TRUE(result.config.http.allowed_origins.empty());
  EXPECT_EQ(result.config.http.auth_token, "");
  EXPECT_FALSE(result.config.allow_unauthenticated);
  EXPECT_EQ(result.config.http.session_idle_timeout, std::chrono::seconds(1800));
  EXPECT_EQ(result.config.http.body_limit, 1048576u);
  EXPECT_EQ(result.config.http.max_connections, 256u);
  EXPECT_EQ(result.config.http.max_connections_per_client, 32u);
  EXPECT_EQ(result.config.http.max_sessions, 1000u);
  EXPECT_EQ(result.config.upstream.max_queued_per_caller, 50u);
}

TEST_F(ConfigTest, EveryHttpFlagIsParsed) {
  const auto result = load({"--sandbox",
                            "--transport",
                            "http",
                            "--host",
                            "127.0.0.2",
                            "--port",
                            "0",
                            "--stateless",
                            "--allow-origin",
                            "https://a.example.com",
                            "--allow-origin=https://b.example.com",
                            "--session-idle-timeout",
                            "60",
                            "--max-body-bytes",
                            "4096",
                            "--max-connections",
                            "8",
                            "--max-connections-per-client",
                            "0",
                            "--max-sessions",
                            "7",
                            "--max-queued-calls",
                            "9"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.http.host, "127.0.0.2");
  EXPECT_EQ(result.config.http.port, 0);
  EXPECT_TRUE(result.config.http.stateless);
  EXPECT_EQ(result.config.http.allowed_origins,
            (std::vector<std::string>{"https://a.example.com", "https://b.example.com"}));
  EXPECT_EQ(result.config.http.session_idle_timeout, std::chrono::seconds(60));
  EXPECT_EQ(result.config.http.body_limit, 4096u);
  EXPECT_EQ(result.config.http.max_connections, 8u);
  EXPECT_EQ(result.config.http.max_connections_per_client, 0u);
  EXPECT_EQ(result.config.http.max_sessions, 7u);
  EXPECT_EQ(result.config.upstream.max_queued_per_caller, 9u);
}

TEST_F(ConfigTest, HttpKeysComeFromTheConfigFile) {
  const auto path = write_file(R"({"transport": "http", "host": "::1", "port": 9000,
      "stateless": true, "allowed_origins": ["https://app.example.com"],
      "session_idle_timeout": 120, "max_body_bytes": 2048, "max_connections": 3,
      "max_connections_per_client": 2, "max_sessions": 5, "max_queued_calls": 4,
      "allow_unauthenticated": false})");
  const auto result = load({"--sandbox", "--config", path});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.transport, "http");
  EXPECT_EQ(result.config.http.host, "::1");
  EXPECT_EQ(result.config.http.port, 9000);
  EXPECT_TRUE(result.config.http.stateless);
  EXPECT_EQ(result.config.http.allowed_origins,
            (std::vector<std::string>{"https://app.example.com"}));
  EXPECT_EQ(result.config.http.session_idle_timeout, std::chrono::seconds(120));
  EXPECT_EQ(result.config.http.body_limit, 2048u);
  EXPECT_EQ(result.config.http.max_connections, 3u);
  EXPECT_EQ(result.config.http.max_connections_per_client, 2u);
  EXPECT_EQ(result.config.http.max_sessions, 5u);
  EXPECT_EQ(result.config.upstream.max_queued_per_caller, 4u);
}

TEST_F(ConfigTest, HttpFlagsOverrideTheConfigFile) {
  const auto path = write_file(
      R"({"transport": "http", "port": 9000, "allowed_origins": ["https://file.example.com"]})");
  const auto result = load({"--sandbox", "--config", path, "--port", "9001", "--allow-origin",
                            "https://flag.example.com"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.http.port, 9001);
  EXPECT_EQ(result.config.http.allowed_origins,
            (std::vector<std::string>{"https://flag.example.com"}));
}

TEST_F(ConfigTest, BracketedIpv6HostIsUnwrapped) {
  const auto result = load({"--sandbox", "--transport", "http", "--host", "[::1]"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.http.host, "::1");
}

TEST_F(ConfigTest, InvalidHttpValuesAreRejected) {
  for (const std::vector<std::string>& arguments : std::vector<std::vector<std::string>>{
           {"--port", "65536"},
           {"--port", "-1"},
           {"--port", "http"},
           {"--host", "example.com"},
           {"--host", ""},
           {"--allow-origin", "null"},
           {"--allow-origin", "app.example.com"},
           {"--session-idle-timeout", "0"},
           {"--max-body-bytes", "10"},
           {"--max-connections", "0"},
           {"--max-connections-per-client", "-1"},
           {"--max-sessions", "0"},
           {"--max-queued-calls", "0"},
       }) {
    std::vector<std::string> line = {"--sandbox", "--transport", "http"};
    line.insert(line.end(), arguments.begin(), arguments.end());
    const auto result = load(line);
    EXPECT_FALSE(result.ok()) << arguments[0] << " " << arguments[1];
    EXPECT_THAT(result.error, HasSubstr(arguments[0])) << result.error;
  }
}

TEST_F(ConfigTest, HttpSwitchesTakeNoValue) {
  EXPECT_FALSE(load({"--sandbox", "--stateless=yes"}).ok());
  EXPECT_FALSE(load({"--sandbox", "--allow-unauthenticated=1"}).ok());
}

TEST_F(ConfigTest, AllowedOriginsInFileMustBeAnArrayOfOrigins) {
  EXPECT_FALSE(
      load({"--sandbox", "--config", write_file(R"({"allowed_origins": "https://a.com"})")}).ok());
  EXPECT_FALSE(load({"--sandbox", "--config", write_file(R"({"allowed_origins": [5]})")}).ok());
}

TEST_F(ConfigTest, AuthTokenFileIsReadWithoutTrailingNewline) {
  const auto token_file = write_file(std::string(kToken) + "\n");
  const auto result = load({"--sandbox", "--transport", "http", "--auth-token-file", token_file});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.http.auth_token, kToken);
}

TEST_F(ConfigTest, AuthTokenFileWithCrLfIsStripped) {
  const auto token_file = write_file(std::string(kToken) + "\r\n");
  EXPECT_EQ(load({"--sandbox", "--transport", "http", "--auth-token-file", token_file})
                .config.http.auth_token,
            kToken);
}

TEST_F(ConfigTest, AuthTokenComesFromTheEnvironment) {
  env_["MCP_AUTH_TOKEN"] = kToken;
  const auto result = load({"--sandbox", "--transport", "http"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.http.auth_token, kToken);
}

TEST_F(ConfigTest, AuthTokenFileFlagOverridesEnvironment) {
  env_["MCP_AUTH_TOKEN"] = "from-environment";
  const auto token_file = write_file("from-file\n");
  EXPECT_EQ(load({"--sandbox", "--transport", "http", "--auth-token-file", token_file})
                .config.http.auth_token,
            "from-file");
}

TEST_F(ConfigTest, EnvironmentTokenOverridesTokenFileInConfigFile) {
  env_["MCP_AUTH_TOKEN"] = "from-environment";
  const auto token_file = write_file("from-file\n");
  const auto config = write_file(R"({"auth_token_file": ")" + token_file + R"("})");
  EXPECT_EQ(load({"--sandbox", "--transport", "http", "--config", config}).config.http.auth_token,
            "from-environment");
}

TEST_F(ConfigTest, AuthTokenFileKeyInConfigFileIsRead) {
  const auto token_file = write_file("from-file\n");
  const auto config = write_file(R"({"auth_token_file": ")" + token_file + R"("})");
  EXPECT_EQ(load({"--sandbox", "--transport", "http", "--config", config}).config.http.auth_token,
            "from-file");
}

TEST_F(ConfigTest, TokenInConfigFileIsRefused) {
  const auto result = load(
      {"--sandbox", "--config", write_file(std::string(R"({"auth_token": ")") + kToken + "\"}")});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("auth_token_file"));
  EXPECT_THAT(result.error, Not(HasSubstr(kToken)));
}

TEST_F(ConfigTest, UnreadableOrEmptyTokenFileIsRejected) {
  EXPECT_THAT(
      load({"--sandbox", "--transport", "http", "--auth-token-file", "/nonexistent/tok"}).error,
      HasSubstr("cannot read the auth token file /nonexistent/tok"));
  EXPECT_THAT(
      load({"--sandbox", "--transport", "http", "--auth-token-file", write_file("\n")}).error,
      HasSubstr("is empty"));
}

TEST_F(ConfigTest, NonLoopbackWithoutTokenIsRefused) {
  for (const char* host : {"0.0.0.0", "192.168.1.10", "::"}) {
    const auto result = load({"--sandbox", "--transport", "http", "--host", host});
    ASSERT_FALSE(result.ok()) << host;
    EXPECT_THAT(result.error, HasSubstr("refusing to listen on"));
    EXPECT_THAT(result.error, HasSubstr("--allow-unauthenticated"));
    EXPECT_THAT(result.error, HasSubstr("MCP_AUTH_TOKEN"));
  }
}

TEST_F(ConfigTest, NonLoopbackWithTokenIsAccepted) {
  env_["MCP_AUTH_TOKEN"] = kToken;
  EXPECT_TRUE(load({"--sandbox", "--transport", "http", "--host", "0.0.0.0"}).ok());
}

TEST_F(ConfigTest, NonLoopbackWithAllowUnauthenticatedIsAccepted) {
  const auto result =
      load({"--sandbox", "--transport", "http", "--host", "0.0.0.0", "--allow-unauthenticated"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.config.allow_unauthenticated);
}

TEST_F(ConfigTest, LoopbackNeedsNoToken) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    EXPECT_TRUE(load({"--sandbox", "--transport", "http", "--host", host}).ok()) << host;
  }
}

TEST_F(ConfigTest, StdioIgnoresTheHttpBindCheck) {
  EXPECT_TRUE(load({"--sandbox", "--host", "0.0.0.0"}).ok());
}

TEST_F(ConfigTest, HttpErrorsNeverShowTheBearerToken) {
  env_["MCP_AUTH_TOKEN"] = kToken;
  for (const auto& result :
       {load({"--sandbox", "--transport", "http", "--port", "x"}),
        load({"--sandbox", "--transport", "http", "--host", "nowhere"}),
        load({"--sandbox", "--transport", "http", "--max-connections", "-5"})}) {
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error, Not(HasSubstr(kToken)));
  }
}

TEST(LoopbackHost, RecognisesLoopbackAddresses) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.255.0.9"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("128.0.0.1"));
  EXPECT_FALSE(is_loopback_host("::"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("example.com"));
}

TEST_F(ConfigTest, HelpVersionAndListToolsNeedNoCredentials) {
  EXPECT_EQ(load({"--help"}).action, Action::Help);
  EXPECT_TRUE(load({"--help"}).ok());
  EXPECT_EQ(load({"-h"}).action, Action::Help);
  EXPECT_EQ(load({"--version"}).action, Action::Version);
  EXPECT_TRUE(load({"--version"}).ok());
  EXPECT_EQ(load({"--list-tools"}).action, Action::ListTools);
  EXPECT_TRUE(load({"--list-tools"}).ok());
}

TEST_F(ConfigTest, HelpWinsOverLaterBadArguments) {
  const auto result = load({"--help", "--bogus"});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.action, Action::Help);
}

TEST_F(ConfigTest, ConfigFileProvidesEverySetting) {
  const auto path = write_file(R"({"api_url": "https://file.api-us1.com", "api_token": "file-token",
    "timeout_ms": 2000, "max_retries": 5, "max_rps": 1, "ca_file": "/ca.pem",
    "log_level": "error", "transport": "stdio", "sandbox": false})");
  const auto result = load({"--config", path});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.api_url, "https://file.api-us1.com");
  EXPECT_EQ(result.config.upstream.token, "file-token");
  EXPECT_EQ(result.config.upstream.timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(result.config.upstream.max_retries, 5);
  EXPECT_EQ(result.config.upstream.max_rps, 1);
  EXPECT_EQ(result.config.upstream.ca_file, "/ca.pem");
  EXPECT_EQ(result.config.log_level, "error");
  EXPECT_EQ(result.config.config_file, path);
}

TEST_F(ConfigTest, ConfigFileCanEnableSandbox) {
  const auto result = load({"--config", write_file(R"({"sandbox": true})")});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.config.sandbox);
}

TEST_F(ConfigTest, EnvironmentOverridesFile) {
  set_credentials();
  env_["ACTIVECAMPAIGN_TIMEOUT_MS"] = "700";
  const auto result =
      load({"--config", write_file(R"({"timeout_ms": 2000, "api_url": "https://file"})")});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.timeout, std::chrono::milliseconds(700));
  EXPECT_EQ(result.config.upstream.api_url, "https://acct.api-us1.com");
}

TEST_F(ConfigTest, FlagsOverrideEnvironmentAndFile) {
  env_["LOG_LEVEL"] = "debug";
  const auto result = load(
      {"--config", write_file(R"({"log_level": "error", "sandbox": true})"), "--log-level", "off"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.log_level, "off");
}

TEST_F(ConfigTest, FileNumbersMayBeStrings) {
  const auto result = load({"--sandbox", "--config", write_file(R"({"timeout_ms": "1234"})")});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.timeout, std::chrono::milliseconds(1234));
}

TEST_F(ConfigTest, UnreadableConfigFileIsRejected) {
  const auto result = load({"--sandbox", "--config", "/nonexistent/acmcp.json"});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("/nonexistent/acmcp.json"));
}

TEST_F(ConfigTest, InvalidJsonConfigFileIsRejected) {
  const auto result = load({"--sandbox", "--config", write_file("{\"timeout_ms\": ")});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("not valid JSON"));
}

TEST_F(ConfigTest, ConfigFileMustHoldAnObject) {
  EXPECT_FALSE(load({"--sandbox", "--config", write_file("[1, 2]")}).ok());
}

TEST_F(ConfigTest, UnknownConfigKeyIsRejected) {
  const auto result = load({"--sandbox", "--config", write_file(R"({"timeout": 5})")});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("\"timeout\""));
}

TEST_F(ConfigTest, WrongTypeInConfigFileIsRejected) {
  EXPECT_FALSE(load({"--sandbox", "--config", write_file(R"({"sandbox": "maybe"})")}).ok());
  EXPECT_FALSE(load({"--sandbox", "--config", write_file(R"({"api_url": 5})")}).ok());
  EXPECT_FALSE(load({"--sandbox", "--config", write_file(R"({"max_retries": true})")}).ok());
}

TEST_F(ConfigTest, ErrorsNeverShowTheToken) {
  const auto result =
      load({"--sandbox", "--config", write_file(R"({"api_token": ["tok-SECRET-123"]})")});
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error, HasSubstr("api_token"));
  EXPECT_THAT(result.error, Not(HasSubstr(kToken)));
}

TEST_F(ConfigTest, OtherErrorsDoNotMentionTheToken) {
  set_credentials();
  env_["ACTIVECAMPAIGN_MAX_RETRIES"] = "x";
  EXPECT_THAT(load({}).error, Not(HasSubstr(kToken)));
}

TEST_F(ConfigTest, HelpTextNamesEveryOptionAndVariable) {
  const std::string help = help_text("activecampaign-mcp");
  for (const char* name : {"--transport",
                           "--sandbox",
                           "--config",
                           "--version",
                           "--help",
                           "--list-tools",
                           "--log-level",
                           "--host",
                           "--port",
                           "--stateless",
                           "--allow-origin",
                           "--auth-token-file",
                           "--allow-unauthenticated",
                           "--session-idle-timeout",
                           "--max-body-bytes",
                           "--max-connections",
                           "MCP_AUTH_TOKEN",
                           "ACTIVECAMPAIGN_API_URL",
                           "ACTIVECAMPAIGN_API_TOKEN",
                           "ACTIVECAMPAIGN_TIMEOUT_MS",
                           "ACTIVECAMPAIGN_MAX_RETRIES",
                           "ACTIVECAMPAIGN_MAX_RPS",
                           "ACTIVECAMPAIGN_CA_FILE",
                           "LOG_LEVEL",
                           "--toolsets",
                           "--tools",
                           "--exclude-tools",
                           "--read-only",
                           "--tool-prefix",
                           "--result-format",
                           "--max-result-chars",
                           "ACTIVECAMPAIGN_TOOLSETS",
                           "ACTIVECAMPAIGN_TOOLS",
                           "ACTIVECAMPAIGN_EXCLUDE_TOOLS",
                           "ACTIVECAMPAIGN_READ_ONLY",
                           "ACTIVECAMPAIGN_TOOL_PREFIX",
                           "ACTIVECAMPAIGN_RESULT_FORMAT",
                           "ACTIVECAMPAIGN_MAX_RESULT_CHARS"}) {
    EXPECT_THAT(help, HasSubstr(name));
  }
}

// The defaults shown are read from a default Config, so they cannot drift from the ones used.
TEST(SettingsTable, ShowsTheDefaultsAConfigStartsWith) {
  const std::string table = settings_markdown();
  EXPECT_THAT(table, HasSubstr("| `--port P` | | `port` | 8080 |"));
  EXPECT_THAT(table, HasSubstr("| `ACTIVECAMPAIGN_TIMEOUT_MS` | `timeout_ms` | 30000 |"));
  EXPECT_THAT(table, HasSubstr("| `session_idle_timeout` | 1800 |"));
  EXPECT_THAT(table, HasSubstr("| `max_queued_calls` | 50 |"));
  EXPECT_THAT(table, HasSubstr("| `--transport stdio\\|http` | | `transport` | `stdio` |"));
  const std::string help = help_text("activecampaign-mcp");
  EXPECT_THAT(help, HasSubstr("--port P  (file: port; default 8080)"));
  EXPECT_THAT(help, HasSubstr("--transport stdio|http  (file: transport; default stdio)"));
}

TEST_F(ConfigTest, ExampleConfigFileLoads) {
  const auto result =
      load({"--config", ACMCP_SOURCE_DIR "/config/activecampaign-mcp.example.json"});
  EXPECT_TRUE(result.ok()) << result.error;
}

TEST_F(ConfigTest, HttpExampleConfigFileLoads) {
  // It names a token file under /run/secrets; a flag points elsewhere, as flags win.
  const auto token_file = write_file("example-token\n");
  const auto result = load({"--sandbox", "--config",
                            ACMCP_SOURCE_DIR "/config/activecampaign-mcp.http.example.json",
                            "--auth-token-file", token_file});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.transport, "http");
  EXPECT_EQ(result.config.http.host, "0.0.0.0");
  EXPECT_EQ(result.config.http.auth_token, "example-token");
}

TEST(Instructions, ExplainTheEnvelopeStatusCodes) {
  const std::string text = instructions_text(false);
  for (const char* needle : {"StatusCode -1", "StatusCode 200", "StatusCode 500", "ErrorMessage",
                             "OriginalStatusCode", "contacts", "deals", "ecommerce", "get-many",
                             "Contacts.Contacts", "permanent", "whole cents", "Offset + Limit"}) {
    EXPECT_THAT(text, HasSubstr(needle));
  }
}

TEST(Instructions, MentionSandboxOnlyInSandboxMode) {
  EXPECT_THAT(instructions_text(true), HasSubstr("SANDBOX"));
  EXPECT_THAT(instructions_text(false), Not(HasSubstr("SANDBOX")));
}

// ---- what the tools layer serves

TEST_F(ConfigTest, ToolSettingsDefault) {
  const auto result = load({"--sandbox"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.tools.prefix, "");
  EXPECT_TRUE(result.config.tools.toolsets.empty());
  EXPECT_TRUE(result.config.tools.tools.empty());
  EXPECT_TRUE(result.config.tools.exclude_tools.empty());
  EXPECT_FALSE(result.config.tools.read_only);
  EXPECT_FALSE(result.config.tools.full_results);
  EXPECT_EQ(result.config.tools.max_result_chars, 50000u);
}

TEST_F(ConfigTest, ToolSettingsComeFromFileEnvironmentAndFlags) {
  const auto path = write_file(
      R"({"tool_prefix": "ac_", "toolsets": ["deals", "tags"], "tools": ["get_contact"],
          "exclude_tools": ["delete_deal"], "read_only": true, "result_format": "full",
          "max_result_chars": 0})");
  auto result = load({"--sandbox", "--config", path});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.tools.prefix, "ac_");
  EXPECT_EQ(result.config.tools.toolsets, (std::vector<std::string>{"deals", "tags"}));
  EXPECT_EQ(result.config.tools.tools, std::vector<std::string>{"get_contact"});
  EXPECT_EQ(result.config.tools.exclude_tools, std::vector<std::string>{"delete_deal"});
  EXPECT_TRUE(result.config.tools.read_only);
  EXPECT_TRUE(result.config.tools.full_results);
  EXPECT_EQ(result.config.tools.max_result_chars, 0u);

  env_["ACTIVECAMPAIGN_TOOL_PREFIX"] = "crm.";
  env_["ACTIVECAMPAIGN_TOOLSETS"] = "contacts, lists";
  env_["ACTIVECAMPAIGN_TOOLS"] = "get_deal,get_tag";
  env_["ACTIVECAMPAIGN_EXCLUDE_TOOLS"] = "delete_contact";
  env_["ACTIVECAMPAIGN_READ_ONLY"] = "false";
  env_["ACTIVECAMPAIGN_RESULT_FORMAT"] = "compact";
  env_["ACTIVECAMPAIGN_MAX_RESULT_CHARS"] = "20000";
  result = load({"--sandbox", "--config", path});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.tools.prefix, "crm.");
  EXPECT_EQ(result.config.tools.toolsets, (std::vector<std::string>{"contacts", "lists"}));
  EXPECT_EQ(result.config.tools.tools, (std::vector<std::string>{"get_deal", "get_tag"}));
  EXPECT_EQ(result.config.tools.exclude_tools, std::vector<std::string>{"delete_contact"});
  EXPECT_FALSE(result.config.tools.read_only);
  EXPECT_FALSE(result.config.tools.full_results);
  EXPECT_EQ(result.config.tools.max_result_chars, 20000u);

  result = load({"--sandbox", "--config", path, "--tool-prefix", "x_", "--toolsets=ecommerce",
                 "--tools", "get_list", "--exclude-tools", "get_deal", "--read-only",
                 "--result-format", "full", "--max-result-chars", "100"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.tools.prefix, "x_");
  EXPECT_EQ(result.config.tools.toolsets, std::vector<std::string>{"ecommerce"});
  EXPECT_EQ(result.config.tools.tools, std::vector<std::string>{"get_list"});
  EXPECT_EQ(result.config.tools.exclude_tools, std::vector<std::string>{"get_deal"});
  EXPECT_TRUE(result.config.tools.read_only);
  EXPECT_TRUE(result.config.tools.full_results);
  EXPECT_EQ(result.config.tools.max_result_chars, 100u);
}

TEST_F(ConfigTest, BadToolSettingsAreRejected) {
  // Toolset names are checked where they are known, by the tool registry (the server stops with
  // exit code 2 and the list of toolsets; see E2eCommandLine.AnUnknownToolOrToolsetStopsTheServer).
  EXPECT_TRUE(load({"--sandbox", "--toolsets", "contacts,campaigns"}).ok());
  EXPECT_THAT(load({"--sandbox", "--result-format", "short"}).error, HasSubstr("compact or full"));
  EXPECT_THAT(load({"--sandbox", "--max-result-chars", "-1"}).error, HasSubstr("0 = no limit"));
  EXPECT_THAT(load({"--sandbox", "--tool-prefix", "a b"}).error, HasSubstr("A-Z a-z 0-9"));
  EXPECT_THAT(load({"--sandbox", "--read-only=yes"}).error, HasSubstr("takes no value"));
  const auto path = write_file(R"({"tools": "get_contact", "exclude_tools": [1]})");
  EXPECT_THAT(load({"--sandbox", "--config", path}).error, HasSubstr("not a list of names"));
}

TEST_F(ConfigTest, ListToolsReadsTheSettingsWithoutCredentials) {
  env_["ACTIVECAMPAIGN_READ_ONLY"] = "true";
  const auto result = load({"--list-tools", "--toolsets", "tags"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.action, Action::ListTools);
  EXPECT_TRUE(result.config.tools.read_only);
  EXPECT_EQ(result.config.tools.toolsets, std::vector<std::string>{"tags"});
}

// ---- the upstream: ActiveCampaign directly or through Maton

TEST_F(ConfigTest, AMatonKeyAloneChoosesTheGatewayWithItsDefaults) {
  env_["MATON_API_KEY"] = "maton-SECRET-9";
  env_["MATON_CONNECTION"] = "conn-1";
  const auto result = load({});
  ASSERT_TRUE(result.ok()) << result.error;
  const auto& upstream = result.config.upstream;
  EXPECT_EQ(upstream.service, ac::Service::kMatonGateway);
  EXPECT_EQ(upstream.api_url, "https://gateway.maton.ai");
  EXPECT_EQ(upstream.token, "maton-SECRET-9");
  EXPECT_EQ(upstream.connection, "conn-1");
  EXPECT_EQ(upstream.token_source, "MATON_API_KEY");
  EXPECT_EQ(result.config.maton.ctrl_url, "https://ctrl.maton.ai");
}

TEST_F(ConfigTest, DirectCredentialsAloneChooseActiveCampaign) {
  set_credentials();
  const auto result = load({});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.service, ac::Service::kActiveCampaign);
  EXPECT_EQ(result.config.upstream.token_source, "ACTIVECAMPAIGN_API_TOKEN");
}

TEST_F(ConfigTest, BothCredentialsNeedAnExplicitUpstream) {
  set_credentials();
  env_["MATON_API_KEY"] = "maton-SECRET-9";
  const auto ambiguous = load({});
  EXPECT_THAT(ambiguous.error, HasSubstr("choose one with --upstream activecampaign or"));
  EXPECT_THAT(ambiguous.error, Not(HasSubstr("maton-SECRET-9")));
  EXPECT_EQ(load({"--upstream", "maton"}).config.upstream.service, ac::Service::kMatonGateway);
  const auto direct = load({"--upstream=activecampaign"});
  ASSERT_TRUE(direct.ok()) << direct.error;
  EXPECT_EQ(direct.config.upstream.service, ac::Service::kActiveCampaign);
  EXPECT_EQ(direct.config.upstream.token, kToken);
  EXPECT_THAT(load({"--upstream", "hubspot"}).error,
              HasSubstr("is not an upstream (activecampaign or maton)"));
}

TEST_F(ConfigTest, MatonWithoutAKeySaysWhereToGetOne) {
  const auto result = load({"--upstream", "maton"});
  EXPECT_THAT(result.error, HasSubstr("no Maton API key configured: set MATON_API_KEY or "
                                      "--maton-api-key-file PATH"));
  EXPECT_THAT(result.error, HasSubstr("https://maton.ai/settings"));
  EXPECT_THAT(load({}).error, HasSubstr("or MATON_API_KEY to go through the Maton gateway"));
}

TEST_F(ConfigTest, MatonSettingsComeFromTheFileExceptTheKeyItself) {
  const std::string key_file = write_file("maton-from-file\n");
  const auto config = write_file(R"({"maton_api_key_file": ")" + key_file +
                                 R"(", "maton_connection": "c-7", "maton_gateway_url": )"
                                 R"("http://127.0.0.1:9000/gw", "maton_ctrl_url": "http://x"})");
  const auto result = load({"--config", config});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.upstream.service, ac::Service::kMatonGateway);
  EXPECT_EQ(result.config.upstream.token, "maton-from-file");
  EXPECT_EQ(result.config.upstream.connection, "c-7");
  EXPECT_EQ(result.config.upstream.api_url, "http://127.0.0.1:9000/gw");
  EXPECT_EQ(result.config.maton.ctrl_url, "http://x");
  EXPECT_THAT(result.config.upstream.token_source, HasSubstr(key_file));

  const auto refused = load({"--config", write_file(R"({"maton_api_key": "k"})")});
  EXPECT_THAT(refused.error, HasSubstr("may not hold the Maton API key"));
}

TEST_F(ConfigTest, TheLaterSourceWinsBetweenKeyFileAndEnvironment) {
  const std::string key_file = write_file("from-file");
  env_["MATON_API_KEY"] = "from-env";
  EXPECT_EQ(load({"--maton-api-key-file", key_file}).config.upstream.token, "from-file");
  const auto config = write_file(R"({"maton_api_key_file": ")" + key_file + R"("})");
  EXPECT_EQ(load({"--config", config}).config.upstream.token, "from-env");
  EXPECT_THAT(load({"--maton-api-key-file", "/nonexistent/key"}).error,
              HasSubstr("cannot read the Maton API key file /nonexistent/key"));
}

TEST_F(ConfigTest, CheckIsAnActionThatNeedsCredentialsButNoHttpSettings) {
  set_credentials();
  const auto result = load({"--check", "--transport", "http", "--host", "0.0.0.0"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.action, Action::Check);
  env_.clear();
  EXPECT_THAT(load({"--check"}).error, HasSubstr("no ActiveCampaign account configured"));
  EXPECT_TRUE(load({"--check", "--sandbox"}).ok());
}

TEST_F(ConfigTest, PerClientCredentialsNeedHttpButNoAccountOfTheServersOwn) {
  const auto result = load({"--transport", "http", "--per-client-credentials"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_FALSE(has_own_account(result.config));
  EXPECT_EQ(result.config.per_client_api_urls,
            (std::vector<std::string>{"https://*.api-us1.com", "https://*.activehosted.com"}));
  EXPECT_THAT(load({"--per-client-credentials"}).error,
              HasSubstr("--per-client-credentials needs --transport http"));
  EXPECT_THAT(load({"--transport", "http", "--per-client-credentials", "--check"}).error,
              HasSubstr("--check needs the server's own credentials"));
  set_credentials();
  EXPECT_TRUE(has_own_account(load({"--transport", "http", "--per-client-credentials"}).config));
}

TEST_F(ConfigTest, PerClientApiUrlsArePatterns) {
  const auto result =
      load({"--transport", "http", "--per-client-credentials", "--per-client-api-urls",
            "https://*.example.com, http://127.0.0.1:8080"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.per_client_api_urls,
            (std::vector<std::string>{"https://*.example.com", "http://127.0.0.1:8080"}));
  EXPECT_THAT(load({"--per-client-api-urls", "example.com"}).error,
              HasSubstr("holds \"example.com\": it must start with https:// or http://"));
}

TEST_F(ConfigTest, RedisRateLimitTakesAUrlAndAReplicaCount) {
  set_credentials();
  env_["ACTIVECAMPAIGN_RATE_LIMIT_REDIS"] = "redis://10.0.0.5:6379/2";
  const auto result = load({"--rate-limit-replicas", "3"});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.config.rate_limit_redis, "redis://10.0.0.5:6379/2");
  EXPECT_EQ(result.config.rate_limit_replicas, 3);
  EXPECT_EQ(load({}).config.rate_limit_replicas, 1);

  const auto refused = load({"--rate-limit-redis", "redis://user:hunter2@10.0.0.5:6379"});
  EXPECT_THAT(refused.error, HasSubstr("invalid --rate-limit-redis"));
  EXPECT_THAT(refused.error, HasSubstr("is not usable: Redis URL:"));
  EXPECT_THAT(refused.error, Not(HasSubstr("hunter2")));
  EXPECT_THAT(load({"--rate-limit-redis", "http://x:1"}).error, HasSubstr("redis://HOST:PORT"));
  EXPECT_THAT(load({"--rate-limit-replicas", "0"}).error, HasSubstr("a whole number from 1"));
}

}  // namespace
}  // namespace acmcp::app
