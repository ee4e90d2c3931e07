// Runs a table row from schemas/*.json: builds the upstream request, sends it, and shapes the data.
//
// A row:
//   {"method": "PUT", "path": "/tags/{TagId}",          {Arg} = argument, percent-encoded
//    "wrap": "tag",                                      body = {"tag": <built body>}
//    "body": {"tag": "TagName", "priority": 2},          see "Values" below
//    "query": {"filters[search][{SearchOperator}]": "SearchText", "limit": "Limit"},
//    "omitEmpty": true,                                  "" arguments count as not given
//    "page": {"items": "tags"},                          enables $page (list responses)
//    "notFound": "tag {TagId}",                          what a 404 means (error message)
//    "successStatuses": [404],                           non-2xx statuses that count as success
//    "result": <template>}                               the data on success (default "$response")
//
// Values in "body" and "query": a string is an argument name (the key is left out when that
// argument is absent); a string starting with "$" is an expression; an object is built the same
// way (left out when empty), and its key "..." spreads an object-valued spec into it (explicit
// keys win), e.g. "...": "AdditionalFields"; anything else is a literal. A query key may hold
// {Arg} placeholders and is left out when one of them is absent. Query values are sent as text.
//
// Templates ("result"): strings starting with "$" are expressions, "$$x" is the literal "$x";
// objects and arrays are evaluated member by member, and a member whose expression resolves to
// nothing is left out; the key "..." spreads an object into the enclosing one (explicit keys win);
// every other value is a literal. {"$each": <template giving an array>, "$item": <template>}
// maps every element through the item template, where $item is the element (e.g. to rename
// keys in every item of a list); anything but an array maps to [].
//
// Expressions: $<root>[.<key or index>...][|<filter>]
//   roots:   args (validated arguments), response (the upstream JSON body),
//            page (limit, offset, count, total, hasMore; needs "page" in the row),
//            item (the element inside "$each")
//   filters: string (numbers and booleans as text), int (integral numbers, numeric strings,
//            booleans as 1/0), bool (true/false, "true"/"false", 0/1), array (anything else
//            becomes []), object (anything else becomes {}), lower / upper (letter case of a
//            string), unless:<JSON> (nothing when the value equals that JSON literal)
//   e.g. "$response.tag", "$args.TagId|string", "$response.meta.total|int", "$page.hasMore",
//        "$args.Currency|lower", "$args.FilterStage|unless:-1"
#include "tools/crud_engine.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "schema/coercion.hpp"
#include "util/ascii.hpp"

