// The sandbox store's ActiveCampaign semantics, called directly (no network).
#include "sandbox/store.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace acmcp::sandbox {
namespace {

using nlohmann::json;

class StoreTest : public ::testing::Test {
 protected:
  StoreTest() { store.set_base_url("http://sandbox.test/api/3"); }

  StoreResponse get(const std::string& path, Query query = {}) {
    return store.handle("GET", path, query, json());
  }
  StoreResponse post(const std::string& path, const json& body) {
    return store.handle("POST", path, {}, body);
  }
  StoreResponse put(const std::string& path, const json& body) {
    return store.handle("PUT", path, {}, body);
  }
  StoreResponse del(const std::string& path) { return store.handle("DELETE", path, {}, json()); }

  static std::vector<std::string> ids(const json& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item["id"].get<std::string>());
    return out;
  }

  Store store{"token", true};
};

// ---- target parsing -------------------------------------------------------------------------

TEST(ParseTarget, DecodesPercentEncodedBracketKeys) {
  auto t = parse_target("/api/3/tags?filters%5Bsearch%5D%5Beq%5D=VIP&limit=5");
  EXPECT_TRUE(t.under_api);
  EXPECT_EQ(t.path, "/tags");
  ASSERT_EQ(t.query.count("filters[search][eq]"), 1u);
  EXPECT_EQ(t.query.find("filters[search][eq]")->second, "VIP");
  EXPECT_EQ(t.query.find("limit")->second, "5");
}

TEST(ParseTarget, PlusInQueryIsSpaceAndEncodedPlusIsPlus) {
  auto t = parse_target("/api/3/contacts?search=Jane+Doe&email=a%2Bb%40x.com");
  EXPECT_EQ(t.query.find("search")->second, "Jane Doe");
  EXPECT_EQ(t.query.find("email")->second, "a+b@x.com");
}

TEST(ParseTarget, PathOutsideApiIsFlagged) {
  EXPECT_FALSE(parse_target("/api/30/contacts").under_api);
  EXPECT_FALSE(parse_target("/contacts").under_api);
  EXPECT_TRUE(parse_target("/api/3").under_api);
}

TEST(ParseTarget, TrailingSlashIsIgnoredAndPathDecoded) {
  EXPECT_EQ(parse_target("/api/3/contacts/").path, "/contacts");
  EXPECT_EQ(parse_target("/api/3/contact%2Fsync").path, "/contact/sync");
}

TEST(ParseTarget, RepeatedKeysAreAllKept) {
  auto t = parse_target("/api/3/contacts?ids[]=1&ids[]=2&flag");
  EXPECT_EQ(t.query.count("ids[]"), 2u);
  EXPECT_EQ(t.query.find("flag")->second, "");
}

TEST(Timestamp, LooksLikeUpstream) {
  EXPECT_TRUE(
      std::regex_match(timestamp_now(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-06:00)")));
}

// ---- authentication and body parsing ----------------------------------------------------------

TEST_F(StoreTest, WrongTokenIs403Forbidden) {
  auto r = store.handle_raw("GET", "/contacts", {}, "", "wrong");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, json({{"message", "Forbidden"}}));
}

TEST_F(StoreTest, MalformedJsonBodyIs400WithMessage) {
  auto r = store.handle_raw("POST", "/contacts", {}, "{\"contact\": ", "token");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.body["message"].is_string());
}

TEST_F(StoreTest, EmptyBodyIsAccepted) {
  EXPECT_EQ(store.handle_raw("GET", "/contacts/1", {}, "  ", "token").status, 200);
}

// ---- routing ---------------------------------------------------------------------------------

TEST_F(StoreTest, UnknownRouteIs404) {
  EXPECT_EQ(get("/nonsense").status, 404);
  EXPECT_EQ(get("/contacts/1/nonsense").status, 404);
  EXPECT_EQ(get("/").status, 404);
}

