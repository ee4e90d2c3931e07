// Create a Tag: returns the existing tag with the same name and type instead of creating a
// duplicate (docs/decisions.md, "No duplicates on create").
#include "tools/crud_engine.hpp"
#include "tools/handler_support.hpp"
#include "tools/handlers.hpp"
#include "util/ascii.hpp"

namespace acmcp::tools {

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
  if (const json* tags = items_of(lookup.body, "tags")) {
    for (const auto& tag : *tags) {
      if (!tag.is_object()) continue;
      // ActiveCampaign treats tag names as case-insensitive: creating "vip" beside "VIP" is a 422
      // duplicate, so the lookup must match the same way or a retry would fail instead of
      // returning.
      const std::string tag_type = tag.value("tagType", std::string("contact"));
      if (util::equals_ignoring_case(tag.value("tag", std::string()), name) && tag_type == type) {
        co_return found_envelope(spec, tag, lookup.status);
      }
    }
  }
  context.report_step(1, 2, "Creating the tag \"" + name + "\"");
  co_return co_await run_row(spec, step_row(spec, "create"), args, context, "creating the tag");
}

}  // namespace acmcp::tools
