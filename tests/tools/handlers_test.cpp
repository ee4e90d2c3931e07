// The multi-step tools' branches, through the registry with a scripted fake upstream.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tool_test_support.hpp"

namespace acmcp::tools {
namespace {

using testing::call;
using testing::FakeUpstream;
using ::testing::HasSubstr;
using testing::http;
using testing::query_text;
using testing::transport_failure;
using json = nlohmann::json;

class Handlers : public ::testing::Test {
 protected:
  FakeUpstream upstream;
  ToolRegistry registry{upstream};

  json envelope(const std::string& tool, json args, mcp::ToolCallContext context = {}) {
    return call(registry, tool, std::move(args), std::move(context))["structuredContent"];
  }
};

// ---- Create a Contact

TEST_F(Handlers, CreateContactWithEmailUpsertsThroughContactSync) {
  upstream.script.push_back(http(
      201, {{"contact", {{"id", "7"}, {"email", "a@x.com"}}}, {"fieldValues", json::array()}}));
  json result = envelope("create_contact",
                         {{"Email", "a@x.com"},
                          {"FirstName", "Ann"},
                          {"FieldValues", {{{"field", "1"}, {"value", "Gold"}}}}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].method, "POST");
  EXPECT_EQ(upstream.requests[0].path, "/contact/sync");
  EXPECT_EQ(*upstream.requests[0].body,
            json({{"contact",
                   {{"email", "a@x.com"},
                    {"firstName", "Ann"},
                    {"fieldValues", {{{"field", "1"}, {"value", "Gold"}}}}}}}));
  EXPECT_EQ(result["Contact"]["contact"]["id"], "7");
  EXPECT_EQ(result["Contact"]["fieldValues"], json::array());
  EXPECT_EQ(result["OriginalStatusCode"], 201);
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(Handlers, CreateContactPhoneOnlyWhenAllowNullEmail) {
  upstream.script.push_back(http(201, {{"contact", {{"id", "8"}, {"phone", "+1"}}}}));
  json result = envelope("create_contact",
                         {{"AllowNullEmail", "true"}, {"Phone", "+1-555-0100"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].path, "/contacts");
  EXPECT_EQ(*upstream.requests[0].body, json({{"contact", {{"phone", "+1-555-0100"}}}}));
  EXPECT_EQ(result["Contact"]["contact"]["id"], "8");
}

TEST_F(Handlers, CreateContactWithoutEmailIsRejectedBeforeAnyCall) {
  json result = envelope("create_contact", {{"FirstName", "Ann"}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_EQ(result["OriginalStatusCode"], 0);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("Email is required unless"));
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(Handlers, CreateContactAllowNullEmailStillNeedsPhone) {
  json result = envelope("create_contact", {{"AllowNullEmail", true}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_TRUE(upstream.requests.empty());
}

// ---- Create a Tag

TEST_F(Handlers, CreateTagReturnsTheExistingTagWithSameNameAndType) {
  upstream.script.push_back(http(200, {{"tags",
                                        {{{"id", "3"}, {"tag", "VIP"}, {"tagType", "template"}},
                                         {{"id", "4"}, {"tag", "VIP"}, {"tagType", "contact"}}}},
                                       {"meta", {{"total", "2"}}}}));
  json result = envelope("create_tag", {{"Tag", "VIP"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].method, "GET");
  EXPECT_EQ(upstream.requests[0].path, "/tags");
  EXPECT_EQ(query_text(upstream.requests[0]), "filters[search][eq]=VIP&limit=100");
  EXPECT_EQ(result["Tag"]["id"], "4");
  EXPECT_EQ(result["OriginalStatusCode"], 200);
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(Handlers, CreateTagCreatesWhenOnlyTheTypeDiffers) {
  upstream.script.push_back(
      http(200, {{"tags", {{{"id", "4"}, {"tag", "VIP"}, {"tagType", "contact"}}}}}));
  upstream.script.push_back(http(201, {{"tag", {{"id", "9"}, {"tag", "VIP"}}}}));
  json result = envelope("create_tag",
                         {{"Tag", "VIP"}, {"TagType", "template"}, {"Description", "d"}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(upstream.requests[1].method, "POST");
  EXPECT_EQ(*upstream.requests[1].body,
            json({{"tag", {{"tag", "VIP"}, {"tagType", "template"}, {"description", "d"}}}}));
  EXPECT_EQ(result["Tag"]["id"], "9");
  EXPECT_EQ(result["OriginalStatusCode"], 201);
}

TEST_F(Handlers, CreateTagSendsTheDefaultType) {
  upstream.script.push_back(http(200, {{"tags", json::array()}}));
  upstream.script.push_back(http(201, {{"tag", {{"id", "9"}}}}));
  envelope("create_tag", {{"Tag", "New"}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ((*upstream.requests[1].body)["tag"]["tagType"], "contact");
}

TEST_F(Handlers, CreateTagLookupFailureNamesTheStepAndCreatesNothing) {
  upstream.script.push_back(transport_failure("connection reset by upstream"));
  json result = envelope("create_tag", {{"Tag", "VIP"}});
  EXPECT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["StatusCode"], 500);
  EXPECT_TRUE(result["ErrorMessage"].get<std::string>().starts_with(
      "Create a Tag failed while looking for an existing tag: "));
  EXPECT_EQ(result["Tag"], json::object());
}

TEST_F(Handlers, CreateTagReportsProgressSteps) {
  upstream.script.push_back(http(200, {{"tags", json::array()}}));
  upstream.script.push_back(http(201, {{"tag", {{"id", "9"}}}}));
  std::vector<double> steps;
  mcp::ToolCallContext context;
  context.progress = [&](double progress, double total, const std::string&) {
    steps.push_back(progress);
    EXPECT_EQ(total, 2);
  };
  envelope("create_tag", {{"Tag", "New"}}, context);
  EXPECT_EQ(steps, (std::vector<double>{0, 1}));
}

// ---- Create a List

const json kListArgs = {{"Name", "VIP"},
                        {"StringId", "vip"},
                        {"SenderUrl", "https://example.com"},
                        {"SenderReminder", "You signed up"}};

json lists_page(std::vector<std::string> stringids, int total) {
  json lists = json::array();
  int id = 1;
  for (const auto& stringid : stringids) {
    lists.push_back({{"id", std::to_string(id++)}, {"stringid", stringid}, {"name", "VIP"}});
  }
  return {{"lists", lists}, {"meta", {{"total", std::to_string(total)}}}};
}

TEST_F(Handlers, CreateListReturnsTheExistingListWithSameStringId) {
  upstream.script.push_back(http(200, lists_page({"other", "vip"}, 2)));
  json result = envelope("create_list", kListArgs);
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(query_text(upstream.requests[0]), "filters[name]=VIP&limit=100&offset=0");
  EXPECT_EQ(result["List"]["stringid"], "vip");
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(Handlers, CreateListPagesThroughTheLookup) {
  upstream.script.push_back(http(200, lists_page(std::vector<std::string>(100, "x"), 150)));
  upstream.script.push_back(http(200, lists_page({"y", "vip"}, 150)));
  json result = envelope("create_list", kListArgs);
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(query_text(upstream.requests[1]), "filters[name]=VIP&limit=100&offset=100");
  EXPECT_EQ(result["List"]["stringid"], "vip");
}

TEST_F(Handlers, CreateListPostsWhenNoListHasTheStringId) {
  upstream.script.push_back(http(200, lists_page({"other"}, 1)));
  upstream.script.push_back(http(201, {{"list", {{"id", "5"}, {"stringid", "vip"}}}}));
  json result = envelope("create_list", kListArgs);
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(upstream.requests[1].method, "POST");
  EXPECT_EQ(upstream.requests[1].path, "/lists");
  EXPECT_EQ(*upstream.requests[1].body, json({{"list",
                                               {{"name", "VIP"},
                                                {"stringid", "vip"},
                                                {"sender_url", "https://example.com"},
                                                {"sender_reminder", "You signed up"},
                                                {"channel", "email"}}}}));
  EXPECT_EQ(result["List"]["id"], "5");
}

TEST_F(Handlers, CreateListFindsADuplicateStringIdUnderAnotherName) {
  upstream.script.push_back(http(200, lists_page({}, 0)));
  upstream.script.push_back(http(422, {{"errors", {{{"title", "Duplicate stringid"}}}}}));
  upstream.script.push_back(http(200, lists_page({"a", "vip"}, 2)));
  json result = envelope("create_list", kListArgs);
  ASSERT_EQ(upstream.requests.size(), 3u);
  EXPECT_EQ(query_text(upstream.requests[2]), "limit=100&offset=0");
  EXPECT_EQ(result["List"]["stringid"], "vip");
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(Handlers, CreateListReportsTheRejectionWhenNoDuplicateExists) {
  upstream.script.push_back(http(200, lists_page({}, 0)));
  upstream.script.push_back(http(422, {{"errors", {{{"title", "Sender URL is invalid"}}}}}));
  upstream.script.push_back(http(200, lists_page({"a"}, 1)));
  json result = envelope("create_list", kListArgs);
  EXPECT_EQ(result["OriginalStatusCode"], 422);
  EXPECT_EQ(result["StatusCode"], 200);
  EXPECT_THAT(
      result["ErrorMessage"].get<std::string>(),
      HasSubstr("while creating the list: ActiveCampaign rejected the data (HTTP 422: Sender URL "
                "is invalid)"));
  EXPECT_EQ(result["List"], json::object());
}

TEST_F(Handlers, CreateListLookupFailureStopsBeforeCreating) {
  upstream.script.push_back(http(401, {{"message", "bad key"}}));
  json result = envelope("create_list", kListArgs);
  EXPECT_EQ(upstream.requests.size(), 1u);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("looking for an existing list"));
}

// ---- Remove a Contact from a List

json subscriptions(std::vector<std::pair<std::string, std::string>> id_and_list) {
  json lists = json::array();
  for (const auto& [id, list] : id_and_list) {
    lists.push_back({{"id", id}, {"contact", "5"}, {"list", list}, {"status", "1"}});
  }
  return {{"contactLists", lists}};
}

TEST_F(Handlers, RemoveFromListDeletesEveryMatchingSubscription) {
  upstream.script.push_back(http(200, subscriptions({{"10", "3"}, {"11", "4"}, {"12", "3"}})));
  json result =
      envelope("remove_contact_from_list", {{"ContactId", 5}, {"ListId", "3"}});
  ASSERT_EQ(upstream.requests.size(), 3u);
  EXPECT_EQ(upstream.requests[0].path, "/contacts/5/contactLists");
  EXPECT_EQ(upstream.requests[1].method, "DELETE");
  EXPECT_EQ(upstream.requests[1].path, "/contactLists/10");
  EXPECT_EQ(upstream.requests[2].path, "/contactLists/12");
  EXPECT_EQ(result["RemovedContactList"],
            json({{"RemovedCount", 2}, {"ContactId", 5}, {"ListId", 3}}));
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(Handlers, RemoveFromListFallsBackToUnsubscribeWhenDeleteIsNotAllowed) {
  upstream.script.push_back(http(200, subscriptions({{"10", "3"}, {"12", "3"}})));
  upstream.script.push_back(http(405, {{"message", "Method Not Allowed"}}));
  upstream.script.push_back(http(200, {{"contactList", {{"id", "10"}, {"status", "2"}}}}));
  json result =
      envelope("remove_contact_from_list", {{"ContactId", 5}, {"ListId", 3}});
  ASSERT_EQ(upstream.requests.size(), 3u);
  EXPECT_EQ(upstream.requests[2].method, "POST");
  EXPECT_EQ(upstream.requests[2].path, "/contactLists");
  EXPECT_EQ(*upstream.requests[2].body,
            json({{"contactList", {{"contact", 5}, {"list", 3}, {"status", 2}}}}));
  EXPECT_EQ(result["RemovedContactList"]["RemovedCount"], 2);
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(Handlers, RemoveFromListFallsBackOn404Too) {
  upstream.script.push_back(http(200, subscriptions({{"10", "3"}})));
  upstream.script.push_back(http(404));
  upstream.script.push_back(http(201, {{"contactList", json::object()}}));
  json result =
      envelope("remove_contact_from_list", {{"ContactId", 5}, {"ListId", 3}});
  EXPECT_EQ(upstream.requests.size(), 3u);
  EXPECT_EQ(result["RemovedContactList"]["RemovedCount"], 1);
  EXPECT_EQ(result["OriginalStatusCode"], 201);
}

TEST_F(Handlers, RemoveFromListWithoutMatchSaysSoWithCountZero) {
  upstream.script.push_back(http(200, subscriptions({{"11", "4"}})));
  json result =
      envelope("remove_contact_from_list", {{"ContactId", 5}, {"ListId", 3}});
  EXPECT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["StatusCode"], 200);
  EXPECT_EQ(result["OriginalStatusCode"], 200);
  EXPECT_EQ(result["RemovedContactList"],
            json({{"RemovedCount", 0}, {"ContactId", 5}, {"ListId", 3}}));
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("contact 5 is not subscribed to list 3"));
}

TEST_F(Handlers, RemoveFromListUnknownContactIsNotFound) {
  upstream.script.push_back(http(404, {{"message", "No Result found for Subscriber with id 5"}}));
  json result =
      envelope("remove_contact_from_list", {{"ContactId", 5}, {"ListId", 3}});
  EXPECT_EQ(result["OriginalStatusCode"], 404);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("contact 5 was not found"));
  EXPECT_EQ(result["RemovedContactList"]["RemovedCount"], 0);
}

TEST_F(Handlers, RemoveFromListFailureHalfWayNamesTheStepAndCount) {
  upstream.script.push_back(http(200, subscriptions({{"10", "3"}, {"12", "3"}})));
  upstream.script.push_back(http(200));
  upstream.script.push_back(http(503));
  json result =
      envelope("remove_contact_from_list", {{"ContactId", 5}, {"ListId", 3}});
  EXPECT_EQ(result["OriginalStatusCode"], 503);
  EXPECT_EQ(result["RemovedContactList"]["RemovedCount"], 1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("while removing subscription 12 (1 of 2 removed before)"));
}

TEST_F(Handlers, RemoveFromListFallbackFailureNamesTheFallback) {
  upstream.script.push_back(http(200, subscriptions({{"10", "3"}})));
  upstream.script.push_back(http(405));
  upstream.script.push_back(transport_failure("upstream did not answer within 30000 ms"));
  json result =
      envelope("remove_contact_from_list", {{"ContactId", 5}, {"ListId", 3}});
  EXPECT_EQ(result["StatusCode"], 500);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("unsubscribing the contact"));
}

TEST_F(Handlers, RemoveFromListReportsProgressPerSubscription) {
  upstream.script.push_back(http(200, subscriptions({{"10", "3"}, {"12", "3"}})));
  std::vector<std::string> messages;
  mcp::ToolCallContext context;
  context.progress = [&](double, double, const std::string& message) {
    messages.push_back(message);
  };
  envelope("remove_contact_from_list", {{"ContactId", 5}, {"ListId", 3}}, context);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[2], "Removing subscription 12");
}

}  // namespace
}  // namespace acmcp::tools
