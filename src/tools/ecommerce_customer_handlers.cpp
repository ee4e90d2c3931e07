// Get an Ecommerce Customer by ID or by email (docs/decisions.md, "Which ID wins"), and Get
// Ecommerce Customers with Search, which ActiveCampaign cannot filter on, so the server does
// ("Filters the API lacks"): it reads the customers the other filters select and keeps the matching
// ones.
#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "tools/crud_engine.hpp"
#include "tools/handlers.hpp"

namespace acmcp::tools {

namespace {

constexpr int kScanPageSize = 100;  // the "scan" row asks for this many customers per page
constexpr int kMaxScanPages = 50;   // a search reads at most 5,000 customers

bool has_value(const json& args, const char* name) {
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return false;
  return !it->is_string() || !it->get_ref<const std::string&>().empty();
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Whether the customer's email or external ID contains `needle` (already lowercase).
bool customer_matches(const json& customer, const std::string& needle) {
  if (!customer.is_object()) return false;
  for (const char* field : {"email", "externalid"}) {
    auto it = customer.find(field);
    if (it == customer.end()) continue;
    const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    if (lowercase(text).find(needle) != std::string::npos) return true;
  }
  return false;
}

const json* items_of(const json& body, const char* key) {
  if (!body.is_object()) return nullptr;
  auto it = body.find(key);
  return it != body.end() && it->is_array() ? &*it : nullptr;
}

}  // namespace

boost::asio::awaitable<Envelope> get_ecommerce_customer(const ToolSpec& spec, const json& args,
                                                        ToolContext& context) {
  if (has_value(args, "EcommerceCustomerId")) {
    co_return co_await run_row(spec, step_row(spec, "by_id"), args, context);
  }
  if (!has_value(args, "Email")) {
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
  Envelope envelope;
  envelope.data_key = spec.data_key;
  envelope.original_status = lookup.status;
  // The email filter is exact, but addresses differ in case; the first customer whose email
  // matches ignoring case is the answer.
  const json* customers = items_of(lookup.body, "ecomCustomers");
  const json* match = nullptr;
  for (std::size_t i = 0; customers != nullptr && i < customers->size() && !match; ++i) {
    const json& customer = (*customers)[i];
    if (customer.is_object() && customer.contains("email") && customer["email"].is_string() &&
        lowercase(customer["email"].get<std::string>()) == lowercase(email)) {
      match = &customer;
    }
  }
  if (match == nullptr) {
    envelope.data = spec.empty_data;
    envelope.error_message = spec.title + " failed: no ecommerce customer has the email " + email +
                             ". Check the address, or list customers with "
                             "get_ecommerce_customers.";
    co_return envelope;
  }
  envelope.data = *match;
  co_return envelope;
}

boost::asio::awaitable<Envelope> get_ecommerce_customers(const ToolSpec& spec, const json& args,
                                                         ToolContext& context) {
  const std::string search = lowercase(args.value("Search", ""));
  if (search.empty()) co_return co_await run_row(spec, step_row(spec, "list"), args, context);

  const json& scan_row = step_row(spec, "scan");
  std::vector<json> matches;
  json page_args = args;
  int last_status = 0;
  for (int page = 0; page < kMaxScanPages; ++page) {
    const int first = page * kScanPageSize;
    context.report_step(page, 0,
                        "Searching customers " + std::to_string(first + 1) + " to " +
                            std::to_string(first + kScanPageSize));
    page_args["LookupOffset"] = first;
    ac::Response response = co_await send_row(scan_row, page_args, context);
    if (!succeeded(response)) {
      co_return finish_row(spec, scan_row, page_args, response,
                           "searching the customers (reading customers from number " +
                               std::to_string(first + 1) + ")");
    }
    last_status = response.status;
    const json* customers = items_of(response.body, "ecomCustomers");
    if (customers == nullptr) break;
    for (const auto& customer : *customers) {
      if (customer_matches(customer, search)) matches.push_back(customer);
    }
    const json paging =
        page_values(json{{"page", {{"items", "ecomCustomers"}}}},
                    json{{"Limit", kScanPageSize}, {"Offset", first}}, response.body);
    if (customers->size() < static_cast<std::size_t>(kScanPageSize) ||
        !paging["hasMore"].get<bool>()) {
      break;
    }
  }

  const auto offset = static_cast<std::size_t>(args.value("Offset", 0));
  const auto limit = static_cast<std::size_t>(args.value("Limit", 20));
  json page = json::array();
  for (std::size_t i = offset; i < matches.size() && i < offset + limit; ++i) {
    page.push_back(std::move(matches[i]));
  }
  Envelope envelope;
  envelope.data_key = spec.data_key;
  envelope.original_status = last_status;
  envelope.data = json{{"Customers", std::move(page)}, {"TotalCount", matches.size()}};
  co_return envelope;
}

}  // namespace acmcp::tools
