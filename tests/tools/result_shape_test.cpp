// Result shaping (--result-format compact|full, --max-result-chars): compact_records and cut_page
// on tool results as a client receives them, then every paging tool through the real path
// (registry -> ac::Client -> loopback HTTP -> SandboxServer) over a sandbox holding at least 100
// records of every resource a get-many tool lists.
#include "tools/result_shape.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox_fixture.hpp"
#include "tools/envelope.hpp"
#include "tools/tool_registry.hpp"
#include "util/compact_json.hpp"

namespace acmcp::tools {
namespace {

using ::testing::HasSubstr;

// ---------- Helpers shared by both suites

bool is_fixed_key(const std::string& key) {
  return key == "OriginalStatusCode" || key == "StatusCode" || key == "ErrorMessage";
}

// The data of an envelope (the one member besides the three fixed ones).
json& data_of(json& envelope) {
  for (auto& [key, value] : envelope.items()) {
    if (!is_fixed_key(key)) return value;
  }
  throw std::logic_error("envelope without data: " + envelope.dump());
}
const json& data_of(const json& envelope) { return data_of(const_cast<json&>(envelope)); }

// The record array of a page: the data itself, or its one array member.
json* records_in(json& data) {
  if (data.is_array()) return &data;
  if (!data.is_object()) return nullptr;
  for (auto& [key, value] : data.items()) {
    if (value.is_array()) return &value;
  }
  return nullptr;
}
const json& records_of(const json& envelope) {
  const json* records = records_in(const_cast<json&>(data_of(envelope)));
  if (records == nullptr) throw std::logic_error("no record array: " + envelope.dump());
  return *records;
}

// What the requirement says a cut page says about having more.
void mark_more(json& data) {
  if (!data.is_object()) return;
  for (const char* key : {"HasMore", "hasMore"}) {
    if (data.contains(key)) data[key] = true;
  }
  if (data.contains("Pagination") && data["Pagination"].is_object() &&
      data["Pagination"].contains("hasMore")) {
    data["Pagination"]["hasMore"] = true;
  }
}

// `envelope` with its records shortened to the first `kept` and the page marked as having more.
json cut_to(json envelope, std::size_t kept) {
  json& data = data_of(envelope);
  json* records = records_in(data);
  records->erase(records->begin() + static_cast<std::ptrdiff_t>(kept), records->end());
  mark_more(data);
  return envelope;
}

std::string text(const json& value) {
  return util::compact_json(value, json::error_handler_t::replace);
}

const std::string& content_text(const json& result, std::size_t index = 0) {
  return result.at("content").at(index).at("text").get_ref<const std::string&>();
}

// The second content item of a cut page: "<kept> of the <returned> records ... Continue with
// Offset <offset>".
struct Note {
  std::size_t kept = 0;
  std::size_t returned = 0;
  std::uint64_t offset = 0;
};

std::optional<Note> note_of(const json& result) {
  if (result.at("content").size() < 2) return std::nullopt;
  const json& item = result["content"][1];
  if (item.value("type", "") != "text") return std::nullopt;
  const std::string& words = item.at("text").get_ref<const std::string&>();
  static const std::regex counts(R"((\d+) of the (\d+) records)");
  static const std::regex offset(R"(Continue with Offset (\d+))");
  std::smatch count_match;
  std::smatch offset_match;
  if (!std::regex_search(words, count_match, counts) ||
      !std::regex_search(words, offset_match, offset)) {
    return std::nullopt;
  }
  return Note{std::stoull(count_match[1]), std::stoull(count_match[2]),
              std::stoull(offset_match[1])};
}

// Whether a null member or a links object/array is left anywhere inside `value`.
bool has_null_or_links(const json& value) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (member.is_null()) return true;
      if (key == "links" && (member.is_object() || member.is_array())) return true;
      if (has_null_or_links(member)) return true;
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (has_null_or_links(item)) return true;
    }
  }
  return false;
}

json compacted(json value) {
  compact_records(value);
  return value;
}

// ---------- Unit tests: compact_records

// A record the way ActiveCampaign sends one: strings, nulls, links and nested objects.
json contact_record(int i, std::size_t filler = 0) {
  const std::string id = std::to_string(i);
  return json{{"id", id},
              {"email", "person" + id + "@example.com"},
              {"firstName", "First" + std::string(filler + static_cast<std::size_t>(i % 7), 'x')},
              {"lastName", "Last" + id},
              {"bounced_date", nullptr},
              {"orgid", "0"},
              {"ua", nullptr},
              {"links",
               {{"contactLists", "https://acct.api-us1.com/api/3/contacts/" + id + "/contactLists"},
                {"notes", "https://acct.api-us1.com/api/3/contacts/" + id + "/notes"}}}};
}

