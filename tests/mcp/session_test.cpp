// Session: lifecycle, JSON-RPC validation, tools, progress, logging, cancellation, batches.
#include "mcp/session.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "mcp/client_log_sink.hpp"
#include "testkit/fake_tools.hpp"
#include "util/log_caller.hpp"

using namespace std::chrono_literals;
using acmcp::mcp::Session;
using nlohmann::json;
using testing::HasSubstr;

namespace acmcp::test {
namespace {

using namespace testkit;

class SessionTest : public testing::Test {
 protected:
  SessionTest() {
    session_ =
        Session::create(running_.io.get_executor(), tools_, mcp::ServerInfo{.version = "9.9.9"},
                        "Use the tools.", [this](const json& message) {
                          std::lock_guard lock(session_mutex_);
                          session_messages_.push_back(message);
                        });
  }

  ~SessionTest() override {
    session_->cancel_all();
    for (int i = 0; i < 200 && session_->in_flight() > 0; ++i) std::this_thread::sleep_for(5ms);
  }

  std::shared_ptr<ReplyRecorder> send(const json& message) {
    auto recorder = std::make_shared<ReplyRecorder>();
    session_->receive(message.dump(), recorder->reply());
    return recorder;
  }

  std::shared_ptr<ReplyRecorder> send_raw(std::string_view raw) {
    auto recorder = std::make_shared<ReplyRecorder>();
    session_->receive(raw, recorder->reply());
    return recorder;
  }

  // Sends a message and returns its only response (or null when none came).
  json exchange(const json& message) {
    auto recorder = send(message);
    EXPECT_TRUE(recorder->wait_closed());
    EXPECT_EQ(recorder->closes(), 1);
    const auto messages = recorder->messages();
    EXPECT_LE(messages.size(), 1u);
    return messages.empty() ? json(nullptr) : messages.back();
  }

  static json request(const json& id, const std::string& method, json params = json::object()) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
  }
  static json notification(const std::string& method, json params = json::object()) {
    return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
  }

  json initialize(const std::string& version = "2025-11-25") {
    return exchange(request(0, "initialize",
                            {{"protocolVersion", version},
                             {"capabilities", json::object()},
                             {"clientInfo", {{"name", "test"}, {"version", "1"}}}}));
  }

  json call(const json& id, const std::string& tool, json arguments = json::object()) {
    return request(id, "tools/call", {{"name", tool}, {"arguments", std::move(arguments)}});
  }

  std::vector<json> session_messages() {
    std::lock_guard lock(session_mutex_);
    return session_messages_;
  }

  static int error_code_of(const json& response) {
    return response.at("error").at("code").get<int>();
  }

