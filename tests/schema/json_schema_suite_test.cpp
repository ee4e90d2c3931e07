// The validator against the official JSON Schema Test Suite (Debian's json-schema-test-suite).
//
// Debian 12 ships the suite's draft3 to draft7 only, while our schemas are 2020-12 (the subset
// listed in validator.hpp), so draft7 is run: it is the newest draft available, and for the
// keywords both drafts share the semantics are the same. Where they differ, the draft7 form is
// refused at load by find_unsupported_keyword: array-form `items` (listed below with the reason),
// and `dependencies`, `additionalItems` and `definitions`, which 2020-12 renamed or dropped and
// whose files are classified as keywords we do not implement.
//
// Every case of every file runs, through the same two steps as a tool call's arguments:
//  1. find_unsupported_keyword, as at start-up: a schema using a keyword the validator does not
//     implement is refused, and its cases are counted as refused rather than run. This is what
//     proves the refusal: files of keywords we do not implement must be refused, not passed.
//  2. coerce_and_validate, whose answer must equal the case's `valid`, except for the listed
//     deliberate differences.
// `default` is not applied (apply_defaults is a separate step of a tool call; here it is an
// annotation, as the suite expects). The optional files run too. For `format`, draft7 expects
// assertion, which is what our validator does for the four formats it checks (2020-12 makes that
// opt-in, as its format-assertion vocabulary); every other format is refused at load.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "schema/supported.hpp"
#include "schema/validator.hpp"

