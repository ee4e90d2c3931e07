// Per-resource rules of the sandbox beyond what the resource table states: deal stage/pipeline
// consistency, ecommerce order products, list extras (deal search, pipeline popularity).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sandbox/store.hpp"
#include "sandbox/store_detail.hpp"

namespace acmcp::sandbox {

using namespace detail;
using nlohmann::json;

namespace {

// A whole number >= 0 given as a JSON number or numeric string ("4900", 4900, 4900.0).
bool non_negative_integer(const json& value) {
  auto text = text_of(value);
  if (text.empty()) return false;
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && number >= 0 && number == std::floor(number);
}

bool three_letters(const std::string& text) {
  return text.size() == 3 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalpha(static_cast<unsigned char>(c));
         });
}

StoreResponse invalid_field(const std::string& title, const std::string& field) {
  return unprocessable(title, "field_invalid", field);
}

}  // namespace

std::optional<StoreResponse> Store::check_rules(const ResourceSpec& spec, const json& input,
                                                Row& row, long long /*self_id*/, bool creating) {
  auto given = [&](const char* field) { return input.is_object() && input.contains(field); };

  if (spec.plural == "deals") {
    if (!non_negative_integer(row["value"]))
      return invalid_field("The deal value must be a whole number of cents, zero or more.",
                           "value");
    row["value"] = text_of(row["value"]).substr(0, text_of(row["value"]).find('.'));
    if (!three_letters(field_text(row, "currency")))
      return invalid_field("The deal currency must be a three-letter ISO code.", "currency");
    auto status = field_text(row, "status");
    if (status != "0" && status != "1" && status != "2")
      return invalid_field("The deal status must be 0 (open), 1 (won) or 2 (lost).", "status");
    if (creating && field_text(row, "contact").empty() && field_text(row, "account").empty())
      return unprocessable("The deal contact was not provided.", "field_missing", "contact");

    // The pipeline follows the stage; a pipeline alone puts the deal in its first stage.
    auto stage = field_text(row, "stage");
    auto group = field_text(row, "group");
    bool stage_given = given("stage") && !stage.empty();
    bool group_given = given("group") && !group.empty();
    if (stage_given) {
      const Row* stage_row = find_row("dealStages", stage);
      if (!stage_row)
        return unprocessable("The related stage does not exist.", "related_missing", "stage");
      auto stage_group = field_text(*stage_row, "group");
      if (group_given && stage_group != group)
        return unprocessable(json::array(
            {{{"detail", "Target stage does not belong to same pipeline"},
              {"source", {{"pointer", "/data/attributes/stage"}}},
              {"status", 422},
              {"title", "Invalid attribute"}}}));
      row["group"] = stage_group;
    } else if (group_given || (creating && !group.empty())) {
      if (!find_row("dealGroups", group))
        return unprocessable("The related group does not exist.", "related_missing", "group");
      const Row* current = stage.empty() ? nullptr : find_row("dealStages", stage);
      if (!current || field_text(*current, "group") != group) {
        long long first = 0, first_order = 0;
        for (auto id : ids_where("dealStages", "group", group)) {
          long long order =
              std::atoll(field_text(tables_["dealStages"].rows[id], "order").c_str());
          if (!first || order < first_order) first = id, first_order = order;
        }
        if (!first)
          return invalid_field("The pipeline has no stages to put the deal in.", "stage");
        row["stage"] = std::to_string(first);
      }
    } else if (creating) {
      return unprocessable("The deal stage was not provided.", "field_missing", "stage");
    }
    if (creating && field_text(row, "hash").empty()) {
      char hash[16];
      std::snprintf(hash, sizeof hash, "%08x",
                    static_cast<unsigned>(std::hash<std::string>{}(field_text(row, "title") +
                                                                   timestamp_now())));
      row["hash"] = std::string(hash).substr(0, 8);
    }
  }

  if (spec.plural == "ecomCustomers") {
    auto email = field_text(row, "email");
    if (!email.empty() && !valid_email(email))
      return unprocessable("Email address is not valid", "email_invalid", "email");
  }

  if (spec.plural == "ecomOrders") {
    bool has_order_id = !field_text(row, "externalid").empty();
    bool has_checkout_id = !field_text(row, "externalcheckoutid").empty();
    if (creating && !has_order_id && !has_checkout_id)
      return unprocessable("The ecomOrder externalid was not provided.", "field_missing",
                           "externalid");
    if (creating && has_order_id && field_text(row, "externalCreatedDate").empty())
      return unprocessable("The ecomOrder externalCreatedDate was not provided.", "field_missing",
                           "externalCreatedDate");
    if (creating && !has_order_id && field_text(row, "abandonedDate").empty())
      return unprocessable("The ecomOrder abandonedDate was not provided.", "field_missing",
                           "abandonedDate");
    for (const char* money : {"totalPrice", "shippingAmount", "taxAmount", "discountAmount"})
      if (!non_negative_integer(row[money]))
        return invalid_field(std::string("The ecomOrder ") + money +
                                 " must be a whole number of cents, zero or more.",
                             money);
    if (!three_letters(field_text(row, "currency")))
      return invalid_field("The ecomOrder currency must be a three-letter ISO code.", "currency");
    auto email = field_text(row, "email");
    if (!valid_email(email))
      return unprocessable("Email address is not valid", "email_invalid", "email");
    row["orderDate"] = row["externalCreatedDate"];
    if (!has_order_id) row["state"] = "0";  // an abandoned cart until the order arrives
    else if (creating || given("externalid")) row["state"] = "1";

    if (given("orderProducts")) {
      const json& products = input["orderProducts"];
      if (!products.is_array())
        return invalid_field("The ecomOrder orderProducts must be a list.", "orderProducts");
      const ResourceSpec& product_spec = *find_resource("ecomOrderProducts");
      for (std::size_t i = 0; i < products.size(); ++i) {
        std::string path = "orderProducts[" + std::to_string(i) + "]";
        if (!products[i].is_object())
          return invalid_field("The ecomOrder " + path + " must be an object.", path);
        for (const auto& field : product_spec.required)
          if (is_blank(products[i].value(field, json())))
            return unprocessable("The ecomOrder " + path + "." + field + " was not provided.",
                                 "field_missing", path + "." + field);
        for (const char* number : {"price", "quantity"})
          if (!non_negative_integer(products[i][number]))
            return invalid_field("The ecomOrder " + path + "." + number +
                                     " must be a whole number, zero or more.",
                                 path + "." + number);
      }
    }
  }
  return std::nullopt;
}

