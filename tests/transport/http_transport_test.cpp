// End-to-end tests of the Streamable HTTP transport: a real HttpTransport on a loopback port with
// real MCP sessions over fake tools, driven by a raw HTTP client.
#include "transport/http_transport.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

#include "testkit/fake_tools.hpp"
#include "testkit/http_client.hpp"
#include "transport/http_endpoint.hpp"

namespace acmcp::test {
namespace {

using namespace testkit;

using transport::HttpOptions;
using transport::HttpTransport;
using transport::kTransportError;
using transport::RequestHeaders;
using transport::SessionRefused;

json rpc(int id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json initialize_request(const std::string& version = "2025-11-25") {
  return rpc(1, "initialize",
             {{"protocolVersion", version},
              {"capabilities", json::object()},
              {"clientInfo", {{"name", "http-test"}, {"version", "1"}}}});
}

class HttpTransportTest : public ::testing::Test {
 protected:
  void TearDown() override { stop(0ms); }

  void start(HttpOptions options = {}) {
    options.port = 0;
    transport_ = std::make_unique<HttpTransport>(
        io_.io.get_executor(), std::move(options),
        [this](mcp::MessageSink sink, const RequestHeaders& headers) {
          if (open_hook_) open_hook_(headers);
          auto session =
              mcp::Session::create(io_.io.get_executor(), tools_,
                                   mcp::ServerInfo{"test", "1.0", "Test"}, "", std::move(sink));
          std::lock_guard lock(mutex_);
          sessions_.push_back(session);
          return session;
        });
    transport_->start();
    port_ = transport_->port();
  }

  // Runs shutdown(grace) to completion; false if it did not finish in time.
  bool stop(std::chrono::milliseconds grace) {
    if (!transport_ || stopped_) return true;
    stopped_ = true;
    auto done = asio::co_spawn(io_.io, transport_->shutdown(grace), asio::use_future);
    return done.wait_for(10s) == std::future_status::ready;
  }

  std::future<void> stop_async(std::chrono::milliseconds grace) {
    stopped_ = true;
    return asio::co_spawn(io_.io, transport_->shutdown(grace), asio::use_future);
  }

  std::shared_ptr<mcp::Session> last_session() {
    std::lock_guard lock(mutex_);
    return sessions_.empty() ? nullptr : sessions_.back();
  }

  std::optional<HttpResult> post(HttpClient& client, const json& message,
                                 const std::string& session_id = "", Headers headers = {}) {
    if (!session_id.empty()) headers.emplace_back("Mcp-Session-Id", session_id);
    return client.request("POST", "/mcp", message.dump(), headers);
  }

  // Initializes a session and returns its id ("" on failure).
  std::string initialize(HttpClient& client, const std::string& version = "2025-11-25") {
    auto reply = post(client, initialize_request(version));
    if (!reply || reply->status != 200) return "";
    post(client, {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
         reply->header("mcp-session-id"));
    return reply->header("mcp-session-id");
  }

  // Opens a GET event stream of `session_id` on `stream`; its status, 0 when no header came.
  int open_stream(HttpClient& stream, const std::string& session_id) {
    stream.send("GET", "/mcp", "",
                {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session_id}});
    const auto head = stream.read_header();
    return head ? head->status : 0;
  }

  // Waits until `condition` holds or `timeout` passes.
  template <typename Condition>
  bool eventually(Condition condition, std::chrono::milliseconds timeout = 3s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(2ms);
    }
    return true;
  }

  // Sees the headers of every request that opens a session; may throw SessionRefused.
  std::function<void(const RequestHeaders&)> open_hook_;
  FakeTools tools_;
  RunningIo io_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<mcp::Session>> sessions_;
  std::unique_ptr<HttpTransport> transport_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

// --- start ---

TEST_F(HttpTransportTest, PortZeroPicksAFreePort) {
  start();
  EXPECT_NE(port_, 0);
}

TEST_F(HttpTransportTest, StartFailsClearlyWhenThePortIsTaken) {
  start();
  HttpOptions options;
  options.port = port_;
  HttpTransport second(io_.io.get_executor(), options,
                       [](mcp::MessageSink, const RequestHeaders&) { return nullptr; });
  try {
    second.start();
    FAIL() << "start() should have thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(port_)), std::string::npos) << e.what();
  }
}

TEST_F(HttpTransportTest, StartRejectsAnInvalidAddress) {
  HttpOptions options;
  options.host = "not an address";
  HttpTransport bad(io_.io.get_executor(), options,
                    [](mcp::MessageSink, const RequestHeaders&) { return nullptr; });
  EXPECT_THROW(bad.start(), std::runtime_error);
}

// --- sessions ---

TEST_F(HttpTransportTest, InitializeIssuesASessionId) {
  start();
  HttpClient client(port_);
  auto reply = post(client, initialize_request());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  const std::string id = reply->header("mcp-session-id");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(reply->json()["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(transport_->session_count(), 1u);
}

TEST_F(HttpTransportTest, EachInitializeGetsItsOwnSession) {
  start();
  HttpClient client(port_);
  const auto first = initialize(client);
  const auto second = initialize(client);
  EXPECT_FALSE(first.empty());
  EXPECT_NE(first, second);
  EXPECT_EQ(transport_->session_count(), 2u);
}

TEST_F(HttpTransportTest, FailedInitializeIssuesNoSession) {
  start();
  HttpClient client(port_);
  auto reply = post(client, rpc(1, "initialize", json::object()));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(reply->json().contains("error"));
  EXPECT_EQ(reply->header("mcp-session-id"), "");
  EXPECT_EQ(transport_->session_count(), 0u);
}

TEST_F(HttpTransportTest, ToolsListWithTheSessionId) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply = post(client, rpc(2, "tools/list"), id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->json()["id"], 2);
  EXPECT_EQ(reply->json()["result"]["tools"].size(), tools_.tool_definitions().size());
}

TEST_F(HttpTransportTest, RequestWithoutSessionIdIs400) {
  start();
  HttpClient client(port_);
  initialize(client);
  auto reply = post(client, rpc(2, "tools/list"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  const json body = reply->json();
  EXPECT_TRUE(body["id"].is_null());
  EXPECT_EQ(body["error"]["code"], -32000);
  EXPECT_EQ(body["error"]["message"], "Bad Request: Mcp-Session-Id header is required");
}

TEST_F(HttpTransportTest, UnknownSessionIdIs404) {
  start();
  HttpClient client(port_);
  auto reply = post(client, rpc(2, "tools/list"), "0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
  EXPECT_EQ(reply->json()["error"]["code"], -32001);
}

TEST_F(HttpTransportTest, DeleteEndsTheSession) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto deleted = client.request("DELETE", "/mcp", "", {{"Mcp-Session-Id", id}});
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  auto after = post(client, rpc(2, "tools/list"), id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 404);
  EXPECT_EQ(transport_->session_count(), 0u);
}

TEST_F(HttpTransportTest, DeleteWithoutSessionIdIs400) {
  start();
  HttpClient client(port_);
  auto reply = client.request("DELETE", "/mcp");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
}

TEST_F(HttpTransportTest, DeleteCancelsInFlightCalls) {
  start();
  HttpClient caller(port_);
  const auto id = initialize(caller);
  caller.send("POST", "/mcp",
              rpc(5, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 5000}}}}).dump(),
              {{"Mcp-Session-Id", id}});
  ASSERT_TRUE(eventually([&] { return last_session()->in_flight() == 1; }));
  HttpClient other(port_);
  ASSERT_EQ(other.request("DELETE", "/mcp", "", {{"Mcp-Session-Id", id}})->status, 204);
  EXPECT_TRUE(eventually([&] { return tools_.saw_cancellation.load(); }));
  auto reply = caller.read_response(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 202);
}

TEST_F(HttpTransportTest, IdleSessionExpires) {
  HttpOptions options;
  options.session_idle_timeout = 100ms;
  start(options);
  HttpClient client(port_);
  const auto id = initialize(client);
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(eventually([&] { return transport_->session_count() == 0; }, 2s));
  auto reply = post(client, rpc(2, "ping"), id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
}

TEST_F(HttpTransportTest, UsedSessionDoesNotExpire) {
  HttpOptions options;
  options.session_idle_timeout = 1500ms;
  start(options);
  HttpClient client(port_);
  const auto id = initialize(client);
  // 2 s of use in all, longer than the timeout; each gap leaves 1.25 s of margin for a loaded
  // machine.
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(250ms);
    auto reply = post(client, rpc(10 + i, "ping"), id);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->status, 200) << "ping " << i;
  }
}

// --- POST answers ---

TEST_F(HttpTransportTest, NotificationGets202WithoutBody) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply = post(client, {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 202);
  EXPECT_TRUE(reply->body.empty());
}

TEST_F(HttpTransportTest, ClientResponseGets202) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply = post(client, {{"jsonrpc", "2.0"}, {"id", 99}, {"result", json::object()}}, id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 202);
}

