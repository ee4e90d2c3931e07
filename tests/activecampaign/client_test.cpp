// Client against the scriptable loopback server over plain HTTP: requests, retries, limits, pool.
#include "activecampaign/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <set>
#include <stdexcept>
#include <thread>

#include "client_harness.hpp"
#include "testkit/test_server.hpp"

namespace acmcp::ac {
namespace {

using namespace std::chrono_literals;
using testing::get;
using testing::post;
using testing::send_now;
using testkit::ScriptedResponse;
using testkit::TestServer;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "test-token-5f2c";

ClientConfig config_for(const std::string& url) {
  ClientConfig config;
  config.api_url = url;
  config.token = kToken;
  config.timeout = 2000ms;
  config.max_retries = 2;
  config.max_rps = 0;
  config.backoff_base = 5ms;
  config.backoff_max = 20ms;
  return config;
}

ScriptedResponse answer(int status, std::string body = "{}") {
  ScriptedResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

ScriptedResponse action(ScriptedResponse::Action what) {
  ScriptedResponse response;
  response.action = what;
  return response;
}

class ClientTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  TestServer server;
  ClientConfig config = config_for(server.url());
};

TEST_F(ClientTest, GetReturnsStatusAndParsedJson) {
  server.script(answer(200, R"({"contacts":[{"id":"3"}]})"));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.body["contacts"][0]["id"], "3");
}

TEST_F(ClientTest, ErrorStatusStillReturnsBody) {
  server.script(answer(404, R"({"message":"No Result found for Subscriber with id 9"})"));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/contacts/9"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body["message"], "No Result found for Subscriber with id 9");
}

// An upstream that echoes the token, plainly, escaped, or as a key, never hands it on.
TEST_F(ClientTest, TokenEchoedInTheBodyIsRedacted) {
  server.script(answer(404, R"({"message":"No Result for test-token-5f2c and test-token-5f2c",)"
                            R"("errors":[{"title":"test\u002dtoken-5f2c"}],)"
                            R"("test-token-5f2c":{"test-token-5f2c x":["a test-token-5f2c"]}})"));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/contacts/9"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, nlohmann::json::parse(R"({
    "message": "No Result for [redacted] and [redacted]",
    "errors": [{"title": "[redacted]"}],
    "[redacted]": {"[redacted] x": ["a [redacted]"]}})"));
}

TEST_F(ClientTest, BodyWithoutTheTokenIsUntouched) {
  const std::string body = R"({"contact":{"email":"a\/b@example.com","note":"test-token"}})";
  server.script(answer(200, body));
  Client client(io.get_executor(), config);
  EXPECT_EQ(send_now(io, client, get("/contacts/1")).body, nlohmann::json::parse(body));
}

TEST_F(ClientTest, SendsRequestLineUnderApiBase) {
  Client client(io.get_executor(), config);
  send_now(io, client, get("/contacts/12"));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/api/3/contacts/12");
}

TEST_F(ClientTest, SendsApiTokenAcceptAndUserAgent) {
  Client client(io.get_executor(), config);
  send_now(io, client, get("/contacts"));
  const auto headers = server.requests().at(0).headers;
  EXPECT_EQ(headers.at("api-token"), kToken);
  EXPECT_EQ(headers.at("accept"), "application/json");
  EXPECT_EQ(headers.at("user-agent"), std::string("activecampaign-mcp/") + ACMCP_VERSION);
  EXPECT_EQ(headers.at("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(headers.count("content-type"), 0u);
}

TEST_F(ClientTest, MatonGatewayGetsTheKeyAsBearerTheConnectionAndItsPathPrefix) {
  config.service = Service::kMatonGateway;
  config.api_url = server.url() + "/private/";
  config.connection = "9e8ba2aa-25ec-4ba0-8815-3068be304dca";
  Client client(io.get_executor(), config);
  send_now(io, client, get("/contacts/12"));
  const auto request = server.requests().at(0);
  EXPECT_EQ(request.target, "/private/active-campaign/api/3/contacts/12");
  EXPECT_EQ(request.headers.at("authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(request.headers.at("maton-connection"), config.connection);
  EXPECT_EQ(request.headers.count("api-token"), 0u);
}

TEST_F(ClientTest, MatonControlHasNoPrefixAndNoConnection) {
  config.service = Service::kMatonControl;
  config.connection = "c1";
  Client client(io.get_executor(), config);
  send_now(io, client, get("/connections"));
  const auto request = server.requests().at(0);
  EXPECT_EQ(request.target, "/connections");
  EXPECT_EQ(request.headers.at("authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(request.headers.count("maton-connection"), 0u);
}

// A refusal of the credentials names where they came from, so the user knows what to change.
TEST_F(ClientTest, RefusedCredentialsAreExplainedForEachService) {
  struct Case {
    Service service;
    int status;
    std::string body;
    std::string connection;
    std::string refusal;  // "" when the status is not about the credentials
    std::string advice;
  };
  const std::vector<Case> cases = {
      {Service::kActiveCampaign, 401, "{}", "", "ActiveCampaign rejected the API token",
       "Check ACTIVECAMPAIGN_API_TOKEN."},
      {Service::kActiveCampaign, 403, "{}", "", "lacks permission",
       "Check ACTIVECAMPAIGN_API_TOKEN and the permissions of its user."},
      {Service::kMatonGateway, 401, R"({"error":"Invalid API key"})", "",
       "the Maton gateway rejected the API key", "Check MATON_API_KEY: it must be"},
      {Service::kMatonGateway, 400, R"({"error":"No active Connection found"})", "",
       "no ActiveCampaign connection", "Create an ActiveCampaign connection"},
      {Service::kMatonGateway, 400, R"({"error":"No active Connection found"})", "c9",
       "no ActiveCampaign connection", "Check MATON_CONNECTION: it must name"},
      {Service::kMatonGateway, 400, R"({"errors":[{"title":"bad filter"}]})", "", "", ""},
      {Service::kMatonGateway, 403, "{}", "", "", ""},
      {Service::kActiveCampaign, 400, R"({"message":"connection"})", "", "", ""},
  };
  for (const auto& each : cases) {
    config.service = each.service;
    config.connection = each.connection;
    config.token_source =
        each.service == Service::kActiveCampaign ? "ACTIVECAMPAIGN_API_TOKEN" : "MATON_API_KEY";
    server.script(answer(each.status, each.body));
    Client client(io.get_executor(), config);
    const auto response = send_now(io, client, get("/contacts"));
    const std::string label = std::to_string(each.status) + " " + each.body;
    EXPECT_EQ(response.status, each.status) << label;
    if (each.refusal.empty()) {
      EXPECT_EQ(response.refusal, "") << label;
      EXPECT_EQ(response.advice, "") << label;
    } else {
      EXPECT_NE(response.refusal.find(each.refusal), std::string::npos) << response.refusal;
      EXPECT_NE(response.advice.find(each.advice), std::string::npos) << response.advice;
    }
  }
}

TEST_F(ClientTest, PostSendsJsonBodyWithContentType) {
  Client client(io.get_executor(), config);
  send_now(io, client, post("/tags", {{"tag", {{"tag", "vip"}, {"tagType", "contact"}}}}));
  const auto request = server.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.headers.at("content-type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(request.body),
            (nlohmann::json{{"tag", {{"tag", "vip"}, {"tagType", "contact"}}}}));
}

TEST_F(ClientTest, QueryIsPercentEncodedOnTheWire) {
  Client client(io.get_executor(), config);
  Request request = get("/contacts");
  request.query = {{"filters[email]", "a+b@x.com"}, {"limit", "20"}};
  send_now(io, client, request);
  EXPECT_EQ(server.requests().at(0).target,
            "/api/3/contacts?filters%5Bemail%5D=a%2Bb%40x.com&limit=20");
}

TEST_F(ClientTest, EmptyBodyGivesNull) {
  server.script(answer(200, ""));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, Request{"DELETE", "/tags/4", {}, std::nullopt});
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.is_null());
}

TEST_F(ClientTest, Retries429HonouringRetryAfter) {
  auto limited = answer(429, R"({"message":"slow down"})");
  limited.headers = {{"Retry-After", "1"}};
  server.script(limited);
  server.script(answer(200, R"({"ok":true})"));
  Client client(io.get_executor(), config);
  const auto begin = Clock::now();
  const auto response = send_now(io, client, post("/contacts"));
  const auto elapsed = Clock::now() - begin;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_GE(elapsed, 950ms);
  EXPECT_LT(elapsed, 1800ms);
}

TEST_F(ClientTest, GivesUp429AfterMaxRetriesAndReturnsLastResponse) {
  for (int i = 0; i < 3; ++i) server.script(answer(429, R"({"message":"slow down"})"));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.body["message"], "slow down");
}

TEST_F(ClientTest, Retries503ForGet) {
  server.script(answer(503));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/deals"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
}

TEST_F(ClientTest, DoesNotRetry503ForPost) {
  server.script(answer(503, R"({"message":"unavailable"})"));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, post("/deals"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(ClientTest, PostIsNotRetriedAfterTheServerReadItAndReset) {
  server.script(action(ScriptedResponse::Action::ResetAfterRead));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, post("/contacts"));
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.error, "connection reset by upstream");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(ClientTest, GetIsRetriedAfterTheServerReset) {
  server.script(action(ScriptedResponse::Action::ResetAfterRead));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 2);
}

TEST_F(ClientTest, CloseWithoutAnswerIsReported) {
  server.script(action(ScriptedResponse::Action::CloseAfterRead));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, post("/contacts"));
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error, "upstream closed the connection without answering");
}

TEST(ClientConnect, PostIsRetriedAfterConnectionRefused) {
  boost::asio::io_context io;
  const auto port = testkit::unused_port();
  auto config = config_for("http://127.0.0.1:" + std::to_string(port));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, post("/contacts"));
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(
      response.error.rfind("could not connect to 127.0.0.1:" + std::to_string(port) + ": ", 0), 0u)
      << response.error;
  EXPECT_NE(response.error.find("gave up after 3 attempts"), std::string::npos) << response.error;
}

TEST(ClientConnect, ErrorNeverContainsTheToken) {
  boost::asio::io_context io;
  auto config = config_for("http://127.0.0.1:" + std::to_string(testkit::unused_port()));
  config.max_retries = 0;
  Client client(io.get_executor(), config);
  std::vector<std::string> waits;
  const auto response = send_now(io, client, get("/" + std::string(kToken)),
                                 {[&](const std::string& what) { waits.push_back(what); }});
  EXPECT_FALSE(response.error.empty());
  EXPECT_EQ(response.error.find(kToken), std::string::npos);
}

TEST_F(ClientTest, RateLimitLetsABurstGoThenHoldsTheRestForAWindow) {
  config.max_rps = 5;  // at most 5 starts in any 1.1 s (1 s + the limiter's margin)
  Client client(io.get_executor(), config);
  int done = 0;
  const auto begin = Clock::now();
  for (int i = 0; i < 7; ++i) {
    boost::asio::co_spawn(io, client.send(get("/contacts/" + std::to_string(i))),
                          [&](std::exception_ptr, Response response) {
                            EXPECT_EQ(response.status, 200);
                            ++done;
                          });
  }
  io.run();
  const auto elapsed = Clock::now() - begin;
  EXPECT_EQ(done, 7);
  EXPECT_GE(elapsed, 1050ms);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 7u);
  // Starts go in call order, but a burst's requests travel on separate connections and may
  // arrive in any order; the last two start one window after the first two.
  EXPECT_LT(requests[4].at - requests[0].at, 500ms);
  EXPECT_GE(requests[5].at - requests[0].at, 1050ms);
  std::set<std::string> late = {requests[5].target, requests[6].target};
  EXPECT_EQ(late, (std::set<std::string>{"/api/3/contacts/5", "/api/3/contacts/6"}));
}

