// Failure answers from the upstream through the real client: 429 in every form, 5xx, bodies that
// are not JSON, truncated or too large, and the wrong content type.
#include <ctime>

#include "fault_fixture.hpp"

namespace acmcp::faults {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;

std::string http_date(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

// --- 429

TEST_F(FaultTest, TooManyRequestsWithRetryAfterSecondsWaitsThenCreatesOnce) {
  inject_status(429, 1, {{"Retry-After", "1"}});
  const auto started = Clock::now();
  const json envelope = create_deal();
  EXPECT_GE(Clock::now() - started, 950ms);
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 201);
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["Deal"]["title"], "Fault test deal");
  EXPECT_EQ(requests_seen(), 2u);
  EXPECT_EQ(fault_deals(), 1u);  // a 429 means not done: the retry is the only write
}

TEST_F(FaultTest, TooManyRequestsWithRetryAfterHttpDateWaitsUntilThatTime) {
  // Whole seconds only: two seconds ahead is more than one second away.
  inject_status(429, 1, {{"Retry-After", http_date(std::chrono::system_clock::now() + 2s)}});
  const auto started = Clock::now();
  const json envelope = get_deal();
  EXPECT_GE(Clock::now() - started, 950ms);
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 200);
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["Deal"]["id"], "1");
  EXPECT_EQ(requests_seen(), 2u);
}

TEST_F(FaultTest, TooManyRequestsWithoutRetryAfterBacksOffThenCreatesOnce) {
  inject_status(429, 1);
  const auto started = Clock::now();
  const json envelope = create_deal();
  EXPECT_LT(Clock::now() - started, 500ms);  // the configured backoff, not a default second
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 201);
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(requests_seen(), 2u);
  EXPECT_EQ(fault_deals(), 1u);
}

TEST_F(FaultTest, TooManyRequestsForeverGivesUpNamingTheRetries) {
  inject_status(429, -1, {}, R"({"message":"Too many requests"})");
  const json envelope = create_deal();
  expect_upstream_error(envelope, "Deal", 429);
  EXPECT_EQ(message_of(envelope),
            "Create a Deal failed: the ActiveCampaign rate limit still held after 2 retries "
            "(HTTP 429: Too many requests). Wait a few seconds and try again.");
  EXPECT_EQ(requests_seen(), 3u);
  EXPECT_EQ(fault_deals(), 0u);
}

TEST_F(FaultTest, TooManyRequestsForeverHonoursTheRetryBudgetSetting) {
  auto config = fast_config(sandbox->base_url(), sandbox->token());
  config.max_retries = 0;
  connect(config);
  inject_status(429, -1, {{"Retry-After", "1"}});
  const json envelope = get_deal();
  expect_upstream_error(envelope, "Deal", 429);
  EXPECT_THAT(message_of(envelope), HasSubstr("rate limit still held after 0 retries"));
  EXPECT_EQ(requests_seen(), 1u);
}

// --- 5xx: idempotent calls retry 502/503/504; a POST is never repeated; 500 is final

class ServerErrorTest : public FaultTest, public ::testing::WithParamInterface<int> {};

TEST_P(ServerErrorTest, GetIsRetriedAndReportsTheStatus) {
  const int status = GetParam();
  inject_status(status, -1, {}, R"({"message":"Upstream trouble"})");
  const json envelope = get_deal();
  expect_upstream_error(envelope, "Deal", status);
  EXPECT_EQ(message_of(envelope),
            "Get a Deal failed: ActiveCampaign failed to handle the request "
            "(HTTP " +
                std::to_string(status) + ": Upstream trouble). The call may be retried.");
  EXPECT_EQ(requests_seen(), 3u);
}

TEST_P(ServerErrorTest, GetSucceedsWhenTheFaultPasses) {
  const int status = GetParam();
  inject_status(status, 1);
  const json envelope = get_deal();
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["OriginalStatusCode"], 200);
  EXPECT_EQ(envelope["Deal"]["id"], "1");
  EXPECT_EQ(requests_seen(), 2u);
}

TEST_P(ServerErrorTest, PostIsNeverRepeated) {
  const int status = GetParam();
  inject_status(status);
  const json envelope = create_deal();
  expect_upstream_error(envelope, "Deal", status);
  EXPECT_THAT(message_of(envelope),
              AllOf(StartsWith("Create a Deal failed: ActiveCampaign failed to handle the request "
                               "(HTTP " +
                               std::to_string(status)),
                    HasSubstr("may be retried")));
  EXPECT_EQ(requests_seen(), 1u);
  EXPECT_EQ(fault_deals(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Statuses, ServerErrorTest, ::testing::Values(500, 502, 503, 504));

// --- bodies

TEST_F(FaultTest, NonJsonBodyIs500WithTheStatusAndContentType) {
  inject(Kind::NonJson);
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 200);
  EXPECT_EQ(message_of(envelope),
            "Get a Deal failed: no usable response from ActiveCampaign (upstream answered HTTP 200 "
            "with a body that is not JSON (Content-Type text/html; charset=utf-8)). The call may "
            "be retried.");
  EXPECT_EQ(requests_seen(), 1u);
}

TEST_F(FaultTest, DeeplyNestedBodyIs500AndNamesTheLimit) {
  inject_status(200, -1, {},
                R"({"deal":)" + std::string(200'000, '[') + std::string(200'000, ']') + "}");
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 200);
  EXPECT_EQ(message_of(envelope),
            "Get a Deal failed: no usable response from ActiveCampaign (upstream answered HTTP 200 "
            "with a body that is JSON nested deeper than 64 levels; refused). The call may be "
            "retried.");
  EXPECT_EQ(requests_seen(), 1u);
}

TEST_F(FaultTest, TruncatedJsonIs500AndNotRetried) {
  inject(Kind::Truncated);
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 200);
  EXPECT_EQ(message_of(envelope),
            "Get a Deal failed: no usable response from ActiveCampaign (upstream answered HTTP 200 "
            "with a body that is not JSON). The call may be retried.");
  EXPECT_EQ(requests_seen(), 1u);
}

