// End-to-end over Streamable HTTP: the real binary started with --transport http --port 0, driven
// with raw HTTP requests; the happy path, every error path, /healthz, /metrics, shutdown, progress.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "testkit/http_client.hpp"
#include "testkit/mcp_process.hpp"
#include "upstream_sandbox.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using testing::HasSubstr;
using testing::Not;

namespace acmcp::e2e {
namespace {

using namespace testkit;

constexpr const char* kBearerToken = "e2e-BEARER-secret-77";

json rpc(const json& id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json initialize_request(const std::string& version = "2025-11-25") {
  return rpc("init", "initialize",
             {{"protocolVersion", version},
              {"capabilities", json::object()},
              {"clientInfo", {{"name", "e2e-http"}, {"version", "1"}}}});
}

// The binary serving HTTP on a free port; the port is read from its "listening on" log line.
class HttpServer {
 public:
  explicit HttpServer(std::vector<std::string> extra = {},
                      std::map<std::string, std::string> env = {}, bool sandbox = true) {
    std::vector<std::string> arguments = {"--transport", "http", "--port", "0"};
    if (sandbox) arguments.push_back("--sandbox");
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    process_ = std::make_unique<McpProcess>(std::move(arguments), std::move(env));
    const auto text = process_->wait_for_stderr("/mcp\n");
    if (!text) return;
    static const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+)/mcp)");
    std::smatch match;
    if (std::regex_search(*text, match, listening)) port_ = std::stoi(match[1].str());
  }

  // The server does not stop when stdin closes, as a stdio server does: stop it as a service.
  ~HttpServer() {
    if (!process_->exited()) process_->signal(SIGTERM);
    process_->wait_exit();
  }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const { return static_cast<std::uint16_t>(port_); }
  bool listening() const { return port_ > 0; }
  McpProcess& process() { return *process_; }

  std::optional<HttpResult> post(const json& message, Headers headers = {}) {
    HttpClient client(port());
    return client.request("POST", "/mcp", message.dump(), headers);
  }
  std::optional<HttpResult> get(const std::string& target, Headers headers = {}) {
    HttpClient client(port());
    return client.request("GET", target, "", headers);
  }

  // initialize + notifications/initialized; returns the session id ("" when stateless/failed).
  std::string initialize(Headers headers = {}) {
    const auto answer = post(initialize_request(), headers);
    if (!answer || answer->status != 200) return "";
    const std::string id = answer->header("mcp-session-id");
    headers.emplace_back("Mcp-Session-Id", id);
    headers.emplace_back("MCP-Protocol-Version", "2025-11-25");
    post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, headers);
    return id;
  }

  static Headers session_headers(const std::string& id) {
    return {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "2025-11-25"}};
  }

 private:
  std::unique_ptr<McpProcess> process_;
  int port_ = 0;
};

// The single JSON-RPC message of an answer, whether JSON or an event stream.
json reply_of(const HttpResult& answer) {
  if (answer.header("content-type").starts_with("text/event-stream")) {
    const auto events = answer.events();
    return events.empty() ? json() : events.back();
  }
  return answer.json();
}

json call_tool(const std::string& name, json arguments, const json& id = 7) {
  return rpc(id, "tools/call", {{"name", name}, {"arguments", std::move(arguments)}});
}

class TempFile {
 public:
  explicit TempFile(const std::string& content)
      : path_(::testing::TempDir() + "acmcp-e2e-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// --- the happy path ------------------------------------------------------------------------

TEST(E2eHttp, LogsTheRealPortWhenAskedForPortZero) {
  HttpServer server;
  ASSERT_TRUE(server.listening()) << server.process().stderr_text();
  EXPECT_NE(server.port(), 0);
}

TEST(E2eHttp, InitializeIssuesASessionId) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto answer = server.post(initialize_request());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->header("mcp-session-id").size(), 32u);
  const json reply = reply_of(*answer);
  EXPECT_EQ(reply["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(reply["result"]["serverInfo"]["name"], "activecampaign-mcp");
  EXPECT_THAT(reply["result"].value("instructions", ""), HasSubstr("SANDBOX"));
}

TEST(E2eHttp, NotificationGets202) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto id = server.initialize();
  const auto answer = server.post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
                                  HttpServer::session_headers(id));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 202);
  EXPECT_EQ(answer->body, "");
}