TEST(ResultShape, CompactDropsNullsAndLinksAtAnyDepthAndKeepsTheRest) {
  json data = {{"Contacts",
                {{{"id", "1"},
                  {"email", "a@example.com"},
                  {"ua", nullptr},
                  {"links", {{"notes", "https://x/api/3/contacts/1/notes"}}},
                  {"empty", ""},
                  {"zero", 0},
                  {"no", false},
                  {"none", json::array()},
                  {"nothing", json::object()},
                  {"fieldValues",
                   {{{"field", "1"},
                     {"value", nullptr},
                     {"links", {{"owner", "https://x/api/3/fieldValues/1/owner"}}}},
                    {{"field", "2"}, {"value", "Gold"}}}},
                  {"organization",
                   {{"name", "Acme"},
                    {"deleted_at", nullptr},
                    {"links", json::array({"https://x/api/3/accounts/1"})},
                    {"deeper", {{"links", {{"a", "b"}}}, {"gone", nullptr}, {"kept", 1.5}}}}}}}},
               {"Total", 1},
               {"Gone", nullptr}};
  compact_records(data);
  const json expected = {
      {"Contacts",
       {{{"id", "1"},
         {"email", "a@example.com"},
         {"empty", ""},
         {"zero", 0},
         {"no", false},
         {"none", json::array()},
         {"nothing", json::object()},
         {"fieldValues", {{{"field", "1"}}, {{"field", "2"}, {"value", "Gold"}}}},
         {"organization", {{"name", "Acme"}, {"deeper", {{"kept", 1.5}}}}}}}},
      {"Total", 1}};
  EXPECT_EQ(data, expected);
}

TEST(ResultShape, CompactWorksOnADataArrayOfRecords) {
  json data = json::array();
  for (int i = 1; i <= 3; ++i) data.push_back(contact_record(i));
  compact_records(data);
  ASSERT_EQ(data.size(), 3u);
  for (int i = 1; i <= 3; ++i) {
    const json& record = data[static_cast<std::size_t>(i - 1)];
    EXPECT_EQ(record["id"], std::to_string(i));
    EXPECT_EQ(record["orgid"], "0");
    EXPECT_FALSE(record.contains("links"));
    EXPECT_FALSE(record.contains("ua"));
    EXPECT_FALSE(record.contains("bounced_date"));
  }
  EXPECT_FALSE(has_null_or_links(data));
}

TEST(ResultShape, CompactKeepsLinksThatIsAStringOrNumberAndArrayItems) {
  json data = {{"Tags",
                {{{"id", "1"}, {"links", "https://example.com/a-link-field"}},
                 {{"id", "2"}, {"links", 3}},
                 {{"id", "3"}, {"links", nullptr}}}},
               {"Values", {nullptr, 1, "x"}}};
  compact_records(data);
  EXPECT_EQ(data["Tags"][0]["links"], "https://example.com/a-link-field");
  EXPECT_EQ(data["Tags"][1]["links"], 3);
  EXPECT_EQ(data["Tags"][2], json({{"id", "3"}}));
  // Only members are dropped: an array keeps its positions.
  EXPECT_EQ(data["Values"], json({nullptr, 1, "x"}));
}

TEST(ResultShape, CompactLeavesScalarsAlone) {
  for (json value : {json(nullptr), json("text"), json(3), json(false)}) {
    const json before = value;
    compact_records(value);
    EXPECT_EQ(value, before);
  }
}

// ---------- Unit tests: cut_page

// Records of varied lengths, so that every boundary between k and k+1 records is at a different
// distance from the one before.
json varied_records(int count, int first_id = 1) {
  json records = json::array();
  for (int i = first_id; i < first_id + count; ++i) {
    records.push_back(compacted(contact_record(i, static_cast<std::size_t>((i * 37) % 90))));
  }
  return records;
}

json page_result(const std::string& data_key, json data) {
  Envelope envelope;
  envelope.data_key = data_key;
  envelope.data = std::move(data);
  envelope.original_status = 200;
  return testkit::as_sent(tool_result(std::move(envelope)));
}

// cut_page on a result as a client receives it, so that the checks read what is sent.
std::size_t cut_sent_page(json& sent, std::size_t max_chars, std::uint64_t offset,
                          const std::string& records_key = "") {
  mcp::ToolResult result;
  result.envelope = sent.at("structuredContent");
  result.status_code = result.envelope.at("StatusCode").get<int>();
  result.is_error = sent.at("isError").get<bool>();
  const std::size_t kept = cut_page(result, max_chars, offset, records_key);
  sent = testkit::as_sent(result);
  return kept;
}

// The page shapes of the get-many tools: a total only, HasMore, hasMore, Pagination.hasMore, and
// the data as the record array itself (get_ecommerce_order_products_by_order_id).
struct PageShape {
  std::string name;
  std::string data_key;
  json data;
};

