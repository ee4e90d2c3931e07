// ActiveCampaign v3 semantics over in-memory tables: routing, CRUD, filters, paging, the special
// endpoints (contact sync, list subscription, contact tags) and upstream-shaped errors.
#include "sandbox/store.hpp"
#include "sandbox/store_detail.hpp"
#include "util/json_parse.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <functional>

namespace acmcp::sandbox {
namespace detail {

using nlohmann::json;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<long long> parse_id(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

// Upstream sends every scalar as a string; bodies may carry numbers or booleans.
json as_stored(const json& value) {
  if (value.is_string() || value.is_null()) return value;
  if (value.is_boolean()) return value.get<bool>() ? "1" : "0";
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (std::isfinite(d) && std::fabs(d) < 1e15 && d == std::floor(d))
      return std::to_string(static_cast<long long>(d));
    return value.dump();
  }
  return value;  // arrays and objects are kept as given
}

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  json stored = as_stored(value);
  return stored.is_string() ? stored.get<std::string>() : value.dump();
}

bool is_blank(const json& value) {
  return value.is_null() || (value.is_string() && value.get<std::string>().empty());
}

StoreResponse message(int status, std::string text) {
  return {status, json{{"message", std::move(text)}}, {}};
}

StoreResponse not_found(const ResourceSpec& spec, std::string_view id) {
  return message(404, "No Result found for " + spec.entity + " with id " + std::string(id));
}

json error_entry(std::string title, std::string code, const std::string& field) {
  json e = {{"title", std::move(title)}, {"detail", ""}, {"code", std::move(code)}};
  if (!field.empty()) e["source"] = {{"pointer", "/data/attributes/" + field}};
  return e;
}

StoreResponse unprocessable(json errors) { return {422, json{{"errors", std::move(errors)}}, {}}; }

StoreResponse unprocessable(std::string title, std::string code, const std::string& field) {
  return unprocessable(json::array({error_entry(std::move(title), std::move(code), field)}));
}

// A bad query parameter, in the form upstream uses for them (see GET /lists/exclusions).
StoreResponse invalid_attribute(std::string detail, const std::string& parameter) {
  return unprocessable(json::array({{{"status", 422},
                                     {"title", "Invalid attribute"},
                                     {"detail", std::move(detail)},
                                     {"source", {{"pointer", "/data/attributes/" + parameter}}}}}));
}

bool valid_email(std::string_view email) {
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  return std::none_of(email.begin(), email.end(),
                      [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// A row's value for filtering and ordering; "$name" is the contact's full name.
std::string field_text(const json& row, const std::string& field) {
  if (field == "$name")
    return text_of(row.value("firstName", json(""))) + " " +
           text_of(row.value("lastName", json("")));
  auto it = row.find(field);
  return it == row.end() ? std::string() : text_of(*it);
}

}  // namespace detail

using namespace detail;
using nlohmann::json;

namespace {

bool compare_numbers(const std::string& op, double actual, double wanted) {
  if (op == "eq") return actual == wanted;
  if (op == "neq") return actual != wanted;
  if (op == "lt") return actual < wanted;
  if (op == "lte") return actual <= wanted;
  if (op == "gt") return actual > wanted;
  if (op == "gte") return actual >= wanted;
  return false;
}

bool compare(const std::string& op, const std::string& actual_raw, const std::string& wanted_raw,
             bool numeric = false) {
  if (numeric) {
    char* end = nullptr;
    double wanted = std::strtod(wanted_raw.c_str(), &end);
    if (end == wanted_raw.c_str()) return false;
    return compare_numbers(op, std::strtod(actual_raw.c_str(), nullptr), wanted);
  }
  auto actual = lower(actual_raw);
  auto wanted = lower(wanted_raw);
  if (op == "eq") return actual == wanted;
  if (op == "neq") return actual != wanted;
  if (op == "lt") return actual < wanted;
  if (op == "lte") return actual <= wanted;
  if (op == "gt") return actual > wanted;
  if (op == "gte") return actual >= wanted;
  if (op == "contains") return actual.find(wanted) != std::string::npos;
  if (op == "starts_with") return actual.rfind(wanted, 0) == 0;
  return false;
}

bool known_operator(std::string_view op) {
  static const std::vector<std::string_view> ops = {"eq", "neq", "lt",       "lte",
                                                    "gt", "gte", "contains", "starts_with"};
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string format_time(std::chrono::system_clock::time_point when, const char* format) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&t, &parts);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, format, &parts);
  return buffer;
}

std::string utc_timestamp_now() {
  return format_time(std::chrono::system_clock::now(), "%Y-%m-%d %H:%M:%S");
}

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

}  // namespace

std::string timestamp_now() {
  return format_time(std::chrono::system_clock::now() - std::chrono::hours(6),
                     "%Y-%m-%dT%H:%M:%S-06:00");
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

Target parse_target(std::string_view raw) {
  Target target;
  auto question = raw.find('?');
  std::string path = percent_decode(raw.substr(0, question), false);
  if (question != std::string_view::npos) {
    auto rest = raw.substr(question + 1);
    auto hash = rest.find('#');
    if (hash != std::string_view::npos) rest = rest.substr(0, hash);
    while (!rest.empty()) {
      auto amp = rest.find('&');
      auto pair = rest.substr(0, amp);
      if (!pair.empty()) {
        auto eq = pair.find('=');
        std::string key = percent_decode(pair.substr(0, eq), true);
        std::string value =
            eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
        target.query.emplace(std::move(key), std::move(value));
      }
      if (amp == std::string_view::npos) break;
      rest = rest.substr(amp + 1);
    }
  }
  static constexpr std::string_view prefix = "/api/3";
  if (path.rfind(prefix, 0) == 0 && (path.size() == prefix.size() || path[prefix.size()] == '/')) {
    target.under_api = true;
    target.path = path.substr(prefix.size());
    while (target.path.size() > 1 && target.path.back() == '/') target.path.pop_back();
    if (target.path.empty()) target.path = "/";
  }
  return target;
}

Store::Store(std::string token, bool with_seed) : token_(std::move(token)) {
  if (with_seed) seed();
}

void Store::set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

StoreResponse Store::handle_raw(std::string_view method, std::string_view path, const Query& query,
                                std::string_view raw_body, std::string_view api_token) {
  if (api_token != token_) return message(403, "Forbidden");
  json body;
  auto first = raw_body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos) {
    auto parsed = util::parse_json(raw_body);
    if (!parsed) return message(400, "The request body is not valid JSON.");
    body = std::move(parsed.value);
  }
  return handle(method, path, query, body);
}

StoreResponse Store::handle(std::string_view method, std::string_view path, const Query& query,
                            const json& body) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  try {
    return route(method, segments, query, body);
  } catch (const std::exception& e) {
    return message(500, std::string("Internal sandbox error: ") + e.what());
  }
}

