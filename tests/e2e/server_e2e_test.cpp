// End-to-end: the real binary over stdio pipes; the command line; tool calls through the built-in
// sandbox and through an in-process sandbox made slow on purpose.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <set>
#include <sstream>

#include "testkit/mcp_process.hpp"
#include "upstream_sandbox.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using testing::HasSubstr;
using testing::Not;

namespace acmcp::e2e {
namespace {

using namespace testkit;

constexpr const char* kSecretToken = "e2e-SECRET-token-42";

int error_code_of(const json& response) {
  return response.is_object() && response.contains("error") ? response["error"].value("code", 0)
                                                            : 0;
}

json call_tool(McpProcess& server, const json& id, const std::string& name, json arguments) {
  return server.request(id, "tools/call", {{"name", name}, {"arguments", std::move(arguments)}});
}

// --- protocol over stdio ---------------------------------------------------------------------

TEST(E2eProtocol, InitializeNegotiatesEachSupportedVersion) {
  for (const char* version : {"2025-11-25", "2025-06-18", "2025-03-26"}) {
    McpProcess server({"--sandbox"});
    const json result = server.initialize(version);
    EXPECT_EQ(result.value("protocolVersion", ""), version);
    EXPECT_EQ(result["serverInfo"]["name"], "activecampaign-mcp");
    EXPECT_EQ(result["serverInfo"]["title"], "ActiveCampaign MCP Server");
    EXPECT_EQ(result["serverInfo"]["version"], ACMCP_VERSION);
  }
}

TEST(E2eProtocol, InitializeAnswersLatestForUnknownVersion) {
  McpProcess server({"--sandbox"});
  EXPECT_EQ(server.initialize("1999-01-01").value("protocolVersion", ""), "2025-11-25");
}

TEST(E2eProtocol, InstructionsMentionSandbox) {
  McpProcess server({"--sandbox"});
  EXPECT_THAT(server.initialize().value("instructions", ""), HasSubstr("SANDBOX"));
}

TEST(E2eProtocol, PingAnswersEmptyObject) {
  McpProcess server({"--sandbox"});
  server.initialize();
  EXPECT_EQ(server.request(1, "ping")["result"], json::object());
}

TEST(E2eProtocol, ToolsListDescribesEveryTool) {
  McpProcess server({"--sandbox"});
  server.initialize();
  const json tools = server.request(2, "tools/list")["result"]["tools"];
  ASSERT_TRUE(tools.is_array());
  EXPECT_GT(tools.size(), 0u);
  for (const auto& tool : tools) {
    for (const char* key : {"name", "title", "inputSchema", "outputSchema", "annotations"}) {
      EXPECT_TRUE(tool.contains(key)) << tool.value("name", "?") << " lacks " << key;
    }
  }
}

TEST(E2eProtocol, UnknownMethodIsMethodNotFound) {
  McpProcess server({"--sandbox"});
  server.initialize();
  EXPECT_EQ(error_code_of(server.request(3, "prompts/list")), -32601);
}

TEST(E2eProtocol, MalformedLineIsParseErrorAndServerKeepsGoing) {
  McpProcess server({"--sandbox"});
  server.initialize();
  server.send_line("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":");
  const json error = server.read_message();
  EXPECT_EQ(error_code_of(error), -32700);
  EXPECT_TRUE(error["id"].is_null());
  EXPECT_EQ(server.request(5, "ping")["result"], json::object());
}

// Nesting past the limit is refused while parsing, before anything recurses over the value; the
// process goes on serving. No initialize is needed to send such a line.
TEST(E2eProtocol, DeeplyNestedLineIsParseErrorAndServerKeepsGoing) {
  McpProcess server({"--sandbox"});
  std::string objects;
  for (int i = 0; i < 70'000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(70'000, '}');
  for (const std::string& deep : {std::string(200'000, '[') + std::string(200'000, ']'), objects}) {
    server.send_line(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":)" + deep + "}}");
    const json error = server.read_message();
    EXPECT_EQ(error_code_of(error), -32700) << error;
    EXPECT_EQ(error["error"]["message"], "Parse error: JSON nested deeper than 64 levels");
    EXPECT_EQ(server.request(2, "ping")["result"], json::object());
  }
  server.close_stdin();
  EXPECT_EQ(server.finish(), 0);
}

// Input is read with back-pressure: 240 MB of 4 MB lines written at once never sit in memory
// together (without it the peak was about the whole input).
TEST(E2eProtocol, BigLinesAtOnceKeepMemoryWithinAFewLines) {
  McpProcess server({"--sandbox"});
  const std::string pad(4 * 1024 * 1024, 'x');
  const int lines = kSanitizedBuild ? 3 : 60;  // an instrumented parse of 4 MB is slow
  for (int i = 0; i < lines; ++i) {
    server.send_line(R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
                     R"(,"method":"ping","params":{"pad":")" + pad + R"("}})");
  }
  for (int i = 0; i < lines; ++i) EXPECT_EQ(server.read_message(30s)["id"], i);
  const long peak = server.rss_kib("VmHWM");
  ASSERT_GT(peak, 0);
  if (!kSanitizedBuild) {
    EXPECT_LT(peak, 120 * 1024) << "peak RSS " << peak << " KiB";
  }
}

// A raw NUL byte makes a line invalid JSON; nothing after it is silently dropped.
TEST(E2eProtocol, ARawNulByteIsAParseError) {
  McpProcess server({"--sandbox"});
  server.send_line(std::string(R"({"jsonrpc":"2.0","id":1,"method":"ping"})") + '\0' + "junk");
  const json error = server.read_message();
  EXPECT_EQ(error_code_of(error), -32700) << error;
  EXPECT_EQ(server.request(2, "ping")["result"], json::object());
}

// JSON-RPC ids are echoed exactly as sent, even integers beyond 64 bits.
TEST(E2eProtocol, HugeIntegerIdsAreEchoedExactly) {
  McpProcess server({"--sandbox"});
  for (const std::string id :
       {"18446744073709551616", "-99999999999999999999999", "12345678901234567890123"}) {
    server.send_line(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"ping"})");
    const auto line = server.read_line();
    ASSERT_TRUE(line);
    EXPECT_EQ(*line, R"({"id":)" + id + R"(,"jsonrpc":"2.0","result":{}})");
  }
  server.initialize();  // tools/list's answer is written from pre-serialised text
  server.send_line(R"({"jsonrpc":"2.0","id":18446744073709551617,"method":"tools/list"})");
  const auto line = server.read_line();
  ASSERT_TRUE(line);
  EXPECT_EQ(line->rfind(R"({"id":18446744073709551617,"jsonrpc":"2.0","result":{"tools":[)", 0), 0u)
      << line->substr(0, 80);
}

TEST(E2eProtocol, InvalidRequestIsRejected) {
  McpProcess server({"--sandbox"});
  server.initialize();
  server.send({{"jsonrpc", "2.0"}, {"id", 6}, {"method", 42}});
  EXPECT_EQ(error_code_of(server.read_message()), -32600);
}

TEST(E2eProtocol, UnknownToolIsInvalidParams) {
  McpProcess server({"--sandbox"});
  server.initialize();
  const json response = call_tool(server, 7, "fly_to_moon", json::object());
  EXPECT_EQ(error_code_of(response), -32602);
  EXPECT_THAT(response["error"].value("message", ""), HasSubstr("Unknown tool"));
}

// A tool the settings hide is absent from tools/list, and calling it anyway is an error naming
// the setting, with nothing sent to ActiveCampaign.
TEST(E2eProtocol, ReadOnlyHidesAndRefusesTheWritingTools) {
  McpProcess server({"--sandbox", "--read-only", "--exclude-tools", "get_tag"},
                    {{"ACTIVECAMPAIGN_TOOLSETS", "tags"}});
  server.initialize();
  std::set<std::string> names;
  const json listed = server.request(8, "tools/list");
  for (const auto& tool : listed["result"]["tools"]) {
    names.insert(tool["name"]);
  }
  EXPECT_EQ(names, std::set<std::string>{"get_many_tags"}) << listed.dump().substr(0, 300);

  json response = call_tool(server, 9, "create_tag", {{"Tag", "Leaked"}});
  EXPECT_EQ(error_code_of(response), -32602);
  EXPECT_THAT(response["error"].value("message", ""), HasSubstr("read-only (--read-only"));
  response = call_tool(server, 10, "get_tag", {{"TagId", 1}});
  EXPECT_THAT(response["error"].value("message", ""), HasSubstr("--exclude-tools"));
  response = call_tool(server, 11, "get_contact", {{"ContactId", 1}});
  EXPECT_THAT(response["error"].value("message", ""), HasSubstr("--toolsets"));

  response = call_tool(server, 12, "get_many_tags", {{"SearchText", "Leaked"}});
  const json& tags = response["result"]["structuredContent"]["Tags"];
  EXPECT_EQ(tags["Pagination"]["total"], 0) << tags.dump();
}

TEST(E2eProtocol, EndOfStdinExitsCleanly) {
  McpProcess server({"--sandbox"});
  server.initialize();
  server.close_stdin();
  EXPECT_EQ(server.wait_exit(), 0);
}

TEST(E2eProtocol, SigintExitsCleanly) {
  McpProcess server({"--sandbox"});
  server.initialize();
  server.signal(SIGINT);
  EXPECT_EQ(server.wait_exit(), 0);
}

TEST(E2eProtocol, StdoutCarriesOnlyJsonRpcLines) {
  McpProcess server({"--sandbox", "--log-level", "debug"});
  server.initialize();
  server.request(1, "logging/setLevel", {{"level", "debug"}});
  server.request(2, "tools/list");
  server.request(3, "nope");
  call_tool(server, 4, "get_many_contacts", json::object());
  server.send_line("not json at all");
  server.close_stdin();
  EXPECT_EQ(server.finish(), 0);
  const auto lines = server.stdout_lines();
  EXPECT_GE(lines.size(), 5u);
  for (const auto& line : lines) {
    const json message = json::parse(line, nullptr, false);
    ASSERT_TRUE(message.is_object()) << line;
    EXPECT_EQ(message["jsonrpc"], "2.0") << line;
  }
  EXPECT_THAT(server.stderr_text(), HasSubstr("ready"));
}

TEST(E2eProtocol, LogRecordsReachTheClientAfterSetLevel) {
  McpProcess server({"--sandbox", "--log-level", "error"});  // stderr quiet, client still served
  server.initialize();
  EXPECT_EQ(server.request(1, "logging/setLevel", {{"level", "info"}})["result"], json::object());
  server.initialize();  // logs "client e2e 1 initialized ..." at info
  server.request(2, "ping");
  bool seen = false;
  for (const auto& line : server.stdout_lines()) {
    const json message = json::parse(line, nullptr, false);
    if (message.is_object() && message.value("method", "") == "notifications/message") {
      EXPECT_EQ(message["params"]["logger"], "activecampaign-mcp");
      EXPECT_EQ(message["params"]["level"], "info");
      seen = seen ||
             message["params"]["data"].get<std::string>().find("initialized") != std::string::npos;
    }
  }
  EXPECT_TRUE(seen);
  server.close_stdin();
  server.finish();
  EXPECT_THAT(server.stderr_text(), Not(HasSubstr("initialized")));
}

TEST(E2eProtocol, NoLogRecordsWithoutSetLevel) {
  McpProcess server({"--sandbox"});
  server.initialize();
  server.initialize();
  server.request(1, "ping");
  for (const auto& line : server.stdout_lines())
    EXPECT_THAT(line, Not(HasSubstr("notifications/message")));
}

TEST(E2eProtocol, ReadyMessageGoesToStderr) {
  McpProcess server({"--sandbox"});
  server.close_stdin();
  server.finish();
  EXPECT_THAT(server.stderr_text(),
              HasSubstr("activecampaign-mcp " ACMCP_VERSION " ready (sandbox)"));
}

// --- command line ----------------------------------------------------------------------------

TEST(E2eCommandLine, VersionPrintsVersion) {
  const auto result = run_to_completion({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "activecampaign-mcp " ACMCP_VERSION "\n");
}

TEST(E2eCommandLine, HelpDescribesOptions) {
  const auto result = run_to_completion({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("--sandbox"));
  EXPECT_THAT(result.out, HasSubstr("ACTIVECAMPAIGN_API_TOKEN"));
}

TEST(E2eCommandLine, HelpNeverPrintsTheToken) {
  const auto result = run_to_completion({"--help"}, {{"ACTIVECAMPAIGN_API_TOKEN", kSecretToken}});
  EXPECT_THAT(result.out + result.err, Not(HasSubstr(kSecretToken)));
}

TEST(E2eCommandLine, ListToolsShowsWhatTheSettingsLeave) {
  const auto result = run_to_completion(
      {"--list-tools", "--toolsets", "tags", "--read-only", "--tool-prefix", "ac_"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "ac_get_many_tags\tGet Many Tags\nac_get_tag\tGet a Tag\n");
}

// Names are checked where they are known, by the tool registry, before anything is served.
TEST(E2eCommandLine, AnUnknownToolOrToolsetStopsTheServer) {
  struct Case {
    std::vector<std::string> arguments;
    std::string error;
    std::string valid;  // part of the list of valid names that follows it
  };
  for (const Case& each : {Case{{"--sandbox", "--tools", "get_contacts"},
                                "unknown tool \"get_contacts\"",
                                "get_many_contacts"},
                           Case{{"--list-tools", "--exclude-tools", "get_contacts"},
                                "unknown tool \"get_contacts\"",
                                "get_many_contacts"},
                           Case{{"--sandbox", "--toolsets", "contacts,campaigns"},
                                "unknown toolset \"campaigns\"",
                                "accounts, contacts, deals, ecommerce, lists, tags"},
                           Case{{"--list-tools", "--toolsets", "campaigns"},
                                "unknown toolset \"campaigns\"",
                                "accounts, contacts, deals, ecommerce, lists, tags"}}) {
    const auto result = run_to_completion(each.arguments);
    EXPECT_EQ(result.exit_code, 2) << each.error;
    EXPECT_THAT(result.err, HasSubstr(each.error));
    EXPECT_THAT(result.err, HasSubstr(each.valid));
  }
}

TEST(E2eCommandLine, ListToolsPrintsNameTabTitle) {
  const auto result = run_to_completion({"--list-tools"});
  EXPECT_EQ(result.exit_code, 0);
  std::istringstream lines(result.out);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    EXPECT_EQ(line.find("activecampaign"), std::string::npos) << line;
    EXPECT_GT(line.size(), tab + 1) << "no title: " << line;
  }
  EXPECT_GT(count, 0);
}

TEST(E2eCommandLine, MissingCredentialsExitWithCode2) {
  const auto result = run_to_completion({});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("ACTIVECAMPAIGN_API_URL"));
  EXPECT_THAT(result.err, HasSubstr("ACTIVECAMPAIGN_API_TOKEN"));
  EXPECT_THAT(result.err, HasSubstr("--sandbox"));
  EXPECT_EQ(result.out, "");
}

TEST(E2eCommandLine, InvalidHttpSettingExitsWithCode2) {
  const auto result = run_to_completion({"--transport", "http", "--sandbox", "--port", "99999"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--port"));
  EXPECT_EQ(result.out, "");
}

TEST(E2eCommandLine, HelpDescribesTheHttpTransport) {
  const auto result = run_to_completion({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* flag : {"--host", "--port", "--stateless", "--allow-origin", "--auth-token-file",
                           "--allow-unauthenticated", "--session-idle-timeout", "--max-body-bytes",
                           "--max-connections", "MCP_AUTH_TOKEN", "/metrics", "/healthz"}) {
    EXPECT_THAT(result.out, HasSubstr(flag));
  }
}

TEST(E2eCommandLine, InvalidValuesExitWithCode2WithoutShowingTheToken) {
  const auto result = run_to_completion({}, {{"ACTIVECAMPAIGN_API_URL", "https://x.api-us1.com"},
                                             {"ACTIVECAMPAIGN_API_TOKEN", kSecretToken},
                                             {"ACTIVECAMPAIGN_TIMEOUT_MS", "never"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("ACTIVECAMPAIGN_TIMEOUT_MS"));
  EXPECT_THAT(result.err, Not(HasSubstr(kSecretToken)));
}

TEST(E2eCommandLine, UnknownFlagExitsWithCode2) {
  EXPECT_EQ(run_to_completion({"--frobnicate"}).exit_code, 2);
}

// --- tools through the built-in sandbox ------------------------------------------------------

TEST(E2eSandbox, GetManyContactsSucceeds) {
  McpProcess server({"--sandbox"});
  server.initialize();
  const json result = call_tool(server, 10, "get_many_contacts", json::object())["result"];
  EXPECT_EQ(result["structuredContent"]["StatusCode"], 200) << result;
  EXPECT_EQ(result["isError"], false);
}

TEST(E2eSandbox, InvalidArgumentsGiveStatusMinusOne) {
  McpProcess server({"--sandbox"});
  server.initialize();
  const json result = call_tool(server, 11, "get_contact", json::object())["result"];
  EXPECT_EQ(result["structuredContent"]["StatusCode"], -1) << result;
  EXPECT_EQ(result["isError"], true);
}

// --- an upstream in this process, which a test can make slow or hostile ----------------------

class E2eUpstream : public testing::Test {
 protected:
  std::unique_ptr<McpProcess> start_server() {
    auto server = std::make_unique<McpProcess>(std::vector<std::string>{}, upstream_.environment());
    server->initialize();
    return server;
  }

  UpstreamSandbox upstream_{kSecretToken};
};

// An upstream (or anything between us and an http upstream) that answers with nesting deep
// enough to overflow any recursion gets a clear error, and the process goes on.
TEST_F(E2eUpstream, DeeplyNestedBodyIs500AndTheServerKeepsGoing) {
  testkit::Fault deep;
  deep.kind = testkit::Fault::Kind::Status;
  deep.status = 200;
  deep.method = "GET";
  deep.path_prefix = "/contacts";
  deep.count = -1;
  deep.body = R"({"contacts":)" + std::string(200'000, '[') + std::string(200'000, ']') + "}";
  testkit::add_fault(upstream_.server(), deep);
  auto server = start_server();
  const json result = call_tool(*server, 1, "get_many_contacts", json::object())["result"];
  const json& envelope = result["structuredContent"];
  EXPECT_EQ(envelope["StatusCode"], 500) << result;
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("with a body that is JSON nested deeper than 64 levels; refused"));
  EXPECT_EQ(result["isError"], true);
  EXPECT_EQ(call_tool(*server, 2, "get_many_tags",
                      json::object())["result"]["structuredContent"]["StatusCode"],
            200);
}

class E2eSlowUpstream : public E2eUpstream {
 protected:
  static constexpr auto kDelay = std::chrono::milliseconds(1500);

  E2eSlowUpstream() { upstream_.delay_gets("/contacts", kDelay); }

  static void send_slow_call(McpProcess& server, const json& id) {
    server.send({{"jsonrpc", "2.0"},
                 {"id", id},
                 {"method", "tools/call"},
                 {"params", {{"name", "get_many_contacts"}, {"arguments", json::object()}}}});
  }
};

TEST_F(E2eSlowUpstream, PingIsAnsweredBeforeASlowCall) {
  auto server = start_server();
  send_slow_call(*server, "slow");
  server->send({{"jsonrpc", "2.0"}, {"id", "ping"}, {"method", "ping"}});
  const json first = server->read_message(5s);
  EXPECT_EQ(first["id"], "ping");
  const json second = server->read_message(5s);
  EXPECT_EQ(second["id"], "slow");
  EXPECT_EQ(second["result"]["structuredContent"]["StatusCode"], 200) << second;
}

TEST_F(E2eSlowUpstream, CancelledCallNeverAnswers) {
  auto server = start_server();
  send_slow_call(*server, 21);
  std::this_thread::sleep_for(100ms);
  server->send(
      {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 21}}}});
  EXPECT_EQ(server->request(22, "ping")["result"], json::object());
  // Well past the upstream delay: still nothing for request 21.
  EXPECT_EQ(server->read_line(kDelay + 700ms), std::nullopt);
  server->close_stdin();
  EXPECT_EQ(server->wait_exit(), 0);
}

TEST_F(E2eSlowUpstream, SigtermWithACallInFlightExitsZero) {
  auto server = start_server();
  send_slow_call(*server, 30);
  std::this_thread::sleep_for(200ms);
  server->signal(SIGTERM);
  EXPECT_EQ(server->wait_exit(10s), 0);
}

TEST_F(E2eSlowUpstream, TokenNeverReachesStdoutOrStderr) {
  auto server = start_server();
  server->request(40, "logging/setLevel", {{"level", "debug"}});
  send_slow_call(*server, 41);
  server->read_message(5s);
  server->close_stdin();
  server->finish();
  EXPECT_THAT(server->stderr_text(), Not(HasSubstr(kSecretToken)));
  for (const auto& line : server->stdout_lines()) EXPECT_THAT(line, Not(HasSubstr(kSecretToken)));
  EXPECT_THAT(server->stderr_text(), HasSubstr("ready (activecampaign at http://127.0.0.1:"));
}

}  // namespace
}  // namespace acmcp::e2e