std::vector<PageShape> page_shapes(int count) {
  const json records = varied_records(count);
  return {
      {"Total", "Contacts", {{"Contacts", records}, {"Total", 250}}},
      {"HasMore",
       "AccountContacts",
       {{"AccountContacts", records},
        {"Total", 250},
        {"Limit", count},
        {"Offset", 40},
        {"HasMore", false}}},
      {"hasMore", "Orders", {{"orders", records}, {"total", "250"}, {"hasMore", false}}},
      {"Pagination",
       "Lists",
       {{"Lists", records},
        {"Pagination", {{"limit", count}, {"offset", 40}, {"total", 250}, {"hasMore", false}}}}},
      {"array", "Products", records},
  };
}

TEST(ResultShape, CutPageLeavesAPageThatFitsUntouched) {
  for (const auto& shape : page_shapes(10)) {
    SCOPED_TRACE(shape.name);
    const json original = page_result(shape.data_key, shape.data);
    const std::size_t length = content_text(original).size();
    for (std::size_t max_chars : {length, length + 1, std::size_t{1000000}, std::size_t{0}}) {
      json result = original;
      EXPECT_EQ(cut_sent_page(result, max_chars, 40), 0u) << "max_chars " << max_chars;
      EXPECT_EQ(result, original) << "max_chars " << max_chars;
    }
    // max_chars 0 is "no limit", even for a page far beyond any limit.
    json result = original;
    EXPECT_EQ(cut_sent_page(result, 0, 0), 0u);
    EXPECT_EQ(result, original);
  }
}

// For every max_chars from below one record up to the whole page: the count kept is the largest
// whose text fits (one more would not), never below one; the text is the structuredContent.
TEST(ResultShape, CutPageKeepsTheLongestRunOfWholeRecordsThatFits) {
  for (const auto& shape : page_shapes(25)) {
    SCOPED_TRACE(shape.name);
    const json original = page_result(shape.data_key, shape.data);
    const json& envelope = original["structuredContent"];
    const std::size_t count = records_of(envelope).size();
    const std::size_t full_length = content_text(original).size();
    // fitted[k]: the text length of the page cut to k records.
    std::vector<std::size_t> fitted(count + 1, 0);
    for (std::size_t k = 1; k <= count; ++k) fitted[k] = text(cut_to(envelope, k)).size();

    std::vector<std::string> problems;
    for (std::size_t max_chars = fitted[1] > 3 ? fitted[1] - 3 : 1; max_chars < full_length;
         ++max_chars) {
      // The page as sent is longer than max_chars, so at least one record goes, even where
      // all of them would fit once a "hasMore": false reads true.
      std::size_t expected = 1;
      while (expected < count - 1 && fitted[expected + 1] <= max_chars) ++expected;
      json result = original;
      const std::size_t kept = cut_sent_page(result, max_chars, 40);
      std::ostringstream problem;
      if (kept != expected) {
        problem << "max_chars " << max_chars << ": kept " << kept << ", but " << expected
                << " records fit (" << expected << " records: " << fitted[expected] << " chars; "
                << kept << " records: " << (kept <= count ? fitted[kept] : 0) << " chars)";
      } else if (records_of(result["structuredContent"]).size() != kept) {
        problem << "max_chars " << max_chars << ": structuredContent holds "
                << records_of(result["structuredContent"]).size() << " records, not " << kept;
      } else if (content_text(result) != text(result["structuredContent"])) {
        problem << "max_chars " << max_chars << ": the text is not the structuredContent";
      } else if (fitted[1] <= max_chars && content_text(result).size() > max_chars) {
        problem << "max_chars " << max_chars << ": the text is " << content_text(result).size()
                << " chars";
      }
      if (!problem.str().empty()) problems.push_back(problem.str());
    }
    std::string first;
    for (std::size_t i = 0; i < problems.size() && i < 5; ++i) first += "\n  " + problems[i];
    EXPECT_TRUE(problems.empty()) << problems.size() << " of " << (full_length - fitted[1] + 3)
                                  << " limits went wrong, e.g.:" << first;
  }
}