TEST(E2eHttp, ToolsListAndToolCallThroughTheSandbox) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto id = server.initialize();
  ASSERT_FALSE(id.empty());
  const auto list = server.post(rpc(2, "tools/list"), HttpServer::session_headers(id));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  const json tools = reply_of(*list)["result"]["tools"];
  ASSERT_TRUE(tools.is_array());
  EXPECT_GT(tools.size(), 50u);

  const auto call =
      server.post(call_tool("get_many_tags", json::object()), HttpServer::session_headers(id));
  ASSERT_TRUE(call);
  EXPECT_EQ(call->status, 200);
  const json result = reply_of(*call)["result"];
  EXPECT_EQ(result["structuredContent"]["StatusCode"], 200) << result;
  EXPECT_EQ(result["structuredContent"]["ErrorMessage"], "");
  EXPECT_EQ(result["isError"], false);
}

TEST(E2eHttp, StatelessModeServesWithoutSessionIds) {
  HttpServer server({"--stateless"});
  ASSERT_TRUE(server.listening());
  const auto init = server.post(initialize_request());
  ASSERT_TRUE(init);
  EXPECT_EQ(init->status, 200);
  EXPECT_EQ(init->header("mcp-session-id"), "");
  const auto call = server.post(call_tool("get_many_tags", json::object()),
                                {{"MCP-Protocol-Version", "2025-11-25"}});
  ASSERT_TRUE(call);
  EXPECT_EQ(call->status, 200);
  EXPECT_EQ(reply_of(*call)["result"]["structuredContent"]["StatusCode"], 200);
}

// --- error paths ---------------------------------------------------------------------------

TEST(E2eHttp, ForeignOriginIsForbidden) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto answer = server.post(initialize_request(), {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 403);
}

