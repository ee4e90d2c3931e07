// find_unsupported_keyword: what a schema may say is exactly what the validator checks.
#include "schema/supported.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace acmcp::schema {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string refusal(const json& schema) {
  auto problem = find_unsupported_keyword(schema);
  return problem ? problem->message : "";
}

TEST(SupportedKeywords, UnknownKeywordIsRefusedWithItsNameAndPath) {
  const json schema = {
      {"type", "object"},
      {"properties", {{"Tags", {{"type", "array"}, {"items", {{"$ref", "#/$defs/tag"}}}}}}}};
  const auto problem = find_unsupported_keyword(schema);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->keyword, "$ref");
  EXPECT_EQ(problem->path, "/properties/Tags/items");
  EXPECT_EQ(problem->message,
            "schema keyword \"$ref\" at /properties/Tags/items is not implemented by the "
            "validator.");
}

TEST(SupportedKeywords, KeywordsOfOtherVocabulariesAreRefused) {
  for (const char* keyword :
       {"patternProperties", "propertyNames", "contains", "minContains", "dependentSchemas",
        "unevaluatedProperties", "unevaluatedItems", "$defs", "$id", "$anchor", "dependencies",
        "additionalItems", "definitions", "contentMediaType", "maximun"}) {
    SCOPED_TRACE(keyword);
    const auto problem = find_unsupported_keyword(json{{keyword, json::object()}});
    ASSERT_TRUE(problem.has_value());
    EXPECT_EQ(problem->keyword, keyword);
    EXPECT_EQ(problem->path, "");
    EXPECT_THAT(problem->message, HasSubstr("is not implemented"));
  }
}

TEST(SupportedKeywords, AnnotationsAndOwnKeysAreAllowed) {
  const json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                       {"title", "Thing"},
                       {"description", "A thing"},
                       {"$comment", "for people"},
                       {"examples", json::array({1})},
                       {"deprecated", false},
                       {"readOnly", false},
                       {"writeOnly", false},
                       {"type", "object"},
                       {"properties",
                        {{"Amount", {{"type", "integer"}, {"default", 0}, {"x-unit", "cents"}}},
                         {"$ref", {{"type", "string"}}}}},  // a property may be called anything
                       {"x-anything", {{"$ref", "not a schema"}}}};
  EXPECT_EQ(refusal(schema), "");
}

TEST(SupportedKeywords, EveryImplementedKeywordIsAllowed) {
  const json schema = {
      {"type", json::array({"object", "null"})},
      {"properties",
       {{"A", {{"type", "integer"}, {"minimum", 1}, {"maximum", 9}, {"multipleOf", 2}}},
        {"B", {{"type", "number"}, {"exclusiveMinimum", 0}, {"exclusiveMaximum", 1.5}}},
        {"C",
         {{"type", "string"},
          {"minLength", 1},
          {"maxLength", 2.0},
          {"pattern", "^[a-z]+$"},
          {"format", "email"}}},
        {"D",
         {{"type", "array"},
          {"prefixItems", json::array({true})},
          {"items", {{"enum", {1, 2}}}},
          {"minItems", 0},
          {"maxItems", 3},
          {"uniqueItems", true}}},
        {"E", {{"const", nullptr}}}}},
      {"required", json::array({"A"})},
      {"additionalProperties", false},
      {"minProperties", 1},
      {"maxProperties", 5},
      {"dependentRequired", {{"A", {"B"}}}},
      {"allOf", json::array({true})},
      {"anyOf", json::array({{{"required", {"A"}}}, false})},
      {"oneOf", json::array({true})},
      {"not", {{"required", {"E"}}}},
      {"if", {{"required", {"B"}}}},
      {"then", {{"required", {"C"}}}},
      {"else", true}};
  EXPECT_EQ(refusal(schema), "");
}

// Forms the validator would skip or misread are refused as well as unknown names.
TEST(SupportedKeywords, ImplementedKeywordsInFormsTheValidatorDoesNotCheckAreRefused) {
  EXPECT_THAT(refusal({{"items", json::array({{{"type", "integer"}}})}}),
              HasSubstr("\"items\" at / is an array (the draft-07 tuple form)"));
  EXPECT_THAT(refusal({{"properties", {{"Ip", {{"type", "string"}, {"format", "ipv4"}}}}}}),
              HasSubstr("\"format\" at /properties/Ip is \"ipv4\", which the validator does not"));
  EXPECT_THAT(refusal({{"type", "int"}}), HasSubstr("\"type\" at / must be one of"));
  EXPECT_THAT(refusal({{"type", json::array()}}), HasSubstr("\"type\" at / must be"));
  EXPECT_THAT(refusal({{"type", {"string", "string"}}}), HasSubstr("\"type\" at / must be"));
  EXPECT_THAT(refusal({{"pattern", "([a-z"}}),
              HasSubstr("\"pattern\" at / must be a valid ECMAScript regular expression"));
  EXPECT_THAT(refusal({{"minimum", "5"}}), HasSubstr("\"minimum\" at / must be a number"));
  EXPECT_THAT(refusal({{"multipleOf", 0}}), HasSubstr("must be a number above 0"));
  EXPECT_THAT(refusal({{"minLength", -1}}), HasSubstr("must be a non-negative integer"));
  EXPECT_THAT(refusal({{"maxItems", 1.5}}), HasSubstr("must be a non-negative integer"));
  EXPECT_THAT(refusal({{"uniqueItems", "yes"}}), HasSubstr("must be true or false"));
  EXPECT_THAT(refusal({{"required", "A"}}), HasSubstr("must be an array of distinct strings"));
  EXPECT_THAT(refusal({{"required", {"A", "A"}}}),
              HasSubstr("must be an array of distinct strings"));
  EXPECT_THAT(refusal({{"dependentRequired", {{"A", "B"}}}}), HasSubstr("\"dependentRequired\""));
  EXPECT_THAT(refusal({{"enum", 1}}), HasSubstr("must be an array"));
  EXPECT_THAT(refusal({{"anyOf", json::array()}}), HasSubstr("a non-empty array of schemas"));
  EXPECT_THAT(refusal({{"properties", {{"A", 1}}}}),
              HasSubstr("the schema at /properties/A must be an object or a boolean"));
  EXPECT_THAT(refusal({{"$schema", "http://json-schema.org/draft-07/schema#"}}),
              HasSubstr("names a dialect the validator does not implement"));
}

TEST(SupportedKeywords, PathsAreJsonPointers) {
  const auto problem = find_unsupported_keyword(
      {{"allOf", json::array({true, {{"properties", {{"a/b~c", {{"contains", true}}}}}}})}});
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->path, "/allOf/1/properties/a~1b~0c");
}

TEST(SupportedKeywords, AbsurdNestingIsRefusedNotOverflowed) {
  json schema = true;
  for (int i = 0; i < 1000; ++i) schema = json{{"not", std::move(schema)}};
  EXPECT_THAT(refusal(schema), HasSubstr("nested too deeply"));
}

// The tool schemas the server embeds use only what the validator checks; the registry refuses
// them at start-up otherwise.
TEST(SupportedKeywords, EveryToolSchemaIsAccepted) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ACMCP_SOURCE_DIR "/schemas")) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path());
    const json document = json::parse(in);
    for (const json& tool : document.at("tools")) {
      SCOPED_TRACE(entry.path().filename().string() + ": " + tool.at("name").get<std::string>());
      EXPECT_EQ(refusal(tool.at("inputSchema")), "");
      EXPECT_EQ(refusal(tool.at("dataSchema")), "");
    }
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace acmcp::schema