TEST(ResultShape, CutPageKeepsTheShapeAndTotalsAndSaysWhereToContinue) {
  for (const auto& shape : page_shapes(25)) {
    SCOPED_TRACE(shape.name);
    const json original = page_result(shape.data_key, shape.data);
    const json& envelope = original["structuredContent"];
    // Room for about half the records.
    const std::size_t max_chars = content_text(original).size() / 2;
    json result = original;
    const std::size_t kept = cut_sent_page(result, max_chars, 40);
    ASSERT_GT(kept, 1u);
    ASSERT_LT(kept, 25u);

    EXPECT_FALSE(result["isError"].get<bool>());
    EXPECT_LE(content_text(result).size(), max_chars);
    EXPECT_EQ(json::parse(content_text(result)), result["structuredContent"]);
    // The same records, in order; every other member as upstream reported it, except that the
    // page now says it has more after it.
    EXPECT_EQ(result["structuredContent"], cut_to(envelope, kept));
    const json& data = data_of(result["structuredContent"]);
    if (shape.name == "Total") {
      EXPECT_EQ(data["Total"], 250);
      EXPECT_FALSE(data.contains("HasMore") || data.contains("hasMore"));
    } else if (shape.name == "HasMore") {
      EXPECT_EQ(data["HasMore"], true);
      EXPECT_EQ(data["Total"], 250);
      EXPECT_EQ(data["Limit"], 25);
      EXPECT_EQ(data["Offset"], 40);
    } else if (shape.name == "hasMore") {
      EXPECT_EQ(data["hasMore"], true);
      EXPECT_EQ(data["total"], "250");
    } else if (shape.name == "Pagination") {
      EXPECT_EQ(data["Pagination"],
                json({{"limit", 25}, {"offset", 40}, {"total", 250}, {"hasMore", true}}));
    } else {
      ASSERT_TRUE(data.is_array());
      EXPECT_EQ(data.size(), kept);
    }

    ASSERT_EQ(result["content"].size(), 2u);
    EXPECT_EQ(result["content"][1]["type"], "text");
    const auto note = note_of(result);
    ASSERT_TRUE(note.has_value()) << result["content"][1].dump();
    EXPECT_EQ(note->kept, kept);
    EXPECT_EQ(note->returned, 25u);
    EXPECT_EQ(note->offset, 40u + kept);
    EXPECT_THAT(content_text(result, 1), HasSubstr(std::to_string(max_chars)));
  }
}

TEST(ResultShape, CutPageContinuesFromOffsetZeroAndFromLargeOffsets) {
  const json original = page_result("Contacts", {{"Contacts", varied_records(10)}, {"Total", 10}});
  const std::size_t max_chars = content_text(original).size() - 1;
  for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{123456789}}) {
    json result = original;
    const std::size_t kept = cut_sent_page(result, max_chars, offset);
    ASSERT_EQ(kept, 9u);
    const auto note = note_of(result);
    ASSERT_TRUE(note.has_value());
    EXPECT_EQ(note->offset, offset + 9);
    EXPECT_EQ(note->kept, 9u);
    EXPECT_EQ(note->returned, 10u);
  }
}

TEST(ResultShape, CutPageNeverCutsASingleRecord) {
  json huge = contact_record(1);
  huge["notes"] = std::string(20000, 'n');
  // A page of one record longer than the limit comes back whole, without a note.
  for (const auto& [key, data] : std::vector<std::pair<std::string, json>>{
           {"Contacts", {{"Contacts", json::array({huge})}, {"Total", 1}}},
           {"Products", json::array({huge})}}) {
    SCOPED_TRACE(key);
    const json original = page_result(key, data);
    json result = original;
    EXPECT_EQ(cut_sent_page(result, 1000, 0), 0u);
    EXPECT_EQ(result, original);
  }
  // A first record longer than the limit is kept whole, alone, and the note says so.
  const json original = page_result(
      "Lists", {{"Lists", json::array({huge, contact_record(2), contact_record(3)})},
                {"Pagination", {{"limit", 3}, {"offset", 0}, {"total", 3}, {"hasMore", false}}}});
  json result = original;
  EXPECT_EQ(cut_sent_page(result, 1000, 7), 1u);
  const json& data = data_of(result["structuredContent"]);
  ASSERT_EQ(data["Lists"].size(), 1u);
  EXPECT_EQ(data["Lists"][0], huge);
  EXPECT_EQ(data["Pagination"]["hasMore"], true);
  EXPECT_EQ(data["Pagination"]["total"], 3);
  EXPECT_EQ(content_text(result), text(result["structuredContent"]));
  const auto note = note_of(result);
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->kept, 1u);
  EXPECT_EQ(note->returned, 3u);
  EXPECT_EQ(note->offset, 8u);
}

TEST(ResultShape, CutPageOfTheOrderProductsArrayKeepsAnArray) {
  // get_ecommerce_order_products_by_order_id: the data is the product array itself.
  json products = json::array();
  for (int i = 1; i <= 100; ++i) {
    products.push_back({{"id", std::to_string(i)},
                        {"orderid", "7"},
                        {"externalid", "PROD-" + std::to_string(i)},
                        {"name", "Product number " + std::to_string(i)},
                        {"description", std::string(static_cast<std::size_t>(i % 13) * 20, 'd')},
                        {"price", std::to_string(i * 100)},
                        {"quantity", "1"}});
  }
  const json original = page_result("Products", products);
  json result = original;
  const std::size_t kept = cut_sent_page(result, 5000, 0);
  ASSERT_GT(kept, 1u);
  ASSERT_LT(kept, 100u);
  const json& data = result["structuredContent"]["Products"];
  ASSERT_TRUE(data.is_array());
  ASSERT_EQ(data.size(), kept);
  for (std::size_t i = 0; i < kept; ++i) EXPECT_EQ(data[i], products[i]);
  EXPECT_LE(content_text(result).size(), 5000u);
  EXPECT_GT(text(cut_to(original["structuredContent"], kept + 1)).size(), 5000u);
  EXPECT_EQ(json::parse(content_text(result)), result["structuredContent"]);
  const auto note = note_of(result);
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->kept, kept);
  EXPECT_EQ(note->returned, 100u);
  EXPECT_EQ(note->offset, kept);
}