TEST(E2eHttp, AllowedOriginPasses) {
  HttpServer server({"--allow-origin", "https://app.example.com"});
  ASSERT_TRUE(server.listening());
  const auto answer = server.post(initialize_request(), {{"Origin", "https://app.example.com"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
}

TEST(E2eHttp, RequestWithoutSessionIs400) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  server.initialize();
  const auto answer = server.post(rpc(2, "tools/list"), {{"MCP-Protocol-Version", "2025-11-25"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
}

TEST(E2eHttp, UnknownSessionIs404) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto answer =
      server.post(rpc(2, "tools/list"), HttpServer::session_headers("0123456789abcdef"));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 404);
}

TEST(E2eHttp, UnsupportedProtocolVersionIs400) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto id = server.initialize();
  const auto answer = server.post(rpc(2, "tools/list"),
                                  {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "1999-01-01"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_THAT(answer->body, HasSubstr("1999-01-01"));
}

TEST(E2eHttp, MalformedJsonIs400WithParseError) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  HttpClient client(server.port());
  const auto answer = client.request("POST", "/mcp", "{\"jsonrpc\": ");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_EQ(answer->json()["error"]["code"], -32700);
}

// About 400 KB, under the body limit: refused while parsing, and the server and its sessions live.
TEST(E2eHttp, DeeplyNestedBodyIs400WithParseErrorAndServerKeepsServing) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto session = server.initialize();
  HttpClient client(server.port());
  const std::string body =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
      R"("capabilities":{},"clientInfo":{"name":"deep","version":"1"},"x":)" +
      std::string(200'000, '[') + std::string(200'000, ']') + "}}";
  const auto answer = client.request("POST", "/mcp", body);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_EQ(answer->json()["error"]["code"], -32700);
  EXPECT_EQ(answer->json()["error"]["message"],
            "Parse error: the body is JSON nested deeper than 64 levels");
  const auto ping = server.post(rpc(2, "ping"), HttpServer::session_headers(session));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 200);
  EXPECT_EQ(reply_of(*ping)["result"], json::object());
}

// 250 strangers each send about 1 MB of a body and stall: without the token nothing of it is
// kept (the answer comes after the header), so memory stays where it was.
TEST(E2eHttp, UnauthenticatedBodiesAreNeverHeldInMemory) {
  HttpServer server({"--max-connections", "300", "--max-connections-per-client", "0"},
                    {{"MCP_AUTH_TOKEN", "e2e-bearer"}});
  ASSERT_TRUE(server.listening());
  const long before = server.process().rss_kib();
  const std::string header =
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Accept: application/json, text/event-stream\r\nContent-Length: 1040000\r\n\r\n";
  const std::string body(1'000'000, ' ');
  std::vector<std::unique_ptr<HttpClient>> stalled;
  int unauthorized = 0;
  for (int i = 0; i < 250; ++i) {
    stalled.push_back(std::make_unique<HttpClient>(server.port()));
    stalled.back()->write_raw(header);
    if (auto reply = stalled.back()->read_response(2s); reply && reply->status == 401) {
      ++unauthorized;
    }
    stalled.back()->write_raw(body);
  }
  const long after = server.process().rss_kib();
  EXPECT_EQ(unauthorized, 250);
  ASSERT_GT(before, 0);
  if (!kSanitizedBuild) {
    EXPECT_LT(after - before, 64 * 1024) << "RSS grew from " << before << " KiB to " << after;
  }
}

// A flood of refused connections costs a log line per interval, not one per connection.
TEST(E2eHttp, RefusedConnectionsAreLoggedAsASummary) {
  HttpServer server({"--max-connections-per-client", "1"});
  ASSERT_TRUE(server.listening());
  HttpClient holder(server.port());
  holder.write_raw("GET /healthz HTTP/1.1\r\n");
  int refused = 0;
  for (int i = 0; i < 300; ++i) {
    HttpClient client(server.port());
    if (auto reply = client.read_response(2s); reply && reply->status == 503) ++refused;
  }
  EXPECT_EQ(refused, 300);
  const std::string log = server.process().stderr_text();
  std::size_t lines = 0;
  for (auto at = log.find("refused "); at != std::string::npos; at = log.find("refused ", at + 1)) {
    ++lines;
  }
  EXPECT_GE(lines, 1u) << log;
  EXPECT_LE(lines, 3u) << log;
  EXPECT_THAT(log, HasSubstr("already open from 127.0.0.1 (--max-connections-per-client)"));
}

// Thousands of initialize calls: the session table stays at its limit, and so does memory.
TEST(E2eHttp, SessionLimitBoundsSessionsAndMemory) {
  HttpServer server({"--max-sessions", "50"});
  ASSERT_TRUE(server.listening());
  HttpClient client(server.port());
  const std::string initialize = initialize_request().dump();
  for (int i = 0; i < 200; ++i) ASSERT_EQ(client.request("POST", "/mcp", initialize)->status, 200);
  const long warm = server.process().rss_kib();
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(client.request("POST", "/mcp", initialize)->status, 200);
  const long after = server.process().rss_kib();
  const auto health = server.get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->json()["sessions"], 50);
  if (!kSanitizedBuild) {
    EXPECT_LT(after - warm, 8 * 1024) << "RSS grew from " << warm << " KiB to " << after;
  }
}

// One session floods the account's 5 requests per second with a batch of 1,000 calls; another
// session's single call still gets its turn at once, and the flood queues at most
// --max-queued-calls (the rest are refused with a time to retry).
TEST(E2eHttp, AFloodingSessionDoesNotStarveAnother) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto flooder = server.post(initialize_request("2025-03-26"));
  ASSERT_TRUE(flooder);
  const std::string flooder_id = flooder->header("mcp-session-id");
  json batch = json::array();
  for (int i = 0; i < 1'000; ++i) {
    batch.push_back(call_tool("get_many_tags", {{"Limit", 1}}, i));
  }
  HttpClient flood(server.port());
  flood.send("POST", "/mcp", batch.dump(),
             {{"Mcp-Session-Id", flooder_id}, {"MCP-Protocol-Version", "2025-03-26"}});

  const auto other = server.initialize();
  ASSERT_FALSE(other.empty());
  std::this_thread::sleep_for(300ms);  // the flood is queued by now
  const auto started = std::chrono::steady_clock::now();
  const auto answer =
      server.post(call_tool("get_many_tags", {{"Limit", 1}}), HttpServer::session_headers(other));
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(answer) << "no answer within 5 s";
  EXPECT_EQ(reply_of(*answer)["result"]["structuredContent"]["StatusCode"], 200);
  EXPECT_LT(waited, 4s);

  const auto flood_answer = flood.read_response(30s);
  ASSERT_TRUE(flood_answer);
  const json replies = flood_answer->json();
  ASSERT_TRUE(replies.is_array());
  ASSERT_EQ(replies.size(), 1'000u);
  int busy = 0;
  for (const auto& reply : replies) {
    const auto& envelope = reply["result"]["structuredContent"];
    if (envelope["StatusCode"] == 500) {
      EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
                  HasSubstr("this server is busy: 50 requests of this client already wait"));
      ++busy;
    } else {
      EXPECT_EQ(envelope["StatusCode"], 200) << envelope;
    }
  }
  // At most 50 wait at any moment; the others that got through started at 5 per second while the
  // batch was being dispatched, which takes a few seconds in an instrumented build.
  EXPECT_GE(busy, 800);
}