namespace acmcp::tools {

namespace {

constexpr int kDefaultPageLimit = 20;  // ActiveCampaign's own default page size

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::optional<json> apply_filter(std::string_view filter, std::optional<json> value) {
  if (filter.starts_with("unless:")) {
    json excluded = json::parse(filter.substr(7), nullptr, false);
    if (excluded.is_discarded()) {
      throw std::invalid_argument("filter 'unless:' needs a JSON literal: " + std::string(filter));
    }
    if (value && *value == excluded) return std::nullopt;
    return value;
  }
  if (filter != "string" && filter != "int" && filter != "bool" && filter != "array" &&
      filter != "object" && filter != "lower" && filter != "upper") {
    throw std::invalid_argument("unknown template filter '" + std::string(filter) + "'");
  }
  if (filter == "array") return value && value->is_array() ? *value : json::array();
  if (filter == "object") return value && value->is_object() ? *value : json::object();
  if (!value) return std::nullopt;
  if (filter == "lower" || filter == "upper") {
    if (!value->is_string()) return value;
    const auto& text = value->get_ref<const std::string&>();
    return json(filter == "upper" ? util::to_upper(text) : util::to_lower(text));
  }
  if (filter == "string") {
    if (value->is_string()) return value;
    if (value->is_boolean()) return json(value->get<bool>() ? "true" : "false");
    if (value->is_number()) return json(value->dump());
    return std::nullopt;
  }
  if (filter == "int") {
    if (value->is_number_integer()) return value;
    if (value->is_boolean()) return json(value->get<bool>() ? 1 : 0);
    if (value->is_number_float()) {
      if (auto whole = schema::integral_value(value->get<double>())) return json(*whole);
      return std::nullopt;
    }
    if (value->is_string()) {
      if (auto parsed = schema::parse_integer(value->get<std::string>())) return json(*parsed);
    }
    return std::nullopt;
  }
  if (filter == "bool") {
    if (value->is_boolean()) return value;
    if (value->is_number_integer()) return json(value->get<long long>() != 0);
    if (value->is_string()) {
      const auto& text = value->get_ref<const std::string&>();
      if (text == "true" || text == "1") return json(true);
      if (text == "false" || text == "0") return json(false);
    }
  }
  return std::nullopt;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A {Name} placeholder: what the regex \{([A-Za-z0-9_]*)\} finds, written out because std::regex
// costs milliseconds at start-up.
struct Placeholder {
  std::size_t begin = 0;  // the '{'
  std::size_t end = 0;    // just past the '}'
  std::string_view name;
};

// The first placeholder in `text` at or after `from`.
std::optional<Placeholder> next_placeholder(std::string_view text, std::size_t from = 0) {
  for (auto open = text.find('{', from); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    std::size_t close = open + 1;
    while (close < text.size() && is_name_char(text[close])) ++close;
    if (close < text.size() && text[close] == '}') {
      return Placeholder{open, close + 1, text.substr(open + 1, close - open - 1)};
    }
  }
  return std::nullopt;
}

char hex_digit(int value) { return "0123456789ABCDEF"[value & 0xF]; }

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex_digit(c >> 4);
      out += hex_digit(c);
    }
  }
  return out;
}

// Arguments as text for paths and query strings.
std::optional<std::string> as_text(const json& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

const json* find_argument(const json& args, const std::string& name, bool omit_empty) {
  if (!args.is_object()) return nullptr;
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return nullptr;
  if (omit_empty && it->is_string() && it->get_ref<const std::string&>().empty()) return nullptr;
  return &*it;
}

// A "body"/"query" value spec resolved against the arguments.
std::optional<json> resolve_value(const json& spec, const json& args, bool omit_empty) {
  if (spec.is_string()) {
    const auto& text = spec.get_ref<const std::string&>();
    if (!text.empty() && text[0] == '$') return evaluate_expression(text, TemplateScope{args});
    if (const json* argument = find_argument(args, text, omit_empty)) return *argument;
    return std::nullopt;
  }
  if (spec.is_object()) {
    json built = json::object();
    if (auto spread = spec.find("..."); spread != spec.end()) {
      if (auto value = resolve_value(*spread, args, omit_empty); value && value->is_object()) {
        built = std::move(*value);
      }
    }
    for (const auto& [key, member] : spec.items()) {
      if (key == "...") continue;
      if (auto value = resolve_value(member, args, omit_empty)) built[key] = std::move(*value);
    }
    if (built.empty()) return std::nullopt;
    return built;
  }
  return spec;
}

// A response the row declares a success although it is not 2xx (e.g. a 404 to a delete that
// the operation treats as already done).
bool counts_as_success(const json& row, const ac::Response& response) {
  if (!response.error.empty()) return false;
  auto statuses = row.find("successStatuses");
  if (statuses == row.end() || !statuses->is_array()) return false;
  return std::find(statuses->begin(), statuses->end(), json(response.status)) != statuses->end();
}

}  // namespace