TEST(ResultShape, CutPageCutsTheNamedRecordArray) {
  // A data object with a second array: the registry names the record array (records_key).
  json data = {{"deals", varied_records(20)}, {"currencies", {"usd", "eur"}}, {"total", 20}};
  const json original = page_result("Deals", data);
  const std::size_t max_chars = content_text(original).size() / 2;

  json result = original;
  const std::size_t kept = cut_sent_page(result, max_chars, 0, "deals");
  ASSERT_GT(kept, 1u);
  ASSERT_LT(kept, 20u);
  const json& cut = result["structuredContent"]["Deals"];
  EXPECT_EQ(cut["deals"].size(), kept);
  EXPECT_EQ(cut["currencies"], json({"usd", "eur"}));
  EXPECT_EQ(cut["total"], 20);
  EXPECT_LE(content_text(result).size(), max_chars);

  // Without the name, two arrays leave it unclear which holds the records: nothing is cut.
  json unnamed = original;
  EXPECT_EQ(cut_sent_page(unnamed, max_chars, 0), 0u);
  EXPECT_EQ(unnamed, original);
}

TEST(ResultShape, CutPageCountsNonAsciiTextAsItIsWritten) {
  // The limit applies to the text as sent (UTF-8 bytes), so a page of non-ASCII names still fits.
  json records = json::array();
  for (int i = 0; i < 40; ++i) {
    records.push_back({{"id", std::to_string(i)}, {"name", "Zoë Ñúñez 東京 " + std::to_string(i)}});
  }
  const json original = page_result("Accounts", {{"Accounts", records}, {"Total", 40}});
  json result = original;
  const std::size_t kept = cut_sent_page(result, 600, 0);
  ASSERT_GT(kept, 1u);
  EXPECT_LE(content_text(result).size(), 600u);
  EXPECT_GT(text(cut_to(original["structuredContent"], kept + 1)).size(), 600u);
  EXPECT_EQ(json::parse(content_text(result)), result["structuredContent"]);
}

// ---------- Through the real path

// The paging tools and the arguments for a 100-record page.
struct PagingTool {
  std::string name;
  json arguments;
};

ToolSettings shaping(bool full_results, std::size_t max_result_chars) {
  ToolSettings settings;
  settings.full_results = full_results;
  settings.max_result_chars = max_result_chars;
  return settings;
}

class ResultShapeSandbox : public SandboxTools {
 protected:
  // Default settings: compact records, pages cut at 50,000 characters.
  static ToolRegistry& shaped() {
    static ToolRegistry registry{running_client()};
    return registry;
  }
  // Today's output: records as ActiveCampaign sent them, never cut.
  static ToolRegistry& unshaped() {
    static ToolRegistry registry{running_client(), shaping(true, 0)};
    return registry;
  }
  // Compact records, pages cut at 5,000 characters.
  static ToolRegistry& small_pages() {
    static ToolRegistry registry{running_client(), shaping(false, 5000)};
    return registry;
  }
  // Pages cut at 100 characters: shorter than any one record.
  static ToolRegistry& tiny_pages() {
    static ToolRegistry registry{running_client(), shaping(false, 100)};
    return registry;
  }

  // The whole CallToolResult.
  json call_on(ToolRegistry& tools, const std::string& tool, json arguments) {
    json result =
        testkit::as_sent(boost::asio::co_spawn(io, tools.call_tool(tool, std::move(arguments), {}),
                                               boost::asio::use_future)
                             .get());
    EXPECT_FALSE(result.value("isError", true)) << tool << ": " << result.dump().substr(0, 2000);
    return result;
  }

  // A write straight into the sandbox; returns the created record.
  json create(const std::string& plural, const std::string& singular, json fields) {
    auto [status, body] = sandbox->handle("POST", "/" + plural, {}, json{{singular, fields}});
    EXPECT_TRUE(status == 200 || status == 201)
        << "POST /" << plural << " " << fields.dump() << " -> " << status << " " << body.dump();
    return body.value(singular, json::object());
  }

  std::string big_order_id;