TEST_F(HttpTransportTest, CallWithoutNotificationsIsJson) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply =
      post(client, rpc(3, "tools/call", {{"name", "echo"}, {"arguments", {{"a", 1}}}}), id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(reply->json()["result"]["structuredContent"]["a"], 1);
}

TEST_F(HttpTransportTest, ProgressMakesTheAnswerAnEventStream) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply =
      post(client,
           rpc(4, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", "tok"}}}}), id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "text/event-stream");
  const auto events = reply->events();
  ASSERT_EQ(events.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i]["method"], "notifications/progress");
    EXPECT_EQ(events[i]["params"]["progressToken"], "tok");
  }
  EXPECT_EQ(events[3]["id"], 4);
  EXPECT_EQ(events[3]["result"]["structuredContent"]["done"], true);
}

TEST_F(HttpTransportTest, ConnectionIsReusableAfterAnEventStream) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  post(client, rpc(4, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", 1}}}}), id);
  auto reply = post(client, rpc(5, "ping"), id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->json()["id"], 5);
}

TEST_F(HttpTransportTest, JsonOnlyClientGetsJsonDespiteProgress) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply = post(
      client, rpc(4, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", "tok"}}}}),
      id, {{"Accept", "application/json"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(reply->json()["id"], 4);
}

TEST_F(HttpTransportTest, LogRecordDuringACallUpgradesItsAnswerToAnEventStream) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  ASSERT_EQ(post(client, rpc(2, "logging/setLevel", {{"level", "info"}}), id)->status, 200);
  client.send("POST", "/mcp",
              rpc(3, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 200}}}}).dump(),
              {{"Mcp-Session-Id", id}});
  ASSERT_TRUE(eventually([&] { return last_session()->in_flight() == 1; }));
  last_session()->forward_log(spdlog::level::info, "working on it");
  auto reply = client.read_response(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("content-type"), "text/event-stream");
  const auto events = reply->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["method"], "notifications/message");
  EXPECT_EQ(events[0]["params"]["data"], "working on it");
  EXPECT_EQ(events[1]["id"], 3);
}

TEST_F(HttpTransportTest, BatchIsRejectedByNewerProtocols) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply = post(client, json::array({rpc(2, "ping"), rpc(3, "ping")}), id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->json()["error"]["code"], -32600);
}