TEST_F(ClientTest, ObserverHearsAboutRateLimitWaits) {
  config.max_rps = 1;  // the second request waits for the next window
  Client client(io.get_executor(), config);
  std::vector<std::string> waits;
  SendObserver observer{[&](const std::string& what) { waits.push_back(what); }};
  send_now(io, client, get("/a"), observer);
  send_now(io, client, get("/b"), observer);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_NE(waits[0].find("rate limit"), std::string::npos) << waits[0];
}

TEST_F(ClientTest, ObserverHearsAboutRetries) {
  server.script(answer(503));
  Client client(io.get_executor(), config);
  std::vector<std::string> waits;
  send_now(io, client, get("/a"), {[&](const std::string& what) { waits.push_back(what); }});
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0].rfind("retrying after HTTP 503 in ", 0), 0u) << waits[0];
  EXPECT_NE(waits[0].find("(attempt 2 of 3)"), std::string::npos) << waits[0];
}

TEST_F(ClientTest, TimeoutWhenServerNeverAnswers) {
  config.timeout = 200ms;
  server.script(action(ScriptedResponse::Action::NeverAnswer));
  Client client(io.get_executor(), config);
  const auto begin = Clock::now();
  const auto response = send_now(io, client, get("/contacts"));
  const auto elapsed = Clock::now() - begin;
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error, "upstream did not answer within 200 ms");
  EXPECT_EQ(response.attempts, 1);
  EXPECT_GE(elapsed, 190ms);
  EXPECT_LT(elapsed, 1000ms);
}

