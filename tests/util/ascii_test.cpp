// ASCII letter case: the one comparison that ignores case, and lower/upper case copies.
#include "util/ascii.hpp"

#include <gtest/gtest.h>

namespace acmcp::util {
namespace {

TEST(Ascii, EqualsIgnoringCase) {
  EXPECT_TRUE(equals_ignoring_case("Shopify", "sHOPIFY"));
  EXPECT_TRUE(equals_ignoring_case("", ""));
  EXPECT_FALSE(equals_ignoring_case("vip", "vips"));
  EXPECT_FALSE(equals_ignoring_case("vip", "vib"));
}

TEST(Ascii, OnlyAsciiLettersChangeCase) {
  EXPECT_EQ(to_lower("Deal 42_X"), "deal 42_x");
  EXPECT_EQ(to_upper("usd-eur"), "USD-EUR");
  EXPECT_EQ(to_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // "ÉTÉ": É is left as it is
  EXPECT_FALSE(equals_ignoring_case("\xC3\xA9", "\xC3\x89"));     // é and É are not ASCII
}

}  // namespace
}  // namespace acmcp::util