std::optional<json> evaluate_expression(std::string_view expression, const TemplateScope& scope) {
  if (expression.empty() || expression[0] != '$') {
    throw std::invalid_argument("an expression starts with '$': " + std::string(expression));
  }
  expression.remove_prefix(1);
  std::string_view filter;
  if (auto bar = expression.find('|'); bar != std::string_view::npos) {
    filter = expression.substr(bar + 1);
    expression = expression.substr(0, bar);
  }
  auto segments = split(expression, '.');
  const json* current = nullptr;
  const std::string_view root = segments.front();
  if (root == "args") {
    current = &scope.args;
  } else if (root == "response") {
    current = scope.response;
  } else if (root == "page") {
    current = scope.page;
  } else if (root == "item") {
    current = scope.item;
  } else {
    throw std::invalid_argument("unknown expression root '$" + std::string(root) + "'");
  }
  for (std::size_t i = 1; current != nullptr && i < segments.size(); ++i) {
    const std::string key(segments[i]);
    if (current->is_object()) {
      auto it = current->find(key);
      current = it == current->end() ? nullptr : &*it;
    } else if (current->is_array()) {
      auto index = schema::parse_integer(key);
      current = index && *index >= 0 && static_cast<std::size_t>(*index) < current->size()
                    ? &(*current)[static_cast<std::size_t>(*index)]
                    : nullptr;
    } else {
      current = nullptr;
    }
  }
  std::optional<json> value;
  if (current != nullptr && !current->is_null()) value = *current;
  if (filter.empty()) return value;
  return apply_filter(filter, std::move(value));
}

namespace {

json map_each(const json& template_value, const TemplateScope& scope) {
  const auto item_template = template_value.find("$item");
  if (item_template == template_value.end()) {
    throw std::invalid_argument("\"$each\" needs an \"$item\" template");
  }
  json out = json::array();
  const auto items = evaluate_template(template_value["$each"], scope);
  if (!items || !items->is_array() || items->empty()) {
    // Evaluated once anyway so a bad item template fails the start-up check, not a later call.
    const json empty = json::object();
    evaluate_template(*item_template,
                      TemplateScope{scope.args, scope.response, scope.page, &empty});
    return out;
  }
  for (const auto& element : *items) {
    TemplateScope inner{scope.args, scope.response, scope.page, &element};
    if (auto value = evaluate_template(*item_template, inner)) out.push_back(std::move(*value));
  }
  return out;
}

}  // namespace

std::optional<json> evaluate_template(const json& template_value, const TemplateScope& scope) {
  if (template_value.is_string()) {
    const auto& text = template_value.get_ref<const std::string&>();
    if (text.starts_with("$$")) return json(text.substr(1));
    if (text.starts_with("$")) return evaluate_expression(text, scope);
    return template_value;
  }
  if (template_value.is_object() && template_value.contains("$each")) {
    return map_each(template_value, scope);
  }
  if (template_value.is_object()) {
    json out = json::object();
    if (auto spread = template_value.find("..."); spread != template_value.end()) {
      if (auto value = evaluate_template(*spread, scope); value && value->is_object()) {
        out = std::move(*value);
      }
    }
    for (const auto& [key, member] : template_value.items()) {
      if (key == "...") continue;
      if (auto value = evaluate_template(member, scope)) out[key] = std::move(*value);
    }
    return out;
  }
  if (template_value.is_array()) {
    json out = json::array();
    for (const auto& member : template_value) {
      if (auto value = evaluate_template(member, scope)) out.push_back(std::move(*value));
    }
    return out;
  }
  return template_value;
}

// An |int result as a count: unsigned values beyond 64-bit signed saturate instead of wrapping.
long long as_count(const json& value) {
  if (!value.is_number_unsigned()) return value.get<long long>();
  return static_cast<long long>(
      std::min<std::uint64_t>(value.get<std::uint64_t>(), std::numeric_limits<long long>::max()));
}

json page_values(const json& row, const json& args, const json& response) {
  const json& page = row.at("page");
  const TemplateScope arguments{args};
  long long limit = page.value("defaultLimit", kDefaultPageLimit);
  if (auto given = evaluate_expression("$args.Limit|int", arguments)) limit = as_count(*given);
  long long offset = 0;
  if (auto given = evaluate_expression("$args.Offset|int", arguments)) offset = as_count(*given);
  return page_values(page.value("items", ""), limit, offset, response);
}

