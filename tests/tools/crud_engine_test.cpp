// The table-row engine: expressions, result templates, paging values and request building.
#include "tools/crud_engine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tool_test_support.hpp"

namespace acmcp::tools {
namespace {

using testing::http;
using testing::query_text;

const json kArgs = {{"TagId", 12}, {"Name", "VIP"}, {"Flag", true}, {"Text", "7"}};
const json kResponse = {{"tag", {{"id", "12"}, {"tag", "VIP"}}},
                        {"tags", {{{"id", "1"}}, {{"id", "2"}}}},
                        {"meta", {{"total", "42"}}}};

std::optional<json> eval(const std::string& expression) {
  return evaluate_expression(expression, TemplateScope{kArgs, &kResponse});
}

TEST(Expression, ReadsArguments) { EXPECT_EQ(eval("$args.TagId"), json(12)); }

TEST(Expression, ReadsNestedResponseValues) {
  EXPECT_EQ(eval("$response.tag.tag"), json("VIP"));
  EXPECT_EQ(eval("$response.tag"), kResponse["tag"]);
}

TEST(Expression, IndexesArrays) { EXPECT_EQ(eval("$response.tags.1.id"), json("2")); }

TEST(Expression, MissingValueIsNothing) {
  EXPECT_FALSE(eval("$response.nope"));
  EXPECT_FALSE(eval("$response.tags.9"));
  EXPECT_FALSE(eval("$args.Missing"));
}

TEST(Expression, ResponseIsNothingBeforeItExists) {
  EXPECT_FALSE(evaluate_expression("$response.tag", TemplateScope{kArgs}));
}

TEST(Expression, StringFilterFormatsNumbers) { EXPECT_EQ(eval("$args.TagId|string"), json("12")); }

TEST(Expression, IntFilterParsesNumericStrings) {
  EXPECT_EQ(eval("$response.meta.total|int"), json(42));
  EXPECT_FALSE(eval("$args.Name|int"));
}

TEST(Expression, IntFilterTakesOnlyFloatsThatFitIn64Bits) {
  const TemplateScope scope{json{{"Whole", 5.0}, {"Huge", 1.8446744073709552e20}}};
  EXPECT_EQ(evaluate_expression("$args.Whole|int", scope), json(5));
  EXPECT_FALSE(evaluate_expression("$args.Huge|int", scope));
}

TEST(Expression, BoolFilterAcceptsBooleansAndText) {
  EXPECT_EQ(eval("$args.Flag|bool"), json(true));
  EXPECT_FALSE(eval("$args.Name|bool"));
}

TEST(Expression, ArrayAndObjectFiltersSupplyEmptyValues) {
  EXPECT_EQ(eval("$response.missing|array"), json::array());
  EXPECT_EQ(eval("$response.missing|object"), json::object());
  EXPECT_EQ(eval("$response.tags|array")->size(), 2u);
}

TEST(Expression, UnknownRootOrFilterThrows) {
  EXPECT_THROW(eval("$nothing.x"), std::invalid_argument);
  EXPECT_THROW(eval("$args.TagId|reverse"), std::invalid_argument);
  EXPECT_THROW(eval("$args.Missing|reverse"), std::invalid_argument);
}

TEST(Template, LiteralsStayLiterals) {
  TemplateScope scope{kArgs, &kResponse};
  EXPECT_EQ(evaluate_template(json(true), scope), json(true));
  EXPECT_EQ(evaluate_template(json("plain"), scope), json("plain"));
  EXPECT_EQ(evaluate_template(json("$$args"), scope), json("$args"));
}

TEST(Template, ObjectMembersThatResolveToNothingAreLeftOut) {
  TemplateScope scope{kArgs, &kResponse};
  json result =
      *evaluate_template(json{{"id", "$args.TagId|string"}, {"x", "$response.nope"}}, scope);
  EXPECT_EQ(result, json({{"id", "12"}}));
}

TEST(Template, SpreadCopiesAnObjectAndExplicitKeysWin) {
  TemplateScope scope{kArgs, &kResponse};
  json result = *evaluate_template(json{{"...", "$response.tag"}, {"tag", "renamed"}}, scope);
  EXPECT_EQ(result, json({{"id", "12"}, {"tag", "renamed"}}));
}

TEST(Template, ArraysDropMissingItems) {
  TemplateScope scope{kArgs, &kResponse};
  EXPECT_EQ(*evaluate_template(json::array({"$args.TagId", "$args.None"}), scope),
            json::array({12}));
}

TEST(Template, EachMapsEveryElementThroughTheItemTemplate) {
  TemplateScope scope{kArgs, &kResponse};
  json result = *evaluate_template(
      json{{"$each", "$response.tags"},
           {"$item", {{"...", "$item"}, {"key", "$item.id|int"}, {"tag", "$args.Name"}}}},
      scope);
  EXPECT_EQ(result, json::array({{{"id", "1"}, {"key", 1}, {"tag", "VIP"}},
                                 {{"id", "2"}, {"key", 2}, {"tag", "VIP"}}}));
}

TEST(Template, EachOfNothingIsAnEmptyArray) {
  TemplateScope scope{kArgs, &kResponse};
  EXPECT_EQ(*evaluate_template(json{{"$each", "$response.none"}, {"$item", "$item"}}, scope),
            json::array());
  EXPECT_EQ(*evaluate_template(json{{"$each", "$response.tag"}, {"$item", "$item"}}, scope),
            json::array());
}

TEST(Template, EachChecksItsItemTemplateEvenWithNoElements) {
  TemplateScope scope{kArgs, &kResponse};
  EXPECT_THROW(evaluate_template(json{{"$each", "$response.none"}}, scope), std::invalid_argument);
  EXPECT_THROW(
      evaluate_template(json{{"$each", "$response.none"}, {"$item", "$item.x|reverse"}}, scope),
      std::invalid_argument);
}

TEST(Expression, ItemIsNothingOutsideEach) { EXPECT_EQ(eval("$item.id"), std::nullopt); }

TEST(Paging, UsesArgumentsAndUpstreamTotal) {
  json row = {{"page", {{"items", "tags"}}}};
  json page = page_values(row, json{{"Limit", 2}, {"Offset", 10}}, kResponse);
  EXPECT_EQ(page,
            json({{"limit", 2}, {"offset", 10}, {"count", 2}, {"total", 42}, {"hasMore", true}}));
}

TEST(Paging, NoMoreWhenThePageReachesTheTotal) {
  json row = {{"page", {{"items", "tags"}}}};
  json page = page_values(row, json{{"Limit", 2}, {"Offset", 40}}, kResponse);
  EXPECT_FALSE(page["hasMore"].get<bool>());
}

// Offsets are limited only by the schema's integer type; sums saturate instead of overflowing.
TEST(Paging, LargestOffsetsDoNotOverflow) {
  json row = {{"page", {{"items", "tags"}}}};
  const json three_tags = {{"tags", json::array({1, 2, 3})}};
  constexpr auto kMax = std::numeric_limits<long long>::max();
  json page = page_values(row, json{{"Offset", kMax}}, three_tags);
  EXPECT_EQ(page["offset"], kMax);
  EXPECT_EQ(page["total"], kMax);
  EXPECT_FALSE(page["hasMore"].get<bool>());
  page = page_values(row, json{{"Offset", std::numeric_limits<std::uint64_t>::max()}}, three_tags);
  EXPECT_EQ(page["offset"], kMax);
}

TEST(Paging, WithoutUpstreamTotalCountsTheItems) {
  json row = {{"page", {{"items", "tags"}}}};
  json page = page_values(row, json::object(), json{{"tags", json::array({1, 2, 3})}});
  EXPECT_EQ(page["limit"], 20);
  EXPECT_EQ(page["offset"], 0);
  EXPECT_EQ(page["total"], 3);
  EXPECT_FALSE(page["hasMore"].get<bool>());
}

TEST(Placeholders, ArePercentEncodedInPaths) {
  EXPECT_EQ(fill_placeholders("/tags/{Id}", json{{"Id", "a b/c"}}, true), "/tags/a%20b%2Fc");
  EXPECT_EQ(fill_placeholders("/tags/{Id}", json{{"Id", 7}}, true), "/tags/7");
}

TEST(Placeholders, MissingArgumentThrows) {
  EXPECT_THROW(fill_placeholders("/tags/{Id}", json::object(), true), std::invalid_argument);
}

// The start-up check and the request builder read placeholders the same way.
TEST(Placeholders, AreNamesOfLettersDigitsAndUnderscores) {
  EXPECT_EQ(placeholder_names("/deals/{DealId}/notes/{Note_2}"),
            (std::vector<std::string>{"DealId", "Note_2"}));
  EXPECT_EQ(placeholder_names("[{not one}] {{Id}"), std::vector<std::string>{"Id"});
  EXPECT_EQ(fill_placeholders("[{not one}] {{Id}", json{{"Id", 7}}, false), "[{not one}] {7");
}

TEST(BuildRequest, MethodPathAndNoBodyForDeletes) {
  ac::Request request =
      build_request(json{{"method", "DELETE"}, {"path", "/tags/{TagId}"}}, json{{"TagId", 5}});
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.path, "/tags/5");
  EXPECT_TRUE(request.query.empty());
  EXPECT_FALSE(request.body.has_value());
}

TEST(BuildRequest, QueryHoldsOnlyGivenArgumentsAsText) {
  json row = {{"method", "GET"},
              {"path", "/contacts"},
              {"query", {{"email", "Email"}, {"limit", "Limit"}, {"phone", "Phone"}}}};
  ac::Request request = build_request(row, json{{"Email", "a+b@x.com"}, {"Limit", 5}});
  EXPECT_EQ(query_text(request), "email=a+b@x.com&limit=5");
}

TEST(BuildRequest, OperatorStyleQueryKeys) {
  json row = {
      {"method", "GET"}, {"path", "/tags"}, {"query", {{"filters[search][{Operator}]", "Text"}}}};
  EXPECT_EQ(query_text(build_request(row, json{{"Operator", "eq"}, {"Text", "VIP"}})),
            "filters[search][eq]=VIP");
  EXPECT_EQ(query_text(build_request(row, json{{"Operator", "eq"}})), "");
  EXPECT_EQ(query_text(build_request(row, json{{"Text", "VIP"}})), "");
}

TEST(BuildRequest, LiteralQueryValues) {
  json row = {{"method", "GET"}, {"path", "/tags"}, {"query", {{"limit", 100}}}};
  EXPECT_EQ(query_text(build_request(row, json::object())), "limit=100");
}

TEST(BuildRequest, BodyIsWrappedAndHoldsOnlyGivenArguments) {
  json row = {{"method", "PUT"},
              {"path", "/tags/{TagId}"},
              {"wrap", "tag"},
              {"body", {{"tag", "TagName"}, {"description", "Description"}, {"fixed", 2}}}};
  ac::Request request = build_request(row, json{{"TagId", 1}, {"TagName", "Gold"}});
  ASSERT_TRUE(request.body.has_value());
  EXPECT_EQ(*request.body, json({{"tag", {{"tag", "Gold"}, {"fixed", 2}}}}));
}

TEST(BuildRequest, BodyValuesMayBeExpressionsAndNestedObjects) {
  json row = {{"method", "POST"},
              {"path", "/x"},
              {"body", {{"id", "$args.TagId|string"}, {"inner", {{"name", "Name"}}}}}};
  EXPECT_EQ(*build_request(row, json{{"TagId", 4}, {"Name", "n"}}).body,
            json({{"id", "4"}, {"inner", {{"name", "n"}}}}));
  EXPECT_EQ(*build_request(row, json::object()).body, json::object());
}

TEST(BuildRequest, OmitEmptyTreatsEmptyStringsAsAbsent) {
  json row = {{"method", "PUT"},
              {"path", "/tags/1"},
              {"wrap", "tag"},
              {"omitEmpty", true},
              {"body", {{"tag", "TagName"}, {"description", "Description"}}}};
  ac::Request request = build_request(row, json{{"TagName", ""}, {"Description", "d"}});
  EXPECT_EQ(*request.body, json({{"tag", {{"description", "d"}}}}));
}

TEST(BuildRequest, EmptyStringsAreSentWithoutOmitEmpty) {
  json row = {{"method", "PUT"}, {"path", "/x"}, {"body", {{"tag", "TagName"}}}};
  EXPECT_EQ(*build_request(row, json{{"TagName", ""}}).body, json({{"tag", ""}}));
}

ToolSpec tag_spec() {
  ToolSpec spec;
  spec.name = "get_tag";
  spec.title = "Get a Tag";
  spec.data_key = "Tag";
  spec.not_found = "tag {TagId}";
  return spec;
}

TEST(FinishRow, SuccessShapesTheResult) {
  json row = {{"method", "GET"}, {"path", "/tags/{TagId}"}, {"result", "$response.tag"}};
  Envelope envelope = finish_row(tag_spec(), row, kArgs, http(200, kResponse));
  EXPECT_EQ(envelope.data, kResponse["tag"]);
  EXPECT_EQ(envelope.error_message, "");
}

TEST(FinishRow, DefaultResultIsTheWholeBody) {
  json row = {{"method", "GET"}, {"path", "/tags"}};
  EXPECT_EQ(finish_row(tag_spec(), row, kArgs, http(200, kResponse)).data, kResponse);
}

TEST(FinishRow, FailureUsesEmptyDataAndTheNotFoundSubject) {
  json row = {{"method", "GET"}, {"path", "/tags/{TagId}"}, {"result", "$response.tag"}};
  Envelope envelope = finish_row(tag_spec(), row, kArgs, http(404));
  EXPECT_EQ(envelope.data, json::object());
  EXPECT_THAT(envelope.error_message, ::testing::HasSubstr("tag 12 was not found"));
}

TEST(FinishRow, RowNotFoundOverridesTheToolsOwn) {
  json row = {{"method", "GET"}, {"path", "/x"}, {"notFound", "list {Name}"}};
  Envelope envelope = finish_row(tag_spec(), row, kArgs, http(404));
  EXPECT_THAT(envelope.error_message, ::testing::HasSubstr("list VIP was not found"));
}

TEST(FinishRow, ResultMissingOnSuccessFallsBackToEmptyData) {
  json row = {{"method", "GET"}, {"path", "/x"}, {"result", "$response.absent"}};
  EXPECT_EQ(finish_row(tag_spec(), row, kArgs, http(200, json::object())).data, json::object());
}

// ---- Features the account, deal and ecommerce resources need (currency case, sentinel values,
// merged objects, statuses that count as success)

TEST(Expression, LowerAndUpperChangeTheCaseOfStrings) {
  const json args = {{"Currency", "UsD"}, {"Count", 3}};
  EXPECT_EQ(evaluate_expression("$args.Currency|lower", TemplateScope{args}), json("usd"));
  EXPECT_EQ(evaluate_expression("$args.Currency|upper", TemplateScope{args}), json("USD"));
  EXPECT_EQ(evaluate_expression("$args.Count|upper", TemplateScope{args}), json(3));
  EXPECT_FALSE(evaluate_expression("$args.Missing|lower", TemplateScope{args}));
}

TEST(Expression, IntTurnsBooleansIntoOneAndZero) {
  const json args = {{"Yes", true}, {"No", false}};
  EXPECT_EQ(evaluate_expression("$args.Yes|int", TemplateScope{args}), json(1));
  EXPECT_EQ(evaluate_expression("$args.No|int", TemplateScope{args}), json(0));
}

TEST(Expression, UnlessDropsTheSentinelValueOnly) {
  const json args = {{"All", -1}, {"Some", 1}, {"Text", "any"}};
  EXPECT_FALSE(evaluate_expression("$args.All|unless:-1", TemplateScope{args}));
  EXPECT_EQ(evaluate_expression("$args.Some|unless:-1", TemplateScope{args}), json(1));
  EXPECT_FALSE(evaluate_expression("$args.Text|unless:\"any\"", TemplateScope{args}));
  EXPECT_FALSE(evaluate_expression("$args.Missing|unless:-1", TemplateScope{args}));
}

TEST(Expression, UnlessNeedsAJsonLiteral) {
  EXPECT_THROW(evaluate_expression("$args.TagId|unless:nope", TemplateScope{kArgs}),
               std::invalid_argument);
}

TEST(BuildRequest, SentinelQueryValueIsLeftOut) {
  const json row = {{"method", "GET"},
                    {"path", "/dealGroups"},
                    {"query", {{"filters[have_stages]", "$args.FilterStage|unless:-1"}}}};
  EXPECT_EQ(query_text(build_request(row, {{"FilterStage", -1}})), "");
  EXPECT_EQ(query_text(build_request(row, {{"FilterStage", 0}})), "filters[have_stages]=0");
}

TEST(BuildRequest, SpreadMergesAnObjectArgumentAndExplicitKeysWin) {
  const json row = {{"method", "PUT"},
                    {"path", "/things/1"},
                    {"wrap", "thing"},
                    {"body", {{"...", "Extra"}, {"name", "Name"}}}};
  ac::Request request =
      build_request(row, {{"Name", "New"}, {"Extra", {{"name", "Old"}, {"width", 270}}}});
  EXPECT_EQ(*request.body, json({{"thing", {{"name", "New"}, {"width", 270}}}}));
  EXPECT_EQ(*build_request(row, {{"Name", "New"}}).body, json({{"thing", {{"name", "New"}}}}));
}

TEST(FinishRow, SuccessStatusesCountAsSuccess) {
  const json row = {{"method", "DELETE"},
                    {"path", "/dealStages/1"},
                    {"successStatuses", {404}},
                    {"result", {{"Deleted", true}}}};
  Envelope gone = finish_row(tag_spec(), row, kArgs, http(404, {{"message", "No Result"}}));
  EXPECT_EQ(gone.error_message, "");
  EXPECT_EQ(gone.status_code, kCompleted);
  EXPECT_EQ(gone.original_status, 404);
  EXPECT_EQ(gone.data, json({{"Deleted", true}}));

  Envelope refused = finish_row(tag_spec(), row, kArgs, http(403));
  EXPECT_NE(refused.error_message, "");
  EXPECT_EQ(refused.data, json::object());
}

TEST(FinishRow, SuccessStatusesDoNotCoverTransportFailures) {
  const json row = {{"method", "DELETE"}, {"path", "/x"}, {"successStatuses", {404}}};
  Envelope envelope = finish_row(tag_spec(), row, kArgs, testing::transport_failure("reset", 404));
  EXPECT_EQ(envelope.status_code, kNoResponse);
  EXPECT_NE(envelope.error_message, "");
}

}  // namespace
}  // namespace acmcp::tools
