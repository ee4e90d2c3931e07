// Contact, list, tag and their association tools through the real path: registry -> ac::Client ->
// loopback HTTP -> SandboxServer, asserting the exact upstream request(s) and the envelope. The
// rules every tool shares (invalid input, faults, outputSchema) are in every_tool_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sandbox_fixture.hpp"

namespace acmcp::tools {
namespace {

using ::testing::HasSubstr;

// ---------- Contacts

TEST_F(SandboxTools, CreateContactUpsertsByEmail) {
  json envelope =
      call("create_contact",
           {{"Email", "new@example.com"}, {"FirstName", "Nia"}, {"Phone", "+1-555-0100"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(
      log()[0], "POST", "/contact/sync", {},
      {{"contact",
        {{"email", "new@example.com"}, {"firstName", "Nia"}, {"phone", "+1-555-0100"}}}});
  EXPECT_EQ(envelope["Contact"]["contact"]["email"], "new@example.com");
  EXPECT_TRUE(envelope["Contact"]["fieldValues"].is_array());
  const std::string id = envelope["Contact"]["contact"]["id"];

  json again =
      call("create_contact", {{"Email", "new@example.com"}, {"FirstName", "Nina"}});
  EXPECT_EQ(again["Contact"]["contact"]["id"], id);
  EXPECT_EQ(store("GET", "/contacts/" + id)["contact"]["firstName"], "Nina");
  EXPECT_EQ(store("GET", "/contacts")["meta"]["total"], "4");
}

TEST_F(SandboxTools, CreateContactPhoneOnlyUsesPlainCreate) {
  json envelope =
      call("create_contact", {{"AllowNullEmail", true}, {"Phone", "+1-555-0199"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/contacts", {}, {{"contact", {{"phone", "+1-555-0199"}}}});
  // The sandbox, like an account without phone-only contacts, insists on an email.
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 422);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Create a Contact failed: ActiveCampaign rejected the data (HTTP 422"));
  EXPECT_EQ(envelope["Contact"], json::object());
}

TEST_F(SandboxTools, CreateContactWithoutEmailOrPhoneIsInvalid) {
  json envelope = call("create_contact", {{"AllowNullEmail", true}});
  EXPECT_EQ(envelope["StatusCode"], -1);
  EXPECT_TRUE(log().empty());
}

TEST_F(SandboxTools, DeleteContact) {
  json envelope = call("delete_contact", {{"ContactId", "3"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/contacts/3");
  EXPECT_EQ(envelope["DeletedContact"], json({{"id", "3"}, {"deleted", true}}));

  json missing = call("delete_contact", {{"ContactId", 3}});
  EXPECT_EQ(missing["OriginalStatusCode"], 404);
  EXPECT_EQ(missing["StatusCode"], 200);
  EXPECT_THAT(missing["ErrorMessage"].get<std::string>(),
              HasSubstr("Delete a Contact failed: contact 3 was not found"));
  EXPECT_EQ(missing["DeletedContact"], json::object());
}

TEST_F(SandboxTools, GetManyContactsFiltersByEmailWithDefaultPaging) {
  json envelope = call("get_many_contacts", {{"Email", "john.smith@example.com"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/contacts",
                 {{"email", "john.smith@example.com"}, {"limit", "20"}, {"offset", "0"}});
  ASSERT_EQ(envelope["Contacts"]["Contacts"].size(), 1u);
  EXPECT_EQ(envelope["Contacts"]["Contacts"][0]["id"], "2");
  EXPECT_EQ(envelope["Contacts"]["Total"], 1);
}

TEST_F(SandboxTools, GetManyContactsSortsAndPages) {
  json envelope = call("get_many_contacts",
                       {{"SortById", "DESC"}, {"Limit", "2"}, {"Offset", 1}});
  expect_request(log()[0], "GET", "/contacts",
                 {{"orders[id]", "DESC"}, {"limit", "2"}, {"offset", "1"}});
  ASSERT_EQ(envelope["Contacts"]["Contacts"].size(), 2u);
  EXPECT_EQ(envelope["Contacts"]["Contacts"][0]["id"], "2");
  EXPECT_EQ(envelope["Contacts"]["Total"], 3);
}

TEST_F(SandboxTools, GetManyContactsUpstreamFailureSaysItMayBeRetried) {
  answer("GET", "/contacts", 503, R"({"message":"Service Unavailable"})");
  json envelope = call("get_many_contacts", json::object());
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 503);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("may be retried"));
  EXPECT_EQ(envelope["Contacts"], json::object());
}

TEST_F(SandboxTools, GetContactIncludesTagsListsAndFieldValues) {
  json envelope = call("get_contact", {{"ContactId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/contacts/1");
  const json& contact = envelope["Contact"];
  EXPECT_EQ(contact["email"], "jane.doe@example.com");
  ASSERT_EQ(contact["tags"].size(), 1u);
  EXPECT_EQ(contact["tags"][0]["tag"], "1");
  EXPECT_EQ(contact["contactTags"][0]["id"], "1");
  ASSERT_EQ(contact["contactLists"].size(), 1u);
  EXPECT_EQ(contact["contactLists"][0]["list"], "1");
  EXPECT_TRUE(contact["fieldValues"].is_array());
}

TEST_F(SandboxTools, GetContactNotFound) {
  json envelope = call("get_contact", {{"ContactId", 999}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Get a Contact failed: contact 999 was not found"));
  EXPECT_EQ(envelope["Contact"], json::object());
}

TEST_F(SandboxTools, UpdateContactSendsOnlyGivenFields) {
  json envelope = call("update_contact",
                       {{"ContactId", 2},
                        {"LastName", "Smythe"},
                        {"FieldValues", {{{"field", "1"}, {"value", "Gold"}}}}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(
      log()[0], "PUT", "/contacts/2", {},
      {{"contact",
        {{"lastName", "Smythe"}, {"fieldValues", {{{"field", "1"}, {"value", "Gold"}}}}}}});
  EXPECT_EQ(envelope["Contact"]["lastName"], "Smythe");
  EXPECT_EQ(envelope["Contact"]["firstName"], "John");
  EXPECT_TRUE(envelope["Contact"]["fieldValues"].is_array());
}

TEST_F(SandboxTools, UpdateContactToATakenEmailIsRejected) {
  json envelope =
      call("update_contact", {{"ContactId", 2}, {"Email", "jane.doe@example.com"}});
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 422);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("HTTP 422"));
  EXPECT_EQ(envelope["Contact"], json::object());
}

TEST_F(SandboxTools, UpdateContactNotFound) {
  json envelope = call("update_contact", {{"ContactId", 99}, {"FirstName", "X"}});
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("contact 99 was not found"));
}

// ---------- Contact lists

TEST_F(SandboxTools, AddContactToListSendsDefaults) {
  json envelope = call("add_contact_to_list", {{"ContactId", 2}, {"ListId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/contactLists", {},
                 {{"contactList", {{"contact", 2}, {"list", 1}, {"status", 1}, {"sourceid", 0}}}});
  EXPECT_EQ(envelope["ContactList"]["contact"], "2");
  EXPECT_EQ(envelope["ContactList"]["list"], "1");
  EXPECT_EQ(envelope["ContactList"]["status"], "1");
}

TEST_F(SandboxTools, AddContactToListUnknownListIsRejected) {
  json envelope = call("add_contact_to_list", {{"ContactId", 2}, {"ListId", 99}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 422);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("The related list does not exist"));
}

TEST_F(SandboxTools, RemoveContactFromListDeletesTheSubscription) {
  json envelope =
      call("remove_contact_from_list", {{"ContactId", 1}, {"ListId", 1}});
  ASSERT_EQ(log().size(), 2u);
  expect_request(log()[0], "GET", "/contacts/1/contactLists");
  expect_request(log()[1], "DELETE", "/contactLists/1");
  EXPECT_EQ(envelope["RemovedContactList"],
            json({{"RemovedCount", 1}, {"ContactId", 1}, {"ListId", 1}}));
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(store("GET", "/contacts/1/contactLists")["contactLists"], json::array());
}

TEST_F(SandboxTools, RemoveContactFromListFallsBackToUnsubscribe) {
  answer("DELETE", "/contactLists", 405, R"({"message":"Method Not Allowed"})");
  json envelope =
      call("remove_contact_from_list", {{"ContactId", 1}, {"ListId", 1}});
  ASSERT_EQ(log().size(), 3u);
  expect_request(log()[2], "POST", "/contactLists", {},
                 {{"contactList", {{"contact", 1}, {"list", 1}, {"status", 2}}}});
  EXPECT_EQ(envelope["RemovedContactList"]["RemovedCount"], 1);
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(store("GET", "/contacts/1/contactLists")["contactLists"][0]["status"], "2");
}

TEST_F(SandboxTools, RemoveContactFromListWithoutSubscription) {
  json envelope =
      call("remove_contact_from_list", {{"ContactId", 2}, {"ListId", 1}});
  ASSERT_EQ(log().size(), 1u);
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 200);
  EXPECT_EQ(envelope["RemovedContactList"]["RemovedCount"], 0);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("contact 2 is not subscribed to list 1"));
}

TEST_F(SandboxTools, RemoveContactFromListUnknownContact) {
  json envelope =
      call("remove_contact_from_list", {{"ContactId", 77}, {"ListId", 1}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("contact 77 was not found"));
}

// ---------- Contact tags

TEST_F(SandboxTools, AddContactTag) {
  json envelope = call("add_contact_tag", {{"ContactId", 2}, {"TagId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/contactTags", {},
                 {{"contactTag", {{"contact", 2}, {"tag", 1}}}});
  EXPECT_EQ(envelope["ContactTag"]["contact"], "2");
  EXPECT_EQ(envelope["ContactTag"]["tag"], "1");
  EXPECT_FALSE(envelope["ContactTag"]["id"].get<std::string>().empty());
}

TEST_F(SandboxTools, AddContactTagUnknownTagIsNotFound) {
  json envelope = call("add_contact_tag", {{"ContactId", 2}, {"TagId", 55}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("contact 2 or tag 55 was not found"));
}

TEST_F(SandboxTools, RemoveContactTag) {
  json envelope = call("remove_contact_tag", {{"ContactTagId", "1"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/contactTags/1");
  EXPECT_EQ(envelope["RemovedContactTag"]["id"], "1");
  EXPECT_EQ(envelope["RemovedContactTag"]["deleted"], true);
  EXPECT_EQ(store("GET", "/contacts/1/contactTags")["contactTags"], json::array());
}

TEST_F(SandboxTools, RemoveContactTagNotFound) {
  json envelope = call("remove_contact_tag", {{"ContactTagId", 404}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("contact-tag association 404 was not found"));
}

// ---------- Tags

TEST_F(SandboxTools, CreateTagReturnsTheExistingTag) {
  json envelope = call("create_tag", {{"Tag", "VIP"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/tags", {{"filters[search][eq]", "VIP"}, {"limit", "100"}});
  EXPECT_EQ(envelope["Tag"]["id"], "1");
  EXPECT_EQ(store("GET", "/tags")["meta"]["total"], "1");
}

TEST_F(SandboxTools, CreateTagMatchesTheExistingNameIgnoringCase) {
  json envelope = call("create_tag", {{"Tag", "vip"}});
  ASSERT_EQ(log().size(), 1u) << envelope.dump();
  EXPECT_EQ(envelope["Tag"]["id"], "1");
  EXPECT_EQ(envelope["ErrorMessage"], "");
}

TEST_F(SandboxTools, CreateTagCreatesANewTag) {
  json envelope = call("create_tag",
                       {{"Tag", "VIP"}, {"TagType", "template"}, {"Description", "Templates"}});
  ASSERT_EQ(log().size(), 2u);
  expect_request(
      log()[1], "POST", "/tags", {},
      {{"tag", {{"tag", "VIP"}, {"tagType", "template"}, {"description", "Templates"}}}});
  EXPECT_EQ(envelope["Tag"]["id"], "2");
  EXPECT_EQ(envelope["Tag"]["tagType"], "template");
}

TEST_F(SandboxTools, CreateTagUpstreamFailureNamesTheStep) {
  answer("POST", "/tags", 500, R"({"message":"Internal"})");
  json envelope = call("create_tag", {{"Tag", "Fresh"}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 500);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Create a Tag failed while creating the tag"));
}

TEST_F(SandboxTools, DeleteTag) {
  json envelope = call("delete_tag", {{"TagId", 1}});
  expect_request(log().at(0), "DELETE", "/tags/1");
  EXPECT_EQ(envelope["DeletedTag"], json({{"id", "1"}, {"deleted", true}}));
  json again = call("delete_tag", {{"TagId", 1}});
  EXPECT_THAT(again["ErrorMessage"].get<std::string>(), HasSubstr("tag 1 was not found"));
}

TEST_F(SandboxTools, GetManyTagsSearchesWithDefaults) {
  json envelope = call("get_many_tags", {{"SearchText", "VI"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/tags",
                 {{"filters[search][contains]", "VI"},
                  {"orders[search]", "asc"},
                  {"limit", "100"},
                  {"offset", "0"}});
  ASSERT_EQ(envelope["Tags"]["Tags"].size(), 1u);
  EXPECT_EQ(envelope["Tags"]["Pagination"],
            json({{"limit", 100}, {"offset", 0}, {"total", 1}, {"hasMore", false}}));
}

TEST_F(SandboxTools, GetManyTagsHasMore) {
  call("create_tag", {{"Tag", "Second"}});
  json envelope = call("get_many_tags", {{"Limit", 1}});
  EXPECT_EQ(envelope["Tags"]["Pagination"],
            json({{"limit", 1}, {"offset", 0}, {"total", 2}, {"hasMore", true}}));
}

TEST_F(SandboxTools, GetManyTagsRateLimited) {
  answer("GET", "/tags", 429, R"({"message":"Too Many Requests"})");
  json envelope = call("get_many_tags", json::object());
  EXPECT_EQ(envelope["OriginalStatusCode"], 429);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("rate limit still held"));
  EXPECT_EQ(envelope["Tags"], json::object());
}

TEST_F(SandboxTools, GetTag) {
  json envelope = call("get_tag", {{"TagId", "1"}});
  expect_request(log().at(0), "GET", "/tags/1");
  EXPECT_EQ(envelope["Tag"]["tag"], "VIP");
  json missing = call("get_tag", {{"TagId", 8}});
  EXPECT_THAT(missing["ErrorMessage"].get<std::string>(),
              HasSubstr("Get a Tag failed: tag 8 was not found"));
}

TEST_F(SandboxTools, UpdateTagKeepsEmptyFields) {
  json envelope = call("update_tag",
                       {{"TagId", 1}, {"TagName", "Gold"}, {"TagType", ""}, {"Description", ""}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "PUT", "/tags/1", {}, {{"tag", {{"tag", "Gold"}}}});
  EXPECT_EQ(envelope["Tag"]["tag"], "Gold");
  EXPECT_EQ(envelope["Tag"]["description"], "Very important customers");
}

TEST_F(SandboxTools, UpdateTagNotFound) {
  json envelope = call("update_tag", {{"TagId", 9}, {"TagName", "x"}});
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Update a Tag failed: tag 9 was not found"));
}

// ---------- Lists

const json kNewList = {{"Name", "VIP Customers"},
                       {"StringId", "vip-customers"},
                       {"SenderUrl", "https://example.com"},
                       {"SenderReminder", "You are a VIP"}};

TEST_F(SandboxTools, CreateListCreatesWhenAbsent) {
  json envelope = call("create_list", kNewList);
  ASSERT_EQ(log().size(), 2u);
  expect_request(log()[0], "GET", "/lists",
                 {{"filters[name]", "VIP Customers"}, {"limit", "100"}, {"offset", "0"}});
  expect_request(log()[1], "POST", "/lists", {},
                 {{"list",
                   {{"name", "VIP Customers"},
                    {"stringid", "vip-customers"},
                    {"sender_url", "https://example.com"},
                    {"sender_reminder", "You are a VIP"},
                    {"channel", "email"}}}});
  EXPECT_EQ(envelope["List"]["stringid"], "vip-customers");
  EXPECT_EQ(envelope["List"]["id"], "2");
}

TEST_F(SandboxTools, CreateListReturnsTheExistingList) {
  json args = kNewList;
  args["Name"] = "Newsletter";
  args["StringId"] = "newsletter";
  json envelope = call("create_list", args);
  ASSERT_EQ(log().size(), 1u);
  EXPECT_EQ(envelope["List"]["id"], "1");
}

TEST_F(SandboxTools, CreateListFindsTheStringIdUnderAnotherName) {
  json args = kNewList;
  args["StringId"] = "newsletter";
  json envelope = call("create_list", args);
  ASSERT_EQ(log().size(), 3u);
  EXPECT_EQ(log()[1].method, "POST");
  expect_request(log()[2], "GET", "/lists", {{"limit", "100"}, {"offset", "0"}});
  EXPECT_EQ(envelope["List"]["id"], "1");
  EXPECT_EQ(envelope["ErrorMessage"], "");
}

TEST_F(SandboxTools, DeleteList) {
  json envelope = call("delete_list", {{"ListId", 1}});
  expect_request(log().at(0), "DELETE", "/lists/1");
  EXPECT_EQ(envelope["DeletedList"], json({{"deleted", true}}));
  json again = call("delete_list", {{"ListId", 1}});
  EXPECT_EQ(again["DeletedList"], json({{"deleted", false}}));
  EXPECT_THAT(again["ErrorMessage"].get<std::string>(), HasSubstr("list 1 was not found"));
}

TEST_F(SandboxTools, GetManyListsFiltersByExactName) {
  json envelope = call("get_many_lists",
                       {{"Name", "Newsletter"}, {"FilterOperator", "eq"}, {"Limit", 10}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/lists",
                 {{"filters[name][eq]", "Newsletter"},
                  {"orders[name]", "asc"},
                  {"limit", "10"},
                  {"offset", "0"}});
  ASSERT_EQ(envelope["Lists"]["Lists"].size(), 1u);
  EXPECT_EQ(envelope["Lists"]["Lists"][0]["stringid"], "newsletter");
  EXPECT_EQ(envelope["Lists"]["Pagination"],
            json({{"limit", 10}, {"offset", 0}, {"total", 1}, {"hasMore", false}}));
}

TEST_F(SandboxTools, GetManyListsForbiddenNamesTheToken) {
  answer("GET", "/lists", 403, R"({"message":"Forbidden"})");
  json envelope = call("get_many_lists", json::object());
  EXPECT_EQ(envelope["OriginalStatusCode"], 403);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("ACTIVECAMPAIGN_API_TOKEN"));
}

TEST_F(SandboxTools, GetList) {
  json envelope = call("get_list", {{"ListId", 1}});
  expect_request(log().at(0), "GET", "/lists/1");
  EXPECT_EQ(envelope["List"]["name"], "Newsletter");
  json missing = call("get_list", {{"ListId", 42}});
  EXPECT_EQ(missing["OriginalStatusCode"], 404);
  EXPECT_THAT(missing["ErrorMessage"].get<std::string>(), HasSubstr("list 42 was not found"));
}

TEST_F(SandboxTools, ClosedPortIsNoResponse) {
  sandbox->stop();
  json envelope = call("get_list", {{"ListId", 1}});
  EXPECT_EQ(envelope["StatusCode"], 500);
  EXPECT_EQ(envelope["OriginalStatusCode"], 0);
}

TEST_F(SandboxTools, TokenNeverAppearsInResults) {
  answer("GET", "/lists", 401, R"({"message":"bad key"})");
  json envelope = call("get_many_lists", json::object());
  EXPECT_EQ(envelope.dump().find(sandbox->token()), std::string::npos);
}

}  // namespace
}  // namespace acmcp::tools