StoreResponse Store::route(std::string_view method, const std::vector<std::string>& seg,
                           const Query& query, const json& body) {
  auto not_allowed = [](std::vector<std::string> allowed) {
    StoreResponse r = message(405, "Method Not Allowed");
    r.headers.emplace_back("Allow", join(allowed, ", "));
    return r;
  };
  auto route_missing = [] { return message(404, "Not Found"); };
  if (seg.empty()) return route_missing();

  if (seg.size() == 2 && seg[0] == "contact" && seg[1] == "sync")
    return method == "POST" ? sync_contact(body) : not_allowed({"POST"});
  if (seg.size() == 2 && seg[0] == "users" && seg[1] == "me")
    return method == "GET" ? current_user() : not_allowed({"GET"});

  const ResourceSpec* spec = find_resource(seg[0]);
  if (!spec) return route_missing();

  if (seg.size() == 1) {
    std::vector<std::string> allowed;
    if (spec->can_list) allowed.push_back("GET");
    if (spec->can_create) allowed.push_back("POST");
    if (method == "GET" && spec->can_list) return list(*spec, query);
    if (method == "POST" && spec->can_create) {
      if (spec->plural == "contactLists") return subscribe_contact_list(body);
      if (spec->plural == "dealGroups") return create_pipeline(body);
      if (spec->plural == "dealStages") return create_stage(body, query);
      if (spec->plural == "contactTags") return add_contact_tag(body);
      return create(*spec, body);
    }
    return allowed.empty() ? route_missing() : not_allowed(allowed);
  }

  if (seg.size() == 2) {
    std::vector<std::string> allowed;
    if (spec->can_read) allowed.push_back("GET");
    if (spec->can_update) allowed.push_back("PUT");
    if (spec->can_delete) allowed.push_back("DELETE");
    bool allowed_method = (method == "GET" && spec->can_read) ||
                          (method == "PUT" && spec->can_update) ||
                          (method == "DELETE" && spec->can_delete);
    if (!allowed_method) return not_allowed(allowed);
    auto id = parse_id(seg[1]);
    if (!id) return not_found(*spec, seg[1]);
    if (method == "GET") return read(*spec, *id);
    if (method == "PUT" && spec->plural == "dealStages") return update_stage(*id, body, query);
    if (method == "PUT") return update(*spec, *id, body);
    return remove(*spec, *id);
  }

  if (seg.size() == 3 && spec->plural == "contacts" &&
      (seg[2] == "contactLists" || seg[2] == "contactTags" || seg[2] == "fieldValues")) {
    if (method != "GET") return not_allowed({"GET"});
    auto id = parse_id(seg[1]);
    if (!id) return not_found(*spec, seg[1]);
    return contact_children(*id, seg[2]);
  }
  if (spec->plural == "deals" && seg[2] == "notes" && seg.size() <= 4) {
    if (method != (seg.size() == 3 ? "POST" : "PUT"))
      return not_allowed({seg.size() == 3 ? "POST" : "PUT"});
    auto id = parse_id(seg[1]);
    if (!id) return not_found(*spec, seg[1]);
    std::optional<long long> note_id;
    if (seg.size() == 4) {
      note_id = parse_id(seg[3]);
      if (!note_id) return not_found(*find_resource("notes"), seg[3]);
    }
    return deal_note(method, *id, note_id, body);
  }
  if (spec->plural == "ecomOrders" && seg.size() == 3 && seg[2] == "orderProducts") {
    if (method != "GET") return not_allowed({"GET"});
    auto id = parse_id(seg[1]);
    if (!id) return not_found(*spec, seg[1]);
    return order_products(*id, query);
  }
  return route_missing();
}

