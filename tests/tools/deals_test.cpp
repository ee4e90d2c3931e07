// Deal and Deal Note tools: Update a Deal's merge-before-put against a scripted upstream, and
// every tool through the sandbox with the exact upstream requests asserted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_arguments.hpp"
#include "sandbox_fixture.hpp"

namespace acmcp::tools {
namespace {

using testing::FakeUpstream;
using ::testing::HasSubstr;
using testing::http;
using testing::transport_failure;

// ---------- Update a Deal (merge-before-put), against a scripted upstream

class UpdateDealHandler : public ::testing::Test {
 protected:
  FakeUpstream upstream;
  ToolRegistry registry{upstream};

  json envelope(json args) {
    return testing::call(registry, "update_deal",
                         std::move(args))["structuredContent"];
  }
};

const json kCurrentDeal = {{"id", "7"},
                           {"title", "Old title"},
                           {"description", "Keep me"},
                           {"contact", "3"},
                           {"account", "2"},
                           {"group", "1"},
                           {"stage", "2"},
                           {"owner", "1"},
                           {"value", "5000"},
                           {"currency", "usd"},
                           {"percent", "10"},
                           {"status", "0"},
                           {"cdate", "2026-01-01T00:00:00-06:00"},
                           {"links", {{"notes", "/api/3/deals/7/notes"}}}};

TEST_F(UpdateDealHandler, PutsTheCurrentDealWithTheGivenFieldsOverlaid) {
  upstream.script.push_back(http(200, {{"deal", kCurrentDeal}}));
  json saved = kCurrentDeal;
  saved["title"] = "New title";
  upstream.script.push_back(http(200, {{"deal", saved}}));
  json result = envelope({{"DealId", 7}, {"Title", "New title"}, {"Currency", "EUR"}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(upstream.requests[0].method, "GET");
  EXPECT_EQ(upstream.requests[0].path, "/deals/7");
  EXPECT_EQ(upstream.requests[1].method, "PUT");
  EXPECT_EQ(upstream.requests[1].path, "/deals/7");
  // Read-only fields (id, cdate, links) stay out; numbers read as strings go back as integers.
  EXPECT_EQ(*upstream.requests[1].body, json({{"deal",
                                               {{"title", "New title"},
                                                {"description", "Keep me"},
                                                {"contact", "3"},
                                                {"account", "2"},
                                                {"group", "1"},
                                                {"stage", "2"},
                                                {"owner", "1"},
                                                {"value", 5000},
                                                {"currency", "eur"},
                                                {"percent", 10},
                                                {"status", 0}}}}));
  EXPECT_EQ(result["Deal"]["title"], "New title");
  EXPECT_EQ(result["OriginalStatusCode"], 200);
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(UpdateDealHandler, AdditionalFieldsOverlayPipelineStageOwnerPercentAndCustomFields) {
  upstream.script.push_back(http(200, {{"deal", kCurrentDeal}}));
  upstream.script.push_back(http(200, {{"deal", kCurrentDeal}}));
  envelope({{"DealId", "7"},
            {"Value", "50000"},
            {"Status", "1"},
            {"AdditionalFields",
             {{"group", "4"},
              {"stage", 9},
              {"owner", 2},
              {"percent", 80},
              {"fields", {{{"customFieldId", "1"}, {"fieldValue", "Gold"}}}}}}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  const json& deal = upstream.requests[1].body->at("deal");
  EXPECT_EQ(deal["value"], 50000);
  EXPECT_EQ(deal["status"], 1);
  EXPECT_EQ(deal["group"], 4);
  EXPECT_EQ(deal["stage"], 9);
  EXPECT_EQ(deal["owner"], 2);
  EXPECT_EQ(deal["percent"], 80);
  EXPECT_EQ(deal["fields"], json({{{"customFieldId", 1}, {"fieldValue", "Gold"}}}));
  EXPECT_EQ(deal["title"], "Old title");
}

TEST_F(UpdateDealHandler, ReadFailureChangesNothingAndSaysSo) {
  upstream.script.push_back(http(404, {{"message", "No Result found for Deal with id 7"}}));
  json result = envelope({{"DealId", 7}, {"Title", "x"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["StatusCode"], 200);
  EXPECT_EQ(result["OriginalStatusCode"], 404);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("Update a Deal failed while reading the current deal (nothing was "
                        "changed): deal 7 was not found"));
  EXPECT_EQ(result["Deal"], json::object());
}

TEST_F(UpdateDealHandler, ReadTransportFailureIs500AndWritesNothing) {
  upstream.script.push_back(transport_failure("connection reset"));
  json result = envelope({{"DealId", 7}, {"Title", "x"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["StatusCode"], 500);
  EXPECT_EQ(result["OriginalStatusCode"], 0);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("nothing was changed"));
}

TEST_F(UpdateDealHandler, ReadAnswerWithoutADealWritesNothing) {
  upstream.script.push_back(http(200, {{"deals", json::array()}}));
  json result = envelope({{"DealId", 7}, {"Title", "x"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["StatusCode"], 200);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("nothing was changed"));
  EXPECT_EQ(result["Deal"], json::object());
}

TEST_F(UpdateDealHandler, WriteFailureNamesTheSavingStep) {
  upstream.script.push_back(http(200, {{"deal", kCurrentDeal}}));
  upstream.script.push_back(
      http(422, {{"errors", {{{"title", "Stage does not belong to the pipeline"}}}}}));
  json result = envelope({{"DealId", 7}, {"AdditionalFields", {{"stage", 30}}}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(result["OriginalStatusCode"], 422);
  EXPECT_THAT(
      result["ErrorMessage"].get<std::string>(),
      HasSubstr("Update a Deal failed while saving the deal with the changes: ActiveCampaign "
                "rejected the data (HTTP 422: Stage does not belong to the pipeline)"));
  EXPECT_EQ(result["Deal"], json::object());
}

TEST_F(UpdateDealHandler, ReportsProgressForBothSteps) {
  upstream.script.push_back(http(200, {{"deal", kCurrentDeal}}));
  upstream.script.push_back(http(200, {{"deal", kCurrentDeal}}));
  std::vector<std::string> messages;
  mcp::ToolCallContext context;
  context.progress = [&](double, double, const std::string& message) {
    messages.push_back(message);
  };
  testing::call(registry, "update_deal", {{"DealId", 7}, {"Status", 2}}, context);
  EXPECT_EQ(messages, (std::vector<std::string>{"Reading the current deal",
                                                "Saving the deal with the changes"}));
}

TEST_F(UpdateDealHandler, NeedsAtLeastOneField) {
  for (const json& args : {json{{"DealId", 7}}, json{{"DealId", 7}, {"Title", nullptr}}}) {
    json result = envelope(args);
    EXPECT_EQ(result["StatusCode"], -1);
    EXPECT_EQ(result["OriginalStatusCode"], 0);
    EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
                HasSubstr("Update a Deal failed: invalid arguments: Give at least one field to "
                          "change: AdditionalFields, Currency, Description, Status, Title or "
                          "Value."));
    EXPECT_EQ(result["Deal"], json::object());
  }
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(UpdateDealHandler, PercentIsValidatedInsideAdditionalFields) {
  json result = envelope({{"DealId", 7}, {"AdditionalFields", {{"percent", 101}}}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("AdditionalFields.percent"));
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(UpdateDealHandler, CustomFieldsAreValidatedItemByItem) {
  json result =
      envelope({{"DealId", 7},
                {"AdditionalFields",
                 {{"fields",
                   {{{"customFieldId", 1}, {"fieldValue", "a"}},
                    {{"customFieldId", 2}, {"fieldValue", "b"}, {"fieldCurrency", "EURO"}}}}}}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("AdditionalFields.fields[1].fieldCurrency"));
}

// ---------- Deal and Deal Note tools through the sandbox

class DealSandbox : public SandboxTools {};

// ---------- Deals

TEST_F(DealSandbox, CreateDealSendsCentsAsGivenAndCurrencyLowercase) {
  json args = kNewDeal;
  args["AdditionalFields"] = {{"description", "Pilot for 3 sites"}, {"percent", 40}, {"status", 0}};
  json envelope = call("create_deal", args);
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/deals", {},
                 {{"deal",
                   {{"title", "Globex - Pilot"},
                    {"contact", 2},
                    {"value", 45678},
                    {"currency", "usd"},
                    {"stage", 1},
                    {"group", 1},
                    {"owner", 1},
                    {"description", "Pilot for 3 sites"},
                    {"percent", 40},
                    {"status", 0}}}});
  const json& deal = envelope["Deal"];
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(deal["title"], "Globex - Pilot");
  EXPECT_EQ(deal["value"], "45678");
  EXPECT_EQ(deal["currency"], "usd");
  EXPECT_EQ(deal["pipeline"], "1");
  EXPECT_EQ(deal["group"], "1");
  EXPECT_FALSE(deal["id"].get<std::string>().empty());
  EXPECT_EQ(store("GET", "/deals/" + deal["id"].get<std::string>())["deal"]["title"],
            "Globex - Pilot");
}

TEST_F(DealSandbox, CreateDealPipelineIdWinsOverAdditionalFieldsGroup) {
  json args = kNewDeal;
  args["AdditionalFields"] = {{"group", 9}};
  call("create_deal", args);
  ASSERT_EQ(log().size(), 1u);
  EXPECT_EQ(log()[0].body["deal"]["group"], 1);
}

TEST_F(DealSandbox, CreateDealRejectsBadCurrencyAndFractionalCents) {
  json args = kNewDeal;
  args["Currency"] = "US";
  json envelope = call("create_deal", args);
  EXPECT_EQ(envelope["StatusCode"], -1);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("Currency"));
  args = kNewDeal;
  args["Value"] = 456.78;
  envelope = call("create_deal", args);
  EXPECT_EQ(envelope["StatusCode"], -1);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("Value"));
  args = kNewDeal;
  args["AdditionalFields"] = {{"status", 5}};
  envelope = call("create_deal", args);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("AdditionalFields.status"));
  EXPECT_TRUE(log().empty());
}

TEST_F(DealSandbox, CreateDealRejectedUpstreamGivesEmptyData) {
  answer("POST", "/deals", 422, R"({"errors":[{"title":"The stage is not in the pipeline"}]})");
  json envelope = call("create_deal", kNewDeal);
  ASSERT_EQ(log().size(), 1u);
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 422);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Create a Deal failed: ActiveCampaign rejected the data (HTTP 422: The "
                        "stage is not in the pipeline)"));
  EXPECT_EQ(envelope["Deal"], json::object());
}

TEST_F(DealSandbox, DeleteDeal) {
  json envelope = call("delete_deal", {{"DealId", "1"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/deals/1");
  EXPECT_EQ(envelope["DeletedDeal"], json({{"id", "1"}, {"deleted", true}}));

  json again = call("delete_deal", {{"DealId", 1}});
  EXPECT_EQ(again["OriginalStatusCode"], 404);
  EXPECT_THAT(again["ErrorMessage"].get<std::string>(),
              HasSubstr("Delete a Deal failed: deal 1 was not found"));
  EXPECT_EQ(again["DeletedDeal"], json::object());
}

TEST_F(DealSandbox, GetManyDealsDefaultsToAHundredSortedByTitle) {
  json envelope = call("get_many_deals", json::object());
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/deals",
                 {{"orders[title]", "ASC"}, {"limit", "100"}, {"offset", "0"}});
  ASSERT_TRUE(envelope["Deals"]["deals"].is_array());
  EXPECT_EQ(envelope["Deals"]["deals"].size(), 1u);
  EXPECT_EQ(envelope["Deals"]["total"], 1);
  // The spec's key for the creation time, beside the API's own cdate.
  const json& deal = envelope["Deals"]["deals"][0];
  EXPECT_FALSE(deal["cdate"].get<std::string>().empty());
  EXPECT_EQ(deal["created_timestamp"], deal["cdate"]);
}

TEST_F(DealSandbox, GetManyDealsSearchesTitlesAndPages) {
  call("create_deal", kNewDeal);
  json other = kNewDeal;
  other["Title"] = "Initech - Renewal";
  call("create_deal", other);
  sandbox->clear_requests();

  json envelope =
      call("get_many_deals",
           {{"Search", "pilot"}, {"OrderTitle", "DESC"}, {"Limit", 1}, {"Offset", "0"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(
      log()[0], "GET", "/deals",
      {{"filters[title]", "pilot"}, {"orders[title]", "DESC"}, {"limit", "1"}, {"offset", "0"}});
  ASSERT_EQ(envelope["Deals"]["deals"].size(), 1u);
  EXPECT_EQ(envelope["Deals"]["deals"][0]["title"], "Globex - Pilot");
  EXPECT_EQ(envelope["Deals"]["total"], 1);
}

TEST_F(DealSandbox, GetManyDealsEmptySearchListsAll) {
  call("create_deal", kNewDeal);
  sandbox->clear_requests();
  json envelope = call("get_many_deals", {{"Search", ""}, {"Limit", 1}});
  EXPECT_EQ(log().at(0).query.count("filters[title]"), 0u);
  EXPECT_EQ(envelope["Deals"]["deals"].size(), 1u);
  EXPECT_EQ(envelope["Deals"]["total"], 2);
}

TEST_F(DealSandbox, GetDeal) {
  json envelope = call("get_deal", {{"DealId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/deals/1");
  EXPECT_EQ(envelope["Deal"]["id"], "1");
  EXPECT_FALSE(envelope["Deal"]["title"].get<std::string>().empty());
  const json& deal = envelope["Deal"];
  EXPECT_FALSE(deal["cdate"].get<std::string>().empty());
  EXPECT_EQ(deal["created_timestamp"], deal["cdate"]);
  EXPECT_EQ(deal["updated_timestamp"], deal["mdate"]);
}

TEST_F(DealSandbox, GetDealNotFound) {
  json envelope = call("get_deal", {{"DealId", 404}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Get a Deal failed: deal 404 was not found"));
  EXPECT_EQ(envelope["Deal"], json::object());
}

TEST_F(DealSandbox, UpdateDealKeepsEveryFieldNotGiven) {
  const json before = store("GET", "/deals/1")["deal"];
  json envelope = call("update_deal",
                       {{"DealId", 1}, {"Value", 50000}, {"Currency", "EUR"}, {"Status", "1"}});
  ASSERT_EQ(log().size(), 2u);
  expect_request(log()[0], "GET", "/deals/1");
  // The seeded deal's writable fields, with the three given ones changed.
  expect_request(log()[1], "PUT", "/deals/1", {},
                 {{"deal",
                   {{"title", "Acme Inc - Annual Plan"},
                    {"description", "Annual subscription for the purchasing team."},
                    {"account", "1"},
                    {"contact", "1"},
                    {"group", "1"},
                    {"stage", "2"},
                    {"owner", "1"},
                    {"value", 50000},
                    {"currency", "eur"},
                    {"percent", 0},
                    {"status", 1}}}});

  EXPECT_EQ(envelope["ErrorMessage"], "");
  const json after = store("GET", "/deals/1")["deal"];
  EXPECT_EQ(after["value"], "50000");
  EXPECT_EQ(after["currency"], "eur");
  EXPECT_EQ(after["status"], "1");
  EXPECT_EQ(after["title"], before["title"]);
  EXPECT_EQ(after["description"], before["description"]);
  EXPECT_EQ(after["stage"], before["stage"]);
  EXPECT_EQ(envelope["Deal"]["value"], "50000");
}

TEST_F(DealSandbox, UpdateDealMovesTheStage) {
  json envelope =
      call("update_deal", {{"DealId", 1}, {"AdditionalFields", {{"stage", 3}}}});
  EXPECT_EQ(log().at(1).body["deal"]["stage"], 3);
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(store("GET", "/deals/1")["deal"]["stage"], "3");
}

TEST_F(DealSandbox, UpdateDealNotFoundWritesNothing) {
  json envelope = call("update_deal", {{"DealId", 77}, {"Title", "x"}});
  ASSERT_EQ(log().size(), 1u);
  EXPECT_EQ(log()[0].method, "GET");
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("deal 77 was not found"));
}

TEST_F(DealSandbox, UpdateDealSaveFailureIsReportedAfterTheRead) {
  answer("PUT", "/deals", 500, R"({"message":"Internal"})");
  json envelope = call("update_deal", {{"DealId", 1}, {"Title", "x"}});
  ASSERT_EQ(log().size(), 2u);
  EXPECT_EQ(envelope["OriginalStatusCode"], 500);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("while saving the deal with the changes"));
  EXPECT_NE(store("GET", "/deals/1")["deal"]["title"], "x");
}

// ---------- Deal notes

TEST_F(DealSandbox, CreateDealNote) {
  json envelope = call("create_deal_note",
                       {{"DealId", 1}, {"NoteText", "[Order-12345] Follow up next week."}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/deals/1/notes", {},
                 {{"note", {{"note", "[Order-12345] Follow up next week."}}}});
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["Note"]["note"], "[Order-12345] Follow up next week.");
  EXPECT_FALSE(envelope["Note"]["id"].get<std::string>().empty());
}

TEST_F(DealSandbox, CreateDealNoteIsNotIdempotent) {
  json first = call("create_deal_note", {{"DealId", 1}, {"NoteText", "Same"}});
  json second = call("create_deal_note", {{"DealId", 1}, {"NoteText", "Same"}});
  EXPECT_NE(first["Note"]["id"], second["Note"]["id"]);
}

TEST_F(DealSandbox, CreateDealNoteTextLimits) {
  json too_long = call("create_deal_note",
                       {{"DealId", 1}, {"NoteText", std::string(65536, 'a')}});
  EXPECT_EQ(too_long["StatusCode"], -1);
  EXPECT_THAT(too_long["ErrorMessage"].get<std::string>(), HasSubstr("NoteText"));
  json longest = call("create_deal_note",
                      {{"DealId", 1}, {"NoteText", std::string(65535, 'a')}});
  EXPECT_EQ(longest["ErrorMessage"], "");
}

TEST_F(DealSandbox, CreateDealNoteUnknownDeal) {
  json envelope = call("create_deal_note", {{"DealId", 99}, {"NoteText", "x"}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("deal 99 was not found"));
  EXPECT_EQ(envelope["Note"], json::object());
}

TEST_F(DealSandbox, UpdateDealNote) {
  json created = call("create_deal_note", {{"DealId", 1}, {"NoteText", "Draft"}});
  const std::string id = created["Note"]["id"];
  sandbox->clear_requests();
  json envelope = call("update_deal_note",
                       {{"DealId", 1}, {"NoteId", id}, {"NoteText", "Final"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "PUT", "/deals/1/notes/" + id, {}, {{"note", {{"note", "Final"}}}});
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["Note"]["id"], id);
  EXPECT_EQ(envelope["Note"]["note"], "Final");
}

TEST_F(DealSandbox, UpdateDealNoteRequiresNonEmptyText) {
  for (const json& args :
       {json{{"DealId", 1}, {"NoteId", 1}}, json{{"DealId", 1}, {"NoteId", 1}, {"NoteText", ""}}}) {
    json envelope = call("update_deal_note", args);
    EXPECT_EQ(envelope["StatusCode"], -1);
    EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("NoteText"));
  }
  EXPECT_TRUE(log().empty());
}

TEST_F(DealSandbox, UpdateDealNoteNotFound) {
  json envelope =
      call("update_deal_note", {{"DealId", 1}, {"NoteId", 999}, {"NoteText", "x"}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("note 999 of deal 1 was not found"));
}

}  // namespace
}  // namespace acmcp::tools
