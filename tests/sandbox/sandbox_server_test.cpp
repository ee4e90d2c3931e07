// The sandbox over real loopback HTTP: auth, error shapes, paging, faults, the request log, rate
// limiting, keep-alive, robustness and shutdown.
#include "sandbox/sandbox_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <thread>

#include "sandbox_http.hpp"
#include "testkit/sandbox_faults.hpp"

namespace acmcp::sandbox {
namespace {

using nlohmann::json;
using testkit::Fault;
namespace asio = boost::asio;

// Runs an io_context on two threads, as the real server does, for the life of the fixture.
class IoThreads {
 public:
  IoThreads() {
    for (auto& t : threads_) t = std::thread([this] { io_.run(); });
  }
  ~IoThreads() {
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::thread threads_[2];
};

class SandboxServerTest : public ::testing::Test {
 protected:
  void start(SandboxOptions options = {}) { server.emplace(io.executor(), std::move(options)); }
  void SetUp() override { start(); }
  void TearDown() override { server.reset(); }

  std::optional<testkit::HttpResult> get(const std::string& target) {
    return http_once(server->port(), "GET", target, server->token());
  }
  std::optional<testkit::HttpResult> post(const std::string& target, const json& body) {
    return http_once(server->port(), "POST", target, server->token(), body.dump());
  }

  IoThreads io;
  std::optional<SandboxServer> server;
};

TEST_F(SandboxServerTest, BaseUrlNamesTheBoundPort) {
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->base_url(), "http://127.0.0.1:" + std::to_string(server->port()) + "/api/3");
}

TEST_F(SandboxServerTest, AnswersJsonWithContentType) {
  auto reply = get("/api/3/contacts/1");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(reply->json()["contact"]["id"], "1");
  EXPECT_EQ(reply->json()["contact"]["links"]["contactLists"],
            server->base_url() + "/contacts/1/contactLists");
}

TEST_F(SandboxServerTest, WrongOrMissingTokenIs403) {
  auto wrong = http_once(server->port(), "GET", "/api/3/contacts", "not-the-token");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_EQ(wrong->json(), json({{"message", "Forbidden"}}));
  auto missing = http_once(server->port(), "GET", "/api/3/contacts", "");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 403);
}

TEST_F(SandboxServerTest, CustomTokenIsRequired) {
  SandboxOptions options;
  options.token = "custom-secret";
  start(options);
  EXPECT_EQ(http_once(server->port(), "GET", "/api/3/users/me", "custom-secret")->status, 200);
  EXPECT_EQ(http_once(server->port(), "GET", "/api/3/users/me", "sandbox-token")->status, 403);
}

TEST_F(SandboxServerTest, PathOutsideApiIs404Json) {
  auto reply = get("/index.html");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
  EXPECT_TRUE(reply->json().contains("message"));
}

TEST_F(SandboxServerTest, MissingRecordIs404WithMessage) {
  auto reply = get("/api/3/contacts/99");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
  EXPECT_EQ(reply->json()["message"], "No Result found for Subscriber with id 99");
}

TEST_F(SandboxServerTest, DuplicateIs422WithErrorsArray) {
  auto reply = post("/api/3/contacts", {{"contact", {{"email", "jane.doe@example.com"}}}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 422);
  auto error = reply->json()["errors"][0];
  EXPECT_EQ(error["code"], "duplicate");
  EXPECT_EQ(error["source"]["pointer"], "/data/attributes/email");
}

TEST_F(SandboxServerTest, WrongMethodIs405WithAllowHeader) {
  auto reply = http_once(server->port(), "PATCH", "/api/3/tags", server->token());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
  EXPECT_EQ(reply->headers["allow"], "GET, POST");
}

TEST_F(SandboxServerTest, MalformedJsonBodyIs400) {
  auto reply = http_once(server->port(), "POST", "/api/3/tags", server->token(), "{not json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_TRUE(reply->json()["message"].is_string());
}

TEST_F(SandboxServerTest, ListHasMetaTotalAndPages) {
  auto reply = get("/api/3/contacts?limit=2&offset=2");
  ASSERT_TRUE(reply);
  auto body = reply->json();
  EXPECT_EQ(body["meta"]["total"], "3");
  ASSERT_EQ(body["contacts"].size(), 1u);
  EXPECT_EQ(body["contacts"][0]["id"], "3");
}

TEST_F(SandboxServerTest, EncodedBracketQueryFilters) {
  auto reply = get("/api/3/tags?filters%5Bsearch%5D%5Beq%5D=VIP");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->json()["meta"]["total"], "1");
}

TEST_F(SandboxServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  testkit::HttpClient client(server->port());
  auto first = send(client, "GET", "/api/3/users/me", server->token());
  auto second = send(client, "GET", "/api/3/lists/1", server->token());
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->json()["list"]["name"], "Newsletter");
}

TEST_F(SandboxServerTest, ConnectionCloseIsHonoured) {
  testkit::HttpClient client(server->port());
  auto reply =
      send(client, "GET", "/api/3/users/me", server->token(), "", {{"Connection", "close"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

// ---- request log -----------------------------------------------------------------------------

TEST_F(SandboxServerTest, RequestLogRecordsDecodedRequest) {
  post("/api/3/tags?x=1", {{"tag", {{"tag", "Logged"}}}});
  get("/api/3/tags?filters%5Bsearch%5D%5Bcontains%5D=a%20b&limit=5");
  auto log = server->requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].path, "/tags");
  EXPECT_EQ(log[0].body, json({{"tag", {{"tag", "Logged"}}}}));
  EXPECT_EQ(log[0].api_token, "sandbox-token");
  EXPECT_EQ(log[1].method, "GET");
  EXPECT_EQ(log[1].target, "/api/3/tags?filters%5Bsearch%5D%5Bcontains%5D=a%20b&limit=5");
  EXPECT_EQ(log[1].path, "/tags");
  ASSERT_EQ(log[1].query.count("filters[search][contains]"), 1u);
  EXPECT_EQ(log[1].query.find("filters[search][contains]")->second, "a b");
  EXPECT_EQ(log[1].query.find("limit")->second, "5");
  EXPECT_TRUE(log[1].body.is_null());
}

TEST_F(SandboxServerTest, RequestLogKeepsRejectedRequestsAndClears) {
  http_once(server->port(), "GET", "/api/3/contacts", "bad");
  auto log = server->requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].api_token, "bad");
  server->clear_requests();
  EXPECT_TRUE(server->requests().empty());
}

TEST_F(SandboxServerTest, RequestLogKeepsOnlyTheNewestEntries) {
  server.reset();
  SandboxOptions options;
  options.max_logged_requests = 2;
  start(options);
  for (const char* id : {"1", "2", "3"}) get(std::string("/api/3/contacts/") + id);
  auto log = server->requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].path, "/contacts/2");
  EXPECT_EQ(log[1].path, "/contacts/3");
}

