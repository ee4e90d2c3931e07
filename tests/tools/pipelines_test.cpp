// Pipeline and Stage tools through the sandbox, with the exact upstream requests asserted, and
// their special rules (currency case, FilterStage -1, nested Pipeline.DealGroup, Delete a Stage's
// 404-as-deleted, capitalised Deleted flags).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sandbox_fixture.hpp"

namespace acmcp::tools {
namespace {

using testing::FakeUpstream;
using ::testing::HasSubstr;
using testing::http;
using testing::query_text;

// ---------- Pipelines

TEST_F(SandboxTools, CreatePipelineSendsDefaultsAndLowercaseCurrency) {
  json envelope = call("create_pipeline",
                       {{"Title", "Renewals"}, {"Currency", "EUR"}, {"Users", {"1"}}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/dealGroups", {},
                 {{"dealGroup",
                   {{"title", "Renewals"},
                    {"currency", "eur"},
                    {"allgroups", 1},
                    {"allusers", 1},
                    {"autoassign", 0},
                    {"users", {"1"}}}}});
  EXPECT_EQ(envelope["Pipeline"]["title"], "Renewals");
  EXPECT_EQ(envelope["Pipeline"]["currency"], "eur");
  EXPECT_TRUE(envelope["Pipeline"]["stages"].is_array());
}

TEST_F(SandboxTools, CreatePipelineIsNotDeduplicated) {
  json first =
      call("create_pipeline", {{"Title", "Sales Pipeline"}, {"Currency", "usd"}});
  EXPECT_EQ(first["ErrorMessage"], "");
  EXPECT_NE(first["Pipeline"]["id"], "1");
  EXPECT_EQ(store("GET", "/dealGroups")["meta"]["total"], "2");
}

TEST_F(SandboxTools, CreatePipelineNeedsTitleAndCurrency) {
  json envelope = call("create_pipeline", {{"Title", "Renewals"}});
  EXPECT_EQ(envelope["StatusCode"], -1);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("Currency"));
}

TEST_F(SandboxTools, CreatePipelineGroupsAreValidatedItemByItem) {
  json envelope = call("create_pipeline",
                       {{"Title", "R"}, {"Currency", "usd"}, {"Groups", {"1", "two"}}});
  EXPECT_EQ(envelope["StatusCode"], -1);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("Groups[1]"));
  EXPECT_TRUE(log().empty());
}

TEST_F(SandboxTools, DeletePipelineDeletesItsStages) {
  json envelope = call("delete_pipeline", {{"PipelineId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/dealGroups/1");
  EXPECT_EQ(envelope["DeletedPipeline"], json({{"Deleted", true}}));
  EXPECT_EQ(store("GET", "/dealStages")["meta"]["total"], "0");
}

TEST_F(SandboxTools, DeletePipelineNotFound) {
  json envelope = call("delete_pipeline", {{"PipelineId", 9}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["DeletedPipeline"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("pipeline 9 was not found"));
}

TEST_F(SandboxTools, GetManyPipelinesLeavesOutFilterStageMinusOne) {
  json envelope = call("get_many_pipelines", json::object());
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/dealGroups",
                 {{"orders[title]", "ASC"}, {"orders[popular]", "ASC"}, {"limit", "100"}});
  EXPECT_EQ(envelope["Pipelines"]["Total"], 1);
  EXPECT_EQ(envelope["Pipelines"]["DealGroups"][0]["title"], "Sales Pipeline");
}

TEST_F(SandboxTools, GetManyPipelinesFiltersByStagesAndTitle) {
  json with_stages = call("get_many_pipelines",
                          {{"FilterStage", "1"}, {"OrderTitle", "DESC"}, {"Offset", 0}});
  expect_request(log().back(), "GET", "/dealGroups",
                 {{"filters[have_stages]", "1"},
                  {"orders[title]", "DESC"},
                  {"orders[popular]", "ASC"},
                  {"limit", "100"},
                  {"offset", "0"}});
  EXPECT_EQ(with_stages["Pipelines"]["Total"], 1);

  for (const char* stage : {"/dealStages/1", "/dealStages/2", "/dealStages/3"})
    store("DELETE", stage);
  json without = call("get_many_pipelines", {{"FilterStage", 0}});
  EXPECT_EQ(log().back().query.find("filters[have_stages]")->second, "0");
  ASSERT_EQ(without["Pipelines"]["DealGroups"].size(), 1u);
  EXPECT_EQ(without["Pipelines"]["DealGroups"][0]["title"], "Sales Pipeline");

  json titled = call("get_many_pipelines", {{"FilterTitle", "Nothing like it"}});
  EXPECT_EQ(log().back().query.find("filters[title]")->second, "Nothing like it");
  EXPECT_EQ(titled["Pipelines"]["Total"], 0);
  EXPECT_EQ(titled["Pipelines"]["DealGroups"], json::array());
}

TEST_F(SandboxTools, GetManyPipelinesUpstreamError) {
  answer("GET", "/dealGroups", 403, R"({"message":"Forbidden"})");
  json envelope = call("get_many_pipelines", json::object());
  EXPECT_EQ(envelope["OriginalStatusCode"], 403);
  EXPECT_EQ(envelope["Pipelines"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("ACTIVECAMPAIGN_API_TOKEN"));
}

TEST_F(SandboxTools, GetPipelineNestsTheDealGroupWithItsStages) {
  json envelope = call("get_pipeline", {{"PipelineId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/dealGroups/1");
  const json& group = envelope["Pipeline"]["DealGroup"];
  EXPECT_EQ(group["title"], "Sales Pipeline");
  ASSERT_EQ(group["stages"].size(), 3u);
  EXPECT_EQ(group["stages"][0]["title"], "To Contact");
  EXPECT_TRUE(group["stages"][0].contains("order"));
}

TEST_F(SandboxTools, GetPipelineNotFound) {
  json envelope = call("get_pipeline", {{"PipelineId", 5}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["Pipeline"], json::object());
}

TEST_F(SandboxTools, UpdatePipelineSendsOnlyGivenFields) {
  json envelope = call("update_pipeline",
                       {{"PipelineId", 1}, {"Currency", "GBP"}, {"AutoAssign", 2}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "PUT", "/dealGroups/1", {},
                 {{"dealGroup", {{"currency", "gbp"}, {"autoassign", 2}}}});
  EXPECT_EQ(envelope["Pipeline"]["currency"], "gbp");
  EXPECT_EQ(envelope["Pipeline"]["title"], "Sales Pipeline");
}

TEST_F(SandboxTools, UpdatePipelineNeedsAField) {
  json envelope = call("update_pipeline", {{"PipelineId", 1}});
  EXPECT_EQ(envelope["StatusCode"], -1);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("At least one of Title, Currency, AllGroups"));
  EXPECT_TRUE(log().empty());
}

TEST_F(SandboxTools, UpdatePipelineNotFound) {
  json envelope = call("update_pipeline", {{"PipelineId", 8}, {"Title", "X"}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("pipeline 8 was not found"));
}

// ---------- Stages

TEST_F(SandboxTools, CreateStageSendsDefaultsAndMergesCardFields) {
  json envelope =
      call("create_stage", {{"Title", "Proposal Sent"},
                                           {"PipelineId", "1"},
                                           {"Order", 2},
                                           {"Reorder", 1},
                                           {"AdditionalFields", {{"cardRegion3", "hide-avatar"}}}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/dealStages", {{"reorder", "1"}},
                 {{"dealStage",
                   {{"title", "Proposal Sent"},
                    {"group", 1},
                    {"order", 2},
                    {"color", "3f3f3f"},
                    {"width", 280},
                    {"cardRegion3", "hide-avatar"}}}});
  EXPECT_EQ(envelope["Stage"]["title"], "Proposal Sent");
  EXPECT_EQ(envelope["Stage"]["group"], "1");
}

TEST_F(SandboxTools, CreateStageInAMissingPipelineFails) {
  json envelope = call("create_stage", {{"Title", "Won"}, {"PipelineId", 40}});
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_GE(envelope["OriginalStatusCode"].get<int>(), 400);
  EXPECT_EQ(envelope["Stage"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("Create a Stage failed"));
}

TEST_F(SandboxTools, DeleteStage) {
  json envelope = call("delete_stage", {{"StageId", 3}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/dealStages/3");
  EXPECT_EQ(envelope["DeletedStage"], json({{"Deleted", true}}));
  EXPECT_EQ(envelope["OriginalStatusCode"], 200);
}

TEST_F(SandboxTools, DeleteStageThatIsAlreadyGoneCountsAsDeleted) {
  json envelope = call("delete_stage", {{"StageId", 77}});
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["DeletedStage"], json({{"Deleted", true}}));
}

TEST_F(SandboxTools, DeleteStageForbiddenIsAFailure) {
  answer("DELETE", "/dealStages", 403, R"({"message":"Forbidden"})");
  json envelope = call("delete_stage", {{"StageId", 3}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 403);
  EXPECT_EQ(envelope["DeletedStage"], json::object());
  EXPECT_NE(envelope["ErrorMessage"], "");
}

TEST_F(SandboxTools, GetManyStagesFiltersByPipelineAndTitle) {
  json envelope = call("get_many_stages",
                       {{"FilterGroup", "1"}, {"FilterTitle", "qual"}, {"Offset", 0}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/dealStages",
                 {{"filters[title]", "qual"},
                  {"filters[d_groupid]", "1"},
                  {"orders[title]", "ASC"},
                  {"limit", "100"},
                  {"offset", "0"}});
  ASSERT_EQ(envelope["Stages"]["DealStages"].size(), 1u);
  EXPECT_EQ(envelope["Stages"]["DealStages"][0]["title"], "Qualified");
  EXPECT_EQ(envelope["Stages"]["Pagination"],
            json({{"limit", 100}, {"offset", 0}, {"total", 1}, {"hasMore", false}}));
}

TEST_F(SandboxTools, GetManyStagesPages) {
  json envelope = call("get_many_stages", {{"Limit", 2}, {"OrderTitle", "DESC"}});
  EXPECT_EQ(envelope["Stages"]["DealStages"].size(), 2u);
  EXPECT_EQ(envelope["Stages"]["Pagination"]["total"], 3);
  EXPECT_EQ(envelope["Stages"]["Pagination"]["hasMore"], true);
}

TEST_F(SandboxTools, GetStage) {
  json envelope = call("get_stage", {{"StageId", 2}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/dealStages/2");
  EXPECT_EQ(envelope["Stage"]["title"], "Qualified");
  EXPECT_EQ(envelope["Stage"]["group"], "1");
}

TEST_F(SandboxTools, GetStageNotFound) {
  json envelope = call("get_stage", {{"StageId", 20}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["Stage"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("stage 20 was not found"));
}

TEST_F(SandboxTools, UpdateStageSendsReorderAndMergesAdditionalFields) {
  json envelope = call("update_stage",
                       {{"StageId", 1},
                        {"Color", "696969"},
                        {"Reorder", "1"},
                        {"AdditionalFields", {{"width", 270}, {"dealOrder", "title ASC"}}}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(
      log()[0], "PUT", "/dealStages/1", {{"reorder", "1"}},
      {{"dealStage", {{"color", "696969"}, {"width", 270}, {"dealOrder", "title ASC"}}}});
  EXPECT_EQ(envelope["Stage"]["color"], "696969");
  EXPECT_EQ(envelope["Stage"]["title"], "To Contact");
}

TEST_F(SandboxTools, UpdateStageWithoutReorderSendsNoQuery) {
  call("update_stage", {{"StageId", 1}, {"Title", "New lead"}});
  expect_request(log()[0], "PUT", "/dealStages/1", {}, {{"dealStage", {{"title", "New lead"}}}});
}

TEST_F(SandboxTools, UpdateStageNotFound) {
  json envelope = call("update_stage", {{"StageId", 30}, {"Title", "X"}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["Stage"], json::object());
}

// ---------- Row details against a scripted upstream

TEST(PipelineRows, UpdateStageReorderZeroIsSent) {
  FakeUpstream upstream;
  ToolRegistry registry{upstream};
  upstream.script.push_back(http(200, {{"dealStage", {{"id", "1"}}}}));
  testing::call(registry, "update_stage", {{"StageId", 1}, {"Reorder", 0}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(query_text(upstream.requests[0]), "reorder=0");
}

TEST(PipelineRows, GetPipelineWithoutSideloadedStagesGivesAnEmptyList) {
  FakeUpstream upstream;
  ToolRegistry registry{upstream};
  upstream.script.push_back(http(200, {{"dealGroup", {{"id", "4"}, {"stages", {"9"}}}}}));
  json result = testing::call(registry, "get_pipeline", {{"PipelineId", 4}});
  EXPECT_EQ(result["structuredContent"]["Pipeline"],
            json({{"DealGroup", {{"id", "4"}, {"stages", json::array()}}}}));
}

}  // namespace
}  // namespace acmcp::tools
