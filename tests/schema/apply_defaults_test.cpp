// Tests for apply_defaults: top-level defaults, and null meaning "not given".
#include <gtest/gtest.h>

#include "schema_test_support.hpp"

namespace acmcp::schema::testing {
namespace {

const json kListSchema = json::parse(R"({
  "type": "object",
  "properties": {
    "Limit": {"type": "integer", "default": 20},
    "Offset": {"type": "integer", "default": 0},
    "Search": {"type": "string"},
    "Email": {"type": "string"},
    "Parent": {"type": ["integer", "null"]},
    "Nested": {"type": "object", "properties": {"inner": {"default": 5}}}
  },
  "required": ["Email"]
})");

TEST(ApplyDefaults, FillsAbsentProperties) {
  json args = {{"Email", "a@b.co"}};
  apply_defaults(kListSchema, args);
  EXPECT_EQ(args["Limit"], 20);
  EXPECT_EQ(args["Offset"], 0);
}

TEST(ApplyDefaults, KeepsGivenValues) {
  json args = {{"Limit", 5}};
  apply_defaults(kListSchema, args);
  EXPECT_EQ(args["Limit"], 5);
}

TEST(ApplyDefaults, DoesNotAddPropertiesWithoutDefault) {
  json args = json::object();
  apply_defaults(kListSchema, args);
  EXPECT_FALSE(args.contains("Search"));
}

TEST(ApplyDefaults, NullIsReplacedByDefault) {
  json args = {{"Limit", nullptr}};
  apply_defaults(kListSchema, args);
  EXPECT_EQ(args["Limit"], 20);
}

TEST(ApplyDefaults, NullWithoutDefaultIsRemoved) {
  json args = {{"Search", nullptr}};
  apply_defaults(kListSchema, args);
  EXPECT_FALSE(args.contains("Search"));
}

TEST(ApplyDefaults, NullRequiredPropertyIsRemovedSoValidationSaysRequired) {
  json args = {{"Email", nullptr}};
  apply_defaults(kListSchema, args);
  EXPECT_FALSE(args.contains("Email"));
  EXPECT_EQ(message_for(kListSchema, args), "Email is required.");
}

TEST(ApplyDefaults, NullIsKeptWhereTheSchemaAcceptsNull) {
  json args = {{"Parent", nullptr}};
  apply_defaults(kListSchema, args);
  ASSERT_TRUE(args.contains("Parent"));
  EXPECT_TRUE(args["Parent"].is_null());
}

TEST(ApplyDefaults, NestedDefaultsAreNotApplied) {
  json args = {{"Nested", json::object()}};
  apply_defaults(kListSchema, args);
  EXPECT_FALSE(args["Nested"].contains("inner"));
}

TEST(ApplyDefaults, UnknownNullPropertiesAreLeftForValidation) {
  json args = {{"Unknown", nullptr}};
  apply_defaults(kListSchema, args);
  EXPECT_TRUE(args.contains("Unknown"));
}

TEST(ApplyDefaults, NullArgumentsBecomeAnObject) {
  json args = nullptr;
  apply_defaults(kListSchema, args);
  ASSERT_TRUE(args.is_object());
  EXPECT_EQ(args["Limit"], 20);
}

TEST(ApplyDefaults, NonObjectArgumentsAreLeftForValidation) {
  json args = json::array({1});
  apply_defaults(kListSchema, args);
  EXPECT_EQ(args, json::array({1}));
  EXPECT_EQ(message_for(kListSchema, args), "arguments must be a JSON object (got array).");
}

TEST(ApplyDefaults, DefaultsAreCopiedNotShared) {
  const json schema = {{"properties", {{"Tags", {{"default", json::array()}}}}}};
  json first = json::object();
  apply_defaults(schema, first);
  first["Tags"].push_back(1);
  json second = json::object();
  apply_defaults(schema, second);
  EXPECT_TRUE(second["Tags"].empty());
}

}  // namespace
}  // namespace acmcp::schema::testing
