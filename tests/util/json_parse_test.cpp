// parse_json: the nesting limit every path into the server relies on, and strictness.
#include "util/json_parse.hpp"

#include <gtest/gtest.h>

#include <string>

#include "util/compact_json.hpp"

namespace acmcp::util {
namespace {

using Error = ParsedJson::Error;

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string nested_objects(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text += std::string(depth, '}');
  return text;
}

TEST(ParseJson, ValuesAtTheLimitParse) {
  for (const auto& text : {nested_arrays(kMaxJsonDepth), nested_objects(kMaxJsonDepth)}) {
    const auto parsed = parse_json(text);
    ASSERT_TRUE(parsed) << parsed.detail;
    EXPECT_EQ(parsed.value.dump(), text);
  }
}

TEST(ParseJson, OneLevelPastTheLimitIsTooDeep) {
  for (const auto& text : {nested_arrays(kMaxJsonDepth + 1), nested_objects(kMaxJsonDepth + 1)}) {
    const auto parsed = parse_json(text);
    EXPECT_EQ(parsed.error, Error::kTooDeep);
    EXPECT_TRUE(parsed.value.is_discarded());
    EXPECT_EQ(parsed.detail, "JSON nested deeper than 64 levels");
  }
}

// The shapes that overflowed the stack when a whole value was copied or dumped after parsing.
TEST(ParseJson, HugeNestingIsRefusedWithoutRecursion) {
  EXPECT_EQ(parse_json("{\"x\":" + nested_arrays(200'000) + "}").error, Error::kTooDeep);
  EXPECT_EQ(parse_json(nested_objects(70'000)).error, Error::kTooDeep);
  EXPECT_EQ(parse_json(std::string(1'000'000, '[')).error, Error::kTooDeep);
}

TEST(ParseJson, DepthCountsOpenContainersNotSiblings) {
  std::string wide = "[";
  for (int i = 0; i < 10'000; ++i) wide += nested_arrays(10) + ",";
  wide += "1]";
  EXPECT_TRUE(parse_json(wide));
}

TEST(ParseJson, TheLimitCanBeSetPerCall) {
  EXPECT_TRUE(parse_json(nested_arrays(3), 3));
  EXPECT_EQ(parse_json(nested_arrays(4), 3).error, Error::kTooDeep);
}

TEST(ParseJson, SyntaxErrorsAreSyntaxErrors) {
  for (const char* text : {"", " ", "{", "{\"a\":}", "[1,]", "{} {}", "{}x", "nul"}) {
    const auto parsed = parse_json(text);
    EXPECT_EQ(parsed.error, Error::kSyntax) << text;
    EXPECT_TRUE(parsed.value.is_discarded()) << text;
  }
  EXPECT_EQ(parse_json(std::string_view{}).error, Error::kSyntax);  // no data pointer at all
}

// nlohmann stops reading at a NUL byte and would accept what came before it.
TEST(ParseJson, ARawNulByteAnywhereIsASyntaxError) {
  using namespace std::string_literals;
  for (const auto& text : {"{\"a\":1}\0garbage"s, "{\"a\":\"b\0c\"}"s, "\0"s, "{}\0"s}) {
    const auto parsed = parse_json(text);
    EXPECT_EQ(parsed.error, Error::kSyntax);
    EXPECT_EQ(parsed.detail, "a raw NUL byte is not allowed in JSON text");
  }
  EXPECT_TRUE(parse_json("{\"a\":\"\\u0000\"}"));  // an escaped NUL is a character like any other
}

// nlohmann holds an integer beyond 64 bits as a double; a JSON-RPC id must come back as sent.
TEST(ParseJson, IdsBeyond64BitsStayAsWritten) {
  const std::string huge = "18446744073709551616";
  for (const std::string& text :
       {R"({"id":)" + huge + R"(,"jsonrpc":"2.0","method":"ping"})",
        R"([{"id":)" + huge + R"(,"jsonrpc":"2.0","method":"ping"}])",
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":)" + huge +
            "}}"}) {
    const auto parsed = parse_json(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(compact_json(parsed.value), text);
  }
  EXPECT_TRUE(is_raw_json(parse_json("{\"id\":-" + huge + "}").value["id"]));
}

TEST(ParseJson, OnlyIdsAreKeptAsText) {
  const auto parsed =
      parse_json(R"({"id":7,"params":{"arguments":{"id":18446744073709551616},"x":1.5}})");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed.value["id"].is_number_integer());
  EXPECT_TRUE(parsed.value["params"]["arguments"]["id"].is_number_float());
  EXPECT_TRUE(parsed.value["params"]["x"].is_number_float());
  EXPECT_FALSE(parse_json(R"({"id":1.5e30})").value["id"].is_binary());
}

TEST(ParseJson, ScalarsAndWhitespaceParse) {
  EXPECT_EQ(parse_json(" 42 ").value, 42);
  EXPECT_EQ(parse_json("\"x\"").value, "x");
  EXPECT_EQ(parse_json("null").value, nullptr);
}

}  // namespace
}  // namespace acmcp::util
