// Validator tests: objects (properties, required, additionalProperties, dependentRequired,
// min/maxProperties) and arrays (items, prefixItems, min/maxItems, uniqueItems), with paths.
#include <gtest/gtest.h>

#include "schema_test_support.hpp"

namespace acmcp::schema::testing {
namespace {

const json kAddToList = json::parse(R"({
  "type": "object",
  "properties": {
    "ContactId": {"type": "integer", "minimum": 1},
    "ListId": {"type": "integer", "minimum": 1},
    "SourceId": {"type": "integer"},
    "Status": {"type": "integer", "enum": [1, 2]}
  },
  "required": ["ContactId", "ListId"],
  "additionalProperties": false
})");

TEST(RequiredKeyword, AcceptsWhenPresent) {
  EXPECT_TRUE(is_valid(kAddToList, {{"ContactId", 1}, {"ListId", 2}}));
}

TEST(RequiredKeyword, NamesMissingParameter) {
  EXPECT_EQ(message_for(kAddToList, {{"ContactId", 1}}), "ListId is required.");
  EXPECT_EQ(path_for(kAddToList, {{"ContactId", 1}}), "ListId");
}

TEST(RequiredKeyword, NestedPathIsDotted) {
  const json schema =
      object_with("AdditionalFields", {{"type", "object"}, {"required", {"price"}}});
  EXPECT_EQ(message_for(schema, {{"AdditionalFields", json::object()}}),
            "AdditionalFields.price is required.");
}

TEST(AdditionalProperties, FalseNamesUnknownAndListsAccepted) {
  EXPECT_EQ(message_for(kAddToList, {{"ContactId", 1}, {"ListId", 2}, {"Foo", 1}}),
            "Unknown parameter Foo: this tool accepts ContactId, ListId, SourceId, Status.");
  EXPECT_EQ(path_for(kAddToList, {{"ContactId", 1}, {"ListId", 2}, {"Foo", 1}}), "Foo");
}

TEST(AdditionalProperties, UnknownIsReportedBeforeMissing) {
  EXPECT_EQ(message_for(kAddToList, {{"ContactId", 1}, {"ListID", 2}}),
            "Unknown parameter ListID (did you mean ListId?): this tool accepts ContactId, "
            "ListId, SourceId, Status.");
}

TEST(AdditionalProperties, ToolWithoutParameters) {
  const json schema = {
      {"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
  EXPECT_EQ(message_for(schema, {{"X", 1}}),
            "Unknown parameter X: this tool accepts no parameters.");
}

TEST(AdditionalProperties, OddKeysAreQuotedAndShortened) {
  const json schema = {
      {"type", "object"}, {"properties", {{"A", json::object()}}}, {"additionalProperties", false}};
  EXPECT_EQ(message_for(schema, {{"my key", 1}}),
            "Unknown parameter \"my key\": this tool accepts A.");
  const std::string message = message_for(schema, {{std::string(1000, 'k'), 1}});
  EXPECT_LT(message.size(), 120u);
}

TEST(AdditionalProperties, NestedUnknownNamesItsParent) {
  const json schema = object_with("AdditionalFields", {{"type", "object"},
                                                       {"properties", {{"price", json::object()}}},
                                                       {"additionalProperties", false}});
  EXPECT_EQ(message_for(schema, {{"AdditionalFields", {{"cost", 1}}}}),
            "Unknown property AdditionalFields.cost: AdditionalFields accepts price.");
}

TEST(AdditionalProperties, AllowedByDefault) {
  const json schema = {{"type", "object"}, {"properties", {{"A", json::object()}}}};
  EXPECT_TRUE(is_valid(schema, {{"Anything", 1}}));
}

TEST(AdditionalProperties, SchemaValidatesAndCoercesExtras) {
  const json schema = {{"type", "object"}, {"additionalProperties", {{"type", "integer"}}}};
  EXPECT_EQ(coerced(schema, {{"x", "4"}})["x"], 4);
  EXPECT_EQ(message_for(schema, {{"x", "four"}}), "x must be an integer (got \"four\").");
}

TEST(PropertiesKeyword, ValidatesEachGivenProperty) {
  EXPECT_EQ(message_for(kAddToList, {{"ContactId", 1}, {"ListId", 2}, {"Status", 3}}),
            "Status must be one of 1, 2 (got 3).");
}

TEST(PropertiesKeyword, AbsentOptionalPropertiesAreFine) {
  EXPECT_TRUE(is_valid(kAddToList, {{"ContactId", "7"}, {"ListId", "8"}}));
}

TEST(DependentRequired, RequiresCompanions) {
  const json schema = {{"type", "object"},
                       {"dependentRequired", {{"ExternalCheckoutId", {"AbandonedDate"}}}}};
  EXPECT_TRUE(is_valid(schema, json::object()));
  EXPECT_TRUE(is_valid(schema, {{"ExternalCheckoutId", "c"}, {"AbandonedDate", "d"}}));
  EXPECT_EQ(message_for(schema, {{"ExternalCheckoutId", "c"}}),
            "AbandonedDate is required when ExternalCheckoutId is given.");
}

TEST(PropertyCount, MinProperties) {
  const json schema = object_with("Fields", {{"type", "object"}, {"minProperties", 1}});
  EXPECT_EQ(message_for(schema, {{"Fields", json::object()}}),
            "Fields must have at least 1 property (got 0).");
  EXPECT_TRUE(is_valid(schema, {{"Fields", {{"a", 1}}}}));
}

TEST(PropertyCount, MaxProperties) {
  const json schema = {{"type", "object"}, {"maxProperties", 1}};
  EXPECT_EQ(message_for(schema, {{"a", 1}, {"b", 2}}),
            "arguments must have at most 1 property (got 2).");
}

const json kFieldValues = json::parse(R"({
  "type": "object",
  "properties": {"FieldValues": {"type": "array", "items": {
    "type": "object",
    "properties": {"field": {"type": "string"}, "value": {"type": "string"}},
    "required": ["field"]}}},
  "additionalProperties": false
})");

TEST(ItemsKeyword, ValidatesEveryItem) {
  EXPECT_TRUE(is_valid(kFieldValues, {{"FieldValues", {{{"field", "1"}}, {{"field", "2"}}}}}));
}

TEST(ItemsKeyword, PathIncludesIndex) {
  const json args = {{"FieldValues", {{{"field", "1"}}, {{"field", 5}}}}};
  EXPECT_EQ(message_for(kFieldValues, args), "FieldValues[1].field must be a string (got number).");
  EXPECT_EQ(path_for(kFieldValues, args), "FieldValues[1].field");
}

TEST(ItemsKeyword, MissingFieldInItem) {
  EXPECT_EQ(message_for(kFieldValues, {{"FieldValues", {json::object()}}}),
            "FieldValues[0].field is required.");
}

TEST(ItemsKeyword, ScalarItems) {
  const json schema = object_with("Ids", {{"type", "array"}, {"items", {{"type", "integer"}}}});
  EXPECT_EQ(coerced(schema, {{"Ids", {"1", 2}}})["Ids"], json({1, 2}));
  EXPECT_EQ(message_for(schema, {{"Ids", {1, "x"}}}), "Ids[1] must be an integer (got \"x\").");
}

TEST(ItemsKeyword, DeepPath) {
  const json schema = json::parse(R"({"type":"object","properties":{"AdditionalFields":{
    "type":"object","properties":{"orderProducts":{"type":"array","items":{
    "type":"object","properties":{"price":{"type":"integer","minimum":0}}}}}}}})");
  const json args = json::parse(
      R"({"AdditionalFields":{"orderProducts":[{"price":1},{"price":2},{"price":-1}]}})");
  EXPECT_EQ(message_for(schema, args),
            "AdditionalFields.orderProducts[2].price must be an integer >= 0 (got -1).");
}