TEST(E2eHttp, WrongContentTypeIs415) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  HttpClient client(server.port());
  const auto answer =
      client.request("POST", "/mcp", initialize_request().dump(), {{"Content-Type", "text/plain"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 415);
}

TEST(E2eHttp, OversizedBodyIs413) {
  HttpServer server({"--max-body-bytes", "2048"});
  ASSERT_TRUE(server.listening());
  json big = initialize_request();
  big["params"]["clientInfo"]["name"] = std::string(4096, 'x');
  const auto answer = server.post(big);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413);
}

TEST(E2eHttp, GetInStatelessModeIs405) {
  HttpServer server({"--stateless"});
  ASSERT_TRUE(server.listening());
  const auto answer = server.get("/mcp", {{"Accept", "text/event-stream"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 405);
}

TEST(E2eHttp, DeleteEndsTheSession) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto id = server.initialize();
  HttpClient client(server.port());
  const auto deleted = client.request("DELETE", "/mcp", "", HttpServer::session_headers(id));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  const auto after = server.post(rpc(3, "ping"), HttpServer::session_headers(id));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 404);
}

// --- bearer token --------------------------------------------------------------------------

TEST(E2eHttp, WrongOrMissingBearerTokenIs401) {
  TempFile token(std::string(kBearerToken) + "\n");
  HttpServer server({"--auth-token-file", token.path()});
  ASSERT_TRUE(server.listening());
  const auto missing = server.post(initialize_request());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_THAT(missing->header("www-authenticate"), HasSubstr("Bearer"));
  const auto wrong = server.post(initialize_request(), {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  const auto right =
      server.post(initialize_request(), {{"Authorization", std::string("Bearer ") + kBearerToken}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
}

TEST(E2eHttp, BearerTokenFromEnvironmentIsRequired) {
  HttpServer server({}, {{"MCP_AUTH_TOKEN", kBearerToken}});
  ASSERT_TRUE(server.listening());
  EXPECT_EQ(server.post(initialize_request())->status, 401);
  EXPECT_EQ(
      server.post(initialize_request(), {{"Authorization", std::string("Bearer ") + kBearerToken}})
          ->status,
      200);
}

TEST(E2eHttp, MetricsNeedTheBearerTokenButHealthDoesNot) {
  HttpServer server({}, {{"MCP_AUTH_TOKEN", kBearerToken}});
  ASSERT_TRUE(server.listening());
  EXPECT_EQ(server.get("/metrics")->status, 401);
  EXPECT_EQ(
      server.get("/metrics", {{"Authorization", std::string("Bearer ") + kBearerToken}})->status,
      200);
  EXPECT_EQ(server.get("/healthz")->status, 200);
}

TEST(E2eHttp, BearerTokenNeverReachesTheLogs) {
  HttpServer server({"--log-level", "debug"}, {{"MCP_AUTH_TOKEN", kBearerToken}});
  ASSERT_TRUE(server.listening());
  const Headers auth = {{"Authorization", std::string("Bearer ") + kBearerToken}};
  const auto id = server.initialize(auth);
  Headers headers = HttpServer::session_headers(id);
  headers.insert(headers.end(), auth.begin(), auth.end());
  server.post(call_tool("get_many_tags", json::object()), headers);
  server.post(initialize_request(), {{"Authorization", "Bearer wrong"}});
  server.get("/metrics", auth);
  server.process().signal(SIGTERM);
  server.process().finish();
  EXPECT_THAT(server.process().stderr_text(), Not(HasSubstr(kBearerToken)));
}

// --- /healthz and /metrics -----------------------------------------------------------------

TEST(E2eHttp, HealthzReportsSandboxVersionAndSessions) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  server.initialize();
  const auto answer = server.get("/healthz");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  const json health = answer->json();
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["upstream"], "sandbox");
  EXPECT_EQ(health["version"], ACMCP_VERSION);
  EXPECT_EQ(health["sessions"], 1);
}

TEST(E2eHttp, MetricsCountToolCallsAndRequests) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto id = server.initialize();
  server.post(call_tool("get_many_tags", json::object()), HttpServer::session_headers(id));
  server.post(call_tool("get_tag", {{"TagId", "x"}}, 8), HttpServer::session_headers(id));
  const auto answer = server.get("/metrics");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_THAT(answer->header("content-type"), HasSubstr("text/plain; version=0.0.4"));
  const std::string& text = answer->body;
  EXPECT_THAT(text, HasSubstr("# TYPE acmcp_tool_calls_total counter"));
  EXPECT_THAT(text, HasSubstr("acmcp_tool_calls_total{tool=\"get_many_tags\","
                              "status=\"200\",is_error=\"false\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_tool_calls_total{tool=\"get_tag\","
                              "status=\"-1\",is_error=\"true\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_tool_call_duration_seconds_count{tool="
                              "\"get_many_tags\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_upstream_requests_total{status=\"200\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_upstream_request_duration_seconds_count 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_http_requests_total{method=\"POST\",status=\"200\"}"));
  EXPECT_THAT(text, HasSubstr("acmcp_http_requests_total{method=\"POST\",status=\"202\"} 1"));
  EXPECT_THAT(text, HasSubstr("acmcp_http_sessions 1"));
}

TEST(E2eHttp, UnknownPathIs404) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  EXPECT_EQ(server.get("/nowhere")->status, 404);
}