json page_values(const std::string& items, long long limit, long long offset,
                 const json& response) {
  long long count = 0;
  if (response.is_object() && response.contains(items) && response[items].is_array()) {
    count = static_cast<long long>(response[items].size());
  }
  // The caller's offset may be as large as 2^63-1: sums saturate rather than overflow.
  constexpr long long kMax = std::numeric_limits<long long>::max();
  long long total = offset > 0 && count > kMax - offset ? kMax : offset + count;
  const json no_arguments;
  const TemplateScope scope{no_arguments, &response};
  if (auto upstream_total = evaluate_expression("$response.meta.total|int", scope)) {
    total = as_count(*upstream_total);
  }
  return json{{"limit", limit},
              {"offset", offset},
              {"count", count},
              {"total", total},
              {"hasMore", total > offset && total - offset > count}};
}

std::vector<std::string> placeholder_names(std::string_view text) {
  std::vector<std::string> names;
  for (auto placeholder = next_placeholder(text); placeholder;
       placeholder = next_placeholder(text, placeholder->end)) {
    names.emplace_back(placeholder->name);
  }
  return names;
}

std::string fill_placeholders(std::string_view text, const json& args, bool encode) {
  std::string out;
  std::size_t position = 0;
  for (auto placeholder = next_placeholder(text); placeholder;
       placeholder = next_placeholder(text, placeholder->end)) {
    out.append(text.substr(position, placeholder->begin - position));
    const std::string name(placeholder->name);
    const json* argument = find_argument(args, name, false);
    auto value = argument ? as_text(*argument) : std::nullopt;
    if (!value) throw std::invalid_argument("argument " + name + " is required here");
    out += encode ? percent_encode(*value) : *value;
    position = placeholder->end;
  }
  out.append(text.substr(position));
  return out;
}

ac::Request build_request(const json& row, const json& args) {
  const bool omit_empty = row.value("omitEmpty", false);
  ac::Request request;
  request.method = row.at("method").get<std::string>();
  request.path = fill_placeholders(row.at("path").get<std::string>(), args, true);
  if (auto query = row.find("query"); query != row.end()) {
    for (const auto& [key_template, spec] : query->items()) {
      std::string key;
      try {
        key = fill_placeholders(key_template, args, false);
      } catch (const std::invalid_argument&) {
        continue;  // an operator-style key whose operator argument is absent
      }
      auto value = resolve_value(spec, args, omit_empty);
      if (!value) continue;
      if (auto text = as_text(*value)) request.query.emplace_back(std::move(key), std::move(*text));
    }
  }
  if (auto body = row.find("body"); body != row.end()) {
    json built = resolve_value(*body, args, omit_empty).value_or(json::object());
    if (auto wrap = row.find("wrap"); wrap != row.end() && wrap->is_string()) {
      built = json{{wrap->get<std::string>(), std::move(built)}};
    }
    request.body = std::move(built);
  }
  return request;
}

Envelope finish_row(const ToolSpec& spec, const json& row, const json& args,
                    const ac::Response& response, const std::string& step) {
  Envelope envelope;
  envelope.data_key = spec.data_key;
  OperationLabel label{spec.title, step, ""};
  const std::string not_found = row.value("notFound", spec.not_found);
  try {
    label.not_found = fill_placeholders(not_found, args, false);
  } catch (const std::invalid_argument&) {
    label.not_found.clear();
  }
  apply_response(envelope, label, response, spec.empty_data);
  if (!envelope.error_message.empty() && counts_as_success(row, response)) {
    envelope.error_message.clear();
  }
  if (!envelope.error_message.empty()) return envelope;

  std::optional<json> page;
  if (row.contains("page")) page = page_values(row, args, response.body);
  TemplateScope scope{args, &response.body, page ? &*page : nullptr};
  auto result = row.find("result");
  auto data = evaluate_template(result == row.end() ? json("$response") : *result, scope);
  envelope.data = data ? std::move(*data) : spec.empty_data;
  return envelope;
}

boost::asio::awaitable<ac::Response> send_row(const json& row, const json& args,
                                              ToolContext& context) {
  co_return co_await context.upstream.send(build_request(row, args));
}

boost::asio::awaitable<Envelope> run_row(const ToolSpec& spec, const json& row, const json& args,
                                         ToolContext& context, std::string step) {
  ac::Response response = co_await send_row(row, args, context);
  co_return finish_row(spec, row, args, response, step);
}

}  // namespace acmcp::tools