void Store::after_write(const ResourceSpec& spec, long long id, const json& input, json& out) {
  auto key = std::to_string(id);
  if (spec.plural == "deals") {
    const Row& deal = tables_["deals"].rows[id];
    json contacts = json::array();
    if (const Row* contact = find_row("contacts", field_text(deal, "contact")))
      contacts.push_back(render(*find_resource("contacts"), *contact));
    out["contacts"] = std::move(contacts);
    auto stage = parse_id(field_text(deal, "stage"));
    out["dealStages"] = sideload("dealStages", stage ? std::vector<long long>{*stage}
                                                     : std::vector<long long>{});
  }
  if (spec.plural == "ecomOrders") {
    const ResourceSpec& product_spec = *find_resource("ecomOrderProducts");
    Row& order = tables_["ecomOrders"].rows[id];
    if (input.is_object() && input.contains("orderProducts") && input["orderProducts"].is_array()) {
      // The products given replace the order's products, as upstream's PUT does.
      erase_where("ecomOrderProducts", "orderid", key);
      for (const auto& item : input["orderProducts"]) {
        Row product = product_spec.defaults;
        for (const auto& [field, value] : item.items())
          if (product_spec.defaults.contains(field)) product[field] = as_stored(value);
        product["orderid"] = key;
        product["connectionid"] = order["connectionid"];
        insert(product_spec, std::move(product));
      }
      order["totalProducts"] =
          std::to_string(ids_where("ecomOrderProducts", "orderid", key).size());
    }
    out["ecomOrderProducts"] = sideload("ecomOrderProducts", ids_where("ecomOrderProducts",
                                                                       "orderid", key));
    out["ecomOrderDiscounts"] = json::array();
  }
}

