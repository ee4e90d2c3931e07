// Unit tests for the string parsers behind argument coercion.
#include "schema/coercion.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace acmcp::schema {
namespace {

TEST(ParseInteger, AcceptsPlainDigits) { EXPECT_EQ(parse_integer("42"), 42); }
TEST(ParseInteger, AcceptsLeadingMinus) { EXPECT_EQ(parse_integer("-7"), -7); }
TEST(ParseInteger, AcceptsInt64Extremes) {
  EXPECT_EQ(parse_integer("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_integer("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
}
TEST(ParseInteger, RejectsOverflow) { EXPECT_FALSE(parse_integer("9223372036854775808")); }
TEST(ParseInteger, RejectsEmptyAndSignOnly) {
  EXPECT_FALSE(parse_integer(""));
  EXPECT_FALSE(parse_integer("-"));
}
TEST(ParseInteger, RejectsPlusSign) { EXPECT_FALSE(parse_integer("+5")); }
TEST(ParseInteger, RejectsSpaces) {
  EXPECT_FALSE(parse_integer(" 5"));
  EXPECT_FALSE(parse_integer("5 "));
}
TEST(ParseInteger, RejectsDecimals) {
  EXPECT_FALSE(parse_integer("5.0"));
  EXPECT_FALSE(parse_integer("1e3"));
}
TEST(ParseInteger, RejectsHexAndWords) {
  EXPECT_FALSE(parse_integer("0x10"));
  EXPECT_FALSE(parse_integer("twelve"));
}

TEST(ParseNumber, IntegralTextBecomesInteger) {
  auto value = parse_number("12");
  ASSERT_TRUE(value);
  EXPECT_TRUE(value->is_number_integer());
  EXPECT_EQ(*value, 12);
}
TEST(ParseNumber, FractionBecomesFloat) {
  auto value = parse_number("-2.5");
  ASSERT_TRUE(value);
  EXPECT_TRUE(value->is_number_float());
  EXPECT_DOUBLE_EQ(value->get<double>(), -2.5);
}
TEST(ParseNumber, AcceptsExponent) { EXPECT_EQ(parse_number("1.5E+2"), nlohmann::json(150.0)); }
TEST(ParseNumber, HugeIntegerTextBecomesFloat) {
  auto value = parse_number("123456789012345678901234567890");
  ASSERT_TRUE(value);
  EXPECT_TRUE(value->is_number_float());
}
TEST(ParseNumber, RejectsMalformed) {
  for (const char* text : {"", "-", ".5", "5.", "1e", "1e+", "abc", "1,5", " 1", "inf", "NaN"}) {
    EXPECT_FALSE(parse_number(text)) << text;
  }
}
TEST(ParseNumber, RejectsOutOfRange) { EXPECT_FALSE(parse_number("1e999")); }

TEST(ParseBoolean, AcceptsAnyCase) {
  EXPECT_EQ(parse_boolean("true"), true);
  EXPECT_EQ(parse_boolean("FALSE"), false);
  EXPECT_EQ(parse_boolean("True"), true);
}
TEST(ParseBoolean, RejectsOtherWords) {
  for (const char* text : {"", "yes", "1", "0", "t", "truee", " true"}) {
    EXPECT_FALSE(parse_boolean(text)) << text;
  }
}

TEST(IntegralValue, ConvertsWholeNumbers) { EXPECT_EQ(integral_value(5.0), 5); }
TEST(IntegralValue, RejectsFractions) { EXPECT_FALSE(integral_value(5.5)); }
TEST(IntegralValue, RejectsValuesBeyondInt64) { EXPECT_FALSE(integral_value(1e19)); }

}  // namespace
}  // namespace acmcp::schema
