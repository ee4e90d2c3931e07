// util::compact_json must write exactly what nlohmann::json::dump() writes, escapes included.
#include "util/compact_json.hpp"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;
using acmcp::util::compact_json;

void expect_same_as_dump(const json& value) {
  EXPECT_EQ(compact_json(value), value.dump()) << value.dump();
}

TEST(CompactJson, ScalarsMatchDump) {
  for (const json& value : {json(nullptr), json(true), json(false), json(0), json(-42),
                            json(9223372036854775807LL), json(18446744073709551615ULL),
                            json(1.5), json(-0.1), json(1e300), json("")}) {
    expect_same_as_dump(value);
  }
}

TEST(CompactJson, NestedContainersMatchDump) {
  expect_same_as_dump(json::parse(
      R"({"b":[1,{"z":null,"a":[]},{}],"a":{"x":"y","n":-3},"c":[[[]]],"d":"text"})"));
}

TEST(CompactJson, EscapesQuotesBackslashesAndControlCharacters) {
  std::string every_control;
  for (char c = 1; c < 0x20; ++c) every_control.push_back(c);
  expect_same_as_dump(json(every_control + "\"quoted\" back\\slash \x7f end"));
  expect_same_as_dump(json{{"key \"with\" quotes\n", "v"}});
}

TEST(CompactJson, KeepsNonAsciiTextAsUtf8) {
  expect_same_as_dump(json{{"naïve", "Grüße, 東京 🎉"}});
}

TEST(CompactJson, InvalidUtf8ThrowsByDefaultLikeDump) {
  const json value = std::string("bad \xff byte");
  EXPECT_THROW(compact_json(value), json::type_error);
}

TEST(CompactJson, InvalidUtf8IsReplacedWhenAsked) {
  const json value = {{"k", std::string("bad \xff byte")}};
  EXPECT_EQ(compact_json(value, json::error_handler_t::replace),
            value.dump(-1, ' ', false, json::error_handler_t::replace));
}

TEST(CompactJson, AppendsToExistingText) {
  std::string out = "prefix:";
  acmcp::util::append_compact_json(out, json{1, "a"});
  EXPECT_EQ(out, R"(prefix:[1,"a"])");
}

}  // namespace
