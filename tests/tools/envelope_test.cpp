// Envelope construction and the mapping of upstream responses to StatusCode and ErrorMessage.
#include "tools/envelope.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tool_test_support.hpp"

namespace acmcp::tools {
namespace {

using ::testing::HasSubstr;
using testing::http;
using testing::transport_failure;
using json = nlohmann::json;

const OperationLabel kUpdateTag{"Update a Tag", "", "tag 12"};

Envelope mapped(const ac::Response& response, const OperationLabel& label = kUpdateTag,
                const json& empty = json::object()) {
  Envelope envelope;
  envelope.data_key = "Tag";
  envelope.data = json{{"id", "12"}};
  apply_response(envelope, label, response, empty);
  return envelope;
}

TEST(Envelope, JsonHasExactlyTheFourKeys) {
  Envelope envelope;
  envelope.data_key = "Tag";
  json j = envelope.to_json();
  EXPECT_EQ(j.size(), 4u);
  EXPECT_EQ(j["Tag"], json::object());
  EXPECT_EQ(j["OriginalStatusCode"], 0);
  EXPECT_EQ(j["StatusCode"], 200);
  EXPECT_EQ(j["ErrorMessage"], "");
}

TEST(Envelope, ToolResultCarriesTheEnvelopeAndItsStatus) {
  Envelope envelope;
  envelope.data_key = "Tag";
  envelope.data = json{{"id", "1"}};
  envelope.original_status = 200;
  const mcp::ToolResult result = tool_result(envelope);
  EXPECT_EQ(result.envelope, envelope.to_json());
  EXPECT_EQ(result.status_code, 200);
  EXPECT_FALSE(result.is_error);
  EXPECT_EQ(result.note, "");
}

// A client that only reads isError must never take a failure for data: any message, and the
// two failure codes even without one, make the result an error.
TEST(Envelope, ToolResultIsErrorForAMessageOrAFailureCode) {
  struct Case {
    int status;
    std::string message;
    bool is_error;
  };
  for (const auto& [status, message, is_error] :
       {Case{kCompleted, "", false}, Case{kCompleted, "Get a Tag failed: 404", true},
        Case{kNoResponse, "Get a Tag failed: x", true}, Case{kNoResponse, "", true},
        Case{kInvalidInput, "", true}, Case{kInvalidInput, "bad", true}}) {
    Envelope envelope;
    envelope.data_key = "Tag";
    envelope.status_code = status;
    envelope.error_message = message;
    const mcp::ToolResult result = tool_result(envelope);
    EXPECT_EQ(result.is_error, is_error) << status << " " << message;
    EXPECT_EQ(result.status_code, status);
  }
}

TEST(Envelope, InvalidInputIsMinusOneWithNoOriginalStatus) {
  Envelope envelope = invalid_input("Get a Tag", "Tag", json::object(), "TagId is required.");
  EXPECT_EQ(envelope.status_code, -1);
  EXPECT_EQ(envelope.original_status, 0);
  EXPECT_EQ(envelope.data, json::object());
  EXPECT_EQ(envelope.error_message, "Get a Tag failed: invalid arguments: TagId is required.");
}

TEST(Envelope, InvalidInputUsesTheOperationsEmptyShape) {
  Envelope envelope = invalid_input("Delete a List", "DeletedList", json{{"deleted", false}}, "x");
  EXPECT_EQ(envelope.data, json({{"deleted", false}}));
}

TEST(Envelope, SuccessKeepsDataAndRecordsTheStatus) {
  Envelope envelope = mapped(http(201, json{{"tag", {}}}));
  EXPECT_EQ(envelope.status_code, 200);
  EXPECT_EQ(envelope.original_status, 201);
  EXPECT_EQ(envelope.error_message, "");
  EXPECT_EQ(envelope.data, json({{"id", "12"}}));
}

TEST(Envelope, FailureReplacesDataWithEmptyShape) {
  Envelope envelope = mapped(http(404), kUpdateTag, json{{"deleted", false}});
  EXPECT_EQ(envelope.data, json({{"deleted", false}}));
}

// The upstream client words a refusal of the credentials (it knows where they came from); the
// envelope adds the operation and the upstream's own words.
TEST(Envelope, RefusedCredentialsGetTheClientsWordsAndTheUpstreamDetail) {
  ac::Response response = http(401, json{{"message", "An invalid API key was provided"}});
  response.refusal = "the Maton gateway rejected the API key";
  response.advice = "Check MATON_API_KEY.";
  Envelope envelope = mapped(response);
  EXPECT_EQ(envelope.status_code, 200);
  EXPECT_EQ(envelope.original_status, 401);
  EXPECT_EQ(envelope.error_message,
            "Update a Tag failed: the Maton gateway rejected the API key (HTTP 401: An invalid "
            "API key was provided). Check MATON_API_KEY.");
}

TEST(Envelope, AGatewaysNestedErrorMessageIsQuoted) {
  Envelope envelope = mapped(http(502, json{{"error", {{"message", "Bad gateway."}}}}));
  EXPECT_THAT(envelope.error_message, HasSubstr("(HTTP 502: Bad gateway)"));
}

TEST(Envelope, Forbidden403WithoutARefusalIsAPlainRefusal) {
  Envelope envelope = mapped(http(403, json{{"message", "Forbidden"}}));
  EXPECT_THAT(envelope.error_message, HasSubstr("ActiveCampaign refused the request"));
  EXPECT_THAT(envelope.error_message, HasSubstr("HTTP 403: Forbidden"));
}

TEST(Envelope, NotFound404SaysWhatWasNotFoundWithUpstreamMessage) {
  Envelope envelope = mapped(http(404, json{{"message", "No Result found for Tag with id 12"}}));
  EXPECT_EQ(envelope.status_code, 200);
  EXPECT_THAT(
      envelope.error_message,
      HasSubstr("Update a Tag failed: tag 12 was not found (HTTP 404: No Result found for Tag "
                "with id 12)"));
}

TEST(Envelope, NotFoundWithoutSubjectSaysTheRequestedRecord) {
  Envelope envelope = mapped(http(404), OperationLabel{"Get a Tag", "", ""});
  EXPECT_THAT(envelope.error_message, HasSubstr("the requested record was not found"));
}

TEST(Envelope, Unprocessable422JoinsErrorTitles) {
  json errors = json::array({json{{"title", "Email address is invalid."}, {"code", "invalid"}},
                             json{{"title", "Duplicate email"}}});
  json body = {{"errors", errors}};
  Envelope envelope = mapped(http(422, body));
  EXPECT_THAT(envelope.error_message,
              HasSubstr("HTTP 422: Email address is invalid; Duplicate email"));
}

TEST(Envelope, TooMany429SaysRetriesWereExhausted) {
  ac::Response response = http(429, json{{"message", "slow down"}});
  response.attempts = 4;
  Envelope envelope = mapped(response);
  EXPECT_EQ(envelope.status_code, 200);
  EXPECT_THAT(envelope.error_message, HasSubstr("rate limit still held after 3 retries"));
}

TEST(Envelope, ServerError5xxSaysTheCallMayBeRetried) {
  Envelope envelope = mapped(http(503, json{{"message", "Service Unavailable"}}));
  EXPECT_EQ(envelope.status_code, 200);
  EXPECT_EQ(envelope.original_status, 503);
  EXPECT_THAT(envelope.error_message, HasSubstr("HTTP 503: Service Unavailable"));
  EXPECT_THAT(envelope.error_message, HasSubstr("may be retried"));
}

TEST(Envelope, Other4xxIncludesTheUpstreamMessage) {
  Envelope envelope = mapped(http(400, json{{"message", "Malformed filter"}}));
  EXPECT_THAT(envelope.error_message, HasSubstr("HTTP 400: Malformed filter"));
}

TEST(Envelope, NoResponseIs500WithOriginalStatusZero) {
  Envelope envelope = mapped(transport_failure("connection refused by 127.0.0.1:1"));
  EXPECT_EQ(envelope.status_code, 500);
  EXPECT_EQ(envelope.original_status, 0);
  EXPECT_THAT(envelope.error_message, HasSubstr("connection refused by 127.0.0.1:1"));
  EXPECT_THAT(envelope.error_message, HasSubstr("may be retried"));
  EXPECT_EQ(envelope.data, json::object());
}

TEST(Envelope, UnusableBodyIs500KeepingTheHttpStatus) {
  Envelope envelope =
      mapped(transport_failure("upstream answered HTTP 200 with a body that is not JSON", 200));
  EXPECT_EQ(envelope.status_code, 500);
  EXPECT_EQ(envelope.original_status, 200);
}

TEST(Envelope, StepAppearsInTheMessage) {
  Envelope envelope =
      mapped(http(500), OperationLabel{"Create a List", "looking for an existing list", ""});
  EXPECT_TRUE(envelope.error_message.starts_with(
      "Create a List failed while looking for an existing list: "));
}

}  // namespace
}  // namespace acmcp::tools