  RunningIo running_;
  FakeTools tools_;
  std::mutex session_mutex_;
  std::vector<json> session_messages_;
  std::shared_ptr<Session> session_;
};

// --- lifecycle -------------------------------------------------------------------------------

TEST_F(SessionTest, InitializeEchoesEachSupportedVersion) {
  for (const auto version : mcp::supported_protocol_versions()) {
    const json response = initialize(std::string(version));
    EXPECT_EQ(response["result"]["protocolVersion"], std::string(version));
  }
}

TEST_F(SessionTest, InitializeAnswersLatestForUnknownVersion) {
  EXPECT_EQ(initialize("2024-11-05")["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(session_->protocol_version(), "2025-11-25");
}

TEST_F(SessionTest, InitializeReportsServerInfo) {
  const json result = initialize()["result"];
  EXPECT_EQ(result["serverInfo"], json({{"name", "activecampaign-mcp"},
                                        {"version", "9.9.9"},
                                        {"title", "ActiveCampaign MCP Server"}}));
}

TEST_F(SessionTest, InitializeDeclaresToolsAndLoggingCapabilities) {
  const json capabilities = initialize()["result"]["capabilities"];
  EXPECT_EQ(capabilities, json({{"tools", {{"listChanged", false}}}, {"logging", json::object()}}));
}

TEST_F(SessionTest, InitializeCarriesInstructions) {
  EXPECT_EQ(initialize()["result"]["instructions"], "Use the tools.");
}

TEST_F(SessionTest, InitializeEchoesRequestId) {
  const json response =
      exchange(request("init-1", "initialize", {{"protocolVersion", "2025-06-18"}}));
  EXPECT_EQ(response["id"], "init-1");
  EXPECT_EQ(response["jsonrpc"], "2.0");
}

TEST_F(SessionTest, InitializeWithoutProtocolVersionIsInvalidParams) {
  EXPECT_EQ(error_code_of(exchange(request(1, "initialize", json::object()))), -32602);
  EXPECT_FALSE(session_->protocol_version().has_value());
}

TEST_F(SessionTest, RequestsBeforeInitializeAreInvalid) {
  const json response = exchange(request(1, "tools/list"));
  EXPECT_EQ(error_code_of(response), -32600);
  EXPECT_THAT(response["error"]["message"].get<std::string>(), HasSubstr("initialize"));
  EXPECT_EQ(response["id"], 1);
}

TEST_F(SessionTest, ToolCallBeforeInitializeDoesNotReachTheProvider) {
  EXPECT_EQ(error_code_of(exchange(call(1, "echo"))), -32600);
  EXPECT_EQ(tools_.calls, 0);
}

TEST_F(SessionTest, PingWorksBeforeInitialize) {
  EXPECT_EQ(exchange(request(7, "ping"))["result"], json::object());
}

TEST_F(SessionTest, PingAnswersEmptyObject) {
  initialize();
  const json response = exchange(request("p", "ping"));
  EXPECT_EQ(response, json({{"jsonrpc", "2.0"}, {"id", "p"}, {"result", json::object()}}));
}

TEST_F(SessionTest, PingWithoutParamsIsAnswered) {
  EXPECT_EQ(exchange({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "ping"}})["result"],
            json::object());
}

TEST_F(SessionTest, InitializedNotificationGetsNoResponse) {
  initialize();
  EXPECT_TRUE(exchange(notification("notifications/initialized")).is_null());
}

// --- JSON-RPC validation ---------------------------------------------------------------------

TEST_F(SessionTest, MalformedJsonIsParseErrorWithNullId) {
  auto recorder = send_raw("{\"jsonrpc\": \"2.0\", \"id\": 1,");
  ASSERT_TRUE(recorder->wait_closed());
  ASSERT_EQ(recorder->messages().size(), 1u);
  const json response = recorder->messages()[0];
  EXPECT_EQ(error_code_of(response), -32700);
  EXPECT_TRUE(response["id"].is_null());
}

TEST_F(SessionTest, NonObjectMessageIsInvalidRequest) {
  const json response = exchange(42);
  EXPECT_EQ(error_code_of(response), -32600);
  EXPECT_TRUE(response["id"].is_null());
}

TEST_F(SessionTest, WrongJsonrpcVersionIsInvalidRequestWithItsId) {
  const json response = exchange({{"jsonrpc", "1.0"}, {"id", 5}, {"method", "ping"}});
  EXPECT_EQ(error_code_of(response), -32600);
  EXPECT_EQ(response["id"], 5);
}

TEST_F(SessionTest, MissingJsonrpcIsInvalidRequest) {
  EXPECT_EQ(error_code_of(exchange({{"id", 5}, {"method", "ping"}})), -32600);
}

TEST_F(SessionTest, BadIdTypesAreInvalidRequests) {
  for (const json& id : {json(true), json(nullptr), json::object(), json::array()}) {
    const json response = exchange({{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}});
    EXPECT_EQ(error_code_of(response), -32600) << id;
    EXPECT_TRUE(response["id"].is_null()) << id;
  }
}

TEST_F(SessionTest, MethodThatIsNotAStringIsInvalidRequest) {
  const json response = exchange({{"jsonrpc", "2.0"}, {"id", 2}, {"method", 12}});
  EXPECT_EQ(error_code_of(response), -32600);
  EXPECT_EQ(response["id"], 2);
}

TEST_F(SessionTest, ObjectWithoutMethodOrIdIsInvalidRequest) {
  EXPECT_EQ(error_code_of(exchange({{"jsonrpc", "2.0"}})), -32600);
}

TEST_F(SessionTest, UnknownMethodIsMethodNotFound) {
  initialize();
  const json response = exchange(request(4, "resources/list"));
  EXPECT_EQ(error_code_of(response), -32601);
  EXPECT_THAT(response["error"]["message"].get<std::string>(), HasSubstr("resources/list"));
}

TEST_F(SessionTest, ParamsThatAreNotAnObjectAreInvalidParams) {
  EXPECT_EQ(error_code_of(
                exchange({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}, {"params", {1, 2}}})),
            -32602);
}

TEST_F(SessionTest, UnknownNotificationIsIgnored) {
  initialize();
  EXPECT_TRUE(exchange(notification("notifications/whatever")).is_null());
}

TEST_F(SessionTest, MalformedNotificationGetsNoResponse) {
  EXPECT_TRUE(exchange({{"jsonrpc", "1.0"}, {"method", "notifications/initialized"}}).is_null());
}

TEST_F(SessionTest, ClientResponsesAreIgnored) {
  initialize();
  EXPECT_TRUE(exchange({{"jsonrpc", "2.0"}, {"id", 99}, {"result", json::object()}}).is_null());
}

// --- tools -----------------------------------------------------------------------------------

TEST_F(SessionTest, ToolsListReturnsProviderDefinitions) {
  initialize();
  EXPECT_EQ(exchange(request(1, "tools/list"))["result"]["tools"], tools_.tool_definitions());
}

TEST_F(SessionTest, ToolsListIgnoresCursor) {
  initialize();
  const json result = exchange(request(1, "tools/list", {{"cursor", "abc"}}))["result"];
  EXPECT_EQ(result["tools"].size(), tools_.tool_definitions().size());
  EXPECT_FALSE(result.contains("nextCursor"));
}

TEST_F(SessionTest, ToolsCallAnswersWithTheProvidersEnvelope) {
  initialize();
  const json response = exchange(call(8, "echo", {{"Email", "a@b.c"}}));
  EXPECT_EQ(response["id"], 8);
  EXPECT_EQ(response["result"],
            json({{"content", {{{"type", "text"}, {"text", R"({"Email":"a@b.c"})"}}}},
                  {"structuredContent", {{"Email", "a@b.c"}}},
                  {"isError", false}}));
}

// Byte for byte, keys in json::dump() order: the text is the envelope's compact JSON, and
// structuredContent is that same text.
TEST(CallToolResult, IsWrittenWithTheEnvelopeAsTextAndAsStructuredContent) {
  const mcp::ToolResult result{
      {{"Tag", {{"tag", "Zoë \"x\""}}}, {"StatusCode", 500}}, 500, true, ""};
  EXPECT_EQ(
      util::compact_json(mcp::call_tool_result(result)),
      R"({"content":[{"text":"{\"StatusCode\":500,\"Tag\":{\"tag\":\"Zoë \\\"x\\\"\"}}","type":"text"}],)"
      R"("isError":true,"structuredContent":{"StatusCode":500,"Tag":{"tag":"Zoë \"x\""}}})");
}

