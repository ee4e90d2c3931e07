// Create a Connection: returns the existing connection with the same service and external ID
// instead of creating a duplicate (docs/decisions.md, "No duplicates on create").
#include <optional>

#include "tools/crud_engine.hpp"
#include "tools/handler_support.hpp"
#include "tools/handlers.hpp"
#include "util/ascii.hpp"

namespace acmcp::tools {

namespace {

std::optional<json> matching_connection(const json& body, const json& args) {
  const json* connections = items_of(body, "connections");
  if (connections == nullptr) return std::nullopt;
  const std::string service = args.value("Service", "");
  const std::string external_id = args.value("ExternalId", "");
  for (const auto& connection : *connections) {
    if (!connection.is_object()) continue;
    const json service_value = connection.value("service", json());
    const json external_value = connection.value("externalid", json());
    // Services are names people type ("Shopify", "shopify"); external IDs are the store's own key.
    if (service_value.is_string() && external_value.is_string() &&
        util::equals_ignoring_case(service_value.get_ref<const std::string&>(), service) &&
        external_value.get<std::string>() == external_id) {
      return connection;
    }
  }
  return std::nullopt;
}

}  // namespace

boost::asio::awaitable<Envelope> create_connection(const ToolSpec& spec, const json& args,
                                                   ToolContext& context) {
  const std::string label =
      args.value("Service", "") + " connection \"" + args.value("ExternalId", "") + "\"";
  context.report_step(0, 2, "Looking for an existing " + label);
  const json& lookup_row = step_row(spec, "lookup");
  ac::Response lookup = co_await send_row(lookup_row, args, context);
  if (!succeeded(lookup)) {
    co_return finish_row(spec, lookup_row, args, lookup,
                         "looking for an existing connection (nothing was created)");
  }
  if (auto found = matching_connection(lookup.body, args)) {
    co_return found_envelope(spec, std::move(*found), lookup.status);
  }

  context.report_step(1, 2, "Creating the " + label);
  const json& create_row = step_row(spec, "create");
  ac::Response created = co_await send_row(create_row, args, context);
  if (created.error.empty() && created.status == 422) {
    // A duplicate created since the lookup (a concurrent retry): return it.
    ac::Response again = co_await send_row(lookup_row, args, context);
    if (succeeded(again)) {
      if (auto found = matching_connection(again.body, args)) {
        co_return found_envelope(spec, std::move(*found), again.status);
      }
    }
  }
  co_return finish_row(spec, create_row, args, created, "creating the connection");
}

}  // namespace acmcp::tools
