// The table of multi-step handlers, by the names schema entries use in "handler".
#include "tools/handlers.hpp"

#include <stdexcept>

namespace acmcp::tools {

const std::map<std::string, Handler, std::less<>>& multi_step_handlers() {
  static const std::map<std::string, Handler, std::less<>> handlers{
      {"create_contact", &create_contact},
      {"remove_contact_from_list", &remove_contact_from_list},
      {"create_tag", &create_tag},
      {"create_list", &create_list},
      {"create_account", &create_account},
      {"create_connection", &create_connection},
      {"merge_before_put", &merge_before_put},
      {"get_ecommerce_customer", &get_ecommerce_customer},
      {"get_ecommerce_customers", &get_ecommerce_customers},
      {"get_ecommerce_orders", &get_ecommerce_orders},
  };
  return handlers;
}

const json& step_row(const ToolSpec& spec, const std::string& name) {
  if (!spec.steps.is_object() || !spec.steps.contains(name)) {
    throw std::out_of_range(spec.name + " has no step '" + name + "' in its schema entry");
  }
  return spec.steps.at(name);
}

}  // namespace acmcp::tools