TEST(PrefixItems, ValidatesByPosition) {
  const json schema =
      object_with("Pair", {{"type", "array"},
                           {"prefixItems", {{{"type", "string"}}, {{"type", "integer"}}}},
                           {"items", false}});
  EXPECT_TRUE(is_valid(schema, {{"Pair", {"a", 1}}}));
  EXPECT_EQ(message_for(schema, {{"Pair", {"a", "b"}}}), "Pair[1] must be an integer (got \"b\").");
  EXPECT_EQ(message_for(schema, {{"Pair", {"a", 1, 2}}}), "Pair[2] is not allowed.");
}

TEST(ItemCount, MinItems) {
  const json schema = object_with("Tags", {{"type", "array"}, {"minItems", 1}});
  EXPECT_EQ(message_for(schema, {{"Tags", json::array()}}),
            "Tags must have at least 1 item (got 0).");
}

TEST(ItemCount, MaxItems) {
  const json schema = object_with("Tags", {{"type", "array"}, {"maxItems", 2}});
  EXPECT_TRUE(is_valid(schema, {{"Tags", {1, 2}}}));
  EXPECT_EQ(message_for(schema, {{"Tags", {1, 2, 3}}}), "Tags must have at most 2 items (got 3).");
}

TEST(ItemCount, BothBounds) {
  const json schema = object_with("Tags", {{"minItems", 1}, {"maxItems", 3}});
  EXPECT_EQ(message_for(schema, {{"Tags", json::array()}}),
            "Tags must have between 1 and 3 items (got 0).");
}

TEST(UniqueItems, AcceptsDistinctItems) {
  EXPECT_TRUE(is_valid(object_with("Ids", {{"uniqueItems", true}}), {{"Ids", {1, 2, "1"}}}));
}

TEST(UniqueItems, NamesTheDuplicates) {
  EXPECT_EQ(message_for(object_with("Ids", {{"uniqueItems", true}}), {{"Ids", {1, 2, 1}}}),
            "Ids must not contain duplicate items (Ids[0] and Ids[2] are equal).");
}

TEST(UniqueItems, ComparesAfterCoercion) {
  const json schema = object_with("Ids", {{"uniqueItems", true}, {"items", {{"type", "integer"}}}});
  EXPECT_FALSE(is_valid(schema, {{"Ids", {1, "1"}}}));
}

TEST(UniqueItems, ComparesObjectsByValue) {
  EXPECT_FALSE(is_valid(object_with("L", {{"uniqueItems", true}}),
                        {{"L", {{{"a", 1}, {"b", 2}}, {{"b", 2}, {"a", 1.0}}}}}));
}

TEST(UniqueItems, FalseAllowsDuplicates) {
  EXPECT_TRUE(is_valid(object_with("Ids", {{"uniqueItems", false}}), {{"Ids", {1, 1}}}));
}

}  // namespace
}  // namespace acmcp::schema::testing