TEST(CallToolResult, NoteIsASecondTextBlock) {
  const mcp::ToolResult result{{{"StatusCode", 200}}, 200, false, "cut"};
  EXPECT_EQ(
      util::compact_json(mcp::call_tool_result(result)),
      R"({"content":[{"text":"{\"StatusCode\":200}","type":"text"},{"text":"cut","type":"text"}],)"
      R"("isError":false,"structuredContent":{"StatusCode":200}})");
}

TEST_F(SessionTest, ToolsCallUnknownToolIsInvalidParams) {
  initialize();
  const json response = exchange(call(1, "foo"));
  EXPECT_EQ(error_code_of(response), -32602);
  EXPECT_EQ(response["error"]["message"], "Unknown tool: foo");
}

TEST_F(SessionTest, ToolsCallNameMustBeAString) {
  initialize();
  EXPECT_EQ(error_code_of(exchange(request(1, "tools/call", {{"name", 5}}))), -32602);
  EXPECT_EQ(error_code_of(exchange(request(2, "tools/call", json::object()))), -32602);
}

TEST_F(SessionTest, ToolsCallArgumentsMustBeAnObject) {
  initialize();
  const json response = exchange(request(1, "tools/call", {{"name", "echo"}, {"arguments", "x"}}));
  EXPECT_EQ(error_code_of(response), -32602);
  EXPECT_THAT(response["error"]["message"].get<std::string>(), HasSubstr("arguments"));
  EXPECT_EQ(tools_.calls, 0);
}

TEST_F(SessionTest, ToolsCallWithoutArgumentsPassesEmptyObject) {
  initialize();
  const json response = exchange(request(1, "tools/call", {{"name", "echo"}}));
  EXPECT_EQ(response["result"]["structuredContent"], json::object());
  EXPECT_EQ(tools_.last_arguments, json::object());
}

TEST_F(SessionTest, ThrowingToolBecomesErrorResult) {
  initialize();
  const json result = exchange(call(1, "throws"))["result"];
  EXPECT_EQ(result["isError"], true);
  const std::string text = result["content"][0]["text"];
  EXPECT_THAT(text, HasSubstr("boom"));
  EXPECT_EQ(json::parse(text)["StatusCode"], 500);
}

TEST_F(SessionTest, DuplicateInFlightIdIsRejected) {
  initialize();
  auto first = send(call(1, "slow", {{"ms", 10000}}));
  const json second = exchange(call(1, "echo"));
  EXPECT_EQ(error_code_of(second), -32600);
  EXPECT_EQ(first->closes(), 0);
}

// --- progress --------------------------------------------------------------------------------