TEST_F(HttpTransportTest, BatchWorksFor20250326Sessions) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client, "2025-03-26");
  auto reply = post(client, json::array({rpc(2, "ping"), rpc(3, "ping")}), id,
                    {{"MCP-Protocol-Version", "2025-03-26"}});
  ASSERT_TRUE(reply);
  const json body = reply->json();
  ASSERT_TRUE(body.is_array());
  EXPECT_EQ(body.size(), 2u);
}

// --- request validation ---

TEST_F(HttpTransportTest, MalformedJsonIs400WithParseError) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", "{not json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(reply->json()["error"]["code"], -32700);
  EXPECT_TRUE(reply->json()["id"].is_null());
}

TEST_F(HttpTransportTest, WrongContentTypeIs415) {
  start();
  HttpClient client(port_);
  auto reply =
      client.request("POST", "/mcp", initialize_request().dump(), {{"Content-Type", "text/plain"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 415);
  EXPECT_EQ(reply->json()["error"]["code"], -32000);
}

TEST_F(HttpTransportTest, JsonContentTypeWithCharsetIsAccepted) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"Content-Type", "application/json; charset=utf-8"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, AcceptWithNeitherTypeIs406) {
  start();
  HttpClient client(port_);
  auto reply =
      client.request("POST", "/mcp", initialize_request().dump(), {{"Accept", "text/html"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 406);
  EXPECT_EQ(reply->json()["error"]["code"], -32000);
}

TEST_F(HttpTransportTest, MissingAcceptIsTreatedAsAnything) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(), {{"Accept", ""}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, WildcardAcceptIsEnough) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(), {{"Accept", "*/*"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, UnsupportedProtocolVersionIs400) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply = post(client, rpc(2, "ping"), id, {{"MCP-Protocol-Version", "1999-01-01"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_NE(reply->json()["error"]["message"].get<std::string>().find("Unsupported protocol"),
            std::string::npos);
}

TEST_F(HttpTransportTest, SupportedOrAbsentProtocolVersionIsAccepted) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  EXPECT_EQ(post(client, rpc(2, "ping"), id, {{"MCP-Protocol-Version", "2025-11-25"}})->status,
            200);
  EXPECT_EQ(post(client, rpc(3, "ping"), id)->status, 200);
}

TEST_F(HttpTransportTest, OversizedBodyIs413) {
  HttpOptions options;
  options.body_limit = 1024;
  start(options);
  HttpClient client(port_);
  const std::string big = json{{"jsonrpc", "2.0"},
                               {"id", 1},
                               {"method", "ping"},
                               {"params", {{"pad", std::string(4096, 'x')}}}}
                              .dump();
  auto reply = client.request("POST", "/mcp", big);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(reply->json()["error"]["code"], -32000);
}

TEST_F(HttpTransportTest, OversizedHeadersAre431) {
  HttpOptions options;
  options.header_limit = 1024;
  start(options);
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"X-Padding", std::string(4096, 'y')}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
}

TEST_F(HttpTransportTest, MalformedHttpIs400) {
  start();
  HttpClient client(port_);
  client.write_raw("THIS IS NOT HTTP\r\n\r\n");
  auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
}

// --- paths and methods ---

TEST_F(HttpTransportTest, OtherPathsAre404) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/other", initialize_request().dump());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
}

TEST_F(HttpTransportTest, QueryStringOnMcpIsIgnored) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp?x=1", initialize_request().dump());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, HealthzServesTheHealthObject) {
  HttpOptions options;
  options.health = [] { return json{{"status", "ok"}, {"sessions", 0}}; };
  start(options);
  HttpClient client(port_);
  auto reply = client.request("GET", "/healthz");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->json(), (json{{"status", "ok"}, {"sessions", 0}}));
}

TEST_F(HttpTransportTest, HealthzDefaultsToStatusOk) {
  start();
  HttpClient client(port_);
  auto reply = client.request("GET", "/healthz");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->json()["status"], "ok");
}

TEST_F(HttpTransportTest, OtherMethodsOnMcpAre405) {
  start();
  HttpClient client(port_);
  auto reply = client.request("PUT", "/mcp", "{}");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
  EXPECT_EQ(reply->header("allow"), "GET, POST, DELETE");
}

TEST_F(HttpTransportTest, KeepAliveServesManyRequestsOnOneConnection) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  for (int i = 0; i < 20; ++i) {
    auto reply = post(client, rpc(100 + i, "ping"), id);
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(reply->json()["id"], 100 + i);
  }
}

// --- security ---

TEST_F(HttpTransportTest, ForeignOriginIs403) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 403);
  EXPECT_EQ(reply->json()["error"]["code"], -32000);
}

TEST_F(HttpTransportTest, LoopbackOriginIsAllowed) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"Origin", "http://localhost:6274"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, ConfiguredOriginIsAllowed) {
  HttpOptions options;
  options.allowed_origins = {"https://app.example.com"};
  start(options);
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"Origin", "https://app.example.com"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, RebindingHostIs403) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"Host", "attacker.example:" + std::to_string(port_)}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 403);
}

TEST_F(HttpTransportTest, LocalhostHostIsAllowed) {
  start();
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"Host", "localhost:" + std::to_string(port_)}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, MissingBearerIs401WithChallenge) {
  HttpOptions options;
  options.auth_token = "s3cret-token";
  start(options);
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->header("www-authenticate").rfind("Bearer", 0), 0u);
  EXPECT_EQ(reply->body.find("s3cret"), std::string::npos);
}

TEST_F(HttpTransportTest, WrongBearerIs401) {
  HttpOptions options;
  options.auth_token = "s3cret-token";
  start(options);
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"Authorization", "Bearer s3cret-tokeN"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->header("www-authenticate").rfind("Bearer", 0), 0u);
}