std::string Store::link(const std::string& plural, const std::string& id,
                        const std::string& relation) const {
  return base_url_ + "/" + plural + "/" + id + "/" + relation;
}

json Store::render(const ResourceSpec& spec, const Row& row) const {
  json out = row;
  std::string id = row.value("id", "");
  json links = json::object();
  for (const auto& relation : spec.links) links[relation] = link(spec.plural, id, relation);
  out["links"] = std::move(links);
  // A relation to id "0" is none: GET /ecomCustomers shows connection null for connectionid "0".
  for (const auto& [name, source] : spec.aliases) {
    json value = row.value(source, json());
    out[name] = value == "0" ? json() : std::move(value);
  }
  if (!spec.custom_field_owner.empty() && out.contains("fields") && out["fields"].is_array())
    for (auto& field : out["fields"])
      if (field.is_object()) field[spec.custom_field_owner] = id;
  if (spec.plural == "dealGroups") {
    json stages = json::array();
    for (auto stage_id : ids_where("dealStages", "group", id))
      stages.push_back(std::to_string(stage_id));
    out["stages"] = std::move(stages);
  }
  if (spec.plural == "ecomOrders") {
    json products = json::array();
    for (auto product_id : ids_where("ecomOrderProducts", "orderid", id))
      products.push_back(std::to_string(product_id));
    out["orderProducts"] = std::move(products);
  }
  return out;
}

std::vector<long long> Store::ids_where(const std::string& plural, const std::string& field,
                                        const std::string& value) const {
  std::vector<long long> ids;
  auto table = tables_.find(plural);
  if (table == tables_.end()) return ids;
  for (const auto& [id, row] : table->second.rows)
    if (field_text(row, field) == value) ids.push_back(id);
  return ids;
}

void Store::erase_where(const std::string& plural, const std::string& field,
                        const std::string& value) {
  auto& rows = tables_[plural].rows;
  for (auto id : ids_where(plural, field, value)) rows.erase(id);
}

long long Store::insert(const ResourceSpec& spec, Row row) {
  auto& table = tables_[spec.plural];
  long long id = table.next_id++;
  auto now = timestamp_now();
  row["id"] = std::to_string(id);
  for (const auto& field : spec.created_fields)
    if (is_blank(row.value(field, json()))) row[field] = now;
  for (const auto& field : spec.updated_fields) {
    if (!spec.updated_on_insert) {
      row[field] = nullptr;
    } else if (is_blank(row.value(field, json()))) {
      row[field] = now;
    }
  }
  if (row.contains("created_timestamp") && is_blank(row["created_timestamp"]))
    row["created_timestamp"] = row["updated_timestamp"] = utc_timestamp_now();
  table.rows[id] = std::move(row);
  return id;
}