// --- refusals at start-up ------------------------------------------------------------------

TEST(E2eHttp, NonLoopbackWithoutTokenIsRefused) {
  const auto run =
      run_to_completion({"--transport", "http", "--host", "0.0.0.0", "--port", "0", "--sandbox"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("refusing to listen on 0.0.0.0"));
  EXPECT_THAT(run.err, HasSubstr("--allow-unauthenticated"));
}

TEST(E2eHttp, NonLoopbackWithTokenStarts) {
  HttpServer server({"--host", "0.0.0.0"}, {{"MCP_AUTH_TOKEN", kBearerToken}});
  const auto text = server.process().wait_for_stderr("listening on http://0.0.0.0:");
  EXPECT_TRUE(text);
  server.process().signal(SIGTERM);
  EXPECT_EQ(server.process().wait_exit(), 0);
}

TEST(E2eHttp, PortInUseFailsWithExitCode1) {
  HttpServer first;
  ASSERT_TRUE(first.listening());
  const auto run = run_to_completion(
      {"--transport", "http", "--port", std::to_string(first.port()), "--sandbox"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("cannot listen"));
}

TEST(E2eHttp, SigtermWhenIdleExitsZero) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  server.initialize();
  server.process().signal(SIGTERM);
  EXPECT_EQ(server.process().wait_exit(), 0);
}

// --- progress ------------------------------------------------------------------------------

std::vector<json> progress_of(const std::vector<json>& messages) {
  std::vector<json> progress;
  for (const auto& message : messages) {
    if (message.value("method", "") == "notifications/progress") progress.push_back(message);
  }
  return progress;
}

void expect_increasing(const std::vector<json>& progress) {
  for (std::size_t i = 1; i < progress.size(); ++i) {
    EXPECT_GT(progress[i]["params"]["progress"].get<double>(),
              progress[i - 1]["params"]["progress"].get<double>());
  }
}

TEST(E2eHttp, ProgressNotificationsArriveOverSse) {
  HttpServer server;
  ASSERT_TRUE(server.listening());
  const auto id = server.initialize();
  json request = call_tool("create_tag", {{"Tag", "Progress over SSE"}});
  request["params"]["_meta"] = {{"progressToken", "sse-1"}};
  const auto answer = server.post(request, HttpServer::session_headers(id));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_THAT(answer->header("content-type"), HasSubstr("text/event-stream"));
  const auto events = answer->events();
  const auto progress = progress_of(events);
  ASSERT_GE(progress.size(), 2u);
  EXPECT_EQ(progress[0]["params"]["progressToken"], "sse-1");
  expect_increasing(progress);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["result"]["structuredContent"]["StatusCode"], 200);
}

