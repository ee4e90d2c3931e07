// Get an Ecommerce Customer by ID or by email (docs/decisions.md, "Which ID wins"), and Get
// Ecommerce Customers with Search, which ActiveCampaign cannot filter on, so the server does
// ("Filters the API lacks"): it reads the customers the other filters select and keeps the matching
// ones.
#include <string>
#include <vector>

#include "tools/crud_engine.hpp"
#include "tools/handler_support.hpp"
#include "tools/handlers.hpp"
#include "util/ascii.hpp"

namespace acmcp::tools {

namespace {

// The "scan" row asks for 100 customers a page; a search reads at most 5,000 customers.
constexpr PageScan kCustomerPages{"ecomCustomers", 100, 50};

// Whether the customer's email or external ID contains `needle` (already lowercase).
bool customer_matches(const json& customer, const std::string& needle) {
  if (!customer.is_object()) return false;
  for (const char* field : {"email", "externalid"}) {
    auto it = customer.find(field);
    if (it == customer.end()) continue;
    const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    if (util::to_lower(text).find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

boost::asio::awaitable<Envelope> get_ecommerce_customer(const ToolSpec& spec, const json& args,
                                                        ToolContext& context) {
  if (has_argument(args, "EcommerceCustomerId")) {
    co_return co_await run_row(spec, step_row(spec, "by_id"), args, context);
  }
  if (!has_argument(args, "Email")) {
    co_return invalid_input(spec.title, spec.data_key, spec.empty_data,
                            "At least one of EcommerceCustomerId or Email is required.");
  }
  const std::string email = args.at("Email").get<std::string>();
  context.report_step(0, 1, "Looking up the ecommerce customer with email " + email);
  const json& lookup_row = step_row(spec, "by_email");
  ac::Response lookup = co_await send_row(lookup_row, args, context);
  if (!succeeded(lookup)) {
    co_return finish_row(spec, lookup_row, args, lookup, "looking up the customer by email");
  }
  // The email filter is exact, but addresses differ in case; the first customer whose email
  // matches ignoring case is the answer.
  if (const json* customers = items_of(lookup.body, "ecomCustomers")) {
    for (const auto& customer : *customers) {
      if (customer.is_object() && customer.contains("email") && customer["email"].is_string() &&
          util::equals_ignoring_case(customer["email"].get_ref<const std::string&>(), email)) {
        co_return found_envelope(spec, customer, lookup.status);
      }
    }
  }
  co_return lookup_failure(spec, lookup.status,
                           spec.title + " failed: no ecommerce customer has the email " + email +
                               ". Check the address, or list customers with "
                               "get_ecommerce_customers.");
}

boost::asio::awaitable<Envelope> get_ecommerce_customers(const ToolSpec& spec, const json& args,
                                                         ToolContext& context) {
  const std::string search = util::to_lower(args.value("Search", ""));
  if (search.empty()) co_return co_await run_row(spec, step_row(spec, "list"), args, context);

  const json& scan_row = step_row(spec, "scan");
  std::vector<json> matches;
  const auto collect = [&](const json& customer) {
    if (customer_matches(customer, search)) matches.push_back(customer);
    return false;  // read every page
  };
  const auto report = [&context](int page, int first) {
    context.report_step(page, 0,
                        "Searching customers " + std::to_string(first + 1) + " to " +
                            std::to_string(first + kCustomerPages.page_size));
  };
  ScanResult scan = co_await scan_pages(scan_row, args, kCustomerPages, context, collect, report);
  if (scan.failed) {
    co_return finish_row(spec, scan_row, args, scan.last,
                         "searching the customers (reading customers from number " +
                             std::to_string(scan.last_offset + 1) + ")");
  }

  const auto offset = static_cast<std::size_t>(args.value("Offset", 0));
  const auto limit = static_cast<std::size_t>(args.value("Limit", 20));
  json page = json::array();
  for (std::size_t i = offset; i < matches.size() && i < offset + limit; ++i) {
    page.push_back(std::move(matches[i]));
  }
  co_return found_envelope(
      spec, json{{"Customers", std::move(page)}, {"TotalCount", matches.size()}}, scan.last.status);
}

}  // namespace acmcp::tools