TEST_F(StoreTest, WrongMethodOnKnownRouteIs405WithAllow) {
  auto r = store.handle("PATCH", "/contacts", {}, json());
  EXPECT_EQ(r.status, 405);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "GET, POST");
  EXPECT_EQ(del("/contacts").status, 405);
  EXPECT_EQ(get("/contact/sync").status, 405);
}

TEST_F(StoreTest, NonNumericIdIs404WithUpstreamMessage) {
  auto r = get("/contacts/abc");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["message"], "No Result found for Subscriber with id abc");
}

TEST_F(StoreTest, OddBodiesNeverCauseServerErrors) {
  const std::vector<json> bodies = {
      json(),
      json::array({1, 2}),
      json("text"),
      json(7),
      json{{"contact", json::array()}},
      json{{"contact", {{"email", {{"nested", 1}}}}}},
      json{{"contactList", {{"contact", json::array()}, {"list", nullptr}, {"status", true}}}},
      json{{"contactTag", {{"contact", {{"x", 1}}}, {"tag", -3}}}},
      json{{"tag", {{"tag", nullptr}}}},
      json{{"list", {{"name", json::object()}}}},
      json{{"contact", {{"email", "z@example.com"}, {"fieldValues", "not a list"}}}},
      json{{"contact", {{"email", "y@example.com"}, {"fieldValues", {1, json::array(), "x"}}}}}};
  const std::vector<std::string> paths = {"/contacts",     "/contacts/1",   "/contact/sync",
                                          "/contactLists", "/contactTags",  "/tags",
                                          "/tags/1",       "/lists",        "/lists/1",
                                          "/dealGroups",   "/dealStages/1", "/fieldValues/1"};
  for (const auto& path : paths)
    for (const char* method : {"GET", "POST", "PUT", "DELETE"})
      for (const auto& body : bodies) {
        Store fresh("token", true);
        auto r = fresh.handle(method, path, {}, body);
        EXPECT_LT(r.status, 500) << method << " " << path << " " << body.dump();
        EXPECT_TRUE(r.body.is_object());
      }
}

// ---- seed ------------------------------------------------------------------------------------

TEST_F(StoreTest, SeedHasAdminUser) {
  auto r = get("/users/me");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["user"]["id"], "1");
  EXPECT_EQ(r.body["user"]["username"], "admin");
  EXPECT_EQ(get("/users").body["meta"]["total"], "1");
}