  // At least 100 records of everything a get-many tool lists (the seed adds one to three more).
  void fill() {
    const std::vector<std::string> cities = {"Chicago", "Lisbon", "Osaka", "Nairobi", "Lyon"};
    std::vector<std::string> contacts, accounts, stages, customers;
    for (int i = 1; i <= 100; ++i) {
      const std::string n = std::to_string(i);
      contacts.push_back(create("contacts", "contact",
                                {{"email", "customer" + n + "@example.com"},
                                 {"firstName", "Customer"},
                                 {"lastName", "Number " + n},
                                 {"phone", "+1555010" + std::string(4 - n.size(), '0') + n}})
                             .value("id", ""));
      accounts.push_back(create("accounts", "account",
                                {{"name", "Company " + n + " of " + cities[i % 5]},
                                 {"accountUrl", "https://company" + n + ".example.com"}})
                             .value("id", ""));
      create("accountContacts", "accountContact",
             {{"account", accounts.back()}, {"contact", contacts.back()}, {"jobTitle", "Buyer"}});
      create("connections", "connection",
             {{"service", "shop-" + n},
              {"externalid", "shop-" + n + ".example.com"},
              {"name", "Shop " + n},
              {"logoUrl", "https://shop-" + n + ".example.com/logo.png"},
              {"linkUrl", "https://shop-" + n + ".example.com"}});
      customers.push_back(create("ecomCustomers", "ecomCustomer",
                                 {{"connectionid", "1"},
                                  {"externalid", "cust-" + n},
                                  {"email", "customer" + n + "@example.com"},
                                  {"acceptsMarketing", "1"}})
                              .value("id", ""));
      create("ecomOrders", "ecomOrder",
             {{"externalid", "order-" + n},
              {"orderNumber", n},
              {"email", "customer" + n + "@example.com"},
              {"totalPrice", 4900 + i},
              {"currency", "USD"},
              {"connectionid", 1},
              {"customerid", customers.back()},
              {"orderUrl", "https://store.example.com/orders/" + n},
              {"externalCreatedDate", "2026-11-20T16:41:39-06:00"},
              {"orderProducts",
               {{{"externalid", "SKU-" + n},
                 {"name", "Product " + n},
                 {"price", 4900 + i},
                 {"quantity", 1},
                 {"category", "Toys"},
                 {"sku", "SKU-" + n},
                 {"productUrl", "https://store.example.com/p/" + n},
                 {"imageUrl", "https://store.example.com/p/" + n + ".png"}}}}});
      create("lists", "list",
             {{"name", "Newsletter " + n},
              {"stringid", "newsletter-" + n},
              {"sender_url", "https://example.com"},
              {"sender_reminder", "You signed up on example.com."}});
      const std::string pipeline =
          create("dealGroups", "dealGroup", {{"title", "Pipeline " + n}, {"currency", "usd"}})
              .value("id", "");
      for (const char* title : {"New", "Won"}) {
        stages.push_back(create("dealStages", "dealStage", {{"title", title}, {"group", pipeline}})
                             .value("id", ""));
      }
      create("deals", "deal",
             {{"title", "Deal " + n + " with Company " + n},
              {"description", "Annual plan for company " + n + "."},
              {"value", std::to_string(100000 + i)},
              {"currency", "usd"},
              {"contact", contacts.back()},
              {"stage", stages[stages.size() - 2]}});
      create("tags", "tag",
             {{"tag", "Interest " + n}, {"tagType", "contact"}, {"description", "Tag " + n}});
    }
    // One order with 100 products, for get_ecommerce_order_products_by_order_id.
    json products = json::array();
    for (int i = 1; i <= 100; ++i) {
      const std::string n = std::to_string(i);
      products.push_back({{"externalid", "BULK-" + n},
                          {"name", "Bulk item " + n},
                          {"price", 100 + i},
                          {"quantity", 2},
                          {"category", "Supplies"},
                          {"sku", "BULK-" + n}});
    }
    big_order_id = create("ecomOrders", "ecomOrder",
                          {{"externalid", "order-bulk"},
                           {"email", "customer1@example.com"},
                           {"totalPrice", 50000},
                           {"currency", "USD"},
                           {"connectionid", 1},
                           {"customerid", customers.front()},
                           {"externalCreatedDate", "2026-11-21T09:00:00-06:00"},
                           {"orderProducts", products}})
                       .value("id", "");
    ASSERT_FALSE(big_order_id.empty());
  }

  std::vector<PagingTool> paging_tools() const {
    const json page = {{"Limit", 100}};
    json by_order = page;
    by_order["OrderId"] = big_order_id;
    return {{"get_many_account_contacts", page},
            {"get_many_accounts", page},
            {"get_many_connections", page},
            {"get_many_contacts", page},
            {"get_many_deals", page},
            {"get_ecommerce_customers", page},
            {"get_ecommerce_order_products", page},
            {"get_ecommerce_order_products_by_order_id", by_order},
            {"get_ecommerce_orders", page},
            {"get_many_lists", page},
            {"get_many_pipelines", page},
            {"get_many_stages", page},
            {"get_many_tags", page}};
  }