namespace acmcp::schema {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

fs::path suite_dir() {
  if (const char* dir = std::getenv("ACMCP_JSON_SCHEMA_SUITE_DIR")) return dir;
  return "/usr/share/json-schema-test-suite/tests/draft7";
}

// Whether the file's own keyword is one the validator implements; for such files a group refused
// at load for that same keyword needs a DraftDifference.
enum class Keyword { Implemented, NotImplemented };

struct SuiteFile {
  const char* name;  // relative to the draft directory
  Keyword keyword;
};

// Every file of the draft7 suite; SuiteFiles.ListsEveryFileOfTheSuite keeps this complete.
constexpr SuiteFile kFiles[] = {
    {"additionalItems.json", Keyword::NotImplemented},
    {"additionalProperties.json", Keyword::Implemented},
    {"allOf.json", Keyword::Implemented},
    {"anyOf.json", Keyword::Implemented},
    {"boolean_schema.json", Keyword::Implemented},
    {"const.json", Keyword::Implemented},
    {"contains.json", Keyword::NotImplemented},
    {"default.json", Keyword::Implemented},
    {"definitions.json", Keyword::NotImplemented},
    {"dependencies.json", Keyword::NotImplemented},
    {"enum.json", Keyword::Implemented},
    {"exclusiveMaximum.json", Keyword::Implemented},
    {"exclusiveMinimum.json", Keyword::Implemented},
    {"if-then-else.json", Keyword::Implemented},
    {"items.json", Keyword::Implemented},
    {"maxItems.json", Keyword::Implemented},
    {"maxLength.json", Keyword::Implemented},
    {"maxProperties.json", Keyword::Implemented},
    {"maximum.json", Keyword::Implemented},
    {"minItems.json", Keyword::Implemented},
    {"minLength.json", Keyword::Implemented},
    {"minProperties.json", Keyword::Implemented},
    {"minimum.json", Keyword::Implemented},
    {"multipleOf.json", Keyword::Implemented},
    {"not.json", Keyword::Implemented},
    {"oneOf.json", Keyword::Implemented},
    {"pattern.json", Keyword::Implemented},
    {"patternProperties.json", Keyword::NotImplemented},
    {"properties.json", Keyword::Implemented},
    {"propertyNames.json", Keyword::NotImplemented},
    {"ref.json", Keyword::NotImplemented},
    {"refRemote.json", Keyword::NotImplemented},
    {"required.json", Keyword::Implemented},
    {"type.json", Keyword::Implemented},
    {"uniqueItems.json", Keyword::Implemented},
    {"optional/bignum.json", Keyword::Implemented},
    {"optional/content.json", Keyword::NotImplemented},
    {"optional/ecmascript-regex.json", Keyword::NotImplemented},  // format "regex"
    {"optional/zeroTerminatedFloats.json", Keyword::Implemented},
    {"optional/format/date-time.json", Keyword::Implemented},
    {"optional/format/date.json", Keyword::Implemented},
    {"optional/format/email.json", Keyword::Implemented},
    {"optional/format/hostname.json", Keyword::NotImplemented},
    {"optional/format/idn-email.json", Keyword::NotImplemented},
    {"optional/format/idn-hostname.json", Keyword::NotImplemented},
    {"optional/format/ipv4.json", Keyword::NotImplemented},
    {"optional/format/ipv6.json", Keyword::NotImplemented},
    {"optional/format/iri-reference.json", Keyword::NotImplemented},
    {"optional/format/iri.json", Keyword::NotImplemented},
    {"optional/format/json-pointer.json", Keyword::NotImplemented},
    {"optional/format/regex.json", Keyword::NotImplemented},
    {"optional/format/relative-json-pointer.json", Keyword::NotImplemented},
    {"optional/format/time.json", Keyword::NotImplemented},
    {"optional/format/uri-reference.json", Keyword::NotImplemented},
    {"optional/format/uri-template.json", Keyword::NotImplemented},
    {"optional/format/uri.json", Keyword::Implemented},
};

// A case where the validator answers the opposite of the suite, on purpose.
struct Deliberate {
  const char* file;
  const char* group;
  const char* test;
  const char* reason;
};

constexpr const char* kCoercion =
    "numeric strings are coerced where the schema asks for an integer or number "
    "(docs/decisions.md, \"Coercion\"): models often send numbers as strings";

constexpr const char* kInt64 =
    "an integer must fit in 64 bits: coercion, templates and ActiveCampaign's ids carry no larger "
    "one, so a float beyond int64 is not taken for an integer";

constexpr Deliberate kDeliberate[] = {
    {"type.json", "integer type matches integers",
     "a string is still not an integer, even if it looks like one", kCoercion},
    {"type.json", "number type matches numbers",
     "a string is still not a number, even if it looks like one", kCoercion},
    {"optional/bignum.json", "integer", "a bignum is an integer", kInt64},
    {"optional/bignum.json", "integer", "a negative bignum is an integer", kInt64},
};

// A group whose draft7 schema is refused at load for the file's own keyword because 2020-12
// gives that keyword another meaning.
struct DraftDifference {
  const char* file;
  const char* group;
  const char* reason;
};

constexpr const char* kTupleItems =
    "draft7's array form of items is 2020-12's prefixItems; an array `items` is refused";

constexpr DraftDifference kDraftDifferences[] = {
    {"items.json", "an array of schemas for items", kTupleItems},
    {"items.json", "items with boolean schemas", kTupleItems},
};

const Deliberate* find_deliberate(const std::string& file, const std::string& group,
                                  const std::string& test) {
  for (const auto& entry : kDeliberate) {
    if (file == entry.file && group == entry.group && test == entry.test) return &entry;
  }
  return nullptr;
}

const DraftDifference* find_draft_difference(const std::string& file, const std::string& group) {
  for (const auto& entry : kDraftDifferences) {
    if (file == entry.file && group == entry.group) return &entry;
  }
  return nullptr;
}

// "optional/format/date-time.json" -> "format" for format files, else the file's stem.
std::string keyword_of(const std::string& file) {
  if (file.starts_with("optional/format/")) return "format";
  return fs::path(file).stem().string();
}

struct Counts {
  int run = 0;
  int passed = 0;
  int deliberate = 0;
  int refused = 0;
};

class SuiteFileTest : public ::testing::TestWithParam<SuiteFile> {};

TEST_P(SuiteFileTest, EveryCaseRunsOrIsRefusedAtLoad) {
  const fs::path dir = suite_dir();
  if (!fs::is_directory(dir)) {
    GTEST_SKIP() << dir << " is missing: apt-get install json-schema-test-suite "
                 << "(tools/install-deps.sh test)";
  }
  const std::string file = GetParam().name;
  std::ifstream in(dir / file);
  ASSERT_TRUE(in) << "cannot open " << (dir / file);
  const json groups = json::parse(in);
  const std::string own_keyword = keyword_of(file);

  Counts counts;
  std::set<std::string> refused_groups;
  std::map<std::string, int> refused_for;  // keyword -> cases
  for (const json& group : groups) {
    const std::string group_name = group.at("description").get<std::string>();
    const json& schema = group.at("schema");
    const json& tests = group.at("tests");
    SCOPED_TRACE(file + " / " + group_name);

    const auto refusal = find_unsupported_keyword(schema);
    const DraftDifference* draft_difference = find_draft_difference(file, group_name);
    if (refusal) {
      ASSERT_FALSE(refusal->message.empty());
      if (GetParam().keyword == Keyword::Implemented && refusal->keyword == own_keyword) {
        EXPECT_NE(draft_difference, nullptr)
            << "refused for its own, implemented keyword without a listed reason: "
            << refusal->message;
      }
      counts.refused += static_cast<int>(tests.size());
      refused_for[refusal->keyword] += static_cast<int>(tests.size());
      refused_groups.insert(group_name);
      continue;
    }
    EXPECT_EQ(draft_difference, nullptr) << "listed as a draft difference but not refused";

    for (const json& test : tests) {
      const std::string test_name = test.at("description").get<std::string>();
      const bool expected = test.at("valid").get<bool>();
      json instance = test.at("data");
      const auto error = coerce_and_validate(schema, instance);
      const bool valid = !error.has_value();
      ++counts.run;
      const Deliberate* deliberate = find_deliberate(file, group_name, test_name);
      if (deliberate != nullptr) {
        ++counts.deliberate;
        EXPECT_NE(valid, expected) << test_name << ": listed as a deliberate difference ("
                                   << deliberate->reason << ") but the validator agrees";
        continue;
      }
      EXPECT_EQ(valid, expected) << test_name << ": data " << test.at("data").dump()
                                 << (error ? ", error: " + error->message : std::string());
      if (valid == expected) ++counts.passed;
    }
  }
  if (GetParam().keyword == Keyword::NotImplemented) {
    EXPECT_FALSE(refused_groups.empty())
        << "a file of a keyword the validator does not implement must be refused at load";
  }
  RecordProperty("run", counts.run);
  RecordProperty("passed", counts.passed);
  RecordProperty("deliberate", counts.deliberate);
  RecordProperty("refused", counts.refused);
  std::cout << "[ suite    ] " << file << ": run " << counts.run << ", passed " << counts.passed
            << ", deliberate " << counts.deliberate << ", refused at load " << counts.refused;
  for (const auto& [keyword, cases] : refused_for) std::cout << " " << keyword << ":" << cases;
  std::cout << "\n";
}

std::string file_test_name(const ::testing::TestParamInfo<SuiteFile>& info) {
  std::string name;
  for (char c : std::string(info.param.name)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c == '.') break;
    name += keep ? c : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Draft7, SuiteFileTest, ::testing::ValuesIn(kFiles), file_test_name);

// The table above must follow the installed suite: a new file is classified, not skipped.
TEST(SuiteFiles, ListsEveryFileOfTheSuite) {
  const fs::path dir = suite_dir();
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is missing";
  std::set<std::string> listed;
  for (const auto& file : kFiles) listed.insert(file.name);
  std::set<std::string> present;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      present.insert(fs::relative(entry.path(), dir).generic_string());
    }
  }
  EXPECT_EQ(listed, present);
}