TEST_F(SandboxServerTest, DirectHandleDoesNotTouchTheLog) {
  auto [status, body] = server->handle("GET", "/tags/1", {}, json());
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["tag"]["tag"], "VIP");
  EXPECT_TRUE(server->requests().empty());
}

TEST_F(SandboxServerTest, DirectHandleAndHttpShareData) {
  server->handle("POST", "/tags", {}, {{"tag", {{"tag", "Shared"}}}});
  EXPECT_EQ(get("/api/3/tags/2")->json()["tag"]["tag"], "Shared");
}

// ---- faults ----------------------------------------------------------------------------------

TEST_F(SandboxServerTest, StatusFaultAnswersGivenStatusBodyAndHeadersOnce) {
  Fault fault;
  fault.status = 503;
  fault.body = R"({"message":"down"})";
  fault.headers = {{"Retry-After", "2"}};
  testkit::add_fault(*server, fault);
  auto faulted = get("/api/3/contacts");
  ASSERT_TRUE(faulted);
  EXPECT_EQ(faulted->status, 503);
  EXPECT_EQ(faulted->json()["message"], "down");
  EXPECT_EQ(faulted->headers["retry-after"], "2");
  EXPECT_EQ(get("/api/3/contacts")->status, 200);
}

TEST_F(SandboxServerTest, FaultMatchesMethodAndPathPrefixOnly) {
  Fault fault;
  fault.method = "DELETE";
  fault.path_prefix = "/contactLists";
  fault.status = 405;
  testkit::add_fault(*server, fault);
  EXPECT_EQ(get("/api/3/contacts/1/contactLists")->status, 200);
  EXPECT_EQ(http_once(server->port(), "DELETE", "/api/3/contactLists/1", server->token())->status,
            405);
  EXPECT_EQ(http_once(server->port(), "DELETE", "/api/3/contactLists/1", server->token())->status,
            200);
}

TEST_F(SandboxServerTest, FaultWithCountMinusOneAppliesForeverUntilCleared) {
  Fault fault;
  fault.count = -1;
  fault.status = 500;
  testkit::add_fault(*server, fault);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get("/api/3/users/me")->status, 500);
  testkit::clear_faults(*server);
  EXPECT_EQ(get("/api/3/users/me")->status, 200);
}

TEST_F(SandboxServerTest, FaultCountTwoAppliesTwice) {
  Fault fault;
  fault.count = 2;
  fault.status = 502;
  testkit::add_fault(*server, fault);
  EXPECT_EQ(get("/api/3/users/me")->status, 502);
  EXPECT_EQ(get("/api/3/users/me")->status, 502);
  EXPECT_EQ(get("/api/3/users/me")->status, 200);
}

TEST_F(SandboxServerTest, DelayFaultWaitsThenAnswersNormally) {
  Fault fault;
  fault.kind = Fault::Kind::Delay;
  fault.delay = std::chrono::milliseconds(200);
  testkit::add_fault(*server, fault);
  auto started = std::chrono::steady_clock::now();
  auto reply = get("/api/3/users/me");
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
}

