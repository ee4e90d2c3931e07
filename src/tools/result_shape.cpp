// Result shaping: see result_shape.hpp. Sizes are bytes of compact UTF-8 JSON, never fewer than
// the characters a client counts.
#include "tools/result_shape.hpp"

#include <algorithm>
#include <vector>

#include "util/compact_json.hpp"

namespace acmcp::tools {

using json = nlohmann::json;

namespace {

// The record array of a get-many tool's data: the data itself, the member `key`, or else its
// only array; null when there is none.
json* page_records(json& data, const std::string& key) {
  if (data.is_array()) return &data;
  if (!data.is_object()) return nullptr;
  if (!key.empty()) {
    const auto found = data.find(key);
    return found != data.end() && found->is_array() ? &*found : nullptr;
  }
  json* only = nullptr;
  for (auto& [name, value] : data.items()) {
    if (!value.is_array()) continue;
    if (only) return nullptr;
    only = &value;
  }
  return only;
}

// Marks a shortened page as having more after it, wherever the data says so.
void mark_more(json& data) {
  if (!data.is_object()) return;
  for (const char* key : {"HasMore", "hasMore"}) {
    if (data.contains(key)) data[key] = true;
  }
  if (auto pagination = data.find("Pagination");
      pagination != data.end() && pagination->is_object() && pagination->contains("hasMore")) {
    (*pagination)["hasMore"] = true;
  }
}

std::size_t text_size(const json& value) {
  return util::compact_json(value, json::error_handler_t::replace).size();
}

}  // namespace

void compact_records(json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (it->is_null() || (it.key() == "links" && (it->is_object() || it->is_array()))) {
        it = value.erase(it);
      } else {
        compact_records(*it);
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) compact_records(item);
  }
}

std::size_t cut_page(mcp::ToolResult& result, std::size_t max_chars, std::uint64_t offset,
                     const std::string& records_key) {
  if (max_chars == 0) return 0;
  json& envelope = result.envelope;
  json* data = nullptr;
  for (auto& [key, value] : envelope.items()) {
    if (key != "OriginalStatusCode" && key != "StatusCode" && key != "ErrorMessage") data = &value;
  }
  json* records = data ? page_records(*data, records_key) : nullptr;
  if (records == nullptr || records->size() < 2) return 0;  // a single record is never cut
  const std::size_t count = records->size();
  // The envelope's text is the records' texts, comma-separated, inside the text of the rest:
  // measured in those parts, which a cut needs anyway.
  std::vector<std::size_t> sizes;
  sizes.reserve(count);
  std::size_t records_length = count - 1;
  for (const auto& record : *records) {
    sizes.push_back(text_size(record));
    records_length += sizes.back();
  }
  json all_records = std::move(*records);
  *records = json::array();
  if (text_size(envelope) + records_length <= max_chars) {
    *records = std::move(all_records);
    return 0;
  }
  // The envelope around the records, as it reads once the page says that more follow.
  mark_more(*data);
  const std::size_t rest = text_size(envelope);
  std::size_t kept = 0;
  std::size_t length = rest;
  while (kept < count && length + sizes[kept] + (kept > 0 ? 1 : 0) <= max_chars) {
    length += sizes[kept] + (kept > 0 ? 1 : 0);
    ++kept;
  }
  // All of them fit only where "true" replaced a longer "false": the page as upstream sent it
  // is still too long, so one record goes.
  kept = std::clamp<std::size_t>(kept, 1, count - 1);
  all_records.erase(all_records.begin() + static_cast<std::ptrdiff_t>(kept), all_records.end());
  *page_records(*data, records_key) = std::move(all_records);
  result.note = "This page was cut to fit " + std::to_string(max_chars) +
                " characters (max_result_chars): " + std::to_string(kept) + " of the " +
                std::to_string(count) + " records of this page are shown. " +
                "Continue with Offset " + std::to_string(offset + kept) +
                " (or ask for a smaller Limit).";
  return kept;
}

}  // namespace acmcp::tools
