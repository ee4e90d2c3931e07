// Network failure classes through the real client: refused connections, resets and timeouts.
// Each asserts the exact envelope and how often the request reached the upstream.
#include "fault_fixture.hpp"
#include "testkit/test_server.hpp"

namespace acmcp::faults {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// --- connect refused

TEST_F(FaultTest, ConnectRefusedIs500AfterTheRetryBudget) {
  const auto port = testkit::unused_port();
  connect(fast_config("http://127.0.0.1:" + std::to_string(port) + "/api/3", "tok"));
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 0);
  EXPECT_THAT(message_of(envelope),
              AllOf(StartsWith("Get a Deal failed: no usable response from ActiveCampaign (could "
                               "not connect to 127.0.0.1:" +
                               std::to_string(port)),
                    HasSubstr("(gave up after 3 attempts)"), HasSubstr("may be retried")));
}

TEST_F(FaultTest, ConnectRefusedCreateWritesNothing) {
  connect(
      fast_config("http://127.0.0.1:" + std::to_string(testkit::unused_port()) + "/api/3", "tok"));
  const json envelope = create_deal();
  expect_no_response(envelope, "Deal", 0);
  EXPECT_THAT(message_of(envelope), AllOf(StartsWith("Create a Deal failed: no usable response"),
                                          HasSubstr("could not connect")));
  EXPECT_EQ(fault_deals(), 0u);
}

// --- reset in the middle of the response

TEST_F(FaultTest, ResetAfterHeadersOnCreateIsNotRetriedAndWritesOnce) {
  inject(Kind::ResetAfterHeaders);
  const json envelope = create_deal();
  // The status line arrived, so the status is known, but there is no usable body.
  expect_no_response(envelope, "Deal", 201);
  EXPECT_EQ(message_of(envelope),
            "Create a Deal failed: no usable response from ActiveCampaign (connection reset by "
            "upstream). The call may be retried.");
  EXPECT_EQ(requests_seen(), 1u);
  EXPECT_EQ(fault_deals(), 1u);  // the upstream acted once; the client did not send it again
}

TEST_F(FaultTest, ResetAfterHeadersOnGetIsRetriedAndThenSucceeds) {
  inject(Kind::ResetAfterHeaders, 1);
  const json envelope = get_deal();
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 200);
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["Deal"]["id"], "1");
  EXPECT_EQ(requests_seen(), 2u);
}

TEST_F(FaultTest, ResetAfterHeadersForeverGivesUpOnGet) {
  inject(Kind::ResetAfterHeaders);
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 200);
  EXPECT_THAT(message_of(envelope), HasSubstr("(gave up after 3 attempts)"));
  EXPECT_EQ(requests_seen(), 3u);
}

TEST_F(FaultTest, ResetBeforeAnyAnswerOnCreateWritesNothingTwice) {
  inject(Kind::Reset);
  const json envelope = create_deal();
  expect_no_response(envelope, "Deal", 0);
  EXPECT_THAT(message_of(envelope), HasSubstr("Create a Deal failed: no usable response"));
  EXPECT_EQ(requests_seen(), 1u);  // a POST that reached the upstream is never sent again
  EXPECT_EQ(fault_deals(), 0u);
}

// --- timeouts

TEST_F(FaultTest, TimeoutBeforeHeadersOnCreateIsNotRetriedAndWritesOnce) {
  inject(Kind::StallBeforeHeaders);
  const auto started = std::chrono::steady_clock::now();
  const json envelope = create_deal();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  expect_no_response(envelope, "Deal", 0);
  EXPECT_THAT(message_of(envelope),
              AllOf(StartsWith("Create a Deal failed: no usable response from ActiveCampaign "
                               "(upstream did not answer within 400 ms)"),
                    HasSubstr("may be retried")));
  EXPECT_GE(elapsed, 390ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_EQ(requests_seen(), 1u);
  EXPECT_EQ(fault_deals(), 1u);
}

TEST_F(FaultTest, TimeoutBeforeHeadersOnGetIsNotRetried) {
  inject(Kind::StallBeforeHeaders);
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 0);
  EXPECT_THAT(message_of(envelope), HasSubstr("(upstream did not answer within 400 ms)"));
  EXPECT_EQ(requests_seen(), 1u);  // the caller already waited a whole timeout
}

TEST_F(FaultTest, TimeoutMidBodyKeepsTheStatusAndIsNotRetried) {
  inject(Kind::StallMidBody);
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 200);
  EXPECT_THAT(message_of(envelope),
              StartsWith("Get a Deal failed: no usable response from ActiveCampaign (upstream did "
                         "not answer within 400 ms)"));
  EXPECT_EQ(requests_seen(), 1u);
}

TEST_F(FaultTest, TimeoutMidBodyOnCreateWritesOnce) {
  inject(Kind::StallMidBody);
  const json envelope = create_deal();
  expect_no_response(envelope, "Deal", 201);
  EXPECT_THAT(message_of(envelope), HasSubstr("did not answer within 400 ms"));
  EXPECT_EQ(requests_seen(), 1u);
  EXPECT_EQ(fault_deals(), 1u);
}

TEST_F(FaultTest, ServerWorksAgainAfterAStall) {
  inject(Kind::StallMidBody, 1);
  expect_no_response(get_deal(), "Deal", 200);
  const json envelope = get_deal();
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["Deal"]["id"], "1");
}

}  // namespace
}  // namespace acmcp::faults
