// Create a Contact: an upsert by email (POST /contact/sync), or a phone-only contact
// (POST /contacts) when AllowNullEmail is true and no Email is given (docs/decisions.md, "No
// duplicates on create").
#include "tools/crud_engine.hpp"
#include "tools/handlers.hpp"

namespace acmcp::tools {

namespace {

bool has_text(const json& args, const char* name) {
  auto it = args.find(name);
  return it != args.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

}  // namespace

boost::asio::awaitable<Envelope> create_contact(const ToolSpec& spec, const json& args,
                                                ToolContext& context) {
  if (has_text(args, "Email"))
    co_return co_await run_row(spec, step_row(spec, "sync"), args, context);
  const bool allow_null_email = args.value("AllowNullEmail", false);
  if (!allow_null_email || !has_text(args, "Phone")) {
    co_return invalid_input(
        spec.title, spec.data_key, spec.empty_data,
        "Email is required unless AllowNullEmail is true and Phone is given. Pass Email (e.g. "
        "\"john.doe@example.com\"), or set AllowNullEmail to true and pass Phone for a "
        "phone-only contact.");
  }
  co_return co_await run_row(spec, step_row(spec, "create_without_email"), args, context);
}

}  // namespace acmcp::tools