TEST_F(HttpTransportTest, RightBearerIsServed) {
  HttpOptions options;
  options.auth_token = "s3cret-token";
  start(options);
  HttpClient client(port_);
  auto reply = client.request("POST", "/mcp", initialize_request().dump(),
                              {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, HealthzNeedsNoBearer) {
  HttpOptions options;
  options.auth_token = "s3cret-token";
  start(options);
  HttpClient client(port_);
  auto reply = client.request("GET", "/healthz");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

// --- GET streams ---

TEST_F(HttpTransportTest, GetStreamReceivesSessionMessages) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  ASSERT_EQ(post(client, rpc(2, "logging/setLevel", {{"level", "info"}}), id)->status, 200);
  HttpClient stream(port_);
  stream.send("GET", "/mcp", "", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", id}});
  auto head = stream.read_header();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-type"), "text/event-stream");
  last_session()->forward_log(spdlog::level::warn, "heads up");
  auto event = stream.next_event();
  ASSERT_TRUE(event);
  EXPECT_EQ((*event)["method"], "notifications/message");
  EXPECT_EQ((*event)["params"]["level"], "warning");
  EXPECT_EQ((*event)["params"]["data"], "heads up");
}

TEST_F(HttpTransportTest, SessionMessagesAreSplitAcrossStreamsNotDuplicated) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  post(client, rpc(2, "logging/setLevel", {{"level", "debug"}}), id);
  HttpClient first(port_);
  HttpClient second(port_);
  for (auto* stream : {&first, &second}) {
    ASSERT_EQ(open_stream(*stream, id), 200);
  }
  for (int i = 0; i < 4; ++i) {
    last_session()->forward_log(spdlog::level::info, "record " + std::to_string(i));
  }
  std::multiset<std::string> seen;
  for (auto* stream : {&first, &second}) {
    for (int i = 0; i < 2; ++i) {
      auto event = stream->next_event(2s);
      ASSERT_TRUE(event);
      seen.insert((*event)["params"]["data"].get<std::string>());
    }
  }
  EXPECT_EQ(seen, (std::multiset<std::string>{"record 0", "record 1", "record 2", "record 3"}));
  EXPECT_FALSE(first.next_event(100ms));
  EXPECT_FALSE(second.next_event(100ms));
}

TEST_F(HttpTransportTest, GetStreamSendsKeepAliveComments) {
  HttpOptions options;
  options.sse_keepalive_interval = 50ms;
  start(options);
  HttpClient client(port_);
  const auto id = initialize(client);
  HttpClient stream(port_);
  ASSERT_EQ(open_stream(stream, id), 200);
  EXPECT_FALSE(stream.next_event(300ms));
  EXPECT_GE(stream.comments_seen(), 2);
}

TEST_F(HttpTransportTest, GetWithoutEventStreamAcceptIs406) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply =
      client.request("GET", "/mcp", "", {{"Accept", "application/json"}, {"Mcp-Session-Id", id}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 406);
}

TEST_F(HttpTransportTest, GetForUnknownSessionIs404) {
  start();
  HttpClient client(port_);
  auto reply = client.request("GET", "/mcp", "",
                              {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", "nope"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
}

TEST_F(HttpTransportTest, DeleteEndsTheSessionsStreams) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  HttpClient stream(port_);
  ASSERT_EQ(open_stream(stream, id), 200);
  ASSERT_EQ(client.request("DELETE", "/mcp", "", {{"Mcp-Session-Id", id}})->status, 204);
  EXPECT_FALSE(stream.next_event(2s));
  EXPECT_TRUE(stream.stream_ended());
}

// Nothing can answer a request queued behind a stream that never ends, nor would the client's
// close behind it be seen; the stream ends and the connection closes instead (found by fuzzing).
TEST_F(HttpTransportTest, RequestPipelinedBehindAGetStreamEndsTheStream) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  HttpClient stream(port_);
  ASSERT_EQ(open_stream(stream, id), 200);
  EXPECT_FALSE(stream.next_event(100ms));
  EXPECT_FALSE(stream.stream_ended());
  stream.send("POST", "/mcp", rpc(2, "ping").dump(), {{"Mcp-Session-Id", id}});
  EXPECT_FALSE(stream.next_event(2s));
  EXPECT_TRUE(stream.stream_ended());
  EXPECT_TRUE(stream.closed_by_server(2s));
  // The session lives on for other connections.
  EXPECT_EQ(post(client, rpc(3, "ping"), id)->status, 200);
}

// --- stateless mode ---

TEST_F(HttpTransportTest, StatelessServesToolsListWithoutInitialize) {
  HttpOptions options;
  options.stateless = true;
  start(options);
  HttpClient client(port_);
  auto reply = post(client, rpc(1, "tools/list"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("mcp-session-id"), "");
  EXPECT_TRUE(reply->json()["result"]["tools"].is_array());
  EXPECT_EQ(transport_->session_count(), 0u);
}

TEST_F(HttpTransportTest, StatelessUsesTheHeaderVersion) {
  HttpOptions options;
  options.stateless = true;
  start(options);
  HttpClient client(port_);
  auto reply = post(client, rpc(1, "ping"), "", {{"MCP-Protocol-Version", "2025-06-18"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(last_session()->protocol_version(), "2025-06-18");
}

TEST_F(HttpTransportTest, StatelessInitializeWorksWithoutSessionId) {
  HttpOptions options;
  options.stateless = true;
  start(options);
  HttpClient client(port_);
  auto reply = post(client, initialize_request());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("mcp-session-id"), "");
  EXPECT_EQ(reply->json()["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(HttpTransportTest, StatelessGetIs405) {
  HttpOptions options;
  options.stateless = true;
  start(options);
  HttpClient client(port_);
  auto reply = client.request("GET", "/mcp", "", {{"Accept", "text/event-stream"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
}

TEST_F(HttpTransportTest, StatelessDeleteIs405) {
  HttpOptions options;
  options.stateless = true;
  start(options);
  HttpClient client(port_);
  auto reply = client.request("DELETE", "/mcp");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
}

// --- limits and concurrency ---

TEST_F(HttpTransportTest, SlowHeadersAreDropped) {
  HttpOptions options;
  options.header_read_timeout = 200ms;
  start(options);
  HttpClient client(port_);
  const auto begin = std::chrono::steady_clock::now();
  client.write_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  EXPECT_TRUE(client.closed_by_server(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 150ms);
}

TEST_F(HttpTransportTest, SlowBodyIsDropped) {
  HttpOptions options;
  options.body_read_timeout = 200ms;
  start(options);
  HttpClient client(port_);
  client.write_raw(
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 100\r\n\r\n{\"jsonrpc\"");
  EXPECT_TRUE(client.closed_by_server(3s));
}

TEST_F(HttpTransportTest, IdleKeepAliveConnectionIsClosed) {
  HttpOptions options;
  options.keep_alive_timeout = 100ms;
  start(options);
  HttpClient client(port_);
  ASSERT_TRUE(client.request("GET", "/healthz"));
  EXPECT_TRUE(client.closed_by_server(3s));
}

TEST_F(HttpTransportTest, ConnectionsBeyondTheLimitGet503WhenAllAreBusy) {
  HttpOptions options;
  options.max_connections = 2;
  start(options);
  std::string id;
  {
    HttpClient client(port_);
    id = initialize(client);
  }
  ASSERT_TRUE(eventually([&] { return transport_->connection_count() == 0; }));
  HttpClient first(port_);
  HttpClient second(port_);
  ASSERT_EQ(open_stream(first, id), 200);
  ASSERT_EQ(open_stream(second, id), 200);
  HttpClient third(port_);
  auto reply = third.read_response(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
}

// Idle connections (between requests, or dribbling a header) must not keep everyone else out.
TEST_F(HttpTransportTest, AtTheLimitTheOldestIdleConnectionMakesRoom) {
  HttpOptions options;
  options.max_connections = 2;
  start(options);
  HttpClient first(port_);
  ASSERT_TRUE(first.request("GET", "/healthz"));
  HttpClient dribbling(port_);
  dribbling.write_raw("GET /healthz HTTP/1.1\r\nHo");
  ASSERT_TRUE(eventually([&] { return transport_->connection_count() == 2; }));
  HttpClient third(port_);
  auto reply = third.request("GET", "/healthz");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  // The oldest idle one goes; `first` may still count as busy for a moment after its answer,
  // and then the dribbling one goes instead.
  EXPECT_TRUE(first.closed_by_server(1s) || dribbling.closed_by_server(1s));
}

TEST_F(HttpTransportTest, OneClientAddressGetsAtMostItsShareOfConnections) {
  HttpOptions options;
  options.max_connections_per_client = 3;
  start(options);
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<HttpClient>(port_));
    held.back()->write_raw("GET /healthz HTTP/1.1\r\n");  // and never finish
  }
  ASSERT_TRUE(eventually([&] { return transport_->connection_count() == 3; }));
  HttpClient fourth(port_);
  auto refused = fourth.read_response(3s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  HttpClient other_address(port_, "127.0.0.1", "127.0.0.2");
  auto served = other_address.request("GET", "/healthz");
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);
}

// A slow sender loses its slot after the header deadline, however it dribbles.
TEST_F(HttpTransportTest, HeaderDribbledPastTheDeadlineLosesTheConnection) {
  HttpOptions options;
  options.header_read_timeout = 300ms;
  start(options);
  HttpClient client(port_);
  client.write_raw("GET /healthz HTTP/1.1\r\n");
  const auto started = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - started < 5s) {
    client.write_raw("X");
    closed = client.closed_by_server(100ms);
  }
  EXPECT_TRUE(closed);
}

// The token is checked on the header alone: a stranger's body is never read into memory, and the
// connection is closed after the answer.
TEST_F(HttpTransportTest, UnauthorizedPostIsAnsweredBeforeItsBodyAndClosed) {
  HttpOptions options;
  options.auth_token = "s3cret-token";
  start(options);
  HttpClient client(port_);
  client.write_raw(
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Accept: application/json, text/event-stream\r\nContent-Length: 1000000\r\n\r\n" +
      std::string(1000, ' '));
  auto reply = client.read_response(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(HttpTransportTest, EveryRefusalClosesTheConnection) {
  HttpOptions options;
  options.auth_token = "s3cret-token";
  start(options);
  const std::vector<std::pair<Headers, int>> cases = {
      {{{"Host", "evil.example"}, {"Authorization", "Bearer s3cret-token"}}, 403},
      {{{"Origin", "https://evil.example"}, {"Authorization", "Bearer s3cret-token"}}, 403},
      {{{"Authorization", "Bearer wrong"}}, 401},
      {{}, 401},
  };
  for (const auto& [headers, status] : cases) {
    HttpClient client(port_);
    auto reply = client.request("POST", "/mcp", "{}", headers);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, status);
    EXPECT_TRUE(client.closed_by_server()) << status;
  }
  HttpClient too_large(port_);
  auto reply = too_large.request("POST", "/mcp", std::string(2 * 1024 * 1024, ' '),
                                 {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_TRUE(too_large.closed_by_server());
}

TEST_F(HttpTransportTest, TwoHostHeadersAre400) {
  start();
  HttpClient client(port_);
  client.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n");
  auto reply = client.read_response(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(HttpTransportTest, TheBoundAddressIsAnAllowedHost) {
  HttpOptions options;
  options.host = "127.0.0.2";
  start(options);
  HttpClient client(port_, "127.0.0.2");
  auto reply = client.request("GET", "/healthz");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpTransportTest, AtTheSessionLimitInitializeEndsTheLeastRecentlyUsedIdleSession) {
  HttpOptions options;
  options.max_sessions = 2;
  start(options);
  HttpClient client(port_);
  const auto oldest = initialize(client);
  const auto newer = initialize(client);
  ASSERT_EQ(post(client, rpc(5, "ping"), newer)->status, 200);  // newer is now the fresher one
  const auto newest = initialize(client);
  ASSERT_FALSE(newest.empty());
  EXPECT_EQ(transport_->session_count(), 2u);
  EXPECT_EQ(post(client, rpc(6, "ping"), oldest)->status, 404);
  EXPECT_EQ(post(client, rpc(7, "ping"), newer)->status, 200);
}

TEST_F(HttpTransportTest, AtTheSessionLimitWithEverySessionBusyInitializeGets503) {
  HttpOptions options;
  options.max_sessions = 1;
  start(options);
  HttpClient client(port_);
  const auto id = initialize(client);
  HttpClient stream(port_);
  ASSERT_EQ(open_stream(stream, id), 200);  // an open stream keeps the session in use
  auto reply = client.request("POST", "/mcp",
                              rpc(1, "initialize", {{"protocolVersion", "2025-11-25"}}).dump());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(reply->header("retry-after"), "5");
}

TEST_F(HttpTransportTest, SlowCallDoesNotBlockPingOnAnotherConnection) {
  start();
  HttpClient slow(port_);
  const auto id = initialize(slow);
  slow.send("POST", "/mcp",
            rpc(7, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 3000}}}}).dump(),
            {{"Mcp-Session-Id", id}});
  ASSERT_TRUE(eventually([&] { return last_session()->in_flight() == 1; }));
  HttpClient fast(port_);
  const auto begin = std::chrono::steady_clock::now();
  auto reply = post(fast, rpc(8, "ping"), id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->json()["id"], 8);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
}

TEST_F(HttpTransportTest, ClientDisconnectDoesNotCancelTheCall) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  {
    HttpClient caller(port_);
    caller.send("POST", "/mcp",
                rpc(7, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 100}}}}).dump(),
                {{"Mcp-Session-Id", id}});
    ASSERT_TRUE(eventually([&] { return last_session()->in_flight() == 1; }));
  }
  EXPECT_TRUE(eventually([&] { return tools_.finished.load() == 1; }));
  EXPECT_FALSE(tools_.saw_cancellation);
  EXPECT_EQ(post(client, rpc(8, "ping"), id)->status, 200);
}

TEST_F(HttpTransportTest, StatelessClientDisconnectCancelsTheCall) {
  HttpOptions options;
  options.stateless = true;
  start(options);
  {
    HttpClient caller(port_);
    caller.send("POST", "/mcp",
                rpc(7, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 5000}}}}).dump());
    ASSERT_TRUE(eventually([&] { return last_session() && last_session()->in_flight() == 1; }));
  }
  EXPECT_TRUE(eventually([&] { return tools_.saw_cancellation.load(); }));
}

TEST_F(HttpTransportTest, GracefulShutdownFinishesAnInFlightCall) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  client.send("POST", "/mcp",
              rpc(9, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 300}}}}).dump(),
              {{"Mcp-Session-Id", id}});
  ASSERT_TRUE(eventually([&] { return last_session()->in_flight() == 1; }));
  auto stopped = stop_async(5s);
  auto reply = client.read_response(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->json()["result"]["structuredContent"]["slept"], 300);
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
  HttpClient late(port_);
  EXPECT_FALSE(late.connected() && late.request("GET", "/healthz", "", {}, 500ms));
}

