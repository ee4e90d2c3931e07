// Create an Account: with CheckDuplicate (the default) returns the existing account with the same
// name instead of creating a duplicate (docs/decisions.md, "No duplicates on create").
#include <algorithm>
#include <cctype>
#include <optional>

#include "tools/crud_engine.hpp"
#include "tools/handlers.hpp"

namespace acmcp::tools {

namespace {

constexpr int kPageSize = 100;
constexpr int kMaxPages = 20;  // a name search rarely has a second page; never loop for ever

// ActiveCampaign refuses an account whose name differs from another only by letter case, so the
// lookup compares the same way or a retry would end in a 422 instead of finding the account.
bool same_name(const std::string& a, const std::string& b) {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

struct AccountSearch {
  std::optional<json> found;
  ac::Response last;  // the last lookup response (the failed one when `failed`)
  bool failed = false;
};

// Pages through GET /accounts?search=<Name> until an account has exactly that name.
boost::asio::awaitable<AccountSearch> find_account_by_name(const json& row, const json& args,
                                                           ToolContext& context) {
  AccountSearch search;
  const std::string name = args.value("Name", "");
  json page_args = args;
  for (int page = 0; page < kMaxPages; ++page) {
    page_args["LookupOffset"] = page * kPageSize;
    search.last = co_await send_row(row, page_args, context);
    if (!succeeded(search.last)) {
      search.failed = true;
      co_return search;
    }
    const json& body = search.last.body;
    if (!body.is_object() || !body.contains("accounts") || !body["accounts"].is_array()) {
      co_return search;
    }
    for (const auto& account : body["accounts"]) {
      if (account.is_object() && account.contains("name") && account["name"].is_string() &&
          same_name(account["name"].get<std::string>(), name)) {
        search.found = account;
        co_return search;
      }
    }
    const json page_info =
        page_values(json{{"page", {{"items", "accounts"}}}},
                    json{{"Limit", kPageSize}, {"Offset", page * kPageSize}}, body);
    if (!page_info["hasMore"].get<bool>() || body["accounts"].size() < kPageSize) {
      co_return search;
    }
  }
  co_return search;
}

Envelope existing_account(const ToolSpec& spec, const AccountSearch& search) {
  Envelope envelope;
  envelope.data_key = spec.data_key;
  envelope.data = *search.found;
  envelope.original_status = search.last.status;
  return envelope;
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
  AccountSearch before = co_await find_account_by_name(lookup_row, args, context);
  if (before.failed) {
    co_return finish_row(spec, lookup_row, args, before.last,
                         "looking for an existing account (nothing was created)");
  }
  if (before.found) co_return existing_account(spec, before);

  context.report_step(1, 2, "Creating the account \"" + name + "\"");
  ac::Response created = co_await send_row(create_row, args, context);
  if (created.error.empty() && created.status == 422) {
    // Another caller may have created it since the lookup: return that one.
    AccountSearch after = co_await find_account_by_name(lookup_row, args, context);
    if (after.found) co_return existing_account(spec, after);
  }
  co_return finish_row(spec, create_row, args, created, "creating the account");
}

}  // namespace acmcp::tools
