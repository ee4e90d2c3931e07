// Hostile and awkward inputs: deep nesting, huge values, malformed schemas; nothing may crash,
// throw or hang.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "schema_test_support.hpp"

namespace acmcp::schema::testing {
namespace {

json nested_arrays(int levels) {
  json value = json::array();
  for (int i = 1; i < levels; ++i) value = json::array({std::move(value)});
  return value;
}

TEST(Robustness, DeepNestingIsRefused) {
  json args = {{"X", nested_arrays(100000)}};
  std::optional<ValidationError> error;
  EXPECT_NO_THROW(error = coerce_and_validate(json{{"type", "object"}}, args));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message,
            "arguments are nested too deeply: at most 64 levels of objects and arrays are "
            "accepted.");
}

TEST(Robustness, NestingAtTheLimitIsAccepted) {
  EXPECT_TRUE(is_valid({{"type", "object"}}, {{"X", nested_arrays(63)}}));
  EXPECT_FALSE(is_valid({{"type", "object"}}, {{"X", nested_arrays(64)}}));
}

TEST(Robustness, DeepNestingUnderUniqueItemsAndEnumStaysSafe) {
  const json schema = object_with("X", {{"uniqueItems", true}, {"enum", {1}}});
  EXPECT_FALSE(is_valid(schema, {{"X", {nested_arrays(50), nested_arrays(50)}}}));
}

TEST(Robustness, HugeStringIsHandledQuickly) {
  const std::string huge(5'000'000, 'x');
  const json schema = object_with("Name", {{"type", "string"}, {"maxLength", 255}});
  const auto start = std::chrono::steady_clock::now();
  const std::string message = message_for(schema, {{"Name", huge}});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(message, "Name must be at most 255 characters long (got 5000000 characters).");
}

TEST(Robustness, HugeStringInEnumMessageIsShortened) {
  const std::string message =
      message_for(object_with("S", {{"enum", {"a"}}}), {{"S", std::string(100000, 'z')}});
  EXPECT_LT(message.size(), 150u);
}

TEST(Robustness, LargeArrayWithUniqueItemsIsFast) {
  json items = json::array();
  for (int i = 0; i < 30000; ++i) items.push_back(i);
  const json schema = object_with("Ids", {{"uniqueItems", true}, {"items", {{"type", "integer"}}}});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(is_valid(schema, {{"Ids", items}}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(Robustness, InvalidUtf8InValueDoesNotThrow) {
  json args = {{"X", std::string("bad \xFF")}};
  std::optional<ValidationError> error;
  EXPECT_NO_THROW(error = coerce_and_validate(object_with("X", {{"type", "integer"}}), args));
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("X must be an integer"), std::string::npos);
}

// Found by fuzz_tool_arguments: an integral float beyond 64 bits passed as an integer and a
// CRUD template then converted it to long long (undefined behaviour).
TEST(Robustness, IntegralFloatBeyond64BitsIsNotAnInteger) {
  const json schema = object_with("Offset", {{"type", "integer"}, {"minimum", 0}});
  json args = json::parse(R"({"Offset": 184467440737095516160})");
  const auto error = coerce_and_validate(schema, args);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "Offset must be an integer (got 1.844674407370955e+20).");
  json fits = json::parse(R"({"Offset": 4611686018427387904.0})");  // 2^62, written as a float
  EXPECT_FALSE(coerce_and_validate(schema, fits));
  EXPECT_EQ(fits["Offset"], json(std::int64_t{1} << 62));
}

TEST(Robustness, MalformedSchemaKeywordsAreIgnored) {
  const json schema = json::parse(R"({"type":"object","required":"A","properties":[1],
    "minimum":"x","maxLength":-1,"enum":5,"allOf":{},"items":3,"dependentRequired":[],
    "minProperties":"2","pattern":7,"format":1})");
  EXPECT_TRUE(is_valid(schema, {{"B", 1}}));
}

TEST(Robustness, NonObjectSchemaAcceptsEverything) {
  EXPECT_TRUE(is_valid(json(42), {{"x", 1}}));
  EXPECT_TRUE(is_valid(json(nullptr), json::array()));
}

TEST(Robustness, NumbersAtTheEdges) {
  const json schema = object_with("N", {{"type", "integer"}, {"minimum", 1}, {"multipleOf", 1}});
  EXPECT_TRUE(is_valid(schema, {{"N", "9223372036854775807"}}));
  EXPECT_FALSE(is_valid(schema, {{"N", "-9223372036854775808"}}));
  EXPECT_TRUE(is_valid(object_with("N", {{"multipleOf", 2}}), {{"N", -9223372036854775807LL - 1}}));
}

TEST(Robustness, ConcurrentValidationGivesTheSameAnswers) {
  const json schema =
      object_with("Code", {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}, {"format", "date"}});
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        if (message_for(schema, {{"Code", "abc"}}) !=
            "Code must match the pattern ^[A-Z]{3}$ (got \"abc\").") {
          ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : failures) EXPECT_EQ(count, 0);
}

}  // namespace
}  // namespace acmcp::schema::testing
