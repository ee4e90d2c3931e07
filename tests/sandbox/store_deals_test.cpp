// The sandbox store's pipelines, stages, deals and deal notes, called directly.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace acmcp::sandbox {
namespace {

using nlohmann::json;
using DealsStore = SeededStore;

json new_deal(json fields) {
  json deal = {{"title", "New Deal"}, {"contact", "2"}, {"value", 45600}, {"currency", "usd"},
               {"group", "1"},        {"stage", "1"}};
  for (const auto& [key, value] : fields.items()) deal[key] = value;
  return {{"deal", deal}};
}

// ---- pipelines ---------------------------------------------------------------------------------

TEST_F(DealsStore, CreatePipelineGetsThreeDefaultStagesSideloaded) {
  auto r = post("/dealGroups", {{"dealGroup", {{"title", "Partners"}, {"currency", "EUR"}}}});
  ASSERT_EQ(r.status, 200);
  const auto& group = r.body["dealGroup"];
  EXPECT_EQ(group["id"], "2");
  EXPECT_EQ(group["currency"], "eur");
  EXPECT_EQ(group["stages"], json({"4", "5", "6"}));
  ASSERT_EQ(r.body["dealStages"].size(), 3u);
  EXPECT_EQ(r.body["dealStages"][0]["title"], "To Contact");
  EXPECT_EQ(r.body["dealStages"][0]["group"], "2");
  EXPECT_EQ(r.body["dealStages"][2]["order"], "3");
  EXPECT_TRUE(r.body["dealGroupUsers"].is_array());
}

// The OpenAPI examples of POST, GET /dealGroups and GET /dealGroups/{id} show the default stages
// without dates (cdate and udate null) and Follow Up in E6CE4B.
TEST_F(DealsStore, DefaultStagesOfANewPipelineHaveNullDatesUntilUpdated) {
  auto r = post("/dealGroups", {{"dealGroup", {{"title", "Partners"}, {"currency", "usd"}}}});
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["dealStages"].size(), 3u);
  for (const auto& stage : r.body["dealStages"]) {
    EXPECT_TRUE(stage["cdate"].is_null()) << stage.dump();
    EXPECT_TRUE(stage["udate"].is_null()) << stage.dump();
  }
  EXPECT_EQ(r.body["dealStages"][2]["color"], "E6CE4B");
  EXPECT_TRUE(r.body["dealGroup"]["cdate"].is_string());
  const auto pipeline = get("/dealGroups/2");  // kept: the loop reads into its body
  for (const auto& stage : pipeline.body["dealStages"]) {
    EXPECT_TRUE(stage["cdate"].is_null());
    EXPECT_TRUE(stage["udate"].is_null());
  }
  EXPECT_TRUE(get("/dealStages/4").body["dealStage"]["udate"].is_null());

  auto updated = put("/dealStages/4", {{"dealStage", {{"title", "First call"}}}});
  ASSERT_EQ(updated.status, 200);
  EXPECT_TRUE(updated.body["dealStage"]["cdate"].is_null());
  EXPECT_TRUE(updated.body["dealStage"]["udate"].is_string());
  // A stage created on its own has both dates, as do the seeded ones.
  auto created = post("/dealStages", {{"dealStage", {{"title", "Won"}, {"group", "2"}}}});
  EXPECT_TRUE(created.body["dealStage"]["cdate"].is_string());
  EXPECT_TRUE(created.body["dealStage"]["udate"].is_string());
  EXPECT_TRUE(get("/dealStages/1").body["dealStage"]["cdate"].is_string());
}