  // The ids of every record, reading pages of `arguments` from Offset 0 and continuing where each
  // note says (or after the last record when there is no note) until a page comes back empty.
  std::vector<std::string> walk(ToolRegistry& tools, const std::string& tool,
                                const json& arguments) {
    std::vector<std::string> walked;
    std::uint64_t offset = 0;
    for (int page = 0; page < 200; ++page) {
      json page_arguments = arguments;
      page_arguments["Offset"] = offset;
      const json result = call_on(tools, tool, page_arguments);
      const std::vector<std::string> ids = ids_of(result);
      if (ids.empty()) break;
      walked.insert(walked.end(), ids.begin(), ids.end());
      if (const auto note = note_of(result)) {
        EXPECT_EQ(note->offset, offset + ids.size()) << "at Offset " << offset;
        EXPECT_LE(content_text(result).size(), 5000u) << "at Offset " << offset;  // small_pages
        offset = note->offset;
      } else {
        offset += ids.size();
      }
    }
    return walked;
  }

  // The record ids of one page.
  static std::vector<std::string> ids_of(const json& result) {
    std::vector<std::string> ids;
    for (const auto& record : records_of(result.at("structuredContent"))) {
      ids.push_back(record.at("id").get<std::string>());
    }
    return ids;
  }
};

TEST_F(ResultShapeSandbox, EveryPagingToolFitsOrIsCutAsDescribed) {
  fill();
  if (HasFatalFailure()) return;
  constexpr std::size_t kLimit = 50000;
  std::ostringstream table;
  table << "| tool | records | full chars | compact chars | returned chars | cut |\n"
        << "|---|---:|---:|---:|---:|---|\n";
  for (const auto& [tool, arguments] : paging_tools()) {
    SCOPED_TRACE(tool);
    const json full = call_on(unshaped(), tool, arguments);
    const json shaped_result = call_on(shaped(), tool, arguments);
    const json& full_envelope = full.at("structuredContent");
    const json& envelope = shaped_result.at("structuredContent");
    ASSERT_EQ(full_envelope.at("StatusCode"), 200);
    ASSERT_EQ(full_envelope.at("ErrorMessage"), "");
    ASSERT_EQ(envelope.at("ErrorMessage"), "");

    // (b) is today's output: one text item, records as the sandbox sent them.
    const std::size_t count = records_of(full_envelope).size();
    EXPECT_EQ(count, 100u) << tool << " did not return 100 records";
    ASSERT_EQ(full.at("content").size(), 1u);
    EXPECT_EQ(content_text(full), text(full_envelope));
    ASSERT_GT(count, 0u);
    EXPECT_TRUE(records_of(full_envelope)[0].contains("links"));

    // (a) with defaults: compact, and at most 50,000 characters.
    const json compact_envelope = compacted(full_envelope);
    const std::size_t compact_length = text(compact_envelope).size();
    const std::size_t returned = records_of(envelope).size();
    EXPECT_LE(content_text(shaped_result).size(), kLimit);
    EXPECT_EQ(content_text(shaped_result), text(envelope));
    EXPECT_FALSE(has_null_or_links(envelope));
    std::string cut = "no";
    if (shaped_result.at("content").size() == 1) {
      EXPECT_EQ(returned, count);
      EXPECT_EQ(envelope, compact_envelope);
      EXPECT_LE(compact_length, kLimit);
    } else {
      ASSERT_EQ(shaped_result["content"].size(), 2u);
      const auto note = note_of(shaped_result);
      ASSERT_TRUE(note.has_value()) << shaped_result["content"][1].dump();
      EXPECT_EQ(note->kept, returned);
      EXPECT_EQ(note->returned, count);
      EXPECT_EQ(note->offset, returned);  // Offset 0 + the records shown
      EXPECT_GE(returned, 1u);
      EXPECT_LT(returned, count);
      // The first records, compacted; the totals as upstream reported them.
      EXPECT_EQ(envelope, cut_to(compact_envelope, returned));
      // The longest run that fits: one more record would not.
      EXPECT_GT(text(cut_to(compact_envelope, returned + 1)).size(), kLimit);
      cut = "yes: " + std::to_string(returned) + " of " + std::to_string(count) +
            ", continue at Offset " + std::to_string(note->offset);
    }
    table << "| " << tool << " | " << count << " | " << content_text(full).size() << " | "
          << compact_length << " | " << content_text(shaped_result).size() << " | " << cut
          << " |\n";
  }
  std::cout << "\nA 100-record page of every paging tool over the sandbox (Limit 100):\n"
            << table.str() << std::flush;
}

