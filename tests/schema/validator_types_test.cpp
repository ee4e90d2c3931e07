// Validator tests: `type` checks and the coercions of docs/decisions.md, "Coercion".
#include <gtest/gtest.h>

#include "schema_test_support.hpp"

namespace acmcp::schema::testing {
namespace {

const json kInteger = object_with("ContactId", {{"type", "integer"}});
const json kNumber = object_with("Price", {{"type", "number"}});
const json kBoolean = object_with("Flag", {{"type", "boolean"}});
const json kString = object_with("Name", {{"type", "string"}});

TEST(TypeKeyword, AcceptsMatchingTypes) {
  EXPECT_TRUE(is_valid(kInteger, {{"ContactId", 5}}));
  EXPECT_TRUE(is_valid(kNumber, {{"Price", 2.5}}));
  EXPECT_TRUE(is_valid(kBoolean, {{"Flag", false}}));
  EXPECT_TRUE(is_valid(kString, {{"Name", "x"}}));
}

TEST(TypeKeyword, NamesParameterAndActualType) {
  EXPECT_EQ(message_for(kString, {{"Name", 5}}), "Name must be a string (got number).");
  EXPECT_EQ(message_for(kInteger, {{"ContactId", json::array()}}),
            "ContactId must be an integer (got array).");
  EXPECT_EQ(message_for(kBoolean, {{"Flag", nullptr}}),
            "Flag must be a boolean (true or false) (got null).");
}

TEST(TypeKeyword, ShowsOffendingStringValue) {
  EXPECT_EQ(message_for(kInteger, {{"ContactId", "abc"}}),
            "ContactId must be an integer (got \"abc\").");
}

TEST(TypeKeyword, IntegerRejectsFractionAndShowsIt) {
  EXPECT_EQ(message_for(kInteger, {{"ContactId", 1.5}}), "ContactId must be an integer (got 1.5).");
}

TEST(TypeKeyword, NumberAcceptsIntegers) { EXPECT_TRUE(is_valid(kNumber, {{"Price", 3}})); }

TEST(TypeKeyword, ArrayOfTypesAcceptsAnyListed) {
  const json schema = object_with("Id", {{"type", json::array({"string", "null"})}});
  EXPECT_TRUE(is_valid(schema, {{"Id", "a"}}));
  EXPECT_TRUE(is_valid(schema, {{"Id", nullptr}}));
  EXPECT_EQ(message_for(schema, {{"Id", 4}}), "Id must be a string or null (got number).");
}

TEST(TypeKeyword, RootMustBeAnObject) {
  const json schema = {{"type", "object"}};
  EXPECT_EQ(message_for(schema, json::array()), "arguments must be a JSON object (got array).");
  EXPECT_EQ(message_for(schema, "x"), "arguments must be a JSON object (got \"x\").");
  EXPECT_EQ(path_for(schema, 5), "");
}

TEST(TypeKeyword, UnknownTypeNameIsIgnored) {
  EXPECT_TRUE(is_valid(object_with("X", {{"type", "strin"}}), {{"X", 1}}));
}

TEST(Coercion, NumericStringBecomesInteger) {
  const json result = coerced(kInteger, {{"ContactId", "42"}});
  EXPECT_TRUE(result["ContactId"].is_number_integer());
  EXPECT_EQ(result["ContactId"], 42);
}

TEST(Coercion, NegativeNumericStringBecomesInteger) {
  EXPECT_EQ(coerced(kInteger, {{"ContactId", "-3"}})["ContactId"], -3);
}

TEST(Coercion, IntegralFloatCountsAsIntegerAndIsStoredAsOne) {
  const json result = coerced(kInteger, {{"ContactId", 5.0}});
  EXPECT_TRUE(result["ContactId"].is_number_integer());
  EXPECT_TRUE(is_valid(kInteger, {{"ContactId", 5.0}}));
}

TEST(Coercion, DecimalStringIsNotAnInteger) {
  EXPECT_EQ(message_for(kInteger, {{"ContactId", "5.0"}}),
            "ContactId must be an integer (got \"5.0\").");
}

TEST(Coercion, PaddedStringIsNotAnInteger) {
  EXPECT_FALSE(is_valid(kInteger, {{"ContactId", " 5"}}));
  EXPECT_EQ(coerced(kInteger, {{"ContactId", " 5"}})["ContactId"], " 5");
}

TEST(Coercion, OverflowingStringIsNotAnInteger) {
  EXPECT_FALSE(is_valid(kInteger, {{"ContactId", "99999999999999999999"}}));
}

TEST(Coercion, NumericStringBecomesNumber) {
  EXPECT_EQ(coerced(kNumber, {{"Price", "2.5"}})["Price"], 2.5);
  EXPECT_EQ(coerced(kNumber, {{"Price", "7"}})["Price"], 7);
}

TEST(Coercion, BooleanStringsInAnyCase) {
  EXPECT_EQ(coerced(kBoolean, {{"Flag", "TRUE"}})["Flag"], true);
  EXPECT_EQ(coerced(kBoolean, {{"Flag", "false"}})["Flag"], false);
  EXPECT_EQ(message_for(kBoolean, {{"Flag", "yes"}}),
            "Flag must be a boolean (true or false) (got \"yes\").");
}

TEST(Coercion, NumbersAreNotTurnedIntoStrings) {
  const json result = coerced(kString, {{"Name", 12}});
  EXPECT_EQ(result["Name"], 12);
  EXPECT_FALSE(is_valid(kString, {{"Name", 12}}));
}

TEST(Coercion, BooleansAreNotTurnedIntoIntegers) {
  EXPECT_FALSE(is_valid(kInteger, {{"ContactId", true}}));
}

TEST(Coercion, StringStaysStringWhenStringIsAllowed) {
  const json schema = object_with("Id", {{"type", json::array({"integer", "string"})}});
  const json result = coerced(schema, {{"Id", "12"}});
  EXPECT_EQ(result["Id"], "12");
}

TEST(Coercion, RecursesIntoNestedObjectsAndArrays) {
  const json schema = {
      {"type", "object"},
      {"properties",
       {{"Items",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties", {{"qty", {{"type", "integer"}}}, {"on", {{"type", "boolean"}}}}}}}}}}}};
  const json result = coerced(schema, {{"Items", {{{"qty", "3"}, {"on", "true"}}}}});
  EXPECT_EQ(result["Items"][0]["qty"], 3);
  EXPECT_EQ(result["Items"][0]["on"], true);
}

TEST(Coercion, NoTypeMeansNoCoercion) {
  EXPECT_EQ(coerced(object_with("X", json::object()), {{"X", "5"}})["X"], "5");
}

TEST(Coercion, CoercedValueIsThenCheckedAgainstConstraints) {
  const json schema = object_with("ContactId", {{"type", "integer"}, {"minimum", 1}});
  EXPECT_EQ(message_for(schema, {{"ContactId", "0"}}),
            "ContactId must be an integer >= 1 (got 0).");
}

}  // namespace
}  // namespace acmcp::schema::testing
