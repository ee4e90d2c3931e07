// Pieces the multi-step handlers share (see handler_support.hpp).
#include "tools/handler_support.hpp"

#include <utility>

#include "tools/crud_engine.hpp"

namespace acmcp::tools {

bool has_argument(const json& args, const char* name) {
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return false;
  return !it->is_string() || !it->get_ref<const std::string&>().empty();
}

std::string id_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return "";
}

const json* items_of(const json& body, const char* key) {
  if (!body.is_object()) return nullptr;
  auto it = body.find(key);
  return it != body.end() && it->is_array() ? &*it : nullptr;
}

Envelope found_envelope(const ToolSpec& spec, json data, int original_status) {
  Envelope envelope;
  envelope.data_key = spec.data_key;
  envelope.data = std::move(data);
  envelope.original_status = original_status;
  return envelope;
}

Envelope lookup_failure(const ToolSpec& spec, int original_status, std::string message) {
  Envelope envelope = found_envelope(spec, spec.empty_data, original_status);
  envelope.error_message = std::move(message);
  return envelope;
}

boost::asio::awaitable<ScanResult> scan_pages(
    const json& row, const json& args, const PageScan& scan, ToolContext& context,
    std::function<bool(const json& record)> visit,
    std::function<void(int page, int offset)> before_page) {
  ScanResult result;
  json page_args = args;
  for (int page = 0; page < scan.max_pages; ++page) {
    const int offset = page * scan.page_size;
    if (before_page) before_page(page, offset);
    page_args["LookupOffset"] = offset;
    result.last = co_await send_row(row, page_args, context);
    result.last_offset = offset;
    if (!succeeded(result.last)) {
      result.failed = true;
      co_return result;
    }
    const json* records = items_of(result.last.body, scan.items);
    if (records == nullptr) co_return result;
    for (const auto& record : *records) {
      if (visit(record)) {
        result.found = record;
        co_return result;
      }
    }
    const json paging = page_values(scan.items, scan.page_size, offset, result.last.body);
    if (records->size() < static_cast<std::size_t>(scan.page_size) ||
        !paging["hasMore"].get<bool>()) {
      co_return result;
    }
  }
  co_return result;
}

}  // namespace acmcp::tools