TEST_F(HttpTransportTest, ShutdownCancelsCallsThatOutlastTheGrace) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  client.send("POST", "/mcp",
              rpc(9, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 10000}}}}).dump(),
              {{"Mcp-Session-Id", id}});
  ASSERT_TRUE(eventually([&] { return last_session()->in_flight() == 1; }));
  const auto begin = std::chrono::steady_clock::now();
  auto stopped = stop_async(100ms);
  auto reply = client.read_response(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
  EXPECT_TRUE(tools_.saw_cancellation);
}

TEST_F(HttpTransportTest, ShutdownClosesIdleConnectionsAndStreams) {
  start();
  HttpClient client(port_);
  const auto id = initialize(client);
  HttpClient stream(port_);
  ASSERT_EQ(open_stream(stream, id), 200);
  EXPECT_TRUE(stop(1s));
  EXPECT_TRUE(client.closed_by_server(2s));
  EXPECT_FALSE(stream.next_event(2s));
  EXPECT_TRUE(stream.stream_ended());
}

// --- hooks for the application: /metrics and on_response ---

TEST_F(HttpTransportTest, MetricsPathIs404WhenNoMetricsAreGiven) {
  start();
  HttpClient client(port_);
  auto reply = client.request("GET", "/metrics");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
}

TEST_F(HttpTransportTest, MetricsServesTheGivenTextAsPrometheus) {
  HttpOptions options;
  options.metrics = [] { return std::string("up 1\n"); };
  start(options);
  HttpClient client(port_);
  auto reply = client.request("GET", "/metrics");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "up 1\n");
  EXPECT_EQ(reply->header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
}

