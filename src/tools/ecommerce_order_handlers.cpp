// Get Ecommerce Orders (docs/decisions.md, "Which ID wins"): CustomerId filters directly; with only
// ExternalId (the customer's ID in the store) the customer is looked up first, and its orders are
// listed.
#include <string>
#include <vector>

#include "tools/crud_engine.hpp"
#include "tools/handler_support.hpp"
#include "tools/handlers.hpp"

namespace acmcp::tools {

namespace {

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

boost::asio::awaitable<Envelope> get_ecommerce_orders(const ToolSpec& spec, const json& args,
                                                      ToolContext& context) {
  const json& list_row = step_row(spec, "list");
  if (has_argument(args, "CustomerId") || !has_argument(args, "ExternalId")) {
    co_return co_await run_row(spec, list_row, args, context);
  }

  const std::string external_id = args.at("ExternalId").get<std::string>();
  context.report_step(0, 2, "Looking up the customer with external ID " + external_id);
  const json& find_row = step_row(spec, "find_customer");
  ac::Response lookup = co_await send_row(find_row, args, context);
  if (!succeeded(lookup)) {
    co_return finish_row(spec, find_row, args, lookup, "looking up the customer by external ID");
  }
  std::vector<std::string> customer_ids;
  if (const json* customers = items_of(lookup.body, "ecomCustomers")) {
    for (const auto& customer : *customers) {
      // The filter may match loosely; only the exact external ID names this customer.
      if (customer.is_object() && id_text(customer.value("externalid", json())) == external_id) {
        customer_ids.push_back(id_text(customer.value("id", json())));
      }
    }
  }
  if (customer_ids.size() != 1) {
    co_return lookup_failure(
        spec, lookup.status,
        customer_ids.empty()
            ? spec.title + " failed: no ecommerce customer has the external ID " + external_id +
                  ". Check it, or pass CustomerId (from get_ecommerce_customers)."
            : spec.title + " failed: the external ID " + external_id + " belongs to " +
                  std::to_string(customer_ids.size()) + " ecommerce customers (IDs " +
                  joined(customer_ids) + ", on different stores); pass one of them as CustomerId.");
  }

  json by_customer = args;
  by_customer["CustomerId"] = customer_ids.front();
  context.report_step(1, 2, "Listing the orders of customer " + customer_ids.front());
  co_return co_await run_row(spec, list_row, by_customer, context,
                             "listing the orders of customer " + customer_ids.front());
}

}  // namespace acmcp::tools
