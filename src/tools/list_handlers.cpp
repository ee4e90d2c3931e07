// Create a List: returns the existing list with the same stringid instead of creating a duplicate
// (docs/decisions.md, "No duplicates on create"). The API has no stringid filter, so lists are
// narrowed by name and paged.
#include "tools/crud_engine.hpp"
#include "tools/handler_support.hpp"
#include "tools/handlers.hpp"

namespace acmcp::tools {

namespace {

// Stop after 5,000 lists: a lookup must not run forever.
constexpr PageScan kListPages{"lists", 100, 50};

// Pages through the lists `row` selects until one has `stringid`.
boost::asio::awaitable<ScanResult> find_list_by_stringid(const json& row, const json& args,
                                                         const std::string& stringid,
                                                         ToolContext& context) {
  co_return co_await scan_pages(row, args, kListPages, context, [&stringid](const json& list) {
    return list.is_object() && list.value("stringid", std::string()) == stringid;
  });
}

// A found list reports OriginalStatusCode 200, not the lookup's own 2xx status as the other creates
// do.
Envelope existing_list(const ToolSpec& spec, json list) {
  return found_envelope(spec, std::move(list), 200);
}

}  // namespace

boost::asio::awaitable<Envelope> create_list(const ToolSpec& spec, const json& args,
                                             ToolContext& context) {
  const std::string stringid = args.value("StringId", "");
  context.report_step(0, 2, "Looking for an existing list with stringid \"" + stringid + "\"");
  const json& lookup_row = step_row(spec, "lookup");
  ScanResult by_name = co_await find_list_by_stringid(lookup_row, args, stringid, context);
  if (by_name.failed) {
    co_return finish_row(spec, lookup_row, args, by_name.last, "looking for an existing list");
  }
  if (by_name.found) co_return existing_list(spec, std::move(*by_name.found));

  context.report_step(1, 2, "Creating the list \"" + stringid + "\"");
  const json& create_row = step_row(spec, "create");
  ac::Response created = co_await send_row(create_row, args, context);
  if (created.error.empty() && created.status == 422) {
    // The stringid may belong to a list with another name: look through every list once.
    ScanResult everywhere =
        co_await find_list_by_stringid(step_row(spec, "scan"), args, stringid, context);
    if (everywhere.found) co_return existing_list(spec, std::move(*everywhere.found));
  }
  co_return finish_row(spec, create_row, args, created, "creating the list");
}

}  // namespace acmcp::tools