TEST_F(SessionTest, ProgressNotificationsPrecedeTheResponse) {
  initialize();
  auto recorder =
      send(request(1, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", "tok"}}}}));
  ASSERT_TRUE(recorder->wait_closed());
  const auto messages = recorder->messages();
  ASSERT_EQ(messages.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(messages[i]["method"], "notifications/progress");
    EXPECT_EQ(messages[i]["params"]["progressToken"], "tok");
    EXPECT_EQ(messages[i]["params"]["progress"], i + 1);
    EXPECT_EQ(messages[i]["params"]["total"], 3);
    EXPECT_EQ(messages[i]["params"]["message"], "step " + std::to_string(i + 1));
  }
  EXPECT_EQ(messages[3]["id"], 1);
}

TEST_F(SessionTest, IntegerProgressTokenIsEchoed) {
  initialize();
  auto recorder =
      send(request(1, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", 17}}}}));
  ASSERT_TRUE(recorder->wait_closed());
  EXPECT_EQ(recorder->messages()[0]["params"]["progressToken"], 17);
}

TEST_F(SessionTest, NoProgressTokenMeansNoProgressCallback) {
  initialize();
  EXPECT_EQ(exchange(call(1, "has_progress"))["result"]["structuredContent"]["has_progress"],
            false);
}

TEST_F(SessionTest, InvalidProgressTokenIsIgnored) {
  initialize();
  const json response = exchange(
      request(1, "tools/call", {{"name", "has_progress"}, {"_meta", {{"progressToken", 1.5}}}}));
  EXPECT_EQ(response["result"]["structuredContent"]["has_progress"], false);
}

TEST_F(SessionTest, UnknownTotalIsOmitted) {
  initialize();
  auto recorder = send(request(1, "tools/call",
                               {{"name", "progress"},
                                {"arguments", {{"steps", {1, 2}}, {"total", 0}}},
                                {"_meta", {{"progressToken", "t"}}}}));
  ASSERT_TRUE(recorder->wait_closed());
  const auto messages = recorder->messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0]["params"]["progress"], 1);
  EXPECT_EQ(messages[1]["params"]["progress"], 2);
  EXPECT_FALSE(messages[0]["params"].contains("total"));
}

// --- logging ---------------------------------------------------------------------------------

TEST_F(SessionTest, SetLevelAcceptsEveryMcpLevel) {
  initialize();
  for (const char* level :
       {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"}) {
    EXPECT_EQ(exchange(request(1, "logging/setLevel", {{"level", level}}))["result"],
              json::object())
        << level;
  }
}

TEST_F(SessionTest, SetLevelRejectsUnknownLevel) {
  initialize();
  EXPECT_EQ(error_code_of(exchange(request(1, "logging/setLevel", {{"level", "verbose"}}))),
            -32602);
  EXPECT_EQ(error_code_of(exchange(request(2, "logging/setLevel", json::object()))), -32602);
}

TEST_F(SessionTest, NoLogNotificationsBeforeSetLevel) {
  initialize();
  session_->forward_log(spdlog::level::critical, "disk on fire");
  EXPECT_TRUE(session_messages().empty());
}

TEST_F(SessionTest, LogRecordsAtOrAboveLevelAreSent) {
  initialize();
  exchange(request(1, "logging/setLevel", {{"level", "warning"}}));
  session_->forward_log(spdlog::level::info, "quiet");
  session_->forward_log(spdlog::level::warn, "loud");
  session_->forward_log(spdlog::level::err, "louder");
  const auto messages = session_messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0],
            json({{"jsonrpc", "2.0"},
                  {"method", "notifications/message"},
                  {"params",
                   {{"level", "warning"}, {"logger", "activecampaign-mcp"}, {"data", "loud"}}}}));
  EXPECT_EQ(messages[1]["params"]["level"], "error");
}

TEST_F(SessionTest, DebugLevelIncludesTrace) {
  initialize();
  exchange(request(1, "logging/setLevel", {{"level", "debug"}}));
  session_->forward_log(spdlog::level::trace, "fine detail");
  ASSERT_EQ(session_messages().size(), 1u);
  EXPECT_EQ(session_messages()[0]["params"]["level"], "debug");
}

TEST_F(SessionTest, ClientLogSinkForwardsSpdlogRecords) {
  initialize();
  exchange(request(1, "logging/setLevel", {{"level", "info"}}));
  auto sink = std::make_shared<mcp::ClientLogSink>();
  sink->attach(session_);
  spdlog::logger logger("test", sink);
  logger.set_level(spdlog::level::trace);
  logger.info("contact {} created", 12);
  logger.debug("not sent");
  const auto messages = session_messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["params"]["data"], "contact 12 created");
}