TEST_F(ClientTest, SlowAnswerWithinTimeoutSucceeds) {
  config.timeout = 1000ms;
  auto slow = answer(200, R"({"slow":true})");
  slow.delay = 100ms;
  server.script(slow);
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.body["slow"], true);
}

TEST_F(ClientTest, KeepAliveReusesOneConnection) {
  Client client(io.get_executor(), config);
  EXPECT_EQ(send_now(io, client, get("/a")).status, 200);
  EXPECT_EQ(send_now(io, client, post("/b")).status, 200);
  EXPECT_EQ(server.connections(), 1);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection, requests[1].connection);
}

TEST_F(ClientTest, ConnectionCloseResponseIsNotReused) {
  auto closing = answer(200);
  closing.keep_alive = false;
  server.script(closing);
  Client client(io.get_executor(), config);
  EXPECT_EQ(send_now(io, client, get("/a")).status, 200);
  EXPECT_EQ(send_now(io, client, get("/b")).status, 200);
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(ClientTest, IdleConnectionClosedByServerIsReplacedBeforeSending) {
  auto closing = answer(200);
  closing.close_after_answer = true;
  server.script(closing);
  Client client(io.get_executor(), config);
  EXPECT_EQ(send_now(io, client, get("/a")).status, 200);
  std::this_thread::sleep_for(50ms);  // let the server's close reach the client
  const auto response = send_now(io, client, post("/b"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(ClientTest, StalePooledConnectionIsRetriedOnAFreshOneWithoutCountingARetry) {
  config.max_retries = 0;
  server.script(answer(200));
  server.script(action(ScriptedResponse::Action::CloseAfterRead));
  Client client(io.get_executor(), config);
  EXPECT_EQ(send_now(io, client, get("/a")).status, 200);
  const auto response = send_now(io, client, get("/b"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(ClientTest, NonJsonBodyIsAnErrorThatKeepsTheStatus) {
  server.script(answer(200, "<html>maintenance</html>"));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.error, "upstream answered HTTP 200 with a body that is not JSON");
  EXPECT_TRUE(response.body.is_null());
}

TEST_F(ClientTest, ContentTypeIsQuotedAsPrintableAsciiOnly) {
  auto html = answer(200, "<html>maintenance</html>");
  html.headers = {{"Content-Type", "text/html\xe0\x9e;\tx"}};
  server.script(html);
  Client client(io.get_executor(), config);
  EXPECT_EQ(
      send_now(io, client, get("/contacts")).error,
      "upstream answered HTTP 200 with a body that is not JSON (Content-Type text/html??;?x)");
}

TEST_F(ClientTest, BodyOverTheLimitIsAnError) {
  config.max_body_bytes = 100;
  server.script(answer(200, "\"" + std::string(1000, 'x') + "\""));
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.error, "response body larger than 100 bytes");
  EXPECT_EQ(response.attempts, 1);
}

TEST_F(ClientTest, UnknownMethodIsRejectedWithoutARequest) {
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, Request{"FETCH", "/a", {}, std::nullopt});
  EXPECT_NE(response.error.find("unsupported HTTP method"), std::string::npos);
  EXPECT_EQ(response.attempts, 0);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(ClientTest, CancellationStopsAWaitingSendPromptly) {
  config.timeout = 5000ms;
  server.script(action(ScriptedResponse::Action::NeverAnswer));
  Client client(io.get_executor(), config);
  boost::asio::cancellation_signal cancel;
  std::optional<Response> result;
  boost::asio::co_spawn(
      io, client.send(get("/contacts")),
      boost::asio::bind_cancellation_slot(
          cancel.slot(), [&](std::exception_ptr, Response r) { result = std::move(r); }));
  boost::asio::steady_timer timer(io, 100ms);
  timer.async_wait(
      [&](boost::system::error_code) { cancel.emit(boost::asio::cancellation_type::terminal); });
  const auto begin = Clock::now();
  io.run();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error, "cancelled");
  EXPECT_EQ(result->status, 0);
  EXPECT_LT(Clock::now() - begin, 1000ms);
}

TEST_F(ClientTest, CancellationDuringRetryPauseStopsPromptly) {
  auto limited = answer(429);
  limited.headers = {{"Retry-After", "5"}};
  server.script(limited);
  Client client(io.get_executor(), config);
  boost::asio::cancellation_signal cancel;
  std::optional<Response> result;
  boost::asio::co_spawn(
      io, client.send(get("/contacts")),
      boost::asio::bind_cancellation_slot(
          cancel.slot(), [&](std::exception_ptr, Response r) { result = std::move(r); }));
  boost::asio::steady_timer timer(io, 100ms);
  timer.async_wait(
      [&](boost::system::error_code) { cancel.emit(boost::asio::cancellation_type::terminal); });
  const auto begin = Clock::now();
  io.run();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error, "cancelled");
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_LT(Clock::now() - begin, 1000ms);
}

TEST_F(ClientTest, ConcurrentSendsFromSeveralThreadsAllSucceed) {
  Client client(io.get_executor(), config);
  std::atomic<int> ok{0};
  constexpr int kCalls = 40;
  for (int i = 0; i < kCalls; ++i) {
    boost::asio::co_spawn(io, client.send(i % 2 ? get("/a") : post("/b")),
                          [&](std::exception_ptr, Response response) {
                            if (response.status == 200 && response.error.empty()) ++ok;
                          });
  }
  std::thread helper([&] { io.run(); });
  io.run();
  helper.join();
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(server.requests().size(), static_cast<std::size_t>(kCalls));
}

TEST(ClientConfigCheck, RejectsUnusableApiUrl) {
  boost::asio::io_context io;
  EXPECT_THROW(Client(io.get_executor(), config_for("ftp://example.com")), std::invalid_argument);
}

TEST(ClientConfigCheck, RejectsUnreadableCaFile) {
  boost::asio::io_context io;
  auto config = config_for("https://127.0.0.1");
  config.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(Client(io.get_executor(), config), std::invalid_argument);
}

TEST(ClientConfigCheck, RejectsCaFileWithoutCertificates) {
  boost::asio::io_context io;
  auto config = config_for("https://127.0.0.1");
  config.ca_file = std::string(ACMCP_TEST_DATA_DIR) + "/tls/README.md";
  EXPECT_THROW(Client(io.get_executor(), config), std::invalid_argument);
}

TEST(ClientConfigCheck, RejectsAGatewayUrlWithAQueryNamingWhatItIsFor) {
  boost::asio::io_context io;
  auto config = config_for("https://gateway.example?x=1");
  config.service = Service::kMatonGateway;
  try {
    Client client(io.get_executor(), config);
    ADD_FAILURE() << "accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("invalid Maton gateway URL"), std::string::npos)
        << error.what();
  }
}

TEST(ClientConfigCheck, RejectsConnectionWithLineBreak) {
  boost::asio::io_context io;
  auto config = config_for("https://127.0.0.1");
  config.connection = "c1\nX-Injected: 1";
  EXPECT_THROW(Client(io.get_executor(), config), std::invalid_argument);
}

TEST(ClientConfigCheck, RejectsTokenWithLineBreak) {
  boost::asio::io_context io;
  auto config = config_for("https://127.0.0.1");
  config.token = "abc\r\nX-Injected: 1";
  EXPECT_THROW(Client(io.get_executor(), config), std::invalid_argument);
}

}  // namespace
}  // namespace acmcp::ac
