// Pieces the multi-step handlers share: reading arguments and upstream answers, paging through a
// list, and the envelope of data a handler found rather than created.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "activecampaign/upstream.hpp"
#include "tools/envelope.hpp"
#include "tools/tool_context.hpp"
#include "tools/tool_spec.hpp"

namespace acmcp::tools {

// Whether the argument is given: present, not null and not "".
bool has_argument(const json& args, const char* name);

// An ID as text: a string as it is, a number as written; anything else "".
std::string id_text(const json& value);

// The array under `key` in a response body; null when there is none.
const json* items_of(const json& body, const char* key);

// A successful envelope holding what the handler found upstream: the existing record a create
// returns instead of a duplicate, or the records it picked out of a lookup.
Envelope found_envelope(const ToolSpec& spec, json data, int original_status);

// The envelope for a lookup that answered but holds nothing the handler can go on with; `message`
// is the whole error sentence.
Envelope lookup_failure(const ToolSpec& spec, int original_status, std::string message);

// How to page through a list: the row reads its offset from $args.LookupOffset and asks for
// `page_size` records a page.
struct PageScan {
  const char* items;  // the key of the records in each response, e.g. "accounts"
  int page_size;
  int max_pages;  // a scan must end: this many pages at the most
};

struct ScanResult {
  std::optional<json> found;  // the record `visit` stopped at
  ac::Response last;          // the last response read: the failed one when `failed`
  int last_offset = 0;        // the LookupOffset `last` was read at
  bool failed = false;
};

// Reads the pages in order and shows `visit` every record; the scan stops at the record for which
// `visit` returns true, at a failed response, at a response without the records, at the last page
// or after `max_pages`. `before_page` (page index, offset) is called before each page is asked for.
boost::asio::awaitable<ScanResult> scan_pages(
    const json& row, const json& args, const PageScan& scan, ToolContext& context,
    std::function<bool(const json& record)> visit,
    std::function<void(int page, int offset)> before_page = {});

}  // namespace acmcp::tools