// A session that asked for log records gets them while it lives and none once it has ended:
// the sink must not keep an ended session alive.
TEST_F(SessionTest, ClientLogSinkDropsEndedSessions) {
  auto sink = std::make_shared<mcp::ClientLogSink>();
  spdlog::logger logger("test", sink);
  logger.set_level(spdlog::level::trace);
  auto received = std::make_shared<std::atomic<int>>(0);
  auto other = Session::create(running_.io.get_executor(), tools_, {}, "",
                               [received](const json&) { ++*received; });
  const auto exchange_with_other = [&](const json& message) {
    auto recorder = std::make_shared<ReplyRecorder>();
    other->receive(message.dump(), recorder->reply());
    ASSERT_TRUE(recorder->wait_closed());
    ASSERT_EQ(recorder->messages().size(), 1u);
    EXPECT_TRUE(recorder->messages()[0].contains("result")) << recorder->messages()[0];
  };
  exchange_with_other(request(0, "initialize",
                              {{"protocolVersion", "2025-11-25"},
                               {"capabilities", json::object()},
                               {"clientInfo", {{"name", "other"}, {"version", "1"}}}}));
  exchange_with_other(request(1, "logging/setLevel", {{"level", "debug"}}));
  sink->attach(other);

  logger.error("while the session lives");
  ASSERT_EQ(received->load(), 1);

  std::weak_ptr<Session> ended = other;
  other.reset();
  ASSERT_TRUE(ended.expired());
  logger.error("after the session ended");
  EXPECT_EQ(received->load(), 1);
}

TEST_F(SessionTest, ClientLogSinkSendsARecordAboutOneSessionToThatSessionOnly) {
  initialize();
  exchange(request(1, "logging/setLevel", {{"level", "debug"}}));
  auto other_messages = std::make_shared<std::atomic<int>>(0);
  auto other = Session::create(running_.io.get_executor(), tools_, {}, "",
                               [other_messages](const json&) { ++*other_messages; });
  for (const json& message : {request(0, "initialize",
                                      {{"protocolVersion", "2025-11-25"},
                                       {"capabilities", json::object()},
                                       {"clientInfo", {{"name", "other"}, {"version", "1"}}}}),
                              request(1, "logging/setLevel", {{"level", "debug"}})}) {
    auto recorder = std::make_shared<ReplyRecorder>();
    other->receive(message.dump(), recorder->reply());
    ASSERT_TRUE(recorder->wait_closed());
  }
  EXPECT_NE(other->serial(), session_->serial());
  auto sink = std::make_shared<mcp::ClientLogSink>();
  sink->attach(session_);
  sink->attach(other);
  spdlog::logger logger("test", sink);
  logger.set_level(spdlog::level::trace);
  {
    const util::LogCallerScope about(other->serial());
    logger.info("about the other session");
  }
  EXPECT_TRUE(session_messages().empty());
  EXPECT_EQ(other_messages->load(), 1);
  logger.info("server-wide");
  ASSERT_EQ(session_messages().size(), 1u);
  EXPECT_EQ(session_messages()[0]["params"]["data"], "server-wide");
  EXPECT_EQ(other_messages->load(), 2);
  {
    const util::LogCallerScope about(session_->serial());
    logger.info("about this session");
  }
  EXPECT_EQ(session_messages().size(), 2u);
  EXPECT_EQ(other_messages->load(), 2);
}

// --- concurrency and cancellation ------------------------------------------------------------

TEST_F(SessionTest, PingIsAnsweredWhileASlowCallRuns) {
  initialize();
  auto slow = send(call(1, "slow", {{"ms", 10000}}));
  EXPECT_EQ(exchange(request(2, "ping"))["result"], json::object());
  EXPECT_EQ(slow->closes(), 0);
  EXPECT_EQ(session_->in_flight(), 1u);
}

TEST_F(SessionTest, SlowCallsRunConcurrently) {
  initialize();
  const auto start = std::chrono::steady_clock::now();
  auto first = send(call(1, "slow", {{"ms", 1000}}));
  auto second = send(call(2, "slow", {{"ms", 1000}}));
  ASSERT_TRUE(first->wait_closed());
  ASSERT_TRUE(second->wait_closed());
  // One after the other would take 2 s; the margin absorbs a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1900ms);
  EXPECT_EQ(second->messages()[0]["result"]["structuredContent"]["slept"], 1000);
}

TEST_F(SessionTest, CancelledCallGetsNoResponseAndClosesAtOnce) {
  initialize();
  auto slow = send(call("c1", "slow", {{"ms", 10000}}));
  EXPECT_TRUE(
      exchange(notification("notifications/cancelled", {{"requestId", "c1"}, {"reason", "user"}}))
          .is_null());
  EXPECT_TRUE(slow->wait_closed(1s));
  EXPECT_EQ(slow->closes(), 1);
  EXPECT_TRUE(slow->messages().empty());
}