TEST_F(HttpTransportTest, MetricsNeedTheBearerToken) {
  HttpOptions options;
  options.auth_token = "s3cret-token";
  options.metrics = [] { return std::string("up 1\n"); };
  start(options);
  HttpClient client(port_);
  auto denied = client.request("GET", "/metrics");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  EXPECT_TRUE(client.closed_by_server());
  HttpClient authorized(port_);
  auto allowed =
      authorized.request("GET", "/metrics", "", {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
}

TEST_F(HttpTransportTest, MetricsAnswerOnlyGet) {
  HttpOptions options;
  options.metrics = [] { return std::string("up 1\n"); };
  start(options);
  HttpClient client(port_);
  auto reply = client.request("POST", "/metrics", "{}");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
}

TEST_F(HttpTransportTest, OnResponseSeesMethodAndStatusOfEveryAnswer) {
  struct Seen {
    std::mutex mutex;
    std::vector<std::pair<std::string, int>> responses;
  };
  auto seen = std::make_shared<Seen>();
  HttpOptions options;
  options.on_response = [seen](std::string_view method, int status) {
    std::lock_guard lock(seen->mutex);
    seen->responses.emplace_back(std::string(method), status);
  };
  start(options);
  HttpClient client(port_);
  const auto id = initialize(client);  // POST 200, then POST 202
  ASSERT_FALSE(id.empty());
  client.request("GET", "/nowhere");  // 404, and the connection is closed
  HttpClient again(port_);
  again.request("POST", "/mcp", "{}", {{"Content-Type", "text/plain"}});  // 415
  std::lock_guard lock(seen->mutex);
  EXPECT_EQ(seen->responses, (std::vector<std::pair<std::string, int>>{
                                 {"POST", 200}, {"POST", 202}, {"GET", 404}, {"POST", 415}}));
}

TEST_F(HttpTransportTest, OnResponseCountsAnEventStreamOnce) {
  auto statuses = std::make_shared<std::vector<int>>();
  auto mutex = std::make_shared<std::mutex>();
  HttpOptions options;
  options.on_response = [statuses, mutex](std::string_view, int status) {
    std::lock_guard lock(*mutex);
    statuses->push_back(status);
  };
  start(options);
  HttpClient client(port_);
  const auto id = initialize(client);
  auto reply =
      post(client,
           rpc(4, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", "t"}}}}), id);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("content-type").rfind("text/event-stream", 0), 0u);
  std::lock_guard lock(*mutex);
  EXPECT_EQ(*statuses, (std::vector<int>{200, 202, 200}));
}

// --- revision 2026-07-28 -----------------------------------------------------------------

json modern_rpc(const json& id, const std::string& method, json params = json::object(),
                const std::string& version = "2026-07-28") {
  params["_meta"]["io.modelcontextprotocol/protocolVersion"] = version;
  params["_meta"]["io.modelcontextprotocol/clientCapabilities"] = json::object();
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

// The headers a client of the revision sends with a body.
Headers mirrored(const json& message, const std::string& version = "2026-07-28") {
  Headers headers = {{"MCP-Protocol-Version", version}, {"Mcp-Method", message["method"]}};
  if (message["method"] == "tools/call")
    headers.emplace_back("Mcp-Name", message["params"]["name"]);
  return headers;
}

TEST_F(HttpTransportTest, ModernDiscoverIsServedWithoutASession) {
  start();
  HttpClient client(port_);
  const json discover = modern_rpc(1, "server/discover");
  auto reply = post(client, discover, "", mirrored(discover));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("mcp-session-id"), "");
  EXPECT_EQ(reply->json()["result"]["supportedVersions"][0], "2026-07-28");
  EXPECT_EQ(reply->json()["result"]["resultType"], "complete");
  EXPECT_EQ(transport_->session_count(), 0u);
}

TEST_F(HttpTransportTest, ModernRequestIgnoresASessionId) {
  start();
  HttpClient client(port_);
  const json list = modern_rpc(2, "tools/list");
  auto reply = post(client, list, "no-such-session", mirrored(list));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->json()["result"]["ttlMs"], 300000);
  EXPECT_EQ(reply->header("mcp-session-id"), "");
}

TEST_F(HttpTransportTest, ModernCallWithEncodedName) {
  start();
  HttpClient client(port_);
  const json call = modern_rpc("c", "tools/call", {{"name", "echo"}, {"arguments", {{"a", 1}}}});
  auto headers = mirrored(call);
  headers.back().second = "=?base64?ZWNobw==?=";
  auto reply = post(client, call, "", headers);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->json()["result"]["structuredContent"]["a"], 1);
  EXPECT_EQ(reply->json()["id"], "c");
}

TEST_F(HttpTransportTest, ModernRefusalsGetTheirStatusAndTheRequestId) {
  start();
  HttpClient client(port_);
  const json list = modern_rpc(5, "tools/list");
  json no_meta = list;
  no_meta["params"].erase("_meta");
  const json unknown_version = modern_rpc(5, "tools/list", json::object(), "v999.0.0");
  const json ping = modern_rpc(5, "ping");
  const json unknown = modern_rpc(5, "unknown/method");
  const json call = modern_rpc(5, "tools/call", {{"name", "echo"}});
  auto wrong_name = mirrored(call);
  wrong_name.back().second = "slow";
  const std::vector<std::tuple<json, Headers, int, int>> cases = {
      {no_meta, mirrored(list), 400, -32602},
      {list, {{"MCP-Protocol-Version", "2026-07-28"}}, 400, -32020},
      {list, mirrored(list, "2025-11-25"), 400, -32020},
      {call, wrong_name, 400, -32020},
      {unknown_version, mirrored(unknown_version, "2026-07-28"), 400, -32020},
      {unknown_version, mirrored(unknown_version, "v999.0.0"), 400, -32022},
      {ping, mirrored(ping), 404, -32601},
      {unknown, mirrored(unknown), 404, -32601},
  };
  for (const auto& [message, headers, status, code] : cases) {
    auto reply = post(client, message, "", headers);
    ASSERT_TRUE(reply) << message;
    EXPECT_EQ(reply->status, status) << message;
    EXPECT_EQ(reply->json()["error"]["code"], code) << message << reply->body;
    EXPECT_EQ(reply->json()["id"], 5) << message;
  }
  auto batch = post(client, json::array({list}), "", mirrored(list));
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->status, 400);
  EXPECT_EQ(batch->json()["error"]["code"], -32600);
  EXPECT_EQ(transport_->session_count(), 0u);
}

TEST_F(HttpTransportTest, ModernNotificationGets202) {
  start();
  HttpClient client(port_);
  json note = {
      {"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 1}}}};
  auto reply =
      post(client, note, "",
           {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "notifications/cancelled"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 202);
  EXPECT_TRUE(reply->body.empty());
}

TEST_F(HttpTransportTest, ModernGetAndDeleteAre405) {
  start();
  HttpClient client(port_);
  for (const char* method : {"GET", "DELETE"}) {
    auto reply =
        client.request(method, "/mcp", "",
                       {{"Accept", "text/event-stream"}, {"MCP-Protocol-Version", "2026-07-28"}});
    ASSERT_TRUE(reply) << method;
    EXPECT_EQ(reply->status, 405) << method;
    EXPECT_EQ(reply->header("allow"), "POST") << method;
  }
}

TEST_F(HttpTransportTest, ModernProgressStreamsUnbufferedThroughProxies) {
  start();
  HttpClient client(port_);
  const json call =
      modern_rpc(4, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", "t"}}}});
  auto reply = post(client, call, "", mirrored(call));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("content-type"), "text/event-stream");
  EXPECT_EQ(reply->header("x-accel-buffering"), "no");
  const auto events = reply->events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0]["method"], "notifications/progress");
  EXPECT_EQ(events[3]["result"]["resultType"], "complete");
}

TEST_F(HttpTransportTest, ModernClientDisconnectCancelsTheCall) {
  start();
  {
    HttpClient caller(port_);
    const json call =
        modern_rpc(7, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 5000}}}});
    caller.send("POST", "/mcp", call.dump(), mirrored(call));
    ASSERT_TRUE(eventually([&] { return last_session() && last_session()->in_flight() == 1; }));
  }
  EXPECT_TRUE(eventually([&] { return tools_.saw_cancellation.load(); }));
}

