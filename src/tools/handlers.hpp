// The hand-written handlers of multi-step tools (docs/decisions.md: "No duplicates on create",
// "Remove a Contact from a List"), looked up by the "handler" name of a schema entry. Plain
// one-call tools are table rows and need none of this.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <string>

#include "tools/envelope.hpp"
#include "tools/tool_context.hpp"
#include "tools/tool_spec.hpp"

namespace acmcp::tools {

// A handler gets validated arguments; the rows it sends are the entry's named "steps".
using Handler = boost::asio::awaitable<Envelope> (*)(const ToolSpec& spec, const json& args,
                                                     ToolContext& context);

const std::map<std::string, Handler, std::less<>>& multi_step_handlers();

// The named step row of a multi-step entry; throws std::out_of_range naming it when absent.
const json& step_row(const ToolSpec& spec, const std::string& name);

boost::asio::awaitable<Envelope> create_contact(const ToolSpec&, const json&, ToolContext&);
boost::asio::awaitable<Envelope> remove_contact_from_list(const ToolSpec&, const json&,
                                                          ToolContext&);
boost::asio::awaitable<Envelope> create_tag(const ToolSpec&, const json&, ToolContext&);
boost::asio::awaitable<Envelope> create_list(const ToolSpec&, const json&, ToolContext&);
boost::asio::awaitable<Envelope> create_account(const ToolSpec&, const json&, ToolContext&);
boost::asio::awaitable<Envelope> create_connection(const ToolSpec&, const json&, ToolContext&);
boost::asio::awaitable<Envelope> merge_before_put(const ToolSpec&, const json&, ToolContext&);
boost::asio::awaitable<Envelope> get_ecommerce_customer(const ToolSpec&, const json&, ToolContext&);
boost::asio::awaitable<Envelope> get_ecommerce_customers(const ToolSpec&, const json&,
                                                         ToolContext&);
boost::asio::awaitable<Envelope> get_ecommerce_orders(const ToolSpec&, const json&, ToolContext&);

}  // namespace acmcp::tools
