// Create a List: returns the existing list with the same stringid instead of creating a duplicate
// (docs/decisions.md, "No duplicates on create"). The API has no stringid filter, so lists are
// narrowed by name and paged.
#include <optional>

#include "tools/crud_engine.hpp"
#include "tools/handlers.hpp"

namespace acmcp::tools {

namespace {

constexpr int kPageSize = 100;
constexpr int kMaxPages = 50;  // stop after 5,000 lists: a lookup must not run forever

struct ListSearch {
  std::optional<json> found;
  ac::Response failure;  // the failed response when the search itself failed
  bool failed = false;
};

// Pages through the lists `row` selects until one has `stringid`.
boost::asio::awaitable<ListSearch> find_list_by_stringid(const json& row, const json& args,
                                                         const std::string& stringid,
                                                         ToolContext& context) {
  ListSearch search;
  json page_args = args;
  for (int page = 0; page < kMaxPages; ++page) {
    page_args["LookupOffset"] = page * kPageSize;
    ac::Response response = co_await send_row(row, page_args, context);
    if (!succeeded(response)) {
      search.failed = true;
      search.failure = std::move(response);
      co_return search;
    }
    const json& body = response.body;
    if (!body.is_object() || !body.contains("lists") || !body["lists"].is_array()) co_return search;
    for (const auto& list : body["lists"]) {
      if (list.is_object() && list.value("stringid", std::string()) == stringid) {
        search.found = list;
        co_return search;
      }
    }
    const json page_info =
        page_values(json{{"page", {{"items", "lists"}}}},
                    json{{"Limit", kPageSize}, {"Offset", page * kPageSize}}, body);
    if (!page_info["hasMore"].get<bool>() || body["lists"].size() < kPageSize) co_return search;
  }
  co_return search;
}

Envelope found_envelope(const ToolSpec& spec, json list) {
  Envelope envelope;
  envelope.data_key = spec.data_key;
  envelope.data = std::move(list);
  envelope.original_status = 200;
  return envelope;
}

}  // namespace

boost::asio::awaitable<Envelope> create_list(const ToolSpec& spec, const json& args,
                                             ToolContext& context) {
  const std::string stringid = args.value("StringId", "");
  context.report_step(0, 2, "Looking for an existing list with stringid \"" + stringid + "\"");
  const json& lookup_row = step_row(spec, "lookup");
  ListSearch by_name = co_await find_list_by_stringid(lookup_row, args, stringid, context);
  if (by_name.failed) {
    co_return finish_row(spec, lookup_row, args, by_name.failure, "looking for an existing list");
  }
  if (by_name.found) co_return found_envelope(spec, std::move(*by_name.found));

  context.report_step(1, 2, "Creating the list \"" + stringid + "\"");
  const json& create_row = step_row(spec, "create");
  ac::Response created = co_await send_row(create_row, args, context);
  if (created.error.empty() && created.status == 422) {
    // The stringid may belong to a list with another name: look through every list once.
    ListSearch everywhere =
        co_await find_list_by_stringid(step_row(spec, "scan"), args, stringid, context);
    if (everywhere.found) co_return found_envelope(spec, std::move(*everywhere.found));
  }
  co_return finish_row(spec, create_row, args, created, "creating the list");
}

}  // namespace acmcp::tools