std::optional<StoreResponse> Store::apply_fields(const ResourceSpec& spec, const json& input,
                                                 Row& row, long long self_id, bool creating) {
  if (input.is_object()) {
    for (const auto& [key, value] : input.items()) {
      if (!spec.defaults.contains(key) || key == "id") continue;
      row[key] = as_stored(value);
      if (std::find(spec.lowercase_fields.begin(), spec.lowercase_fields.end(), key) !=
              spec.lowercase_fields.end() &&
          row[key].is_string())
        row[key] = lower(row[key].get<std::string>());
    }
    if (spec.plural == "lists" && input.contains("user")) row["userid"] = row["user"];
  }

  json errors = json::array();
  for (const auto& field : spec.required) {
    bool given = input.is_object() && input.contains(field);
    if ((creating || given) && is_blank(row.value(field, json()))) {
      std::string title = spec.plural == "contacts" && field == "email"
                              ? "The contact email is required"
                              : "The " + spec.singular + " " + field + " was not provided.";
      if (!spec.missing_title.empty()) {
        title = spec.missing_title;
        title.replace(title.find("{field}"), 7, field);
      }
      errors.push_back(error_entry(title, "field_missing", field));
    }
  }
  if (!errors.empty()) return unprocessable(std::move(errors));

  if (spec.plural == "contacts") {
    auto email = field_text(row, "email");
    if (!email.empty() && !valid_email(email))
      return unprocessable("Email address is not valid", "email_invalid", "email");
    if (!email.empty()) {
      auto at = email.find('@');
      row["email_local"] = email.substr(0, at);
      row["email_domain"] = email.substr(at + 1);
    }
  }
  if (spec.plural == "tags") {
    auto type = field_text(row, "tagType");
    if (type != "contact" && type != "template")
      return unprocessable("The tag tagType must be one of: contact, template", "field_invalid",
                           "tagType");
  }

  if (auto error = check_rules(spec, input, row, self_id, creating)) return error;

  for (const auto& [field, plural] : spec.related) {
    auto value = field_text(row, field);
    if (value.empty() || value == "0") continue;
    if (!find_row(plural, value))
      return unprocessable("The related " + field + " does not exist.", "related_missing", field);
  }

  for (const auto& group : spec.unique) {
    bool all_blank = std::all_of(group.begin(), group.end(),
                                 [&](const std::string& f) { return field_text(row, f).empty(); });
    if (all_blank) continue;  // e.g. an abandoned cart has no order externalid yet
    for (const auto& [id, other] : tables_[spec.plural].rows) {
      if (id == self_id) continue;
      bool same = std::all_of(group.begin(), group.end(), [&](const std::string& f) {
        return lower(field_text(other, f)) == lower(field_text(row, f));
      });
      if (!same) continue;
      std::string title = spec.plural == "contacts" ? "Email address already exists in the system"
                                                    : "A " + spec.singular + " with the same " +
                                                          join(group, " and ") + " already exists";
      if (!spec.duplicate_title.empty()) {
        title = spec.duplicate_title;
        auto at = title.find("{value}");
        if (at != std::string::npos) title.replace(at, 7, field_text(row, group.front()));
      }
      return unprocessable(title, spec.duplicate_code, group.front());
    }
  }
  return std::nullopt;
}

json Store::write_field_values(long long contact_id, const json& values) {
  json written = json::array();
  if (!values.is_array()) return written;
  const ResourceSpec& spec = *find_resource("fieldValues");
  auto contact = std::to_string(contact_id);
  for (const auto& item : values) {
    if (!item.is_object() || !item.contains("field")) continue;
    auto field = text_of(item["field"]);
    json value = item.contains("value") ? as_stored(item["value"]) : json();
    long long id = 0;
    for (const auto& [existing_id, row] : tables_["fieldValues"].rows)
      if (field_text(row, "contact") == contact && field_text(row, "field") == field)
        id = existing_id;
    if (id) {
      auto& row = tables_["fieldValues"].rows[id];
      row["value"] = value;
      row["udate"] = timestamp_now();
    } else {
      Row row = spec.defaults;
      row["contact"] = row["owner"] = contact;
      row["field"] = field;
      row["value"] = value;
      id = insert(spec, std::move(row));
    }
    written.push_back(render(spec, tables_["fieldValues"].rows[id]));
  }
  return written;
}

