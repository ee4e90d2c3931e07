// Remove a Contact from a List (docs/decisions.md, "Remove a Contact from a List"): find every
// subscription of the contact to the list, delete each; where upstream has no DELETE
// /contactLists/{id} (404/405), unsubscribe with POST /contactLists status 2 instead.
#include <vector>

#include "tools/crud_engine.hpp"
#include "tools/handler_support.hpp"
#include "tools/handlers.hpp"

namespace acmcp::tools {

namespace {

json removal(const json& args, int removed) {
  return json{{"RemovedCount", removed},
              {"ContactId", args.at("ContactId")},
              {"ListId", args.at("ListId")}};
}

}  // namespace

boost::asio::awaitable<Envelope> remove_contact_from_list(const ToolSpec& spec, const json& args,
                                                          ToolContext& context) {
  const std::string list_id = id_text(args.at("ListId"));
  const std::string contact_id = id_text(args.at("ContactId"));

  context.report_step(0, 1, "Looking up the list subscriptions of contact " + contact_id);
  const json& lookup_row = step_row(spec, "lookup");
  ac::Response lookup = co_await send_row(lookup_row, args, context);
  if (!succeeded(lookup)) {
    Envelope failed =
        finish_row(spec, lookup_row, args, lookup, "looking up the contact's list subscriptions");
    failed.data = removal(args, 0);
    co_return failed;
  }

  std::vector<std::string> matches;
  if (const json* subscriptions = items_of(lookup.body, "contactLists")) {
    for (const auto& subscription : *subscriptions) {
      if (subscription.is_object() && id_text(subscription.value("list", json())) == list_id) {
        matches.push_back(id_text(subscription.value("id", json())));
      }
    }
  }
  Envelope envelope;
  envelope.data_key = spec.data_key;
  envelope.original_status = lookup.status;
  if (matches.empty()) {
    envelope.data = removal(args, 0);
    envelope.error_message = spec.title + " failed: contact " + contact_id +
                             " is not subscribed to list " + list_id +
                             " (no contact-list relationship found), so nothing was removed.";
    co_return envelope;
  }

  const int total = static_cast<int>(matches.size()) + 1;
  int removed = 0;
  for (const auto& match : matches) {
    context.report_step(removed + 1, total, "Removing subscription " + match);
    json step_args = args;
    step_args["ContactListId"] = match;
    const json& delete_row = step_row(spec, "delete");
    ac::Response deleted = co_await send_row(delete_row, step_args, context);
    if (succeeded(deleted)) {
      ++removed;
      envelope.original_status = deleted.status;
      continue;
    }
    if (deleted.error.empty() && (deleted.status == 404 || deleted.status == 405)) {
      // No DELETE for subscriptions here: unsubscribing covers every match at once.
      const json& unsubscribe_row = step_row(spec, "unsubscribe");
      ac::Response unsubscribed = co_await send_row(unsubscribe_row, args, context);
      if (succeeded(unsubscribed)) {
        envelope.original_status = unsubscribed.status;
        removed = static_cast<int>(matches.size());
        break;
      }
      Envelope failed = finish_row(spec, unsubscribe_row, args, unsubscribed,
                                   "unsubscribing the contact (status 2) after DELETE "
                                   "/contactLists answered HTTP " +
                                       std::to_string(deleted.status));
      failed.data = removal(args, removed);
      co_return failed;
    }
    Envelope failed = finish_row(spec, delete_row, step_args, deleted,
                                 "removing subscription " + match + " (" + std::to_string(removed) +
                                     " of " + std::to_string(matches.size()) + " removed before)");
    failed.data = removal(args, removed);
    co_return failed;
  }
  envelope.data = removal(args, removed);
  co_return envelope;
}

}  // namespace acmcp::tools