TEST_F(HttpTransportTest, ShutdownFinishesAModernCall) {
  start();
  HttpClient client(port_);
  const json call = modern_rpc(9, "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 300}}}});
  client.send("POST", "/mcp", call.dump(), mirrored(call));
  ASSERT_TRUE(eventually([&] { return last_session() && last_session()->in_flight() == 1; }));
  auto stopped = stop_async(5s);
  auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->json()["result"]["structuredContent"]["slept"], 300);
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
}

// --- what a client supplies for itself ----------------------------------------------------

// The factory sees the opening request's headers: once per session in the 2025 revisions, and on
// every request in 2026-07-28, which has no sessions.
TEST_F(HttpTransportTest, TheSessionFactorySeesTheHeadersOfTheRequestThatOpensASession) {
  std::vector<std::vector<std::string>> seen;
  open_hook_ = [&](const RequestHeaders& headers) {
    std::vector<std::string> values;
    for (auto value : headers("x-account")) values.emplace_back(value);
    seen.push_back(std::move(values));
  };
  start();
  HttpClient client(port_);
  // Written by hand: the test client keeps one value per header name.
  const std::string body = initialize_request("2025-11-25").dump();
  client.write_raw(
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Accept: application/json, text/event-stream\r\nX-Account: one\r\nx-account: two\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto reply = client.read_header();
  ASSERT_TRUE(reply);
  const std::string id = reply->header("mcp-session-id");
  ASSERT_FALSE(id.empty());
  HttpClient next(port_);
  ASSERT_TRUE(post(next, rpc(2, "tools/list"), id, {{"X-Account", "other"}}));
  ASSERT_EQ(seen.size(), 1u) << "a 2025 session reads the headers once";
  EXPECT_EQ(seen[0], (std::vector<std::string>{"one", "two"}));

  for (const char* account : {"a", "b"}) {
    const json list = modern_rpc(3, "tools/list");
    auto headers = mirrored(list);
    headers.emplace_back("x-ACCOUNT", account);
    ASSERT_TRUE(post(next, list, "", headers));
  }
  ASSERT_EQ(seen.size(), 3u) << "every 2026 request is read";
  EXPECT_EQ(seen[1], std::vector<std::string>{"a"});
  EXPECT_EQ(seen[2], std::vector<std::string>{"b"});
}

TEST_F(HttpTransportTest, ARefusingFactoryAnswersWithItsStatusAndNoSession) {
  open_hook_ = [](const RequestHeaders& headers) {
    if (!headers("x-account").empty()) throw SessionRefused(403, "Forbidden: not that account");
  };
  start();
  HttpClient client(port_);
  auto refused = post(client, initialize_request("2025-11-25"), "", {{"X-Account", "evil"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(refused->json()["error"]["message"], "Forbidden: not that account");
  EXPECT_EQ(refused->header("mcp-session-id"), "");
  EXPECT_EQ(transport_->session_count(), 0u);

  const json call =
      modern_rpc("m1", "tools/call", {{"name", "echo"}, {"arguments", json::object()}});
  auto headers = mirrored(call);
  headers.emplace_back("X-Account", "evil");
  auto modern = post(client, call, "", headers);
  ASSERT_TRUE(modern);
  EXPECT_EQ(modern->status, 403);
  EXPECT_EQ(modern->json()["id"], "m1");
  EXPECT_EQ(modern->json()["error"]["code"], kTransportError);
  EXPECT_EQ(tools_.calls, 0) << "nothing ran for a refused client";

  EXPECT_FALSE(initialize(client).empty()) << "a client without the header is served";
}

}  // namespace
}  // namespace acmcp::test