StoreResponse Store::list(const ResourceSpec& spec, const Query& query) {
  std::vector<const Row*> rows;
  for (const auto& [id, row] : tables_[spec.plural].rows) rows.push_back(&row);

  auto keep_if = [&rows](const std::function<bool(const Row&)>& pred) {
    std::erase_if(rows, [&](const Row* r) { return !pred(*r); });
  };

  std::string weight_value;
  for (const auto& filter : spec.filters) {
    for (const auto& [key, value] : query) {
      std::string op;
      if (key == filter.param) {
        op = filter.default_op;
      } else if (filter.operators && key.size() > filter.param.size() + 2 &&
                 key.rfind(filter.param + "[", 0) == 0 && key.back() == ']') {
        op = key.substr(filter.param.size() + 1, key.size() - filter.param.size() - 2);
        if (!known_operator(op))
          return invalid_attribute("Unsupported filter operator: \"" + op + "\"", key);
      } else {
        continue;
      }
      if (std::find(filter.fields.begin(), filter.fields.end(), spec.weight_field) !=
              filter.fields.end() &&
          weight_value.empty())
        weight_value = value;
      keep_if([&](const Row& row) {
        return std::any_of(filter.fields.begin(), filter.fields.end(), [&](const std::string& f) {
          return compare(op, field_text(row, f), value, filter.numeric);
        });
      });
    }
  }

  if (spec.plural == "contacts") {
    for (const auto& [key, value] : query) {
      if (key == "listid" || key == "tagid") {
        bool by_list = key == "listid";
        auto members =
            ids_where(by_list ? "contactLists" : "contactTags", by_list ? "list" : "tag", value);
        std::vector<std::string> contact_ids;
        for (auto m : members)
          contact_ids.push_back(
              field_text(tables_[by_list ? "contactLists" : "contactTags"].rows[m], "contact"));
        keep_if([&](const Row& row) {
          return std::find(contact_ids.begin(), contact_ids.end(), field_text(row, "id")) !=
                 contact_ids.end();
        });
      } else if (key == "id_greater" || key == "id_less") {
        auto bound = parse_id(value).value_or(0);
        bool greater = key == "id_greater";
        keep_if([&](const Row& row) {
          auto id = parse_id(field_text(row, "id")).value_or(0);
          return greater ? id > bound : id < bound;
        });
      } else if (key == "ids" || key == "ids[]") {
        std::vector<std::string> wanted;
        std::string_view rest = value;
        while (!rest.empty()) {
          auto comma = rest.find(',');
          wanted.emplace_back(rest.substr(0, comma));
          if (comma == std::string_view::npos) break;
          rest = rest.substr(comma + 1);
        }
        keep_if([&](const Row& row) {
          return std::find(wanted.begin(), wanted.end(), field_text(row, "id")) != wanted.end();
        });
      }
    }
  }

  // Orders apply in the order the spec lists them; the id breaks ties.
  struct Order {
    const OrderSpec* spec;
    bool descending;
    bool weight;
  };
  std::vector<Order> orders;
  for (const auto& order : spec.orders) {
    auto it = query.find(order.param);
    if (it == query.end()) continue;
    auto direction = lower(it->second);
    bool weight = direction == "weight" && order.param == spec.weight_order_param;
    if (direction != "asc" && direction != "desc" && !weight)
      return invalid_attribute(
          "Invalid order direction: \"" + it->second + "\". Allowed values are: \"ASC\", \"DESC\"",
          order.param);
    orders.push_back({&order, direction == "desc", weight});
  }
  auto weight_of = [&](const Row& row) {
    auto value = lower(field_text(row, spec.weight_field));
    auto wanted = lower(weight_value);
    if (value == wanted) return 0;
    if (value.rfind(wanted, 0) == 0) return 1;
    return 2;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const Row* a, const Row* b) {
    for (const auto& order : orders) {
      if (order.weight) {
        int wa = weight_of(*a), wb = weight_of(*b);
        if (wa != wb) return wa < wb;
        continue;
      }
      auto va = field_text(*a, order.spec->field), vb = field_text(*b, order.spec->field);
      int cmp = 0;
      if (order.spec->numeric) {
        auto na = std::strtod(va.c_str(), nullptr), nb = std::strtod(vb.c_str(), nullptr);
        cmp = na < nb ? -1 : (na > nb ? 1 : 0);
      } else {
        auto la = lower(va), lb = lower(vb);
        cmp = la < lb ? -1 : (la > lb ? 1 : 0);
      }
      if (cmp != 0) return order.descending ? cmp > 0 : cmp < 0;
    }
    return parse_id(field_text(*a, "id")).value_or(0) < parse_id(field_text(*b, "id")).value_or(0);
  });
  // Filters and orders that need other tables (deal search, pipeline popularity).
  if (auto error = list_extras(spec, query, rows)) return *error;

  auto number = [&](const char* key, long long fallback) {
    auto it = query.find(key);
    if (it == query.end()) return fallback;
    long long value = 0;
    auto [end, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
    if (ec != std::errc() || end != it->second.data() + it->second.size()) return fallback;
    return value;
  };
  long long limit = number("limit", 20);
  if (limit <= 0) limit = 20;
  limit = std::min<long long>(limit, 100);
  long long offset =
      std::clamp<long long>(number("offset", 0), 0, static_cast<long long>(rows.size()));

  json items = json::array();
  std::vector<long long> stage_ids;
  for (long long i = offset; i < static_cast<long long>(rows.size()) && i < offset + limit; ++i) {
    items.push_back(render(spec, *rows[static_cast<std::size_t>(i)]));
    decorate_list_item(spec, items.back());
    if (spec.plural == "dealGroups")
      for (const auto& stage : items.back()["stages"])
        stage_ids.push_back(parse_id(stage.get<std::string>()).value_or(0));
  }

  json out = json::object();
  if (spec.plural == "contacts") out["scoreValues"] = json::array();
  out[spec.plural] = std::move(items);
  if (spec.plural == "dealGroups") out["dealStages"] = sideload("dealStages", stage_ids);
  out["meta"] = {{"total", std::to_string(rows.size())}};
  return {200, std::move(out), {}};
}