TEST_F(StoreTest, SeedHasPipelineWithThreeStages) {
  auto r = get("/dealGroups/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["dealGroup"]["title"], "Sales Pipeline");
  EXPECT_EQ(r.body["dealGroup"]["stages"], json({"1", "2", "3"}));
  auto stages = get("/dealStages", {{"filters[d_groupid]", "1"}});
  EXPECT_EQ(stages.body["meta"]["total"], "3");
}

TEST_F(StoreTest, SeedHasNewsletterListVipTagAndThreeContacts) {
  EXPECT_EQ(get("/lists/1").body["list"]["stringid"], "newsletter");
  EXPECT_EQ(get("/tags/1").body["tag"]["tag"], "VIP");
  EXPECT_EQ(get("/contacts").body["meta"]["total"], "3");
}

TEST_F(StoreTest, WithoutSeedTablesAreEmpty) {
  Store empty("token", false);
  EXPECT_EQ(empty.handle("GET", "/contacts", {}, json()).body["meta"]["total"], "0");
  EXPECT_EQ(empty.handle("GET", "/contacts", {}, json()).body["contacts"], json::array());
}

// ---- contacts --------------------------------------------------------------------------------

TEST_F(StoreTest, CreateContactAnswers201WithStringIdsAndLinks) {
  auto r = post("/contacts", {{"contact", {{"email", "new@example.com"}, {"firstName", "New"}}}});
  ASSERT_EQ(r.status, 201);
  const auto& c = r.body["contact"];
  EXPECT_EQ(c["id"], "4");
  EXPECT_EQ(c["email"], "new@example.com");
  EXPECT_EQ(c["firstName"], "New");
  EXPECT_EQ(c["lastName"], "");
  EXPECT_EQ(c["links"]["contactTags"], "http://sandbox.test/api/3/contacts/4/contactTags");
  EXPECT_TRUE(c["cdate"].is_string());
  EXPECT_EQ(r.body["fieldValues"], json::array());
}

TEST_F(StoreTest, CreateContactWithFieldValuesReturnsThem) {
  auto r =
      post("/contacts",
           {{"contact",
             {{"email", "f@example.com"}, {"fieldValues", {{{"field", 1}, {"value", "Blue"}}}}}}});
  ASSERT_EQ(r.status, 201);
  ASSERT_EQ(r.body["fieldValues"].size(), 1u);
  EXPECT_EQ(r.body["fieldValues"][0]["field"], "1");
  EXPECT_EQ(r.body["fieldValues"][0]["value"], "Blue");
  EXPECT_EQ(r.body["fieldValues"][0]["contact"], "4");
}

TEST_F(StoreTest, CreateContactWithoutEmailIs422FieldMissing) {
  auto r = post("/contacts", {{"contact", {{"firstName", "No"}}}});
  ASSERT_EQ(r.status, 422);
  const auto& e = r.body["errors"][0];
  EXPECT_EQ(e["code"], "field_missing");
  EXPECT_EQ(e["source"]["pointer"], "/data/attributes/email");
  EXPECT_TRUE(e["title"].is_string());
  EXPECT_TRUE(e["detail"].is_string());
}

TEST_F(StoreTest, CreateContactWithoutWrapperIs422) {
  EXPECT_EQ(post("/contacts", {{"email", "x@example.com"}}).status, 422);
  EXPECT_EQ(post("/contacts", json()).status, 422);
}

TEST_F(StoreTest, CreateContactWithInvalidEmailIs422) {
  auto r = post("/contacts", {{"contact", {{"email", "not-an-email"}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["code"], "email_invalid");
}

TEST_F(StoreTest, CreateContactWithDuplicateEmailIs422Duplicate) {
  auto r = post("/contacts", {{"contact", {{"email", "JANE.DOE@example.com"}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["code"], "duplicate");
  EXPECT_EQ(r.body["errors"][0]["title"], "Email address already exists in the system");
}

TEST_F(StoreTest, SyncCreatesThenUpdatesByEmail) {
  auto created =
      post("/contact/sync", {{"contact", {{"email", "s@example.com"}, {"firstName", "A"}}}});
  ASSERT_EQ(created.status, 201);
  auto updated =
      post("/contact/sync", {{"contact", {{"email", "S@example.com"}, {"lastName", "B"}}}});
  ASSERT_EQ(updated.status, 200);
  EXPECT_EQ(updated.body["contact"]["id"], created.body["contact"]["id"]);
  EXPECT_EQ(updated.body["contact"]["firstName"], "A");
  EXPECT_EQ(updated.body["contact"]["lastName"], "B");
  EXPECT_TRUE(updated.body.contains("fieldValues"));
}

TEST_F(StoreTest, SyncWithoutEmailIs422) {
  EXPECT_EQ(post("/contact/sync", {{"contact", {{"firstName", "A"}}}}).status, 422);
}

TEST_F(StoreTest, GetContactSideloadsListsTagsAndFieldValues) {
  auto r = get("/contacts/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["contact"]["email"], "jane.doe@example.com");
  EXPECT_EQ(r.body["contact"]["contactLists"], json({"1"}));
  EXPECT_EQ(r.body["contact"]["contactTags"], json({"1"}));
  EXPECT_EQ(r.body["contactLists"][0]["list"], "1");
  EXPECT_EQ(r.body["contactTags"][0]["tag"], "1");
  EXPECT_TRUE(r.body["fieldValues"].is_array());
  EXPECT_TRUE(r.body["contactAutomations"].is_array());
  EXPECT_TRUE(r.body["deals"].is_array());
}

TEST_F(StoreTest, GetMissingContactIs404WithUpstreamMessage) {
  auto r = get("/contacts/99");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, json({{"message", "No Result found for Subscriber with id 99"}}));
}

TEST_F(StoreTest, ListContactsFiltersByExactEmail) {
  auto r = get("/contacts", {{"email", "john.smith@example.com"}});
  EXPECT_EQ(ids(r.body["contacts"]), std::vector<std::string>{"2"});
  EXPECT_EQ(r.body["meta"]["total"], "1");
  EXPECT_EQ(get("/contacts", {{"email", "john"}}).body["meta"]["total"], "0");
}

TEST_F(StoreTest, ListContactsFiltersByPhonePrefix) {
  auto r = get("/contacts", {{"phone", "+1555"}});
  EXPECT_EQ(ids(r.body["contacts"]), (std::vector<std::string>{"1", "2"}));
}

TEST_F(StoreTest, ListContactsSearchMatchesNamesAndEmail) {
  EXPECT_EQ(ids(get("/contacts", {{"search", "smith"}}).body["contacts"]),
            std::vector<std::string>{"2"});
  EXPECT_EQ(ids(get("/contacts", {{"search", "Alex Lee"}}).body["contacts"]),
            std::vector<std::string>{"3"});
  EXPECT_EQ(ids(get("/contacts", {{"search", "example.org"}}).body["contacts"]),
            std::vector<std::string>{"3"});
}

TEST_F(StoreTest, ListContactsOrdersByIdAndEmail) {
  EXPECT_EQ(ids(get("/contacts", {{"orders[id]", "DESC"}}).body["contacts"]),
            (std::vector<std::string>{"3", "2", "1"}));
  EXPECT_EQ(ids(get("/contacts", {{"orders[email]", "ASC"}}).body["contacts"]),
            (std::vector<std::string>{"3", "1", "2"}));
}

TEST_F(StoreTest, ListContactsRejectsUnknownOrderDirection) {
  auto r = get("/contacts", {{"orders[id]", "DASC"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["source"]["pointer"], "/data/attributes/orders[id]");
}

TEST_F(StoreTest, ListContactsByListAndTag) {
  EXPECT_EQ(ids(get("/contacts", {{"listid", "1"}}).body["contacts"]),
            std::vector<std::string>{"1"});
  EXPECT_EQ(ids(get("/contacts", {{"tagid", "1"}}).body["contacts"]),
            std::vector<std::string>{"1"});
}

TEST_F(StoreTest, ListPagingUsesLimitOffsetAndTotal) {
  auto r = get("/contacts", {{"limit", "2"}, {"offset", "1"}});
  EXPECT_EQ(ids(r.body["contacts"]), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(r.body["meta"]["total"], "3");
  EXPECT_EQ(get("/contacts", {{"offset", "10"}}).body["contacts"], json::array());
}

TEST_F(StoreTest, ListIgnoresNonsensePagingValues) {
  EXPECT_EQ(get("/contacts", {{"limit", "-5"}}).body["contacts"].size(), 3u);
  EXPECT_EQ(get("/contacts", {{"limit", "abc"}}).body["contacts"].size(), 3u);
  EXPECT_EQ(get("/contacts", {{"offset", "9223372036854775807"}}).body["contacts"], json::array());
  EXPECT_EQ(get("/contacts", {{"offset", "99999999999999999999"}}).body["contacts"].size(), 3u);
}

TEST_F(StoreTest, NumbersInBodiesAreStoredAsStrings) {
  auto r = post("/tags", {{"tag", {{"tag", 42}, {"description", 1e300}}}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body["tag"]["tag"], "42");
  EXPECT_TRUE(r.body["tag"]["description"].is_string());
}

TEST_F(StoreTest, ListLimitDefaultsTo20AndCapsAt100) {
  for (int i = 0; i < 120; ++i)
    ASSERT_EQ(
        post("/contacts", {{"contact", {{"email", "bulk" + std::to_string(i) + "@x.com"}}}}).status,
        201);
  EXPECT_EQ(get("/contacts").body["contacts"].size(), 20u);
  EXPECT_EQ(get("/contacts", {{"limit", "500"}}).body["contacts"].size(), 100u);
  EXPECT_EQ(get("/contacts").body["meta"]["total"], "123");
}

TEST_F(StoreTest, UpdateContactIsPartial) {
  auto r = put("/contacts/2", {{"contact", {{"firstName", "Johnny"}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["contact"]["firstName"], "Johnny");
  EXPECT_EQ(r.body["contact"]["lastName"], "Smith");
  EXPECT_EQ(r.body["contact"]["email"], "john.smith@example.com");
}

TEST_F(StoreTest, UpdateContactUpsertsFieldValues) {
  put("/contacts/2", {{"contact", {{"fieldValues", {{{"field", "7"}, {"value", "a"}}}}}}});
  auto r = put("/contacts/2", {{"contact", {{"fieldValues", {{{"field", "7"}, {"value", "b"}}}}}}});
  ASSERT_EQ(r.body["fieldValues"].size(), 1u);
  auto values = get("/contacts/2/fieldValues").body["fieldValues"];
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0]["value"], "b");
}

TEST_F(StoreTest, UpdateContactToAnotherContactsEmailIs422) {
  auto r = put("/contacts/2", {{"contact", {{"email", "jane.doe@example.com"}}}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["code"], "duplicate");
  EXPECT_EQ(put("/contacts/1", {{"contact", {{"email", "jane.doe@example.com"}}}}).status, 200);
}

TEST_F(StoreTest, UpdateMissingContactIs404) {
  EXPECT_EQ(put("/contacts/99", {{"contact", {{"firstName", "X"}}}}).status, 404);
}

TEST_F(StoreTest, DeleteContactAnswersEmptyObjectAndRemovesRelations) {
  auto r = del("/contacts/1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json::object());
  EXPECT_EQ(get("/contacts/1").status, 404);
  EXPECT_EQ(get("/contactLists/1").status, 404);
  EXPECT_EQ(get("/contactTags/1").status, 404);
  EXPECT_EQ(del("/contacts/1").status, 404);
}

TEST_F(StoreTest, ContactChildrenListsAndTags) {
  auto lists = get("/contacts/1/contactLists");
  ASSERT_EQ(lists.status, 200);
  EXPECT_EQ(lists.body["contactLists"][0]["id"], "1");
  EXPECT_EQ(lists.body["contactLists"][0]["status"], "1");
  auto tags = get("/contacts/1/contactTags");
  EXPECT_EQ(tags.body["contactTags"][0]["tag"], "1");
  EXPECT_EQ(get("/contacts/2/contactTags").body["contactTags"], json::array());
  EXPECT_EQ(get("/contacts/99/contactLists").status, 404);
}

// ---- contactLists ----------------------------------------------------------------------------

TEST_F(StoreTest, SubscribeContactToListAnswers200WithContactsAndContactList) {
  auto r = post("/contactLists", {{"contactList", {{"contact", 2}, {"list", 1}, {"status", 1}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["contactList"]["id"], "2");
  EXPECT_EQ(r.body["contactList"]["contact"], "2");
  EXPECT_EQ(r.body["contactList"]["list"], "1");
  EXPECT_EQ(r.body["contactList"]["status"], "1");
  EXPECT_EQ(r.body["contactList"]["sourceid"], "0");
  EXPECT_EQ(r.body["contacts"][0]["id"], "2");
}

TEST_F(StoreTest, SubscribeAgainUpdatesTheSameRelation) {
  auto r =
      post("/contactLists",
           {{"contactList", {{"contact", "1"}, {"list", "1"}, {"status", "2"}, {"sourceid", 4}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["contactList"]["id"], "1");
  EXPECT_EQ(r.body["contactList"]["status"], "2");
  EXPECT_EQ(r.body["contactList"]["sourceid"], "4");
  EXPECT_EQ(get("/contacts/1/contactLists").body["contactLists"].size(), 1u);
}

TEST_F(StoreTest, SubscribeMatchesExistingRelationWhateverTheIdForm) {
  auto r =
      post("/contactLists", {{"contactList", {{"contact", 1}, {"list", "01"}, {"status", 2}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["contactList"]["id"], "1");
  EXPECT_EQ(r.body["contactList"]["list"], "1");
}

TEST_F(StoreTest, SubscribeWithMissingFieldsIs422PerField) {
  auto r = post("/contactLists", {{"contactList", {{"contact", "1"}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"].size(), 2u);
  EXPECT_EQ(r.body["errors"][0]["source"]["pointer"], "/data/attributes/list");
}

TEST_F(StoreTest, SubscribeUnknownContactOrListIs422RelatedMissing) {
  auto r =
      post("/contactLists", {{"contactList", {{"contact", "99"}, {"list", "1"}, {"status", "1"}}}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["code"], "related_missing");
  r = post("/contactLists", {{"contactList", {{"contact", "1"}, {"list", "99"}, {"status", "1"}}}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["source"]["pointer"], "/data/attributes/list");
}

TEST_F(StoreTest, SubscribeWithBadStatusIs422) {
  auto r =
      post("/contactLists", {{"contactList", {{"contact", "1"}, {"list", "1"}, {"status", "7"}}}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["code"], "field_invalid");
}

TEST_F(StoreTest, DeleteContactListAnswersEmptyObject) {
  EXPECT_EQ(del("/contactLists/1").body, json::object());
  EXPECT_EQ(get("/contacts/1/contactLists").body["contactLists"], json::array());
  EXPECT_EQ(del("/contactLists/1").status, 404);
}

// ---- contactTags -----------------------------------------------------------------------------

TEST_F(StoreTest, AddContactTagAnswers201) {
  auto r = post("/contactTags", {{"contactTag", {{"contact", "2"}, {"tag", "1"}}}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body["contactTag"]["id"], "2");
  EXPECT_EQ(r.body["contactTag"]["contact"], "2");
  EXPECT_EQ(r.body["contactTag"]["tag"], "1");
  EXPECT_TRUE(r.body["contactTag"]["cdate"].is_string());
  EXPECT_EQ(r.body["contactTag"]["links"]["tag"], "http://sandbox.test/api/3/contactTags/2/tag");
}

TEST_F(StoreTest, AddDuplicateContactTagIs422Duplicate) {
  auto r = post("/contactTags", {{"contactTag", {{"contact", "1"}, {"tag", "1"}}}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["code"], "duplicate");
}

TEST_F(StoreTest, AddContactTagForUnknownContactOrTagIs404) {
  auto r = post("/contactTags", {{"contactTag", {{"contact", "99"}, {"tag", "1"}}}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["errors"][0]["detail"], "Contact not found");
  r = post("/contactTags", {{"contactTag", {{"contact", "1"}, {"tag", "99"}}}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["errors"][0]["detail"], "Tag not found");
}

TEST_F(StoreTest, AddContactTagWithoutFieldsIs422) {
  EXPECT_EQ(post("/contactTags", {{"contactTag", json::object()}}).status, 422);
}

TEST_F(StoreTest, GetAndDeleteContactTag) {
  EXPECT_EQ(get("/contactTags/1").body["contactTag"]["contact"], "1");
  EXPECT_EQ(del("/contactTags/1").body, json::object());
  auto r = del("/contactTags/1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["message"], "No Result found for SubscriberTag with id 1");
}

// ---- tags ------------------------------------------------------------------------------------

TEST_F(StoreTest, CreateTagDefaultsToContactType) {
  auto r = post("/tags", {{"tag", {{"tag", "Lead"}}}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body["tag"]["id"], "2");
  EXPECT_EQ(r.body["tag"]["tagType"], "contact");
  EXPECT_EQ(r.body["tag"]["description"], "");
  EXPECT_TRUE(r.body["tag"]["links"].contains("contactGoalTags"));
}

TEST_F(StoreTest, CreateTagDuplicateNameAndTypeIs422ButOtherTypeIsFine) {
  EXPECT_EQ(post("/tags", {{"tag", {{"tag", "vip"}}}}).status, 422);
  EXPECT_EQ(post("/tags", {{"tag", {{"tag", "VIP"}, {"tagType", "template"}}}}).status, 201);
}

TEST_F(StoreTest, CreateTagWithBadTypeOrNoNameIs422) {
  EXPECT_EQ(post("/tags", {{"tag", {{"tag", "X"}, {"tagType", "deal"}}}}).status, 422);
  EXPECT_EQ(post("/tags", {{"tag", {{"description", "no name"}}}}).status, 422);
}

class TagFilterTest : public StoreTest {
 protected:
  TagFilterTest() {
    for (const char* name : {"VIP Gold", "Prospect", "Old VIP"})
      post("/tags", {{"tag", {{"tag", name}}}});
    post("/tags", {{"tag", {{"tag", "Newsletter template"}, {"tagType", "template"}}}});
  }
};

TEST_F(TagFilterTest, OperatorsFilterByName) {
  EXPECT_EQ(ids(get("/tags", {{"filters[search][eq]", "vip"}}).body["tags"]),
            std::vector<std::string>{"1"});
  EXPECT_EQ(ids(get("/tags", {{"filters[search][contains]", "VIP"}}).body["tags"]),
            (std::vector<std::string>{"1", "2", "4"}));
  EXPECT_EQ(ids(get("/tags", {{"filters[search][starts_with]", "vip"}}).body["tags"]),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(get("/tags", {{"filters[search][neq]", "VIP"}}).body["meta"]["total"], "4");
  EXPECT_EQ(ids(get("/tags", {{"filters[search][lt]", "O"}}).body["tags"]),
            (std::vector<std::string>{"5"}));
}

TEST_F(TagFilterTest, BareFilterMeansEqualsAndSearchMeansContains) {
  EXPECT_EQ(ids(get("/tags", {{"filters[search]", "prospect"}}).body["tags"]),
            std::vector<std::string>{"3"});
  EXPECT_EQ(get("/tags", {{"search", "vip"}}).body["meta"]["total"], "3");
}

TEST_F(TagFilterTest, UnknownOperatorIs422) {
  EXPECT_EQ(get("/tags", {{"filters[search][like]", "x"}}).status, 422);
}

TEST_F(TagFilterTest, FilterByTagType) {
  EXPECT_EQ(ids(get("/tags", {{"filters[tagType]", "template"}}).body["tags"]),
            std::vector<std::string>{"5"});
}

TEST_F(TagFilterTest, WeightOrderPutsExactThenPrefixFirst) {
  auto r = get("/tags", {{"search", "vip"}, {"orders[search]", "weight"}});
  EXPECT_EQ(ids(r.body["tags"]), (std::vector<std::string>{"1", "2", "4"}));
  r = get("/tags", {{"search", "vip"}, {"orders[search]", "desc"}});
  EXPECT_EQ(ids(r.body["tags"]), (std::vector<std::string>{"2", "1", "4"}));
}

TEST_F(StoreTest, GetTagCountsSubscribers) {
  EXPECT_EQ(get("/tags/1").body["tag"]["subscriber_count"], "1");
  EXPECT_EQ(get("/tags/99").body["message"], "No Result found for Tag with id 99");
}

TEST_F(StoreTest, UpdateTagIsPartial) {
  auto r = put("/tags/1", {{"tag", {{"description", "Top customers"}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["tag"]["tag"], "VIP");
  EXPECT_EQ(r.body["tag"]["description"], "Top customers");
}

TEST_F(StoreTest, DeleteTagRemovesItsContactTags) {
  EXPECT_EQ(del("/tags/1").status, 200);
  EXPECT_EQ(get("/contacts/1/contactTags").body["contactTags"], json::array());
  EXPECT_EQ(get("/tags/1").status, 404);
}

// ---- lists -----------------------------------------------------------------------------------

json list_body(const std::string& name, const std::string& stringid) {
  return {{"list",
           {{"name", name},
            {"stringid", stringid},
            {"sender_url", "https://example.com"},
            {"sender_reminder", "You asked for it."}}}};
}

TEST_F(StoreTest, CreateListAnswers200WithDefaults) {
  auto r = post("/lists", list_body("Product Updates", "product-updates"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["list"]["id"], "2");
  EXPECT_EQ(r.body["list"]["stringid"], "product-updates");
  EXPECT_EQ(r.body["list"]["user"], "1");
  EXPECT_EQ(r.body["list"]["send_last_broadcast"], "0");
}

// GET /lists and GET /lists/{id} show udate null on lists never updated; the POST /lists example
// shows udate equal to cdate.
TEST_F(StoreTest, ListUdateIsNullUntilTheListIsUpdated) {
  auto r = post("/lists", list_body("Product Updates", "product-updates"));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.body["list"]["cdate"].is_string());
  EXPECT_EQ(r.body["list"]["udate"], r.body["list"]["cdate"]);
  EXPECT_TRUE(get("/lists/2").body["list"]["udate"].is_null());
  EXPECT_TRUE(get("/lists/1").body["list"]["udate"].is_null());  // the seeded one too
  const auto lists = get("/lists");  // kept: the loop reads into its body
  for (const auto& list : lists.body["lists"]) EXPECT_TRUE(list["udate"].is_null());

  auto updated = put("/lists/2", {{"list", {{"name", "Weekly Updates"}}}});
  ASSERT_EQ(updated.status, 200);
  EXPECT_TRUE(updated.body["list"]["udate"].is_string());
  EXPECT_TRUE(get("/lists/2").body["list"]["udate"].is_string());
}

TEST_F(StoreTest, CreateListWithoutRequiredFieldsNamesEachOne) {
  auto r = post("/lists", {{"list", {{"name", "Only a name"}}}});
  ASSERT_EQ(r.status, 422);
  ASSERT_EQ(r.body["errors"].size(), 3u);
  EXPECT_EQ(r.body["errors"][0]["source"]["pointer"], "/data/attributes/stringid");
  EXPECT_EQ(r.body["errors"][1]["source"]["pointer"], "/data/attributes/sender_url");
  EXPECT_EQ(r.body["errors"][2]["source"]["pointer"], "/data/attributes/sender_reminder");
}

TEST_F(StoreTest, CreateListWithDuplicateStringIdIs422) {
  auto r = post("/lists", list_body("Another", "newsletter"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["code"], "duplicate");
  EXPECT_EQ(r.body["errors"][0]["source"]["pointer"], "/data/attributes/stringid");
}

TEST_F(StoreTest, ListListsFiltersAndOrdersByName) {
  post("/lists", list_body("Product Updates", "product-updates"));
  post("/lists", list_body("Newsletter Archive", "archive"));
  EXPECT_EQ(ids(get("/lists", {{"filters[name]", "newsletter"}}).body["lists"]),
            (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(ids(get("/lists", {{"filters[name][eq]", "Newsletter"}}).body["lists"]),
            std::vector<std::string>{"1"});
  EXPECT_EQ(ids(get("/lists", {{"orders[name]", "DESC"}}).body["lists"]),
            (std::vector<std::string>{"2", "3", "1"}));
}

TEST_F(StoreTest, GetMissingListUsesUpstreamEntityName) {
  EXPECT_EQ(get("/lists/7").body["message"], "No Result found for _List with id 7");
}

TEST_F(StoreTest, UpdateListIsPartial) {
  auto r = put("/lists/1", {{"list", {{"name", "Weekly"}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["list"]["name"], "Weekly");
  EXPECT_EQ(r.body["list"]["stringid"], "newsletter");
}

TEST_F(StoreTest, DeleteListRemovesSubscriptions) {
  EXPECT_EQ(del("/lists/1").body, json::object());
  EXPECT_EQ(get("/contacts/1/contactLists").body["contactLists"], json::array());
}

}  // namespace
}  // namespace acmcp::sandbox
