// Unit tests for the message text helpers.
#include "schema/text.hpp"

#include <gtest/gtest.h>

namespace acmcp::schema::detail {
namespace {

TEST(Utf8Length, CountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xC3\xA9t\xC3\xA9"), 3u);  // "été"
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80"), 1u);   // one emoji, four bytes
}

TEST(QuotedPreview, QuotesShortText) { EXPECT_EQ(quoted_preview("My List"), "\"My List\""); }

TEST(QuotedPreview, EscapesQuotesAndControls) {
  EXPECT_EQ(quoted_preview("a\"b\n"), "\"a\\\"b\\n\"");
}

TEST(QuotedPreview, CutsLongTextToTheLimit) {
  const std::string preview = quoted_preview(std::string(1000, 'x'), 10);
  EXPECT_EQ(preview, "\"xxxxxxx...\"");
}

TEST(QuotedPreview, NeverCutsInsideACodePoint) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "\xC3\xA9";
  const std::string preview = quoted_preview(text, 5);
  EXPECT_EQ(preview, "\"\xC3\xA9\xC3\xA9...\"");
}

TEST(QuotedPreview, ReplacesInvalidUtf8InsteadOfThrowing) {
  EXPECT_NO_THROW(quoted_preview("bad \xFF byte"));
}

}  // namespace
}  // namespace acmcp::schema::detail