StoreResponse Store::read(const ResourceSpec& spec, long long id) {
  auto& rows = tables_[spec.plural].rows;
  auto it = rows.find(id);
  if (it == rows.end()) return not_found(spec, std::to_string(id));
  json item = render(spec, it->second);
  auto key = std::to_string(id);

  if (spec.plural == "tags")
    item["subscriber_count"] = std::to_string(ids_where("contactTags", "tag", key).size());
  if (spec.plural == "dealGroups")
    return {200,
            json{{"dealGroup", item},
                 {"dealStages", sideload("dealStages", ids_where("dealStages", "group", key))}},
            {}};
  if (spec.plural == "ecomOrders")
    return {200,
            json{{"ecomOrder", item},
                 {"ecomOrderProducts",
                  sideload("ecomOrderProducts", ids_where("ecomOrderProducts", "orderid", key))}},
            {}};
  if (spec.plural != "contacts") return {200, json{{spec.singular, std::move(item)}}, {}};

  // A contact comes with its relations sideloaded, as upstream does.
  json out = json::object();
  for (const char* empty : {"contactAutomations", "deals", "geoAddresses", "geoIps"})
    out[empty] = json::array();
  for (const char* empty : {"contactAutomations", "geoIps", "deals", "accountContacts"})
    item[empty] = json::array();
  for (const char* relation : {"contactLists", "contactTags", "fieldValues"}) {
    const ResourceSpec& related = *find_resource(relation);
    json rendered = json::array(), ids = json::array();
    for (auto rid : ids_where(relation, "contact", key)) {
      rendered.push_back(render(related, tables_[relation].rows[rid]));
      ids.push_back(std::to_string(rid));
    }
    out[relation] = std::move(rendered);
    item[relation] = std::move(ids);
  }
  out["contact"] = std::move(item);
  return {200, std::move(out), {}};
}