// Following the Offset each note names walks every contact once: none lost, none repeated.
TEST_F(ResultShapeSandbox, SmallLimitPagesContinueWhereTheNoteSays) {
  fill();
  if (HasFatalFailure()) return;
  std::vector<std::string> all;
  for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{100}}) {
    for (auto& id :
         ids_of(call_on(unshaped(), "get_many_contacts", {{"Limit", 100}, {"Offset", offset}}))) {
      all.push_back(id);
    }
  }
  ASSERT_EQ(all.size(), 103u);

  const json first =
      call_on(small_pages(), "get_many_contacts", {{"Limit", 100}, {"Offset", std::uint64_t{0}}});
  const auto first_note = note_of(first);
  ASSERT_TRUE(first_note.has_value()) << "a 100-contact page fits 5,000 characters?";
  const std::vector<std::string> first_ids = ids_of(first);
  EXPECT_LE(content_text(first).size(), 5000u);
  EXPECT_EQ(first_note->kept, first_ids.size());
  EXPECT_EQ(first_note->offset, first_ids.size());
  EXPECT_EQ(first["structuredContent"]["Contacts"]["Total"], 103);

  const json second =
      call_on(small_pages(), "get_many_contacts", {{"Limit", 100}, {"Offset", first_note->offset}});
  const std::vector<std::string> second_ids = ids_of(second);
  ASSERT_FALSE(second_ids.empty());
  ASSERT_LE(first_ids.size() + second_ids.size(), all.size());
  EXPECT_EQ(first_ids,
            std::vector<std::string>(all.begin(),
                                     all.begin() + static_cast<std::ptrdiff_t>(first_ids.size())));
  EXPECT_EQ(second_ids,
            std::vector<std::string>(
                all.begin() + static_cast<std::ptrdiff_t>(first_ids.size()),
                all.begin() + static_cast<std::ptrdiff_t>(first_ids.size() + second_ids.size())));

  EXPECT_EQ(walk(small_pages(), "get_many_contacts", {{"Limit", 100}}), all);
}

// The same walk for every paging tool, and for the customer search the server pages itself.
TEST_F(ResultShapeSandbox, EveryPagingToolWalksItsRecordsOnceWithSmallPages) {
  fill();
  if (HasFatalFailure()) return;
  auto tools = paging_tools();
  tools.push_back({"get_ecommerce_customers", {{"Limit", 100}, {"Search", "example.com"}}});
  for (const auto& [tool, arguments] : tools) {
    SCOPED_TRACE(tool + " " + arguments.dump());
    const std::vector<std::string> all = walk(unshaped(), tool, arguments);
    ASSERT_GE(all.size(), 100u);
    json first_page = arguments;
    first_page["Offset"] = 0;
    EXPECT_TRUE(note_of(call_on(small_pages(), tool, first_page)).has_value())
        << "the first page fits 5,000 characters: nothing to walk through";
    EXPECT_EQ(walk(small_pages(), tool, arguments), all);
  }
}

// A client may send Offset as a numeric string (coerced to an integer), or build it as a signed
// integer in process: the note must still continue from that Offset.
TEST_F(ResultShapeSandbox, TheNoteContinuesFromAnOffsetGivenInAnyNumericForm) {
  fill();
  if (HasFatalFailure()) return;
  for (const json& offset :
       {json(std::uint64_t{10}), json("10"), json(std::int64_t{10}), json(10.0)}) {
    SCOPED_TRACE("Offset " + offset.dump() + " (" + offset.type_name() +
                 (offset.is_number_unsigned() ? ", unsigned" : "") + ")");
    const json result =
        call_on(small_pages(), "get_many_contacts", {{"Limit", 100}, {"Offset", offset}});
    const std::vector<std::string> ids = ids_of(result);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.front(), "11");  // the 11th contact
    const auto note = note_of(result);
    ASSERT_TRUE(note.has_value());
    EXPECT_EQ(note->offset, 10 + ids.size());
  }
}

// Compact applies to every tool; cutting only to the paging ones.
TEST_F(ResultShapeSandbox, SingleRecordToolsAreCompactedButNeverCut) {
  const json full = call_on(unshaped(), "get_contact", {{"ContactId", 1}});
  const json shaped_result = call_on(small_pages(), "get_contact", {{"ContactId", 1}});
  EXPECT_TRUE(full["structuredContent"]["Contact"].contains("links"));
  EXPECT_FALSE(has_null_or_links(shaped_result["structuredContent"]));
  EXPECT_EQ(shaped_result["structuredContent"], compacted(full["structuredContent"]));
  EXPECT_EQ(shaped_result["content"].size(), 1u);

  // A one-record page over the limit comes back whole.
  const json one = call_on(tiny_pages(), "get_many_contacts", {{"Limit", 1}});
  ASSERT_EQ(records_of(one["structuredContent"]).size(), 1u);
  EXPECT_EQ(one["content"].size(), 1u);
  EXPECT_GT(content_text(one).size(), 100u);
}

}  // namespace
}  // namespace acmcp::tools