TEST_F(SessionTest, CancellationReachesTheToolCoroutine) {
  initialize();
  send(call(1, "slow", {{"ms", 10000}}));
  exchange(notification("notifications/cancelled", {{"requestId", 1}}));
  for (int i = 0; i < 200 && session_->in_flight() > 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(session_->in_flight(), 0u);
  EXPECT_TRUE(tools_.saw_cancellation);
  EXPECT_EQ(tools_.finished, 0);
}

TEST_F(SessionTest, CallFinishingAfterCancellationSendsNothing) {
  initialize();
  auto stubborn = send(call(1, "stubborn", {{"ms", 10000}}));
  exchange(notification("notifications/cancelled", {{"requestId", 1}}));
  for (int i = 0; i < 200 && tools_.finished == 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(tools_.finished, 1);
  std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(stubborn->messages().empty());
  EXPECT_EQ(stubborn->closes(), 1);
}

TEST_F(SessionTest, CancellingAnUnknownRequestIsIgnored) {
  initialize();
  auto slow = send(call(1, "slow", {{"ms", 10000}}));
  exchange(notification("notifications/cancelled", {{"requestId", 2}}));
  exchange(notification("notifications/cancelled", {{"requestId", "1"}}));  // string, not 1
  EXPECT_EQ(session_->in_flight(), 1u);
  EXPECT_EQ(slow->closes(), 0);
}

TEST_F(SessionTest, OtherCallsSurviveACancellation) {
  initialize();
  auto cancelled = send(call(1, "slow", {{"ms", 10000}}));
  auto kept = send(call(2, "slow", {{"ms", 100}}));
  exchange(notification("notifications/cancelled", {{"requestId", 1}}));
  ASSERT_TRUE(kept->wait_closed());
  ASSERT_EQ(kept->messages().size(), 1u);
  EXPECT_EQ(kept->messages()[0]["id"], 2);
}

TEST_F(SessionTest, DrainWaitsForCallsToFinish) {
  initialize();
  auto slow = send(call(1, "slow", {{"ms", 100}}));
  asio::co_spawn(running_.io, session_->drain(5s), asio::use_future).get();
  EXPECT_EQ(session_->in_flight(), 0u);
  ASSERT_EQ(slow->messages().size(), 1u);
  EXPECT_EQ(slow->messages()[0]["result"]["structuredContent"]["slept"], 100);
}

TEST_F(SessionTest, DrainCancelsCallsAfterGrace) {
  initialize();
  auto slow = send(call(1, "slow", {{"ms", 10000}}));
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(running_.io, session_->drain(50ms), asio::use_future).get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(session_->in_flight(), 0u);
  EXPECT_TRUE(slow->messages().empty());
  EXPECT_EQ(slow->closes(), 1);
}

TEST_F(SessionTest, DrainWithNothingInFlightReturnsAtOnce) {
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(running_.io, session_->drain(5s), asio::use_future).get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

// --- batches ---------------------------------------------------------------------------------

TEST_F(SessionTest, BatchIsRejectedInCurrentProtocol) {
  initialize("2025-11-25");
  const json response = exchange(json::array({request(1, "ping")}));
  EXPECT_EQ(error_code_of(response), -32600);
  EXPECT_THAT(response["error"]["message"].get<std::string>(), HasSubstr("2025-11-25"));
}

TEST_F(SessionTest, BatchIsRejectedBeforeInitialize) {
  EXPECT_EQ(error_code_of(exchange(json::array({request(1, "ping")}))), -32600);
}

TEST_F(SessionTest, BatchIsAnsweredWithArrayIn20250326) {
  initialize("2025-03-26");
  auto recorder = send(json::array({request(1, "ping"), notification("notifications/initialized"),
                                    call(2, "slow", {{"ms", 30}}), request(3, "nope")}));
  ASSERT_TRUE(recorder->wait_closed());
  EXPECT_EQ(recorder->closes(), 1);
  ASSERT_EQ(recorder->messages().size(), 1u);
  const json responses = recorder->messages()[0];
  ASSERT_TRUE(responses.is_array());
  ASSERT_EQ(responses.size(), 3u);
  std::map<int, json> by_id;
  for (const auto& response : responses) by_id[response["id"].get<int>()] = response;
  EXPECT_EQ(by_id[1]["result"], json::object());
  EXPECT_EQ(by_id[2]["result"]["structuredContent"]["slept"], 30);
  EXPECT_EQ(error_code_of(by_id[3]), -32601);
}

TEST_F(SessionTest, BatchOfNotificationsSendsNothing) {
  initialize("2025-03-26");
  auto recorder = send(json::array({notification("notifications/initialized"), notification("x")}));
  ASSERT_TRUE(recorder->wait_closed());
  EXPECT_TRUE(recorder->messages().empty());
}

TEST_F(SessionTest, EmptyBatchIsASingleInvalidRequest) {
  initialize("2025-03-26");
  const json response = exchange(json::array());
  EXPECT_EQ(error_code_of(response), -32600);
  EXPECT_TRUE(response["id"].is_null());
}

TEST_F(SessionTest, InvalidBatchElementsGetErrorsInTheArray) {
  initialize("2025-03-26");
  auto recorder = send(json::array({1, request(2, "ping")}));
  ASSERT_TRUE(recorder->wait_closed());
  const json responses = recorder->messages().at(0);
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(error_code_of(responses[0]), -32600);
  EXPECT_EQ(responses[1]["result"], json::object());
}

TEST_F(SessionTest, BatchElementWithNonStringMethodIsInvalid) {
  initialize("2025-03-26");
  auto recorder = send(json::array({{{"jsonrpc", "2.0"}, {"id", 1}, {"method", 5}}}));
  ASSERT_TRUE(recorder->wait_closed());
  EXPECT_EQ(error_code_of(recorder->messages().at(0).at(0)), -32600);
}

TEST_F(SessionTest, InitializeInsideABatchIsRejected) {
  initialize("2025-03-26");
  auto recorder =
      send(json::array({request(5, "initialize", {{"protocolVersion", "2025-03-26"}})}));
  ASSERT_TRUE(recorder->wait_closed());
  EXPECT_EQ(error_code_of(recorder->messages().at(0).at(0)), -32600);
}

TEST_F(SessionTest, BatchProgressNotificationsPassThrough) {
  initialize("2025-03-26");
  auto recorder = send(json::array(
      {request(1, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", "b"}}}})}));
  ASSERT_TRUE(recorder->wait_closed());
  const auto messages = recorder->messages();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0]["method"], "notifications/progress");
  EXPECT_TRUE(messages[3].is_array());
}

// --- revision 2026-07-28: every request on its own ------------------------------------------

json modern_meta(const std::string& version = "2026-07-28") {
  return {{"io.modelcontextprotocol/protocolVersion", version},
          {"io.modelcontextprotocol/clientCapabilities", json::object()}};
}

json modern(const json& id, const std::string& method, json params = json::object()) {
  params["_meta"].update(modern_meta());
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

void expect_stamped(const json& result) {
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["_meta"]["io.modelcontextprotocol/serverInfo"],
            json({{"name", "activecampaign-mcp"},
                  {"version", "9.9.9"},
                  {"title", "ActiveCampaign MCP Server"}}));
}

TEST_F(SessionTest, DiscoverNeedsNoInitialize) {
  const json result = exchange(modern(1, "server/discover"))["result"];
  EXPECT_EQ(result["supportedVersions"],
            json({"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"}));
  EXPECT_EQ(result["capabilities"], json({{"tools", {{"listChanged", false}}}}));
  EXPECT_EQ(result["instructions"], "Use the tools.");
  EXPECT_EQ(result["ttlMs"], 300000);
  EXPECT_EQ(result["cacheScope"], "public");
  expect_stamped(result);
  EXPECT_FALSE(session_->protocol_version());
}

TEST_F(SessionTest, ModernToolsListIsTheLegacyListWithCacheHints) {
  const json modern_list = exchange(modern(1, "tools/list"));
  json again = exchange(modern(2, "tools/list"));
  again["id"] = 1;
  EXPECT_EQ(again, modern_list);
  initialize();
  const json legacy_list = exchange(request(3, "tools/list"));
  EXPECT_EQ(modern_list["result"]["tools"], legacy_list["result"]["tools"]);
  EXPECT_EQ(modern_list["result"]["ttlMs"], 300000);
  EXPECT_EQ(modern_list["result"]["cacheScope"], "public");
  expect_stamped(modern_list["result"]);
  EXPECT_FALSE(legacy_list["result"].contains("resultType"));
}

TEST_F(SessionTest, ModernToolCallIsStampedAndCarriesProgress) {
  auto recorder =
      send(modern(1, "tools/call", {{"name", "progress"}, {"_meta", {{"progressToken", "p"}}}}));
  ASSERT_TRUE(recorder->wait_closed());
  const auto messages = recorder->messages();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0]["method"], "notifications/progress");
  EXPECT_EQ(messages[3]["result"]["structuredContent"]["done"], true);
  EXPECT_EQ(messages[3]["result"]["isError"], false);
  expect_stamped(messages[3]["result"]);
}

TEST_F(SessionTest, ModernFailingToolIsAStampedErrorResult) {
  const json result = exchange(modern(1, "tools/call", {{"name", "throws"}}))["result"];
  EXPECT_EQ(result["isError"], true);
  expect_stamped(result);
  EXPECT_EQ(error_code_of(exchange(modern(2, "tools/call", {{"name", "nope"}}))), -32602);
}

TEST_F(SessionTest, ModernRequestsDoNotInitializeTheSession) {
  exchange(modern(1, "tools/list"));
  EXPECT_EQ(error_code_of(exchange(request(2, "tools/list"))), -32600);
  EXPECT_EQ(error_code_of(exchange(modern(3, "ping"))), -32601);
  EXPECT_EQ(exchange(request(4, "ping"))["result"], json::object());
}

TEST_F(SessionTest, BothErasOnOneSession) {
  initialize();
  EXPECT_TRUE(exchange(request(1, "tools/list"))["result"]["tools"].is_array());
  expect_stamped(exchange(modern(2, "tools/list"))["result"]);
  EXPECT_EQ(error_code_of(exchange(modern(3, "logging/setLevel", {{"level", "debug"}}))), -32601);
  EXPECT_EQ(exchange(request(4, "logging/setLevel", {{"level", "debug"}}))["result"],
            json::object());
  EXPECT_EQ(session_->protocol_version(), "2025-11-25");
}

TEST_F(SessionTest, ModernRefusalsCarryTheirCodeAndData) {
  json unknown_version = modern(1, "tools/list");
  unknown_version["params"]["_meta"] = modern_meta("v999.0.0");
  const json error = exchange(unknown_version)["error"];
  EXPECT_EQ(error["code"], -32022);
  EXPECT_EQ(error["data"]["requested"], "v999.0.0");
  EXPECT_EQ(error_code_of(exchange({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "server/discover"}})),
            -32602);
}

TEST_F(SessionTest, ModernResourceReadFindsNoResource) {
  const json error =
      exchange(modern(1, "resources/read", {{"uri", "activecampaign://x"}}))["error"];
  EXPECT_EQ(error["code"], -32602);
  EXPECT_EQ(error["data"], json({{"uri", "activecampaign://x"}}));
  EXPECT_EQ(error_code_of(exchange(modern(2, "resources/read"))), -32602);
  initialize();
  EXPECT_EQ(error_code_of(exchange(request(3, "resources/read", {{"uri", "x"}}))), -32601);
}

// A stdio client that asked for log records in a 2025 session must not get them for its
// 2026-07-28 requests: the revision sends none unless a request asks.
TEST_F(SessionTest, ModernCallsGetNoLogRecords) {
  initialize();
  exchange(request(1, "logging/setLevel", {{"level", "debug"}}));
  auto sink = std::make_shared<mcp::ClientLogSink>();
  sink->attach(session_);
  spdlog::logger logger("test", sink);
  logger.set_level(spdlog::level::trace);
  const auto before = session_messages().size();
  {
    const util::LogCallerScope legacy(session_->serial());
    logger.info("about the 2025 session");
  }
  EXPECT_EQ(session_messages().size(), before + 1);
  auto recorder = send(modern(2, "tools/call", {{"name", "echo"}}));
  ASSERT_TRUE(recorder->wait_closed());
  EXPECT_NE(tools_.last_caller, session_->serial());
  {
    const util::LogCallerScope modern_call(tools_.last_caller);
    logger.info("about the modern call");
  }
  EXPECT_EQ(session_messages().size(), before + 1);
}

// Whoever made the session (the HTTP transport's factory) names the account its calls use.
TEST_F(SessionTest, EveryToolCallCarriesTheSessionsAccount) {
  initialize();
  exchange(request(1, "tools/call", {{"name", "echo"}}));
  EXPECT_EQ(tools_.last_account, nullptr);
  auto account = std::make_shared<ac::Account>();
  account->key = "acct.api-us1.com";
  session_->set_account(account);
  exchange(request(2, "tools/call", {{"name", "echo"}}));
  EXPECT_EQ(tools_.last_account, account);
  auto recorder = send(modern(3, "tools/call", {{"name", "echo"}}));
  ASSERT_TRUE(recorder->wait_closed());
  EXPECT_EQ(tools_.last_account, account);
}

TEST_F(SessionTest, ModernCallIsCancelledByNotification) {
  auto slow = send(modern("m1", "tools/call", {{"name", "slow"}, {"arguments", {{"ms", 10000}}}}));
  for (int i = 0; i < 200 && session_->in_flight() == 0; ++i) std::this_thread::sleep_for(5ms);
  send(notification("notifications/cancelled", {{"requestId", "m1"}, {"_meta", modern_meta()}}));
  EXPECT_TRUE(slow->wait_closed(1s));
  EXPECT_TRUE(slow->messages().empty());
}

TEST_F(SessionTest, ModernRequestsCannotBeBatched) {
  initialize("2025-03-26");
  auto recorder = send(json::array({modern(1, "tools/list"), request(2, "ping")}));
  ASSERT_TRUE(recorder->wait_closed());
  const json responses = recorder->messages().at(0);
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0]["error"]["code"], -32600);
  EXPECT_EQ(responses[1]["result"], json::object());
}

}  // namespace
}  // namespace acmcp::test