TEST_F(DealsStore, CreatePipelineWithoutTitleIs422) {
  auto r = post("/dealGroups", {{"dealGroup", {{"currency", "usd"}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_title(r), "The dealGroup title was not provided.");
  EXPECT_EQ(get("/dealStages").body["meta"]["total"], "3");  // no stages left behind
}

TEST_F(DealsStore, GetPipelineSideloadsItsStages) {
  auto r = get("/dealGroups/1");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["dealStages"].size(), 3u);
  EXPECT_EQ(r.body["dealStages"][1]["title"], "Qualified");
}

TEST_F(DealsStore, ListPipelinesFiltersByHavingStages) {
  // A pipeline without stages: create one, then delete its default stages.
  post("/dealGroups", {{"dealGroup", {{"title", "Empty"}, {"currency", "usd"}}}});
  for (const char* id : {"/dealStages/4", "/dealStages/5", "/dealStages/6"})
    ASSERT_EQ(del(id).status, 200);
  EXPECT_EQ(ids(get("/dealGroups", {{"filters[have_stages]", "1"}}).body["dealGroups"]),
            std::vector<std::string>{"1"});
  EXPECT_EQ(ids(get("/dealGroups", {{"filters[have_stages]", "0"}}).body["dealGroups"]),
            std::vector<std::string>{"2"});
  EXPECT_EQ(get("/dealGroups", {{"filters[have_stages]", "yes"}}).status, 422);
}

TEST_F(DealsStore, ListPipelinesSideloadsStagesOfThePage) {
  auto r = get("/dealGroups");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["meta"]["total"], "1");
  EXPECT_EQ(r.body["dealStages"].size(), 3u);
}

TEST_F(DealsStore, OrderPipelinesByPopularityCountsDeals) {
  post("/dealGroups", {{"dealGroup", {{"title", "Busy"}, {"currency", "usd"}}}});
  post("/deals", new_deal({{"group", "2"}, {"stage", "4"}}));
  post("/deals", new_deal({{"group", "2"}, {"stage", "5"}}));
  EXPECT_EQ(ids(get("/dealGroups", {{"orders[popular]", "DESC"}}).body["dealGroups"]),
            (std::vector<std::string>{"2", "1"}));
  EXPECT_EQ(ids(get("/dealGroups", {{"orders[popular]", "ASC"}}).body["dealGroups"]),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(get("/dealGroups", {{"orders[popular]", "up"}}).status, 422);
}

TEST_F(DealsStore, DeletePipelineRemovesStagesDealsAndNotes) {
  ASSERT_EQ(del("/dealGroups/1").status, 200);
  EXPECT_EQ(get("/dealStages").body["meta"]["total"], "0");
  EXPECT_EQ(get("/deals").body["meta"]["total"], "0");
  EXPECT_EQ(get("/notes/1").status, 404);
}

TEST_F(DealsStore, MissingPipelineIs404) {
  EXPECT_EQ(get("/dealGroups/9").body["message"], "No Result found for Pipeline with id 9");
}

// ---- stages ------------------------------------------------------------------------------------

TEST_F(DealsStore, CreateStageGoesLastWhenNoOrderGiven) {
  auto r = post("/dealStages", {{"dealStage", {{"title", "Won"}, {"group", "1"}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["dealStage"]["order"], "4");
  EXPECT_EQ(r.body["dealStage"]["color"], "32B0FC");
  EXPECT_EQ(r.body["dealStage"]["links"]["group"], "http://sandbox.test/api/3/dealStages/4/group");
}

TEST_F(DealsStore, CreateStageInMissingPipelineIs422) {
  auto r = post("/dealStages", {{"dealStage", {{"title", "Won"}, {"group", "8"}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_code(r), "related_missing");
}

TEST_F(DealsStore, CreateStageWithReorderShiftsTheOthers) {
  auto r = post("/dealStages", {{"dealStage", {{"title", "First"}, {"group", "1"}, {"order", 1}}}},
                {{"reorder", "1"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["dealStage"]["order"], "1");
  EXPECT_EQ(get("/dealStages/1").body["dealStage"]["order"], "2");
  EXPECT_EQ(get("/dealStages/3").body["dealStage"]["order"], "4");
}

TEST_F(DealsStore, CreateStageWithoutReorderLeavesOthersAlone) {
  post("/dealStages", {{"dealStage", {{"title", "First"}, {"group", "1"}, {"order", 1}}}});
  EXPECT_EQ(get("/dealStages/1").body["dealStage"]["order"], "1");
}

TEST_F(DealsStore, UpdateStageWithReorderMovesIt) {
  auto r = put("/dealStages/3", {{"dealStage", {{"order", 1}, {"color", "696969"}}}},
               {{"reorder", "true"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["dealStage"]["order"], "1");
  EXPECT_EQ(r.body["dealStage"]["color"], "696969");
  EXPECT_EQ(get("/dealStages/1").body["dealStage"]["order"], "2");
  EXPECT_EQ(get("/dealStages/2").body["dealStage"]["order"], "3");
}

TEST_F(DealsStore, ListStagesFiltersByTitleAndPipelineAndOrdersByTitle) {
  post("/dealGroups", {{"dealGroup", {{"title", "Other"}, {"currency", "usd"}}}});
  EXPECT_EQ(get("/dealStages", {{"filters[d_groupid]", "2"}}).body["meta"]["total"], "3");
  auto r = get("/dealStages", {{"filters[title]", "contact"}, {"orders[title]", "DESC"}});
  EXPECT_EQ(ids(r.body["dealStages"]), (std::vector<std::string>{"1", "4", "5"}));
}

TEST_F(DealsStore, DeleteStageRemovesItsDeals) {
  ASSERT_EQ(del("/dealStages/2").status, 200);
  EXPECT_EQ(get("/deals/1").status, 404);
  EXPECT_EQ(get("/dealGroups/1").body["dealGroup"]["stages"], json({"1", "3"}));
  EXPECT_EQ(del("/dealStages/2").body["message"], "No Result found for DealStage with id 2");
}

// ---- deals -------------------------------------------------------------------------------------

TEST_F(DealsStore, SeedHasDealWithNoteForAcme) {
  auto r = get("/deals/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["deal"]["account"], "1");
  EXPECT_EQ(r.body["deal"]["stage"], "2");
  EXPECT_EQ(get("/notes/1").body["note"]["relid"], "1");
}

TEST_F(DealsStore, CreateDealAnswers201WithStringsLowercaseCurrencyAndSideloads) {
  auto r = post("/deals", new_deal({{"currency", "EUR"},
                                    {"percent", 10},
                                    {"fields", {{{"customFieldId", 1}, {"fieldValue", "x"}}}}}));
  ASSERT_EQ(r.status, 201);
  const auto& d = r.body["deal"];
  EXPECT_EQ(d["id"], "2");
  EXPECT_EQ(d["value"], "45600");
  EXPECT_EQ(d["currency"], "eur");
  EXPECT_EQ(d["percent"], "10");
  EXPECT_EQ(d["status"], "0");
  EXPECT_EQ(d["owner"], "1");
  EXPECT_EQ(d["isDisabled"], false);
  EXPECT_TRUE(d["cdate"].is_string());
  EXPECT_TRUE(d["mdate"].is_string());
  EXPECT_EQ(d["hash"].get<std::string>().size(), 8u);
  EXPECT_EQ(d["fields"][0]["dealId"], "2");
  EXPECT_EQ(d["links"]["notes"], "http://sandbox.test/api/3/deals/2/notes");
  EXPECT_EQ(r.body["contacts"][0]["id"], "2");
  EXPECT_EQ(r.body["dealStages"][0]["id"], "1");
}

// POST /deals answers percent null when the body gave none (the OpenAPI example); reads say "0".
TEST_F(DealsStore, CreateDealWithoutPercentAnswersNullPercent) {
  auto r = post("/deals", new_deal({}));
  ASSERT_EQ(r.status, 201);
  EXPECT_TRUE(r.body["deal"]["percent"].is_null());
  EXPECT_TRUE(r.body["deal"]["nextdate"].is_null());
  EXPECT_TRUE(r.body["deal"]["winProbability"].is_null());
  EXPECT_TRUE(r.body["deal"]["winProbabilityMdate"].is_null());
  EXPECT_EQ(get("/deals/2").body["deal"]["percent"], "0");
}

TEST_F(DealsStore, CreateDealWithoutTitleValueCurrencyNamesEach) {
  auto r = post("/deals", {{"deal", {{"contact", "1"}, {"stage", "1"}}}});
  ASSERT_EQ(r.status, 422);
  ASSERT_EQ(r.body["errors"].size(), 3u);
  EXPECT_EQ(r.body["errors"][0]["title"], "The deal title was not provided.");
}

TEST_F(DealsStore, CreateDealNeedsContactOrAccount) {
  auto deal = new_deal({});
  deal["deal"].erase("contact");
  EXPECT_EQ(post("/deals", deal).status, 422);
  deal["deal"]["account"] = "1";
  EXPECT_EQ(post("/deals", deal).status, 201);
}

TEST_F(DealsStore, CreateDealRejectsNegativeValueAndBadCurrency) {
  EXPECT_EQ(first_error_code(post("/deals", new_deal({{"value", -1}}))), "field_invalid");
  EXPECT_EQ(first_error_code(post("/deals", new_deal({{"value", "12.5"}}))), "field_invalid");
  EXPECT_EQ(first_error_code(post("/deals", new_deal({{"currency", "dollars"}}))),
            "field_invalid");
}

TEST_F(DealsStore, StageFromAnotherPipelineIs422InvalidAttribute) {
  post("/dealGroups", {{"dealGroup", {{"title", "Other"}, {"currency", "usd"}}}});
  auto r = post("/deals", new_deal({{"group", "2"}, {"stage", "1"}}));
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"][0]["detail"], "Target stage does not belong to same pipeline");
}

TEST_F(DealsStore, StageAlonePicksItsPipelineAndPipelineAlonePicksFirstStage) {
  post("/dealGroups", {{"dealGroup", {{"title", "Other"}, {"currency", "usd"}}}});
  auto by_stage = new_deal({{"stage", "5"}});
  by_stage["deal"].erase("group");
  EXPECT_EQ(post("/deals", by_stage).body["deal"]["group"], "2");
  auto by_group = new_deal({{"group", "2"}});
  by_group["deal"].erase("stage");
  EXPECT_EQ(post("/deals", by_group).body["deal"]["stage"], "4");
}

TEST_F(DealsStore, CreateDealForMissingContactIs422) {
  auto r = post("/deals", new_deal({{"contact", "77"}}));
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_code(r), "related_missing");
}

TEST_F(DealsStore, UpdateDealIsPartialAndMovingStageMovesPipeline) {
  post("/dealGroups", {{"dealGroup", {{"title", "Other"}, {"currency", "usd"}}}});
  auto r = put("/deals/1", {{"deal", {{"stage", "6"}, {"status", 1}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["deal"]["stage"], "6");
  EXPECT_EQ(r.body["deal"]["group"], "2");
  EXPECT_EQ(r.body["deal"]["status"], "1");
  EXPECT_EQ(r.body["deal"]["title"], "Acme Inc - Annual Plan");
  EXPECT_EQ(r.body["deal"]["value"], "500000");
}

TEST_F(DealsStore, UpdateDealRejectsUnknownStatus) {
  EXPECT_EQ(put("/deals/1", {{"deal", {{"status", 5}}}}).status, 422);
}

TEST_F(DealsStore, ListDealsSearchesTitleWithSearchField) {
  post("/deals", new_deal({{"title", "Globex renewal"}}));
  auto r = get("/deals", {{"filters[search]", "globex"}, {"filters[search_field]", "title"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(ids(r.body["deals"]), std::vector<std::string>{"2"});
  EXPECT_EQ(r.body["meta"]["total"], "1");
  EXPECT_EQ(get("/deals", {{"filters[search_field]", "nope"}, {"filters[search]", "x"}}).status,
            422);
}

TEST_F(DealsStore, ListDealsSearchAllMatchesContactName) {
  post("/deals", new_deal({{"title", "Renewal"}}));  // contact 2 is John Smith
  EXPECT_EQ(ids(get("/deals", {{"filters[search]", "smith"}}).body["deals"]),
            std::vector<std::string>{"2"});
}

TEST_F(DealsStore, ListDealsFiltersByStageStatusOwnerAndValueInDollars) {
  post("/deals", new_deal({{"value", 10000}, {"status", 1}}));  // $100
  EXPECT_EQ(ids(get("/deals", {{"filters[stage]", "1"}}).body["deals"]),
            std::vector<std::string>{"2"});
  EXPECT_EQ(ids(get("/deals", {{"filters[status]", "1"}}).body["deals"]),
            std::vector<std::string>{"2"});
  EXPECT_EQ(get("/deals", {{"filters[owner]", "1"}}).body["meta"]["total"], "2");
  EXPECT_EQ(ids(get("/deals", {{"filters[minimum_value]", "1000"}}).body["deals"]),
            std::vector<std::string>{"1"});
  EXPECT_EQ(ids(get("/deals", {{"filters[maximum_value]", "100"}}).body["deals"]),
            std::vector<std::string>{"2"});
}

TEST_F(DealsStore, ListDealsOrdersByValueNumerically) {
  post("/deals", new_deal({{"value", 900}}));
  post("/deals", new_deal({{"value", 10000}}));
  EXPECT_EQ(ids(get("/deals", {{"orders[value]", "ASC"}}).body["deals"]),
            (std::vector<std::string>{"2", "3", "1"}));
  EXPECT_EQ(ids(get("/deals", {{"orders[title]", "DESC"}, {"limit", "1"}}).body["deals"]),
            std::vector<std::string>{"2"});
}

TEST_F(DealsStore, MissingDealIs404AndDeleteRemovesNotes) {
  EXPECT_EQ(get("/deals/50").body["message"], "No Result found for Deal with id 50");
  auto r = del("/deals/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json::object());
  EXPECT_EQ(get("/notes/1").status, 404);
}

// ---- deal notes --------------------------------------------------------------------------------

TEST_F(DealsStore, CreateDealNoteAnswers201WithDealAndNote) {
  auto r = post("/deals/1/notes", {{"note", {{"note", "Sent the proposal"}}}});
  ASSERT_EQ(r.status, 201);
  const auto& n = r.body["note"];
  EXPECT_EQ(n["id"], "2");
  EXPECT_EQ(n["note"], "Sent the proposal");
  EXPECT_EQ(n["relid"], "1");
  EXPECT_EQ(n["reltype"], "Deal");
  EXPECT_EQ(n["owner"], json({{"id", "1"}, {"type", "deal"}}));
  EXPECT_TRUE(n["cdate"].is_string());
  EXPECT_TRUE(n["mdate"].is_string());
  EXPECT_EQ(r.body["deals"][0]["id"], "1");
}

TEST_F(DealsStore, DealNoteNeedsText) {
  auto r = post("/deals/1/notes", {{"note", {{"note", ""}}}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_code(r), "field_missing");
  EXPECT_EQ(put("/deals/1/notes/1", {{"note", json::object()}}).status, 422);
}

TEST_F(DealsStore, DealNoteOnMissingDealIs404) {
  auto r = post("/deals/9/notes", {{"note", {{"note", "x"}}}});
  ASSERT_EQ(r.status, 404);
  EXPECT_EQ(r.body["message"], "No Result found for Deal with id 9");
}

TEST_F(DealsStore, UpdateDealNoteChangesText) {
  auto r = put("/deals/1/notes/1", {{"note", {{"note", "Call moved to Friday"}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["note"]["note"], "Call moved to Friday");
  EXPECT_EQ(get("/notes/1").body["note"]["note"], "Call moved to Friday");
}

TEST_F(DealsStore, UpdateNoteOfAnotherDealIs404) {
  post("/deals", new_deal({}));
  auto r = put("/deals/2/notes/1", {{"note", {{"note", "x"}}}});
  ASSERT_EQ(r.status, 404);
  EXPECT_EQ(r.body["message"], "No Result found for Note with id 1");
  EXPECT_EQ(put("/deals/1/notes/99", {{"note", {{"note", "x"}}}}).status, 404);
}

TEST_F(DealsStore, DealNoteRoutesAllowOnlyTheirMethods) {
  auto r = get("/deals/1/notes");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(post("/deals/1/notes/1", {{"note", {{"note", "x"}}}}).status, 405);
}

}  // namespace
}  // namespace acmcp::sandbox