TEST_F(FaultTest, TruncatedJsonOnCreateWritesOnce) {
  inject(Kind::Truncated);
  const json envelope = create_deal();
  expect_no_response(envelope, "Deal", 201);
  EXPECT_THAT(message_of(envelope), HasSubstr("HTTP 201 with a body that is not JSON"));
  EXPECT_EQ(requests_seen(), 1u);
  EXPECT_EQ(fault_deals(), 1u);
}

TEST_F(FaultTest, FiftyMebibyteBodyIsRefusedAtTheDefaultLimit) {
  testkit::Fault fault;
  fault.kind = Kind::Oversized;
  fault.size = 50u * 1024 * 1024;
  inject(fault);
  const auto started = Clock::now();
  const json envelope = get_deal();
  EXPECT_LT(Clock::now() - started, 3s);  // refused from the Content-Length, not read to the end
  expect_no_response(envelope, "Deal", 200);
  EXPECT_EQ(message_of(envelope),
            "Get a Deal failed: no usable response from ActiveCampaign (response body larger "
            "than 16777216 bytes). The call may be retried.");
  EXPECT_EQ(requests_seen(), 1u);  // retrying cannot make it smaller
}

TEST_F(FaultTest, BodyLimitIsConfigurable) {
  auto config = fast_config(sandbox->base_url(), sandbox->token());
  config.max_body_bytes = 64 * 1024;
  connect(config);
  testkit::Fault fault;
  fault.kind = Kind::Oversized;
  fault.size = 64 * 1024 + 1;
  inject(fault);
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 200);
  EXPECT_THAT(message_of(envelope), HasSubstr("(response body larger than 65536 bytes)"));
}

TEST_F(FaultTest, BodyAtTheLimitIsRead) {
  auto config = fast_config(sandbox->base_url(), sandbox->token());
  config.max_body_bytes = 64 * 1024;
  connect(config);
  testkit::Fault fault;
  fault.kind = Kind::Oversized;
  fault.size = 64 * 1024;
  fault.count = 1;
  inject(fault);
  const json envelope = call("get_many_deals", json::object());
  // Read in full: a valid JSON object, just without the deals the tool expects.
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 200);
  EXPECT_THAT(message_of(envelope), ::testing::Not(HasSubstr("larger than")));
}

// --- wrong content type

TEST_F(FaultTest, HtmlErrorPageWith200Is500NamingTheContentType) {
  testkit::Fault fault;
  fault.kind = Kind::ContentType;
  fault.status = 200;
  fault.body = "<!DOCTYPE html><html><body>Maintenance</body></html>";
  fault.count = -1;
  inject(fault);
  const json envelope = create_deal();
  expect_no_response(envelope, "Deal", 200);
  EXPECT_EQ(message_of(envelope),
            "Create a Deal failed: no usable response from ActiveCampaign (upstream answered HTTP "
            "200 with a body that is not JSON (Content-Type text/html; charset=utf-8)). The call "
            "may be retried.");
  EXPECT_EQ(requests_seen(), 1u);
  EXPECT_EQ(fault_deals(), 0u);
}

TEST_F(FaultTest, HtmlErrorPageWith502IsRetriedForGetThenReported) {
  testkit::Fault fault;
  fault.kind = Kind::ContentType;
  fault.status = 502;
  fault.body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
  fault.count = -1;
  inject(fault);
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 502);
  EXPECT_EQ(message_of(envelope),
            "Get a Deal failed: no usable response from ActiveCampaign (upstream answered HTTP 502 "
            "with a body that is not JSON (Content-Type text/html; charset=utf-8)). The call may "
            "be retried.");
  EXPECT_EQ(requests_seen(), 3u);
}

TEST_F(FaultTest, HtmlErrorPageWith502OnCreateIsNotRepeated) {
  testkit::Fault fault;
  fault.kind = Kind::ContentType;
  fault.status = 502;
  fault.body = "<html>Bad Gateway</html>";
  fault.count = -1;
  inject(fault);
  const json envelope = create_deal();
  expect_no_response(envelope, "Deal", 502);
  EXPECT_EQ(requests_seen(), 1u);
  EXPECT_EQ(fault_deals(), 0u);
}

}  // namespace
}  // namespace acmcp::faults