void Store::decorate_list_item(const ResourceSpec& spec, json& item) const {
  if (spec.plural == "accounts") {
    auto id = item.value("id", "");
    item["contactCount"] = std::to_string(ids_where("accountContacts", "account", id).size());
    item["dealCount"] = std::to_string(ids_where("deals", "account", id).size());
  }
}

std::optional<StoreResponse> Store::list_extras(const ResourceSpec& spec, const Query& query,
                                                std::vector<const Row*>& rows) {
  auto keep_if = [&rows](const auto& pred) {
    std::erase_if(rows, [&](const Row* r) { return !pred(*r); });
  };
  auto param = [&query](const char* key) -> std::optional<std::string> {
    auto it = query.find(key);
    if (it == query.end()) return std::nullopt;
    return it->second;
  };

  if (spec.plural == "deals") {
    if (auto search = param("filters[search]"); search && !search->empty()) {
      auto field = param("filters[search_field]").value_or("all");
      std::vector<std::string> fields = {"title"};
      if (field == "all") fields = {"title", "description", "$contact_name"};
      else if (field == "contact_name") fields = {"$contact_name"};
      else if (field != "title")
        return invalid_attribute("Invalid search field: \"" + field +
                                     "\". Allowed values are: \"title\", \"contact_name\", "
                                     "\"all\"",
                                 "filters[search_field]");
      auto wanted = lower(*search);
      keep_if([&](const Row& row) {
        return std::any_of(fields.begin(), fields.end(), [&](const std::string& f) {
          std::string text;
          if (f == "$contact_name") {
            if (const Row* contact = find_row("contacts", field_text(row, "contact")))
              text = field_text(*contact, "$name");
          } else {
            text = field_text(row, f);
          }
          return lower(text).find(wanted) != std::string::npos;
        });
      });
    }
    // Minimum and maximum are in dollars; values are stored in cents.
    for (const char* bound : {"filters[minimum_value]", "filters[maximum_value]"}) {
      auto value = param(bound);
      if (!value) continue;
      char* end = nullptr;
      double dollars = std::strtod(value->c_str(), &end);
      if (end == value->c_str())
        return invalid_attribute("The value must be a number", bound);
      bool minimum = std::string_view(bound) == "filters[minimum_value]";
      keep_if([&](const Row& row) {
        double cents = std::strtod(field_text(row, "value").c_str(), nullptr);
        return minimum ? cents >= dollars * 100 : cents <= dollars * 100;
      });
    }
  }

  if (spec.plural == "dealGroups") {
    if (auto have = param("filters[have_stages]")) {
      if (*have != "0" && *have != "1")
        return invalid_attribute("filters[have_stages] must be 1 or 0", "filters[have_stages]");
      bool want = *have == "1";
      keep_if([&](const Row& row) {
        return ids_where("dealStages", "group", field_text(row, "id")).empty() != want;
      });
    }
    if (auto direction = param("orders[popular]")) {
      auto dir = lower(*direction);
      if (dir != "asc" && dir != "desc")
        return invalid_attribute("Invalid order direction: \"" + *direction +
                                     "\". Allowed values are: \"ASC\", \"DESC\"",
                                 "orders[popular]");
      auto deals = [&](const Row* row) {
        return ids_where("deals", "group", field_text(*row, "id")).size();
      };
      std::stable_sort(rows.begin(), rows.end(), [&](const Row* a, const Row* b) {
        auto da = deals(a), db = deals(b);
        if (da != db) return dir == "desc" ? da > db : da < db;
        return field_text(*a, "cdate") < field_text(*b, "cdate");
      });
    }
  }
  return std::nullopt;
}

StoreResponse Store::order_products(long long order_id, const Query& query) {
  if (!tables_["ecomOrders"].rows.count(order_id))
    return not_found(*find_resource("ecomOrders"), std::to_string(order_id));
  Query filtered = query;
  filtered.erase("filters[orderid]");
  filtered.emplace("filters[orderid]", std::to_string(order_id));
  return list(*find_resource("ecomOrderProducts"), filtered);
}

}  // namespace acmcp::sandbox
