// The sandbox store's accounts, account contacts and connections, called directly.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace acmcp::sandbox {
namespace {

using nlohmann::json;
using AccountsStore = SeededStore;

// ---- accounts ----------------------------------------------------------------------------------

TEST_F(AccountsStore, SeedHasAcmeLinkedToJane) {
  auto account = get("/accounts/1");
  ASSERT_EQ(account.status, 200);
  EXPECT_EQ(account.body["account"]["name"], "Acme Inc");
  auto links = get("/accountContacts", {{"filters[account]", "1"}});
  ASSERT_EQ(links.body["meta"]["total"], "1");
  EXPECT_EQ(links.body["accountContacts"][0]["contact"], "1");
}

TEST_F(AccountsStore, CreateAccountAnswers201WithTimestampsAndFieldOwners) {
  auto r = post("/accounts", {{"account",
                               {{"name", "Globex"},
                                {"accountUrl", "https://globex.example"},
                                {"fields", {{{"customFieldId", 9}, {"fieldValue", "501 - 1000"}}}}}}});
  ASSERT_EQ(r.status, 201);
  const auto& a = r.body["account"];
  EXPECT_EQ(a["id"], "2");
  EXPECT_EQ(a["name"], "Globex");
  EXPECT_EQ(a["accountUrl"], "https://globex.example");
  EXPECT_EQ(a["owner"], "1");
  EXPECT_TRUE(a["createdTimestamp"].is_string());
  EXPECT_TRUE(a["updatedTimestamp"].is_string());
  EXPECT_FALSE(a.contains("cdate"));
  EXPECT_EQ(a["fields"][0]["accountId"], "2");
  EXPECT_EQ(a["links"]["accountContacts"], "http://sandbox.test/api/3/accounts/2/accountContacts");
}

TEST_F(AccountsStore, CreateAccountWithoutNameIs422FieldMissing) {
  auto r = post("/accounts", {{"account", {{"accountUrl", "https://x.example"}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_title(r), "The account name was not provided.");
  EXPECT_EQ(first_error_code(r), "field_missing");
  EXPECT_EQ(r.body["errors"][0]["source"]["pointer"], "/data/attributes/name");
}

TEST_F(AccountsStore, DuplicateAccountNameIs422WithUpstreamWording) {
  auto r = post("/accounts", {{"account", {{"name", "acme inc"}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_title(r),
            "An account named \"acme inc\" already exists. Please choose a new name.");
  EXPECT_EQ(first_error_code(r), "duplicate");
}

TEST_F(AccountsStore, ListAccountsSearchesByNameAndCountsContactsAndDeals) {
  post("/accounts", {{"account", {{"name", "Initech"}}}});
  auto r = get("/accounts", {{"search", "acm"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["meta"]["total"], "1");
  EXPECT_EQ(r.body["accounts"][0]["name"], "Acme Inc");
  EXPECT_EQ(r.body["accounts"][0]["contactCount"], "1");
  EXPECT_EQ(r.body["accounts"][0]["dealCount"], "1");
  EXPECT_EQ(get("/accounts").body["meta"]["total"], "2");
}

TEST_F(AccountsStore, ListAccountsPages) {
  post("/accounts", {{"account", {{"name", "Initech"}}}});
  auto r = get("/accounts", {{"limit", "1"}, {"offset", "1"}});
  EXPECT_EQ(ids(r.body["accounts"]), std::vector<std::string>{"2"});
  EXPECT_EQ(r.body["meta"]["total"], "2");
}

TEST_F(AccountsStore, UpdateAccountIsPartialAndRechecksUniqueness) {
  post("/accounts", {{"account", {{"name", "Initech"}}}});
  auto r = put("/accounts/2", {{"account", {{"accountUrl", "https://initech.example"}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["account"]["name"], "Initech");
  EXPECT_EQ(r.body["account"]["accountUrl"], "https://initech.example");
  EXPECT_EQ(put("/accounts/2", {{"account", {{"name", "Acme Inc"}}}}).status, 422);
  EXPECT_EQ(put("/accounts/1", {{"account", {{"name", "Acme Inc"}}}}).status, 200);
}

TEST_F(AccountsStore, MissingAccountIs404) {
  auto r = get("/accounts/99");
  ASSERT_EQ(r.status, 404);
  EXPECT_EQ(r.body["message"], "No Result found for Account with id 99");
  EXPECT_EQ(put("/accounts/99", {{"account", {{"name", "x"}}}}).status, 404);
  EXPECT_EQ(del("/accounts/99").status, 404);
}

TEST_F(AccountsStore, DeleteAccountRemovesItsContactLinks) {
  auto r = del("/accounts/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json::object());
  EXPECT_EQ(get("/accounts/1").status, 404);
  EXPECT_EQ(get("/accountContacts/1").status, 404);
  EXPECT_EQ(get("/contacts/1").status, 200);
}

// ---- account contacts --------------------------------------------------------------------------

TEST_F(AccountsStore, CreateAccountContactAnswers201) {
  auto r = post("/accountContacts",
                {{"accountContact", {{"account", 1}, {"contact", 2}, {"jobTitle", "CFO"}}}});
  ASSERT_EQ(r.status, 201);
  const auto& ac = r.body["accountContact"];
  EXPECT_EQ(ac["id"], "2");
  EXPECT_EQ(ac["account"], "1");
  EXPECT_EQ(ac["contact"], "2");
  EXPECT_EQ(ac["jobTitle"], "CFO");
  EXPECT_TRUE(ac["createdTimestamp"].is_string());
  EXPECT_EQ(ac["links"]["contact"], "http://sandbox.test/api/3/accountContacts/2/contact");
}

TEST_F(AccountsStore, CreateAccountContactWithoutAccountUsesUpstreamWording) {
  auto r = post("/accountContacts", {{"accountContact", {{"contact", 2}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_title(r), "The account attribute was not provided");
  EXPECT_EQ(first_error_code(r), "field_missing");
}

TEST_F(AccountsStore, ContactOnTwoAccountsIs422FieldInvalid) {
  post("/accounts", {{"account", {{"name", "Initech"}}}});
  auto r = post("/accountContacts", {{"accountContact", {{"account", 2}, {"contact", 1}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_code(r), "field_invalid");
  EXPECT_NE(first_error_title(r).find("already associated with an account"), std::string::npos);
}

TEST_F(AccountsStore, AccountContactForMissingAccountOrContactIs422) {
  auto r = post("/accountContacts", {{"accountContact", {{"account", 9}, {"contact", 2}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_code(r), "related_missing");
  EXPECT_EQ(post("/accountContacts", {{"accountContact", {{"account", 1}, {"contact", 99}}}})
                .status,
            422);
}

TEST_F(AccountsStore, ListAccountContactsFiltersByContactAndAccount) {
  post("/accountContacts", {{"accountContact", {{"account", 1}, {"contact", 2}}}});
  EXPECT_EQ(get("/accountContacts").body["meta"]["total"], "2");
  auto by_contact = get("/accountContacts", {{"filters[contact]", "2"}});
  EXPECT_EQ(ids(by_contact.body["accountContacts"]), std::vector<std::string>{"2"});
  EXPECT_EQ(get("/accountContacts", {{"filters[account]", "7"}}).body["meta"]["total"], "0");
}

TEST_F(AccountsStore, UpdateAccountContactChangesJobTitle) {
  auto r = put("/accountContacts/1", {{"accountContact", {{"jobTitle", "CEO"}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["accountContact"]["jobTitle"], "CEO");
  EXPECT_EQ(r.body["accountContact"]["contact"], "1");
}

TEST_F(AccountsStore, MissingAccountContactUsesUpstreamEntityName) {
  auto r = get("/accountContacts/100");
  ASSERT_EQ(r.status, 404);
  EXPECT_EQ(r.body["message"], "No Result found for CustomerAccountSubscriber with id 100");
  EXPECT_EQ(del("/accountContacts/100").status, 404);
}

TEST_F(AccountsStore, DeleteAccountContactAnswersEmptyObject) {
  auto r = del("/accountContacts/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json::object());
  EXPECT_EQ(get("/accountContacts").body["meta"]["total"], "0");
}

TEST_F(AccountsStore, DeleteContactRemovesItsAccountLink) {
  ASSERT_EQ(del("/contacts/1").status, 200);
  EXPECT_EQ(get("/accountContacts/1").status, 404);
}

// ---- connections -------------------------------------------------------------------------------

json new_connection(const std::string& service, const std::string& externalid) {
  return {{"connection",
           {{"service", service},
            {"externalid", externalid},
            {"name", "Toystore, Inc."},
            {"logoUrl", "http://example.com/i/foo.png"},
            {"linkUrl", "http://example.com/foo/"}}}};
}

TEST_F(AccountsStore, SeedHasDemoStoreConnection) {
  auto r = get("/connections/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["connection"]["name"], "Demo Store");
  EXPECT_EQ(r.body["connection"]["service"], "demo-store");
  EXPECT_EQ(r.body["connection"]["externalid"], "demo-store");
}

TEST_F(AccountsStore, CreateConnectionAnswers200WithUpstreamDefaults) {
  auto r = post("/connections", new_connection("fooCommerce", "toystore123"));
  ASSERT_EQ(r.status, 200);
  const auto& c = r.body["connection"];
  EXPECT_EQ(c["id"], "2");
  EXPECT_EQ(c["isInternal"], "0");
  EXPECT_EQ(c["status"], "1");
  EXPECT_EQ(c["syncStatus"], "0");
  EXPECT_EQ(c["listId"], "0");
  EXPECT_TRUE(c["cdate"].is_string());
  EXPECT_EQ(c["links"]["customers"], "http://sandbox.test/api/3/connections/2/customers");
}

TEST_F(AccountsStore, CreateConnectionWithoutLogoAndLinkNamesBoth) {
  auto r = post("/connections",
                {{"connection", {{"service", "x"}, {"externalid", "y"}, {"name", "z"}}}});
  ASSERT_EQ(r.status, 422);
  ASSERT_EQ(r.body["errors"].size(), 2u);
  EXPECT_EQ(r.body["errors"][0]["source"]["pointer"], "/data/attributes/logoUrl");
  EXPECT_EQ(r.body["errors"][1]["source"]["pointer"], "/data/attributes/linkUrl");
}

TEST_F(AccountsStore, SameServiceAndExternalIdIs422Duplicate) {
  auto r = post("/connections", new_connection("demo-store", "demo-store"));
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_code(r), "duplicate");
  EXPECT_EQ(post("/connections", new_connection("demo-store", "other")).status, 200);
}

TEST_F(AccountsStore, ListConnectionsFiltersByServiceAndExternalId) {
  post("/connections", new_connection("fooCommerce", "toystore123"));
  post("/connections", new_connection("fooCommerce", "toystore456"));
  EXPECT_EQ(get("/connections", {{"filters[service]", "fooCommerce"}}).body["meta"]["total"],
            "2");
  auto r = get("/connections",
               {{"filters[service]", "fooCommerce"}, {"filters[externalid]", "toystore456"}});
  EXPECT_EQ(ids(r.body["connections"]), std::vector<std::string>{"3"});
}

TEST_F(AccountsStore, UpdateConnectionKeepsOtherFields) {
  auto r = put("/connections/1", {{"connection", {{"name", "Demo Store EU"}, {"status", 0}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["connection"]["name"], "Demo Store EU");
  EXPECT_EQ(r.body["connection"]["status"], "0");
  EXPECT_EQ(r.body["connection"]["service"], "demo-store");
}

TEST_F(AccountsStore, MissingConnectionIs404) {
  auto r = get("/connections/42");
  ASSERT_EQ(r.status, 404);
  EXPECT_EQ(r.body["message"], "No Result found for Connection with id 42");
}

TEST_F(AccountsStore, DeleteConnectionRemovesItsCustomersOrdersAndProducts) {
  ASSERT_EQ(del("/connections/1").status, 200);
  EXPECT_EQ(get("/ecomCustomers").body["meta"]["total"], "0");
  EXPECT_EQ(get("/ecomOrders").body["meta"]["total"], "0");
  EXPECT_EQ(get("/ecomOrderProducts").body["meta"]["total"], "0");
}

}  // namespace
}  // namespace acmcp::sandbox