StoreResponse Store::create(const ResourceSpec& spec, const json& body) {
  json input = body.is_object() && body.contains(spec.singular) ? body[spec.singular] : json();
  Row row = spec.defaults;
  if (auto error = apply_fields(spec, input, row, 0, true)) return *error;
  long long id = insert(spec, std::move(row));
  json out = json::object();
  after_write(spec, id, input, out);
  json& created = out[spec.singular] = render(spec, tables_[spec.plural].rows[id]);
  if (!spec.updated_on_insert && !spec.created_fields.empty())
    for (const auto& field : spec.updated_fields)
      created[field] = created.value(spec.created_fields.front(), json());
  // POST /deals answers percent null when the body gave none (reads show "0").
  if (spec.plural == "deals" && !(input.is_object() && input.contains("percent")))
    created["percent"] = nullptr;
  if (spec.plural == "contacts")
    out["fieldValues"] =
        write_field_values(id, input.is_object() ? input.value("fieldValues", json()) : json());
  return {spec.create_status, std::move(out), {}};
}

StoreResponse Store::update(const ResourceSpec& spec, long long id, const json& body) {
  auto& rows = tables_[spec.plural].rows;
  auto it = rows.find(id);
  if (it == rows.end()) return not_found(spec, std::to_string(id));
  json input = body.is_object() && body.contains(spec.singular) ? body[spec.singular] : json();
  Row row = it->second;
  if (auto error = apply_fields(spec, input, row, id, false)) return *error;
  for (const auto& field : spec.updated_fields) row[field] = timestamp_now();
  if (row.contains("updated_timestamp")) row["updated_timestamp"] = utc_timestamp_now();
  rows[id] = row;
  json out = json::object();
  after_write(spec, id, input, out);
  out[spec.singular] = render(spec, tables_[spec.plural].rows[id]);
  if (spec.plural == "contacts")
    out["fieldValues"] =
        write_field_values(id, input.is_object() ? input.value("fieldValues", json()) : json());
  return {200, std::move(out), {}};
}

StoreResponse Store::remove(const ResourceSpec& spec, long long id) {
  if (!tables_[spec.plural].rows.count(id)) return not_found(spec, std::to_string(id));
  remove_cascading(spec, id);
  return {200, json::object(), {}};
}

void Store::remove_cascading(const ResourceSpec& spec, long long id) {
  tables_[spec.plural].rows.erase(id);
  auto key = std::to_string(id);
  for (const auto& [child, field] : spec.cascade) {
    const ResourceSpec* child_spec = find_resource(child);
    for (auto child_id : ids_where(child, field, key)) {
      if (child_spec) remove_cascading(*child_spec, child_id);
      else tables_[child].rows.erase(child_id);
    }
  }
}

const Store::Row* Store::find_row(const std::string& plural, const std::string& id) const {
  auto number = parse_id(id);
  auto table = tables_.find(plural);
  if (!number || table == tables_.end()) return nullptr;
  auto it = table->second.rows.find(*number);
  return it == table->second.rows.end() ? nullptr : &it->second;
}

json Store::sideload(const std::string& plural, const std::vector<long long>& ids) const {
  json items = json::array();
  const ResourceSpec* spec = find_resource(plural);
  auto table = tables_.find(plural);
  if (!spec || table == tables_.end()) return items;
  for (auto id : ids) {
    auto it = table->second.rows.find(id);
    if (it != table->second.rows.end()) items.push_back(render(*spec, it->second));
  }
  return items;
}

StoreResponse Store::sync_contact(const json& body) {
  const ResourceSpec& spec = *find_resource("contacts");
  json input = body.is_object() && body.contains("contact") ? body["contact"] : json();
  std::string email = input.is_object() ? text_of(input.value("email", json())) : "";
  long long existing = 0;
  for (const auto& [id, row] : tables_["contacts"].rows)
    if (!email.empty() && lower(field_text(row, "email")) == lower(email)) existing = id;
  if (!existing) return create(spec, body);
  return update(spec, existing, body);
}

