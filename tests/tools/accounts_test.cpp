// Account and Account Contact tools: Create an Account's duplicate check against a scripted
// upstream, and every tool through the sandbox with the exact upstream requests asserted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sandbox_fixture.hpp"

namespace acmcp::tools {
namespace {

using testing::FakeUpstream;
using ::testing::HasSubstr;
using testing::http;
using testing::query_text;
using testing::transport_failure;

// ---------- Create an Account's branches, against a scripted upstream

class AccountHandler : public ::testing::Test {
 protected:
  FakeUpstream upstream;
  ToolRegistry registry{upstream};

  json envelope(json args) {
    return testing::call(registry, "create_account",
                         std::move(args))["structuredContent"];
  }
};

json accounts_page(json accounts, int total) {
  return {{"accounts", std::move(accounts)}, {"meta", {{"total", std::to_string(total)}}}};
}

TEST_F(AccountHandler, ReturnsTheExistingAccountWithTheSameNameIgnoringCase) {
  upstream.script.push_back(http(
      200, accounts_page(
               {{{"id", "4"}, {"name", "Acme Corporation"}}, {{"id", "5"}, {"name", "ACME"}}}, 2)));
  json result = envelope({{"Name", "acme"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].method, "GET");
  EXPECT_EQ(upstream.requests[0].path, "/accounts");
  EXPECT_EQ(query_text(upstream.requests[0]), "limit=100&offset=0&search=acme");
  EXPECT_EQ(result["Account"]["id"], "5");
  EXPECT_EQ(result["OriginalStatusCode"], 200);
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(AccountHandler, CreatesWhenOnlyPartialMatchesExist) {
  upstream.script.push_back(http(200, accounts_page({{{"id", "4"}, {"name", "Acme Corp"}}}, 1)));
  upstream.script.push_back(http(201, {{"account", {{"id", "9"}, {"name", "Acme"}}}}));
  json result = envelope(
      {{"Name", "Acme"},
       {"AccountUrl", "https://acme.example.com"},
       {"Fields", {{{"customFieldId", 20}, {"fieldValue", 1234}, {"fieldCurrency", "GBP"}}}}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(upstream.requests[1].method, "POST");
  EXPECT_EQ(upstream.requests[1].path, "/accounts");
  EXPECT_EQ(
      *upstream.requests[1].body,
      json({{"account",
             {{"name", "Acme"},
              {"accountUrl", "https://acme.example.com"},
              {"owner", 1},
              {"fields",
               {{{"customFieldId", 20}, {"fieldValue", 1234}, {"fieldCurrency", "GBP"}}}}}}}));
  EXPECT_EQ(result["Account"]["id"], "9");
  EXPECT_EQ(result["OriginalStatusCode"], 201);
}

TEST_F(AccountHandler, CheckDuplicateFalseCreatesWithoutLooking) {
  upstream.script.push_back(http(201, {{"account", {{"id", "9"}}}}));
  json result = envelope({{"Name", "Acme"}, {"CheckDuplicate", "false"}, {"Owner", 5}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].method, "POST");
  EXPECT_EQ(*upstream.requests[0].body, json({{"account", {{"name", "Acme"}, {"owner", 5}}}}));
  EXPECT_EQ(result["Account"]["id"], "9");
}

TEST_F(AccountHandler, PagesThroughTheSearchResults) {
  json first = json::array();
  for (int i = 0; i < 100; ++i)
    first.push_back({{"id", std::to_string(i + 1)}, {"name", "Acme " + std::to_string(i)}});
  upstream.script.push_back(http(200, accounts_page(first, 101)));
  upstream.script.push_back(http(200, accounts_page({{{"id", "101"}, {"name", "Acme"}}}, 101)));
  json result = envelope({{"Name", "Acme"}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(query_text(upstream.requests[1]), "limit=100&offset=100&search=Acme");
  EXPECT_EQ(result["Account"]["id"], "101");
}

TEST_F(AccountHandler, LookupFailureNamesTheStepAndCreatesNothing) {
  upstream.script.push_back(http(403, {{"message", "You do not have permission"}}));
  json result = envelope({{"Name", "Acme"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["StatusCode"], 200);
  EXPECT_EQ(result["OriginalStatusCode"], 403);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("Create an Account failed while looking for an existing account "
                        "(nothing was created)"));
  EXPECT_EQ(result["Account"], json::object());
}

TEST_F(AccountHandler, LookupTransportFailureIs500) {
  upstream.script.push_back(transport_failure("connection refused"));
  json result = envelope({{"Name", "Acme"}});
  EXPECT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["StatusCode"], 500);
  EXPECT_EQ(result["OriginalStatusCode"], 0);
}

TEST_F(AccountHandler, DuplicateCreatedMeanwhileIsReturnedAfterA422) {
  upstream.script.push_back(http(200, accounts_page(json::array(), 0)));
  upstream.script.push_back(http(422, {{"errors", {{{"title", "Account already exists"}}}}}));
  upstream.script.push_back(http(200, accounts_page({{{"id", "12"}, {"name", "Acme"}}}, 1)));
  json result = envelope({{"Name", "Acme"}});
  ASSERT_EQ(upstream.requests.size(), 3u);
  EXPECT_EQ(result["Account"]["id"], "12");
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(AccountHandler, CreateFailureNamesTheStep) {
  upstream.script.push_back(http(200, accounts_page(json::array(), 0)));
  upstream.script.push_back(http(422, {{"errors", {{{"title", "Invalid owner"}}}}}));
  upstream.script.push_back(http(200, accounts_page(json::array(), 0)));
  json result = envelope({{"Name", "Acme"}, {"Owner", 77}});
  EXPECT_EQ(result["OriginalStatusCode"], 422);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("Create an Account failed while creating the account: ActiveCampaign "
                        "rejected the data (HTTP 422: Invalid owner)"));
}

TEST_F(AccountHandler, ReportsBothStepsAsProgress) {
  upstream.script.push_back(http(200, accounts_page(json::array(), 0)));
  upstream.script.push_back(http(201, {{"account", {{"id", "9"}}}}));
  std::vector<std::string> messages;
  mcp::ToolCallContext context;
  context.progress = [&](double, double total, const std::string& message) {
    EXPECT_EQ(total, 2);
    messages.push_back(message);
  };
  testing::call(registry, "create_account", {{"Name", "Acme"}}, context);
  EXPECT_EQ(messages, (std::vector<std::string>{"Looking for an existing account named \"Acme\"",
                                                "Creating the account \"Acme\""}));
}

TEST_F(AccountHandler, FieldsAreValidatedItemByItem) {
  json result = envelope(
      {{"Name", "Acme"},
       {"Fields", {{{"customFieldId", 9}, {"fieldValue", "x"}}, {{"customFieldId", 20}}}}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("Fields[1].fieldValue"));
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(AccountHandler, FieldCurrencyMustBeThreeLetters) {
  json result = envelope(
      {{"Name", "Acme"},
       {"Fields", {{{"customFieldId", 20}, {"fieldValue", "1"}, {"fieldCurrency", "POUND"}}}}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("Fields[0].fieldCurrency"));
}

TEST_F(AccountHandler, AccountUrlMustBeAUrl) {
  json result = envelope({{"Name", "Acme"}, {"AccountUrl", "acme dot com"}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("AccountUrl"));
  EXPECT_TRUE(upstream.requests.empty());
}

// ---------- Accounts

TEST_F(SandboxTools, CreateAccountReturnsTheSeededAccount) {
  json envelope = call("create_account", {{"Name", "ACME INC"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/accounts",
                 {{"search", "ACME INC"}, {"limit", "100"}, {"offset", "0"}});
  EXPECT_EQ(envelope["Account"]["id"], "1");
  EXPECT_EQ(envelope["Account"]["name"], "Acme Inc");
  EXPECT_EQ(store("GET", "/accounts")["meta"]["total"], "1");
}

TEST_F(SandboxTools, CreateAccountCreatesANewAccount) {
  json envelope = call("create_account",
                       {{"Name", "Globex"}, {"AccountUrl", "https://globex.example.com"}});
  ASSERT_EQ(log().size(), 2u);
  expect_request(log()[0], "GET", "/accounts",
                 {{"search", "Globex"}, {"limit", "100"}, {"offset", "0"}});
  expect_request(
      log()[1], "POST", "/accounts", {},
      {{"account",
        {{"name", "Globex"}, {"accountUrl", "https://globex.example.com"}, {"owner", 1}}}});
  EXPECT_EQ(envelope["Account"]["name"], "Globex");
  const std::string id = envelope["Account"]["id"];
  EXPECT_EQ(store("GET", "/accounts/" + id)["account"]["name"], "Globex");

  json again = call("create_account", {{"Name", "Globex"}});
  EXPECT_EQ(again["Account"]["id"], id);
  EXPECT_EQ(log().size(), 3u);
}

TEST_F(SandboxTools, CreateAccountWithoutCheckDuplicateHitsTheUniqueName) {
  json envelope =
      call("create_account", {{"Name", "Acme Inc"}, {"CheckDuplicate", false}});
  ASSERT_EQ(log().size(), 1u);
  EXPECT_EQ(log()[0].method, "POST");
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 422);
  EXPECT_EQ(envelope["Account"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Create an Account failed while creating the account"));
}

TEST_F(SandboxTools, DeleteAccount) {
  json envelope = call("delete_account", {{"AccountId", "1"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/accounts/1");
  EXPECT_EQ(envelope["DeletedAccount"], json({{"deleted", true}, {"accountId", 1}}));

  json again = call("delete_account", {{"AccountId", 1}});
  EXPECT_EQ(again["OriginalStatusCode"], 404);
  EXPECT_EQ(again["DeletedAccount"], json::object());
  EXPECT_THAT(again["ErrorMessage"].get<std::string>(), HasSubstr("account 1 was not found"));
}

TEST_F(SandboxTools, GetManyAccountsDefaultsToAHundredWithoutSearch) {
  json envelope = call("get_many_accounts", json::object());
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/accounts", {{"limit", "100"}, {"offset", "0"}});
  EXPECT_EQ(envelope["Accounts"]["Total"], 1);
  ASSERT_EQ(envelope["Accounts"]["Accounts"].size(), 1u);
  EXPECT_EQ(envelope["Accounts"]["Accounts"][0]["name"], "Acme Inc");
}

TEST_F(SandboxTools, GetManyAccountsSearchesByPartialName) {
  call("create_account", {{"Name", "Globex"}});
  json envelope = call("get_many_accounts",
                       {{"SearchName", "acm"}, {"Limit", 5}, {"Offset", 0}});
  expect_request(log().back(), "GET", "/accounts",
                 {{"search", "acm"}, {"limit", "5"}, {"offset", "0"}});
  EXPECT_EQ(envelope["Accounts"]["Total"], 1);
  EXPECT_EQ(envelope["Accounts"]["Accounts"][0]["id"], "1");
}

TEST_F(SandboxTools, GetManyAccountsUpstreamErrorGivesEmptyData) {
  answer("GET", "/accounts", 401, R"({"message":"No Result found"})");
  json envelope = call("get_many_accounts", json::object());
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 401);
  EXPECT_EQ(envelope["Accounts"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("ACTIVECAMPAIGN_API_TOKEN"));
}

TEST_F(SandboxTools, GetAccount) {
  json envelope = call("get_account", {{"AccountId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/accounts/1");
  EXPECT_EQ(envelope["Account"]["name"], "Acme Inc");
  EXPECT_EQ(envelope["Account"]["accountUrl"], "https://acme.example.com");
}

TEST_F(SandboxTools, GetAccountNotFound) {
  json envelope = call("get_account", {{"AccountId", 99}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["Account"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Get an Account failed: account 99 was not found"));
}

TEST_F(SandboxTools, UpdateAccountSendsOnlyGivenFields) {
  json envelope =
      call("update_account",
           {{"AccountId", 1}, {"Name", ""}, {"AccountUrl", "https://acme.example.org"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "PUT", "/accounts/1", {},
                 {{"account", {{"accountUrl", "https://acme.example.org"}}}});
  EXPECT_EQ(envelope["Account"]["name"], "Acme Inc");
  EXPECT_EQ(envelope["Account"]["accountUrl"], "https://acme.example.org");
}

TEST_F(SandboxTools, UpdateAccountNotFound) {
  json envelope = call("update_account", {{"AccountId", 42}, {"Name", "X"}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("account 42 was not found"));
}

// ---------- Account contacts

TEST_F(SandboxTools, CreateAccountContact) {
  json envelope = call("create_account_contact",
                       {{"ContactId", "2"}, {"AccountId", 1}, {"JobTitle", "CTO"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/accountContacts", {},
                 {{"accountContact", {{"contact", 2}, {"account", 1}, {"jobTitle", "CTO"}}}});
  EXPECT_EQ(envelope["AccountContact"]["jobTitle"], "CTO");
  EXPECT_EQ(envelope["ErrorMessage"], "");
}

TEST_F(SandboxTools, CreateAccountContactTwiceIsRejected) {
  json envelope = call("create_account_contact",
                       {{"ContactId", 1}, {"AccountId", 1}, {"JobTitle", "CTO"}});
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 422);
  EXPECT_EQ(envelope["AccountContact"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Create an Account Contact failed: ActiveCampaign rejected the data"));
}

TEST_F(SandboxTools, DeleteAccountContact) {
  json envelope = call("delete_account_contact", {{"AssociationId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/accountContacts/1");
  EXPECT_EQ(envelope["DeletedAccountContact"], json({{"id", "1"}, {"deleted", true}}));
  EXPECT_EQ(store("GET", "/accounts/1")["account"]["name"], "Acme Inc");

  json again = call("delete_account_contact", {{"AssociationId", 1}});
  EXPECT_EQ(again["OriginalStatusCode"], 404);
  EXPECT_THAT(again["ErrorMessage"].get<std::string>(),
              HasSubstr("account contact association 1 was not found"));
}

TEST_F(SandboxTools, GetManyAccountContactsDefaultsToTen) {
  json envelope = call("get_many_account_contacts", json::object());
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/accountContacts", {{"limit", "10"}, {"offset", "0"}});
  const json& data = envelope["AccountContacts"];
  EXPECT_EQ(data["Total"], 1);
  EXPECT_EQ(data["Limit"], 10);
  EXPECT_EQ(data["Offset"], 0);
  EXPECT_EQ(data["HasMore"], false);
  EXPECT_EQ(data["AccountContacts"][0]["jobTitle"], "Head of Purchasing");
}

TEST_F(SandboxTools, GetManyAccountContactsHasMore) {
  call("create_account_contact",
       {{"ContactId", 2}, {"AccountId", 1}, {"JobTitle", "CTO"}});
  json envelope = call("get_many_account_contacts", {{"Limit", 1}});
  EXPECT_EQ(envelope["AccountContacts"]["Total"], 2);
  EXPECT_EQ(envelope["AccountContacts"]["HasMore"], true);
  EXPECT_EQ(envelope["AccountContacts"]["AccountContacts"].size(), 1u);
}

TEST_F(SandboxTools, GetAccountContact) {
  json envelope = call("get_account_contact", {{"AssociationId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/accountContacts/1");
  EXPECT_EQ(envelope["AccountContact"]["account"], "1");
  EXPECT_EQ(envelope["AccountContact"]["contact"], "1");
}

TEST_F(SandboxTools, GetAccountContactNotFound) {
  json envelope = call("get_account_contact", {{"AssociationId", 50}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["AccountContact"], json::object());
}

TEST_F(SandboxTools, UpdateAccountContactMovesTheContact) {
  json created = call("create_account", {{"Name", "Globex"}});
  const std::string account = created["Account"]["id"];
  json envelope = call("update_account_contact",
                       {{"AssociationId", 1}, {"ContactId", 1}, {"AccountId", account}});
  expect_request(log().back(), "PUT", "/accountContacts/1", {},
                 {{"accountContact", {{"contact", 1}, {"account", std::stoi(account)}}}});
  EXPECT_EQ(envelope["AccountContact"]["account"], account);
  EXPECT_EQ(envelope["ErrorMessage"], "");
}

TEST_F(SandboxTools, UpdateAccountContactNotFound) {
  json envelope = call("update_account_contact",
                       {{"AssociationId", 77}, {"ContactId", 1}, {"AccountId", 1}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("account contact association 77 was not found"));
}

}  // namespace
}  // namespace acmcp::tools