// Each listed difference names a real file, group and case, so none outlives its reason.
TEST(SuiteFiles, ListedDifferencesExist) {
  const fs::path dir = suite_dir();
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is missing";
  std::map<std::string, json> documents;
  const auto document = [&](const std::string& file) -> const json& {
    auto it = documents.find(file);
    if (it == documents.end()) {
      std::ifstream in(dir / file);
      it = documents.emplace(file, json::parse(in, nullptr, false)).first;
    }
    return it->second;
  };
  // Group descriptions repeat within a file (bignum.json has two "integer" groups).
  const auto count_cases = [&](const std::string& file, const std::string& group,
                               const char* test) {
    int found = 0;
    for (const json& entry : document(file)) {
      if (entry.value("description", "") != group) continue;
      for (const json& each : entry.at("tests")) {
        found += test == nullptr || each.value("description", "") == test ? 1 : 0;
      }
    }
    return found;
  };
  for (const auto& entry : kDeliberate) {
    EXPECT_EQ(count_cases(entry.file, entry.group, entry.test), 1)
        << entry.file << " / " << entry.group << " / " << entry.test;
  }
  for (const auto& entry : kDraftDifferences) {
    EXPECT_GT(count_cases(entry.file, entry.group, nullptr), 0)
        << entry.file << " / " << entry.group;
  }
}

}  // namespace
}  // namespace acmcp::schema