TEST_F(SandboxServerTest, DelayedRequestDoesNotHoldUpOthers) {
  Fault fault;
  fault.kind = Fault::Kind::Delay;
  fault.path_prefix = "/contacts";
  fault.delay = std::chrono::milliseconds(1500);
  testkit::add_fault(*server, fault);
  std::thread slow([&] { get("/api/3/contacts"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(get("/api/3/users/me")->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
  slow.join();
}

TEST_F(SandboxServerTest, ResetFaultClosesWithoutAnswer) {
  Fault fault;
  fault.kind = Fault::Kind::Reset;
  testkit::add_fault(*server, fault);
  EXPECT_FALSE(get("/api/3/contacts"));
  EXPECT_EQ(get("/api/3/contacts")->status, 200);
}

TEST_F(SandboxServerTest, NonJsonFaultAnswers200WithNonJsonBody) {
  Fault fault;
  fault.kind = Fault::Kind::NonJson;
  testkit::add_fault(*server, fault);
  auto reply = get("/api/3/contacts");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_FALSE(reply->body.empty());
  EXPECT_TRUE(reply->json().is_discarded());
}

TEST_F(SandboxServerTest, FaultedRequestsAreLogged) {
  Fault fault;
  fault.kind = Fault::Kind::Reset;
  testkit::add_fault(*server, fault);
  get("/api/3/contacts/2");
  auto log = server->requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].path, "/contacts/2");
}

// ---- rate limit ------------------------------------------------------------------------------

TEST_F(SandboxServerTest, RateLimitAnswers429WithRetryAfter) {
  SandboxOptions options;
  options.rate_limit = true;
  options.rate_per_second = 3;
  start(options);
  testkit::HttpClient client(server->port());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(send(client, "GET", "/api/3/users/me", server->token())->status, 200);
  auto limited = send(client, "GET", "/api/3/users/me", server->token());
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->headers["retry-after"], "1");
  EXPECT_TRUE(limited->json()["message"].is_string());
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  EXPECT_EQ(send(client, "GET", "/api/3/users/me", server->token())->status, 200);
}

TEST_F(SandboxServerTest, NoRateLimitByDefault) {
  testkit::HttpClient client(server->port());
  for (int i = 0; i < 12; ++i)
    ASSERT_EQ(send(client, "GET", "/api/3/users/me", server->token())->status, 200);
}

// ---- robustness ------------------------------------------------------------------------------

TEST_F(SandboxServerTest, MalformedHttpIs400AndServerKeepsServing) {
  testkit::HttpClient client(server->port());
  client.write_raw("THIS IS NOT HTTP\r\n\r\n");
  auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(get("/api/3/users/me")->status, 200);
}

TEST_F(SandboxServerTest, HugeHeadersAre431) {
  testkit::HttpClient client(server->port());
  client.write_raw("GET /api/3/users/me HTTP/1.1\r\nHost: x\r\nX-Padding: " +
                   std::string(64 * 1024, 'a') + "\r\n\r\n");
  auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
}

TEST_F(SandboxServerTest, BodyOverOneMebibyteIs413) {
  testkit::HttpClient client(server->port());
  client.write_raw(
      "POST /api/3/tags HTTP/1.1\r\nHost: x\r\nApi-Token: sandbox-token\r\n"
      "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{");
  auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
}

TEST_F(SandboxServerTest, SlowClientDoesNotBlockOthers) {
  testkit::HttpClient slow(server->port());
  slow.write_raw("GET /api/3/users/me HTTP/1.1\r\nHost: x\r\n");  // never finishes
  EXPECT_EQ(get("/api/3/users/me")->status, 200);
}

TEST_F(SandboxServerTest, ConcurrentClientsAllSucceed) {
  std::vector<std::thread> clients;
  std::atomic<int> created{0};
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&, i] {
      auto reply = post("/api/3/contacts",
                        {{"contact", {{"email", "c" + std::to_string(i) + "@example.com"}}}});
      if (reply && reply->status == 201) ++created;
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(created, 8);
  EXPECT_EQ(get("/api/3/contacts")->json()["meta"]["total"], "11");
}

// ---- shutdown --------------------------------------------------------------------------------

TEST_F(SandboxServerTest, StopRefusesNewConnections) {
  auto port = server->port();
  server->stop();
  EXPECT_FALSE(testkit::HttpClient(port).connected());
}

TEST_F(SandboxServerTest, StopClosesOpenConnections) {
  testkit::HttpClient client(server->port());
  ASSERT_EQ(send(client, "GET", "/api/3/users/me", server->token())->status, 200);
  server->stop();
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(SandboxServerTest, DestroyingWhileARequestWaitsDoesNotCrash) {
  Fault fault;
  fault.kind = Fault::Kind::Delay;
  fault.delay = std::chrono::milliseconds(2000);
  testkit::add_fault(*server, fault);
  std::optional<testkit::HttpResult> reply;
  std::thread waiting([&] { reply = get("/api/3/users/me"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto started = std::chrono::steady_clock::now();
  server.reset();
  waiting.join();
  EXPECT_FALSE(reply);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1500));
}

TEST(SandboxServerShutdown, DestroyAfterIoContextStoppedIsPrompt) {
  asio::io_context io;
  auto server = std::make_unique<SandboxServer>(io.get_executor());
  io.stop();
  auto started = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace acmcp::sandbox