StoreResponse Store::subscribe_contact_list(const json& body) {
  const ResourceSpec& spec = *find_resource("contactLists");
  json input = body.is_object() && body.contains("contactList") ? body["contactList"] : json();
  json errors = json::array();
  for (const auto& field : spec.required)
    if (!input.is_object() || is_blank(input.value(field, json())))
      errors.push_back(
          error_entry("The contactList " + field + " was not provided.", "field_missing", field));
  if (!errors.empty()) return unprocessable(std::move(errors));

  auto status = text_of(input["status"]);
  auto contact_id = parse_id(text_of(input["contact"]));
  if (!contact_id || !tables_["contacts"].rows.count(*contact_id))
    return unprocessable("The related contact does not exist.", "related_missing", "contact");
  auto list_number = parse_id(text_of(input["list"]));
  if (!list_number || !tables_["lists"].rows.count(*list_number))
    return unprocessable("The related list does not exist.", "related_missing", "list");
  // Ids are compared as text, so "01" and 1 must both become "1".
  auto contact = std::to_string(*contact_id);
  auto list_id = std::to_string(*list_number);
  if (status != "1" && status != "2")
    return unprocessable("The contactList status must be 1 (subscribed) or 2 (unsubscribed).",
                         "field_invalid", "status");

  const Row& contact_row = tables_["contacts"].rows[*contact_id];
  long long id = 0;
  for (auto existing : ids_where("contactLists", "contact", contact))
    if (field_text(tables_["contactLists"].rows[existing], "list") == list_id) id = existing;
  auto now = timestamp_now();
  if (id) {
    auto& row = tables_["contactLists"].rows[id];
    row["status"] = status;
    if (input.contains("sourceid")) row["sourceid"] = as_stored(input["sourceid"]);
    row["udate"] = now;
    row["updated_timestamp"] = utc_timestamp_now();
  } else {
    Row row = spec.defaults;
    row["contact"] = contact;
    row["list"] = list_id;
    row["status"] = status;
    if (input.contains("sourceid")) row["sourceid"] = as_stored(input["sourceid"]);
    row["first_name"] = contact_row.value("firstName", "");
    row["last_name"] = contact_row.value("lastName", "");
    row["sdate"] = now;
    id = insert(spec, std::move(row));
  }
  json out = {{"contacts", json::array({render(*find_resource("contacts"), contact_row)})},
              {"contactList", render(spec, tables_["contactLists"].rows[id])}};
  return {spec.create_status, std::move(out), {}};
}

StoreResponse Store::add_contact_tag(const json& body) {
  const ResourceSpec& spec = *find_resource("contactTags");
  json input = body.is_object() && body.contains("contactTag") ? body["contactTag"] : json();
  json errors = json::array();
  for (const auto& field : spec.required)
    if (!input.is_object() || is_blank(input.value(field, json())))
      errors.push_back(
          error_entry("The contactTag " + field + " was not provided.", "field_missing", field));
  if (!errors.empty()) return unprocessable(std::move(errors));

  // Upstream answers a missing contact or tag with 404 in its JSON:API error form.
  auto missing = [](const char* what) {
    return StoreResponse{
        404,
        json{{"errors", json::array({{{"status", 404},
                                      {"title", "Not Found"},
                                      {"detail", std::string(what) + " not found"}}})}},
        {}};
  };
  auto contact_id = parse_id(text_of(input["contact"]));
  if (!contact_id || !tables_["contacts"].rows.count(*contact_id)) return missing("Contact");
  auto tag_id = parse_id(text_of(input["tag"]));
  if (!tag_id || !tables_["tags"].rows.count(*tag_id)) return missing("Tag");

  Row row = spec.defaults;
  row["contact"] = std::to_string(*contact_id);
  row["tag"] = std::to_string(*tag_id);
  if (auto error = apply_fields(spec, json::object(), row, 0, true)) {
    (*error).body["errors"][0]["title"] = "The contact already has this tag";
    (*error).body["errors"][0]["source"]["pointer"] = "/data/attributes/tag";
    return *error;
  }
  long long id = insert(spec, std::move(row));
  return {
      spec.create_status, json{{"contactTag", render(spec, tables_["contactTags"].rows[id])}}, {}};
}

StoreResponse Store::contact_children(long long contact_id, const std::string& child) {
  const ResourceSpec& contacts = *find_resource("contacts");
  if (!tables_["contacts"].rows.count(contact_id))
    return not_found(contacts, std::to_string(contact_id));
  const ResourceSpec& spec = *find_resource(child);
  json items = json::array();
  for (auto id : ids_where(child, "contact", std::to_string(contact_id)))
    items.push_back(render(spec, tables_[child].rows[id]));
  return {200, json{{child, std::move(items)}}, {}};
}

StoreResponse Store::current_user() {
  const ResourceSpec& spec = *find_resource("users");
  auto& rows = tables_["users"].rows;
  if (rows.empty()) return message(403, "Forbidden");
  return {200, json{{"user", render(spec, rows.begin()->second)}}, {}};
}

}  // namespace acmcp::sandbox
