// Create a Tag: returns the existing tag with the same name and type instead of creating a
// duplicate (docs/decisions.md, "No duplicates on create").
#include <algorithm>
#include <cctype>

#include "tools/crud_engine.hpp"
#include "tools/handlers.hpp"

namespace acmcp::tools {

namespace {
// ActiveCampaign treats tag names as case-insensitive: creating "vip" beside "VIP" is a 422
// duplicate, so the lookup must match the same way or a retry would fail instead of returning.
bool same_name(const std::string& a, const std::string& b) {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}
}  // namespace

boost::asio::awaitable<Envelope> create_tag(const ToolSpec& spec, const json& args,
                                            ToolContext& context) {
  const std::string name = args.value("Tag", "");
  const std::string type = args.value("TagType", "contact");
  context.report_step(0, 2, "Looking for an existing " + type + " tag named \"" + name + "\"");
  const json& lookup_row = step_row(spec, "lookup");
  ac::Response lookup = co_await send_row(lookup_row, args, context);
  if (!succeeded(lookup)) {
    co_return finish_row(spec, lookup_row, args, lookup, "looking for an existing tag");
  }
  if (lookup.body.is_object() && lookup.body.contains("tags") && lookup.body["tags"].is_array()) {
    for (const auto& tag : lookup.body["tags"]) {
      if (!tag.is_object()) continue;
      const std::string tag_type = tag.value("tagType", std::string("contact"));
      if (same_name(tag.value("tag", std::string()), name) && tag_type == type) {
        Envelope existing;
        existing.data_key = spec.data_key;
        existing.data = tag;
        existing.original_status = lookup.status;
        co_return existing;
      }
    }
  }
  context.report_step(1, 2, "Creating the tag \"" + name + "\"");
  co_return co_await run_row(spec, step_row(spec, "create"), args, context, "creating the tag");
}

}  // namespace acmcp::tools