// A session that asked for log records gets its own and server-wide ones, never another
// session's: not its client name at info, nor its upstream paths at debug.
TEST(E2eHttp, LogRecordsNeverCrossSessions) {
  HttpServer server({}, {{"LOG_LEVEL", "debug"}});
  ASSERT_TRUE(server.listening());
  const auto listener = server.initialize();
  ASSERT_EQ(server
                .post(rpc(1, "logging/setLevel", {{"level", "debug"}}),
                      HttpServer::session_headers(listener))
                ->status,
            200);
  HttpClient stream(server.port());
  stream.send("GET", "/mcp", "",
              {{"Accept", "text/event-stream"},
               {"Mcp-Session-Id", listener},
               {"MCP-Protocol-Version", "2025-11-25"}});
  const auto head = stream.read_header();
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);

  json other_init = initialize_request();
  other_init["params"]["clientInfo"]["name"] = "other-client-7f3";
  const auto other = server.post(other_init);
  ASSERT_TRUE(other);
  const auto other_id = other->header("mcp-session-id");
  ASSERT_TRUE(server.post(call_tool("get_contact", {{"ContactId", 424242}}),
                          HttpServer::session_headers(other_id)));
  // The listener's own call, whose upstream record it must get.
  ASSERT_TRUE(
      server.post(call_tool("get_tag", {{"TagId", 1}}), HttpServer::session_headers(listener)));

  std::string seen;
  for (auto event = stream.next_event(2s); event; event = stream.next_event(1s)) {
    seen += event->dump() + "\n";
  }
  EXPECT_THAT(seen, HasSubstr("/tags/1"));  // its own upstream request
  EXPECT_THAT(seen, Not(HasSubstr("other-client-7f3")));
  EXPECT_THAT(seen, Not(HasSubstr("424242")));
  const std::string log = server.process().stderr_text();
  EXPECT_THAT(log, HasSubstr("other-client-7f3"));  // written, but only to stderr
  EXPECT_THAT(log, HasSubstr("/contacts/424242"));
}

