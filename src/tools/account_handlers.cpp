// Create an Account: with CheckDuplicate (the default) returns the existing account with the same
// name instead of creating a duplicate (docs/decisions.md, "No duplicates on create").
#include "tools/crud_engine.hpp"
#include "tools/handler_support.hpp"
#include "tools/handlers.hpp"
#include "util/ascii.hpp"

namespace acmcp::tools {

namespace {

// A name search rarely has a second page; never loop for ever.
constexpr PageScan kAccountPages{"accounts", 100, 20};

// Pages through GET /accounts?search=<Name> until an account has exactly that name.
// ActiveCampaign refuses an account whose name differs from another only by letter case, so the
// lookup compares the same way or a retry would end in a 422 instead of finding the account.
boost::asio::awaitable<ScanResult> find_account_by_name(const json& row, const json& args,
                                                        ToolContext& context) {
  const std::string name = args.value("Name", "");
  co_return co_await scan_pages(row, args, kAccountPages, context, [&name](const json& account) {
    return account.is_object() && account.contains("name") && account["name"].is_string() &&
           util::equals_ignoring_case(account["name"].get_ref<const std::string&>(), name);
  });
}

}  // namespace

boost::asio::awaitable<Envelope> create_account(const ToolSpec& spec, const json& args,
                                                ToolContext& context) {
  const std::string name = args.value("Name", "");
  const json& create_row = step_row(spec, "create");
  if (!args.value("CheckDuplicate", true)) {
    context.report_step(0, 1, "Creating the account \"" + name + "\"");
    co_return co_await run_row(spec, create_row, args, context, "creating the account");
  }

  context.report_step(0, 2, "Looking for an existing account named \"" + name + "\"");
  const json& lookup_row = step_row(spec, "lookup");
  ScanResult before = co_await find_account_by_name(lookup_row, args, context);
  if (before.failed) {
    co_return finish_row(spec, lookup_row, args, before.last,
                         "looking for an existing account (nothing was created)");
  }
  if (before.found) co_return found_envelope(spec, std::move(*before.found), before.last.status);

  context.report_step(1, 2, "Creating the account \"" + name + "\"");
  ac::Response created = co_await send_row(create_row, args, context);
  if (created.error.empty() && created.status == 422) {
    // Another caller may have created it since the lookup: return that one.
    ScanResult after = co_await find_account_by_name(lookup_row, args, context);
    if (after.found) co_return found_envelope(spec, std::move(*after.found), after.last.status);
  }
  co_return finish_row(spec, create_row, args, created, "creating the account");
}

}  // namespace acmcp::tools
