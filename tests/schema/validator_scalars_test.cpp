// Validator tests: enum, const, numeric ranges, multipleOf, string length, pattern and format.
#include <gtest/gtest.h>

#include "schema_test_support.hpp"

namespace acmcp::schema::testing {
namespace {

TEST(EnumKeyword, AcceptsListedValue) {
  EXPECT_TRUE(
      is_valid(object_with("Status", {{"type", "integer"}, {"enum", {1, 2}}}), {{"Status", 2}}));
}

TEST(EnumKeyword, ListsAllowedValues) {
  const json schema = object_with("Status", {{"type", "integer"}, {"enum", {1, 2}}});
  EXPECT_EQ(message_for(schema, {{"Status", 3}}), "Status must be one of 1, 2 (got 3).");
}

TEST(EnumKeyword, QuotesStringValues) {
  const json schema =
      object_with("TagType", {{"type", "string"}, {"enum", {"contact", "template"}}});
  EXPECT_EQ(message_for(schema, {{"TagType", "deal"}}),
            "TagType must be one of \"contact\", \"template\" (got \"deal\").");
}

TEST(EnumKeyword, AppliesAfterCoercion) {
  const json schema = object_with("Status", {{"type", "integer"}, {"enum", {1, 2}}});
  EXPECT_TRUE(is_valid(schema, {{"Status", "1"}}));
}

TEST(EnumKeyword, CutsVeryLongLists) {
  json values = json::array();
  for (int i = 0; i < 40; ++i) values.push_back(i);
  const std::string message = message_for(object_with("N", {{"enum", values}}), {{"N", 99}});
  EXPECT_NE(message.find("24, ..."), std::string::npos) << message;
  EXPECT_EQ(message.find("39"), std::string::npos) << message;
}

// "x-unit": "cents" words every message about a money value the same way.
TEST(CentsUnit, TypeRangeAndMultipleOfFailuresSayWholeCents) {
  const json integer =
      object_with("Price", {{"type", "integer"}, {"minimum", 0}, {"x-unit", "cents"}});
  const std::string whole = "Price must be a whole number of cents ($456.78 = 45678)";
  EXPECT_EQ(message_for(integer, {{"Price", 12.5}}), whole + " (got 12.5).");
  EXPECT_EQ(message_for(integer, {{"Price", "12.50"}}), whole + " (got \"12.50\").");
  EXPECT_EQ(message_for(integer, {{"Price", -1}}), whole + " >= 0 (got -1).");
  const json number =
      object_with("Value", {{"type", "number"}, {"multipleOf", 1}, {"x-unit", "cents"}});
  EXPECT_EQ(message_for(number, {{"Value", 0.5}}),
            "Value must be a whole number of cents ($456.78 = 45678) (got 0.5).");
  EXPECT_TRUE(is_valid(integer, {{"Price", "1299"}}));
}

TEST(ConstKeyword, AcceptsEqualValue) {
  EXPECT_TRUE(is_valid(object_with("Kind", {{"const", "deal"}}), {{"Kind", "deal"}}));
}

TEST(ConstKeyword, RejectsOtherValue) {
  EXPECT_EQ(message_for(object_with("Kind", {{"const", "deal"}}), {{"Kind", "tag"}}),
            "Kind must be \"deal\" (got \"tag\").");
}

TEST(ConstKeyword, IntegerEqualsIntegralFloat) {
  EXPECT_TRUE(is_valid(object_with("N", {{"const", 1}}), {{"N", 1.0}}));
}

TEST(NumericRange, MinimumIsInclusive) {
  const json schema = object_with("ContactId", {{"type", "integer"}, {"minimum", 1}});
  EXPECT_TRUE(is_valid(schema, {{"ContactId", 1}}));
  EXPECT_EQ(message_for(schema, {{"ContactId", 0}}), "ContactId must be an integer >= 1 (got 0).");
}

TEST(NumericRange, MaximumIsInclusive) {
  const json schema = object_with("Limit", {{"type", "integer"}, {"maximum", 100}});
  EXPECT_TRUE(is_valid(schema, {{"Limit", 100}}));
  EXPECT_EQ(message_for(schema, {{"Limit", 101}}), "Limit must be an integer <= 100 (got 101).");
}

TEST(NumericRange, BothBoundsReadAsBetween) {
  const json schema = object_with("Limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}});
  EXPECT_EQ(message_for(schema, {{"Limit", 0}}),
            "Limit must be an integer between 1 and 100 (got 0).");
}

TEST(NumericRange, ExclusiveMinimum) {
  const json schema = object_with("Price", {{"type", "number"}, {"exclusiveMinimum", 0}});
  EXPECT_TRUE(is_valid(schema, {{"Price", 0.01}}));
  EXPECT_EQ(message_for(schema, {{"Price", 0}}), "Price must be a number > 0 (got 0).");
}

TEST(NumericRange, ExclusiveMaximum) {
  const json schema = object_with("Ratio", {{"type", "number"}, {"exclusiveMaximum", 1}});
  EXPECT_TRUE(is_valid(schema, {{"Ratio", 0.99}}));
  EXPECT_EQ(message_for(schema, {{"Ratio", 1}}), "Ratio must be a number < 1 (got 1).");
}

TEST(NumericRange, MixedBoundsAreJoined) {
  const json schema = object_with("X", {{"exclusiveMinimum", 0}, {"maximum", 10}});
  EXPECT_EQ(message_for(schema, {{"X", 11}}), "X must be a number > 0 and <= 10 (got 11).");
}

TEST(NumericRange, ComparesLargeUnsignedExactly) {
  const json schema = object_with("X", {{"maximum", 9223372036854775807LL}});
  EXPECT_FALSE(is_valid(schema, json::parse(R"({"X": 18446744073709551615})")));
  EXPECT_TRUE(is_valid(schema, {{"X", -5}}));
}

TEST(NumericRange, IgnoredForNonNumbers) {
  EXPECT_TRUE(is_valid(object_with("X", {{"minimum", 5}}), {{"X", "abc"}}));
}

TEST(MultipleOf, AcceptsMultiples) {
  EXPECT_TRUE(is_valid(object_with("X", {{"multipleOf", 5}}), {{"X", 15}}));
  EXPECT_TRUE(is_valid(object_with("X", {{"multipleOf", 0.01}}), {{"X", 19.99}}));
}

TEST(MultipleOf, RejectsOthers) {
  EXPECT_EQ(message_for(object_with("X", {{"multipleOf", 5}}), {{"X", 7}}),
            "X must be a multiple of 5 (got 7).");
  EXPECT_FALSE(is_valid(object_with("X", {{"multipleOf", 0.5}}), {{"X", 0.75}}));
}

TEST(StringLength, MinLengthOneReadsAsNotEmpty) {
  const json schema = object_with("NoteText", {{"type", "string"}, {"minLength", 1}});
  EXPECT_TRUE(is_valid(schema, {{"NoteText", "x"}}));
  EXPECT_EQ(message_for(schema, {{"NoteText", ""}}), "NoteText must not be empty.");
}

TEST(StringLength, MinLength) {
  const json schema = object_with("Code", {{"minLength", 3}});
  EXPECT_EQ(message_for(schema, {{"Code", "ab"}}),
            "Code must be at least 3 characters long (got 2 characters).");
}

TEST(StringLength, MaxLength) {
  const json schema = object_with("Code", {{"maxLength", 3}});
  EXPECT_TRUE(is_valid(schema, {{"Code", "abc"}}));
  EXPECT_EQ(message_for(schema, {{"Code", "abcd"}}),
            "Code must be at most 3 characters long (got 4 characters).");
}

TEST(StringLength, BothBounds) {
  const json schema = object_with("Currency", {{"minLength", 3}, {"maxLength", 3}});
  EXPECT_EQ(message_for(schema, {{"Currency", "us"}}),
            "Currency must be between 3 and 3 characters long (got 2 characters).");
}

TEST(StringLength, CountsCodePointsNotBytes) {
  const json schema = object_with("Name", {{"maxLength", 3}});
  EXPECT_TRUE(is_valid(schema, {{"Name", "\xC3\xA9t\xC3\xA9"}}));  // 3 characters, 5 bytes
  EXPECT_TRUE(is_valid(object_with("Name", {{"minLength", 2}}),
                       {{"Name", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80"}}));
}

TEST(PatternKeyword, AcceptsMatch) {
  EXPECT_TRUE(
      is_valid(object_with("StringId", {{"pattern", "^[a-z0-9-]+$"}}), {{"StringId", "my-list"}}));
}

TEST(PatternKeyword, RejectsWithPatternAndValue) {
  EXPECT_EQ(message_for(object_with("StringId", {{"pattern", "^[a-z0-9-]+$"}}),
                        {{"StringId", "My List"}}),
            "StringId must match the pattern ^[a-z0-9-]+$ (got \"My List\").");
}

TEST(PatternKeyword, IsNotAnchored) {
  EXPECT_TRUE(is_valid(object_with("X", {{"pattern", "[0-9]"}}), {{"X", "abc1"}}));
}

TEST(PatternKeyword, UsesEcmaScriptSyntax) {
  EXPECT_TRUE(is_valid(object_with("X", {{"pattern", "^\\d{3}$"}}), {{"X", "123"}}));
  EXPECT_FALSE(is_valid(object_with("X", {{"pattern", "^\\d{3}$"}}), {{"X", "12a"}}));
}

TEST(PatternKeyword, InvalidPatternIsNotEnforced) {
  EXPECT_TRUE(is_valid(object_with("X", {{"pattern", "([a-z"}}), {{"X", "anything"}}));
}

TEST(PatternKeyword, LongValueIsShortenedInMessage) {
  const std::string message =
      message_for(object_with("X", {{"pattern", "^[0-9]+$"}}), {{"X", std::string(500, 'a')}});
  EXPECT_NE(message.find("aaa...\")"), std::string::npos);
  EXPECT_LT(message.size(), 120u);
}

TEST(PatternKeyword, HugeValueIsRefusedWithoutCrashing) {
  const std::string message =
      message_for(object_with("X", {{"pattern", "^a+$"}}), {{"X", std::string(200000, 'a')}});
  EXPECT_EQ(message,
            "X is too long to check against the pattern ^a+$: at most 2048 bytes are accepted "
            "(got 200000).");
}

TEST(PatternKeyword, MaxLengthIsReportedBeforePattern) {
  const json schema = object_with("X", {{"maxLength", 10}, {"pattern", "^a+$"}});
  EXPECT_EQ(message_for(schema, {{"X", std::string(5000, 'a')}}),
            "X must be at most 10 characters long (got 5000 characters).");
}

TEST(FormatKeyword, Email) {
  const json schema = object_with("Email", {{"type", "string"}, {"format", "email"}});
  EXPECT_TRUE(is_valid(schema, {{"Email", "user@example.com"}}));
  EXPECT_EQ(message_for(schema, {{"Email", "bob"}}),
            "Email must be a valid email address such as user@example.com (got \"bob\").");
}

TEST(FormatKeyword, DateTime) {
  const json schema = object_with("AbandonedDate", {{"format", "date-time"}});
  EXPECT_TRUE(is_valid(schema, {{"AbandonedDate", "2024-01-31T13:45:00Z"}}));
  EXPECT_EQ(message_for(schema, {{"AbandonedDate", "2024-01-31"}}),
            "AbandonedDate must be a date-time in RFC 3339 format such as 2024-01-31T13:45:00Z or "
            "2024-01-31T13:45:00-05:00 (got \"2024-01-31\").");
}

TEST(FormatKeyword, Date) {
  const json schema = object_with("Day", {{"format", "date"}});
  EXPECT_TRUE(is_valid(schema, {{"Day", "2024-02-29"}}));
  EXPECT_EQ(message_for(schema, {{"Day", "31/01/2024"}}),
            "Day must be a date in YYYY-MM-DD format such as 2024-01-31 (got \"31/01/2024\").");
}

TEST(FormatKeyword, Uri) {
  const json schema = object_with("AccountUrl", {{"format", "uri"}});
  EXPECT_TRUE(is_valid(schema, {{"AccountUrl", "https://www.acme.com"}}));
  EXPECT_EQ(message_for(schema, {{"AccountUrl", "www.acme.com"}}),
            "AccountUrl must be an absolute URI such as https://example.com/page (got "
            "\"www.acme.com\").");
}

TEST(FormatKeyword, UnknownFormatsAreIgnored) {
  EXPECT_TRUE(is_valid(object_with("X", {{"format", "ipv4"}}), {{"X", "not an ip"}}));
}

TEST(FormatKeyword, AppliesOnlyToStrings) {
  EXPECT_TRUE(is_valid(object_with("X", {{"format", "email"}}), {{"X", 5}}));
}

}  // namespace
}  // namespace acmcp::schema::testing