TEST(E2eStdioProgress, ProgressNotificationsPrecedeTheResult) {
  McpProcess server({"--sandbox"});
  server.initialize();
  json request = call_tool("create_tag", {{"Tag", "Progress over stdio"}}, 5);
  request["params"]["_meta"] = {{"progressToken", 42}};
  server.send(request);
  std::vector<json> messages;
  for (json message = server.read_message(); message.is_object(); message = server.read_message()) {
    messages.push_back(message);
    if (message.contains("id")) break;
  }
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.back()["id"], 5);
  const auto progress = progress_of(messages);
  ASSERT_GE(progress.size(), 2u);
  EXPECT_EQ(progress[0]["params"]["progressToken"], 42);
  expect_increasing(progress);
}

TEST(E2eStdioProgress, RateLimitWaitsAreReportedAsProgress) {
  // 1 request per second: the second upstream request of create_tag waits for the limiter's
  // next window (about 1.1 s).
  McpProcess server({"--sandbox"}, {{"ACTIVECAMPAIGN_MAX_RPS", "1"}});
  server.initialize();
  json request = call_tool("create_tag", {{"Tag", "Paced"}}, 6);
  request["params"]["_meta"] = {{"progressToken", "paced"}};
  server.send(request);
  std::vector<json> messages;
  for (json message = server.read_message(); message.is_object(); message = server.read_message()) {
    messages.push_back(message);
    if (message.contains("id")) break;
  }
  const auto progress = progress_of(messages);
  ASSERT_GE(progress.size(), 3u);
  expect_increasing(progress);
  bool mentions_rate_limit = false;
  for (const auto& message : progress) {
    mentions_rate_limit |=
        message["params"].value("message", "").find("rate limit") != std::string::npos;
  }
  EXPECT_TRUE(mentions_rate_limit) << json(progress).dump();
}

// --- a slow upstream: shutdown with a call in flight ----------------------------------------

class E2eHttpSlowUpstream : public testing::Test {
 protected:
  static constexpr auto kDelay = std::chrono::milliseconds(1500);

  E2eHttpSlowUpstream() { upstream_.delay_gets("/tags", kDelay); }

  std::unique_ptr<HttpServer> start_server() {
    return std::make_unique<HttpServer>(std::vector<std::string>{}, upstream_.environment(),
                                        /*sandbox=*/false);
  }

  UpstreamSandbox upstream_{"slow-upstream-token"};
};

TEST_F(E2eHttpSlowUpstream, SigtermWithACallInFlightFinishesItAndExitsZero) {
  auto server = start_server();
  ASSERT_TRUE(server->listening()) << server->process().stderr_text();
  const auto id = server->initialize();
  HttpClient client(server->port());
  client.send("POST", "/mcp", call_tool("get_many_tags", json::object()).dump(),
              HttpServer::session_headers(id));
  std::this_thread::sleep_for(300ms);
  server->process().signal(SIGTERM);
  const auto answer = client.read_response(5s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(reply_of(*answer)["result"]["structuredContent"]["StatusCode"], 200);
  EXPECT_EQ(server->process().wait_exit(10s), 0);
}

TEST_F(E2eHttpSlowUpstream, HealthzReportsTheRealUpstream) {
  auto server = start_server();
  ASSERT_TRUE(server->listening());
  EXPECT_EQ(server->get("/healthz")->json()["upstream"], "activecampaign");
}

}  // namespace
}  // namespace acmcp::e2e
