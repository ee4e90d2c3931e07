// Argument coercion and JSON Schema (2020-12 subset) validation for tool inputs; the messages are
// read by people and by models, so each names the parameter by its path and says what to give.
#include "schema/validator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/coercion.hpp"
#include "schema/formats.hpp"
#include "schema/pattern_cache.hpp"
#include "schema/text.hpp"
#include "util/ascii.hpp"

namespace acmcp::schema {

namespace {

using nlohmann::json;

// Instances deeper than this are refused before anything recursive (copy, compare) touches them.
constexpr int kMaxInstanceDepth = 64;
// Subschema recursion; schemas are trees, so this only guards against absurd ones.
constexpr int kMaxSchemaDepth = 2 * kMaxInstanceDepth;
// Enum values listed in a message; a longer enum is cut with "...".
constexpr std::size_t kMaxListedEnumValues = 25;

// Kinds the combinators look at to pick or rephrase a message.
enum class FailureKind { Type, Required, Forbidden, Other };

struct Failure {
  Failure(std::string failure_path, std::string failure_message,
          FailureKind failure_kind = FailureKind::Other)
      : path(std::move(failure_path)), message(std::move(failure_message)), kind(failure_kind) {}

  std::string path;
  std::string message;
  FailureKind kind;
  std::string expected;  // Type only: e.g. "an integer"
  std::string got;       // Type only: e.g. "\"abc\"" or "boolean"
  // A string failed a type that coercion turns strings into. Only such failures can change
  // when the check is repeated with coercion; anything else is final, and no copy is needed.
  bool coercible = false;
};
using Result = std::optional<Failure>;

// ---------------------------------------------------------------- names and descriptions

std::string display_name(const std::string& path) { return path.empty() ? "arguments" : path; }

// A client-supplied property name as it can appear in a message: bare when it is a plain
// identifier of reasonable length, otherwise as a short JSON string.
std::string display_key(const std::string& key) {
  bool plain = !key.empty() && key.size() <= 60;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '$' || c == '@';
    if (!ok) plain = false;
  }
  return plain ? key : detail::quoted_preview(key);
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string item_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

const char* type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::binary:
      return "binary";
    case json::value_t::discarded:
      return "nothing";
    default:
      return "number";
  }
}

// The value as shown after "got": strings and scalars literally (shortened), containers by type.
std::string describe_value(const json& value) {
  if (value.is_string()) return detail::quoted_preview(value.get_ref<const std::string&>());
  if (value.is_structured() || value.is_binary() || value.is_discarded()) return type_name(value);
  return value.dump();
}

std::string strip_period(std::string text) {
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// "A", "A or B", "A, B or C"
std::string join_words(const std::vector<std::string>& words, const char* last_separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? last_separator : ", ";
    out += words[i];
  }
  return out;
}

std::string plural(std::size_t count, const char* singular, const char* plural_form) {
  return std::to_string(count) + " " + (count == 1 ? singular : plural_form);
}

// ---------------------------------------------------------------- schema keyword access

const json* find_keyword(const json& schema, const char* name) {
  auto it = schema.find(name);
  return it == schema.end() ? nullptr : &*it;
}

const json* number_keyword(const json& schema, const char* name) {
  const json* value = find_keyword(schema, name);
  return value != nullptr && value->is_number() ? value : nullptr;
}

std::optional<std::size_t> count_keyword(const json& schema, const char* name) {
  const json* value = number_keyword(schema, name);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_unsigned()) return static_cast<std::size_t>(value->get<std::uint64_t>());
  if (value->is_number_integer()) {
    const auto signed_value = value->get<std::int64_t>();
    return signed_value < 0 ? std::nullopt : std::optional<std::size_t>(signed_value);
  }
  const auto integral = integral_value(value->get<double>());
  if (!integral || *integral < 0) return std::nullopt;
  return static_cast<std::size_t>(*integral);
}

bool is_annotation_keyword(const std::string& name) {
  return name == "description" || name == "title" || name == "$comment" || name == "examples" ||
         name == "default" || name == "deprecated" || name == "readOnly" || name == "writeOnly" ||
         name.rfind("x-", 0) == 0;
}

// For schemas of the form {"required": [...]} (plus annotations only), the required names.
// Combinators over such schemas ("give one of these parameters") get messages of their own.
std::optional<std::vector<std::string>> required_only_names(const json& schema) {
  if (!schema.is_object()) return std::nullopt;
  const json* required = find_keyword(schema, "required");
  if (required == nullptr || !required->is_array() || required->empty()) return std::nullopt;
  for (const auto& [key, value] : schema.items()) {
    if (key != "required" && !is_annotation_keyword(key)) return std::nullopt;
  }
  std::vector<std::string> names;
  for (const json& name : *required) {
    if (!name.is_string()) return std::nullopt;
    names.push_back(name.get<std::string>());
  }
  return names;
}

// ---------------------------------------------------------------- types and coercion

// A float counts as an integer only when it fits in 64 bits: 1e20 is integral, but nothing
// downstream (coercion, templates, the upstream's ids and offsets) can carry it as one.
bool has_integral_value(const json& value) {
  if (value.is_number_integer()) return true;
  return value.is_number_float() && integral_value(value.get<double>()).has_value();
}

bool matches_type(std::string_view type, const json& value) {
  if (type == "integer") return has_integral_value(value);
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "null") return value.is_null();
  return true;  // an unknown type name is a schema mistake; do not reject every value for it
}

std::vector<std::string_view> type_names(const json& type) {
  std::vector<std::string_view> names;
  if (type.is_string()) {
    names.push_back(type.get_ref<const std::string&>());
  } else if (type.is_array()) {
    for (const json& entry : type) {
      if (entry.is_string()) names.push_back(entry.get_ref<const std::string&>());
    }
  }
  return names;
}

bool lists_type(const std::vector<std::string_view>& names, std::string_view wanted) {
  for (std::string_view name : names) {
    if (name == wanted) return true;
  }
  return false;
}

std::string type_description(std::string_view type) {
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  if (type == "string") return "a string";
  if (type == "boolean") return "a boolean (true or false)";
  if (type == "object") return "a JSON object";
  if (type == "array") return "an array";
  if (type == "null") return "null";
  return std::string(type);
}

// Applies docs/decisions.md, "Coercion": numeric strings become integers or numbers and
// "true"/"false" become booleans where the schema's type asks for them and the value is not already
// valid.
void coerce_toward(const std::vector<std::string_view>& types, json& value) {
  const bool wants_integer = lists_type(types, "integer");
  const bool wants_number = lists_type(types, "number");
  const bool wants_boolean = lists_type(types, "boolean");
  for (std::string_view type : types) {
    if (!matches_type(type, value)) continue;
    // 5.0 is an integer; store it as one so handlers can read it as such.
    if (value.is_number_float() && wants_integer && !wants_number) {
      if (auto integral = integral_value(value.get<double>())) value = *integral;
    }
    return;
  }
  if (!value.is_string()) return;
  const std::string& text = value.get_ref<const std::string&>();
  if (wants_integer) {
    if (auto integer = parse_integer(text)) {
      value = *integer;
      return;
    }
  }
  if (wants_number) {
    if (auto number = parse_number(text)) {
      value = std::move(*number);
      return;
    }
  }
  if (wants_boolean) {
    if (auto boolean = parse_boolean(text)) value = *boolean;
  }
}

// ---------------------------------------------------------------- numbers

// Exact for integers of either signedness; doubles otherwise.
int compare_numbers(const json& a, const json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    const bool a_unsigned = a.is_number_unsigned();
    const bool b_unsigned = b.is_number_unsigned();
    if (!a_unsigned && !b_unsigned) {
      const auto x = a.get<std::int64_t>();
      const auto y = b.get<std::int64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (!a_unsigned && a.get<std::int64_t>() < 0) return -1;
    if (!b_unsigned && b.get<std::int64_t>() < 0) return 1;
    const auto x = a.get<std::uint64_t>();
    const auto y = b.get<std::uint64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const double x = a.get<double>();
  const double y = b.get<double>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

// Money is a whole number of cents; a schema says so with "x-unit": "cents", and every message
// about such a value says it the same way.
constexpr const char* kWholeCents = "a whole number of cents ($456.78 = 45678)";

bool in_cents(const json& schema) {
  const json* unit = find_keyword(schema, "x-unit");
  return unit != nullptr && *unit == "cents";
}

std::string numeric_kind(const json& schema) {
  if (in_cents(schema)) return kWholeCents;
  const json* type = find_keyword(schema, "type");
  if (type == nullptr) return "a number";
  const auto names = type_names(*type);
  return lists_type(names, "integer") && !lists_type(names, "number") ? "an integer" : "a number";
}

// "between 1 and 100", ">= 1", "> 0 and <= 10"
std::string numeric_range_phrase(const json* minimum, const json* exclusive_minimum,
                                 const json* maximum, const json* exclusive_maximum) {
  if (minimum && maximum && !exclusive_minimum && !exclusive_maximum) {
    return "between " + minimum->dump() + " and " + maximum->dump();
  }
  std::vector<std::string> parts;
  if (minimum) parts.push_back(">= " + minimum->dump());
  if (exclusive_minimum) parts.push_back("> " + exclusive_minimum->dump());
  if (maximum) parts.push_back("<= " + maximum->dump());
  if (exclusive_maximum) parts.push_back("< " + exclusive_maximum->dump());
  return join_words(parts, " and ");
}

bool is_multiple_of(const json& value, const json& divisor) {
  const bool small_integers =
      value.is_number_integer() && divisor.is_number_integer() &&
      (!value.is_number_unsigned() || value.get<std::uint64_t>() <= INT64_MAX) &&
      (!divisor.is_number_unsigned() || divisor.get<std::uint64_t>() <= INT64_MAX);
  if (small_integers) {
    return value.get<std::int64_t>() % divisor.get<std::int64_t>() == 0;  // divisor > 0
  }
  const double quotient = value.get<double>() / divisor.get<double>();
  if (!std::isfinite(quotient)) return false;
  return std::fabs(quotient - std::round(quotient)) <= 1e-9 * std::max(1.0, std::fabs(quotient));
}

// ---------------------------------------------------------------- the validator

struct PtrLess {
  bool operator()(const json* a, const json* b) const { return *a < *b; }
};

class Validator {
 public:
  // `coerce` false: the instance is only read (strict check, used to try combinator branches
  // without changing the value); true: coercions are written into it.
  Result check(const json& schema, json& value, const std::string& path, int depth,
               bool coerce) const;

 private:
  Result check_type(const json& schema, json& value, const std::string& path, bool coerce) const;
  Result check_enum_const(const json& schema, const json& value, const std::string& path) const;
  Result check_number(const json& schema, const json& value, const std::string& path) const;
  Result check_string(const json& schema, const json& value, const std::string& path) const;
  Result check_array(const json& schema, json& value, const std::string& path, int depth,
                     bool coerce) const;
  Result check_object(const json& schema, json& value, const std::string& path, int depth,
                      bool coerce) const;
  Result check_any_of(const json& branches, json& value, const std::string& path, int depth,
                      bool coerce) const;
  Result check_one_of(const json& branches, json& value, const std::string& path, int depth,
                      bool coerce) const;
  Result check_not(const json& schema, json& value, const std::string& path, int depth,
                   bool coerce) const;
  Result check_conditional(const json& schema, json& value, const std::string& path, int depth,
                           bool coerce) const;
  // Whether the value satisfies the schema, keeping no coercions: checked as given, and
  // (when coercing) again on a copy only if coercion could change the answer.
  bool matches_without_changes(const json& schema, json& value, const std::string& path, int depth,
                               bool coerce) const;
};

Result Validator::check(const json& schema, json& value, const std::string& path, int depth,
                        bool coerce) const {
  if (depth > kMaxSchemaDepth) {
    return Failure{path, display_name(path) + " is nested too deeply to validate."};
  }
  if (schema.is_boolean()) {
    if (schema.get<bool>()) return std::nullopt;
    return Failure{path, display_name(path) + " is not allowed.", FailureKind::Forbidden};
  }
  if (!schema.is_object()) return std::nullopt;

  if (auto failure = check_type(schema, value, path, coerce)) return failure;
  if (auto failure = check_enum_const(schema, value, path)) return failure;
  if (value.is_number()) {
    if (auto failure = check_number(schema, value, path)) return failure;
  } else if (value.is_string()) {
    if (auto failure = check_string(schema, value, path)) return failure;
  } else if (value.is_array()) {
    if (auto failure = check_array(schema, value, path, depth, coerce)) return failure;
  } else if (value.is_object()) {
    if (auto failure = check_object(schema, value, path, depth, coerce)) return failure;
  }

  if (const json* all_of = find_keyword(schema, "allOf"); all_of && all_of->is_array()) {
    for (const json& branch : *all_of) {
      if (auto failure = check(branch, value, path, depth + 1, coerce)) return failure;
    }
  }
  if (const json* any_of = find_keyword(schema, "anyOf"); any_of && any_of->is_array()) {
    if (auto failure = check_any_of(*any_of, value, path, depth, coerce)) return failure;
  }
  if (const json* one_of = find_keyword(schema, "oneOf"); one_of && one_of->is_array()) {
    if (auto failure = check_one_of(*one_of, value, path, depth, coerce)) return failure;
  }
  if (const json* not_schema = find_keyword(schema, "not")) {
    if (auto failure = check_not(*not_schema, value, path, depth, coerce)) return failure;
  }
  if (schema.contains("if")) {
    if (auto failure = check_conditional(schema, value, path, depth, coerce)) return failure;
  }
  return std::nullopt;
}

Result Validator::check_type(const json& schema, json& value, const std::string& path,
                             bool coerce) const {
  const json* type = find_keyword(schema, "type");
  if (type == nullptr) return std::nullopt;
  const auto types = type_names(*type);
  if (types.empty()) return std::nullopt;
  if (coerce) coerce_toward(types, value);
  for (std::string_view name : types) {
    if (matches_type(name, value)) return std::nullopt;
  }
  std::vector<std::string> descriptions;
  for (std::string_view name : types) descriptions.push_back(type_description(name));
  Failure failure{path, "", FailureKind::Type};
  failure.expected = in_cents(schema) ? kWholeCents : join_words(descriptions, " or ");
  failure.coercible =
      value.is_string() &&
      (lists_type(types, "integer") || lists_type(types, "number") || lists_type(types, "boolean"));
  // A non-integral number where only integers go is best shown as itself.
  const bool show_number = value.is_number() && lists_type(types, "integer");
  failure.got = value.is_string() || show_number ? describe_value(value) : type_name(value);
  failure.message =
      display_name(path) + " must be " + failure.expected + " (got " + failure.got + ").";
  return failure;
}

Result Validator::check_enum_const(const json& schema, const json& value,
                                   const std::string& path) const {
  if (const json* constant = find_keyword(schema, "const"); constant && value != *constant) {
    return Failure{path, display_name(path) + " must be " + describe_value(*constant) + " (got " +
                             describe_value(value) + ")."};
  }
  const json* allowed = find_keyword(schema, "enum");
  if (allowed == nullptr || !allowed->is_array()) return std::nullopt;
  for (const json& candidate : *allowed) {
    if (value == candidate) return std::nullopt;
  }
  std::string listed;
  std::size_t count = 0;
  for (const json& candidate : *allowed) {
    if (count == kMaxListedEnumValues) {
      listed += ", ...";
      break;
    }
    if (count++ > 0) listed += ", ";
    listed += candidate.is_string() ? candidate.dump(-1, ' ', false, json::error_handler_t::replace)
                                    : candidate.dump();
  }
  return Failure{path, display_name(path) + " must be one of " + listed + " (got " +
                           describe_value(value) + ")."};
}

Result Validator::check_number(const json& schema, const json& value,
                               const std::string& path) const {
  const json* minimum = number_keyword(schema, "minimum");
  const json* exclusive_minimum = number_keyword(schema, "exclusiveMinimum");
  const json* maximum = number_keyword(schema, "maximum");
  const json* exclusive_maximum = number_keyword(schema, "exclusiveMaximum");
  const bool out_of_range =
      (minimum && compare_numbers(value, *minimum) < 0) ||
      (exclusive_minimum && compare_numbers(value, *exclusive_minimum) <= 0) ||
      (maximum && compare_numbers(value, *maximum) > 0) ||
      (exclusive_maximum && compare_numbers(value, *exclusive_maximum) >= 0);
  if (out_of_range) {
    return Failure{
        path, display_name(path) + " must be " + numeric_kind(schema) + " " +
                  numeric_range_phrase(minimum, exclusive_minimum, maximum, exclusive_maximum) +
                  " (got " + value.dump() + ")."};
  }
  const json* divisor = number_keyword(schema, "multipleOf");
  if (divisor && compare_numbers(*divisor, json(0)) > 0 && !is_multiple_of(value, *divisor)) {
    const std::string expected =
        in_cents(schema) ? std::string(kWholeCents) : "a multiple of " + divisor->dump();
    return Failure{path,
                   display_name(path) + " must be " + expected + " (got " + value.dump() + ")."};
  }
  return std::nullopt;
}

Result Validator::check_string(const json& schema, const json& value,
                               const std::string& path) const {
  const std::string& text = value.get_ref<const std::string&>();
  // Built only when a message needs it.
  const auto name = [&path] { return display_name(path); };
  const auto min_length = count_keyword(schema, "minLength");
  const auto max_length = count_keyword(schema, "maxLength");
  if (min_length || max_length) {
    const std::size_t length = detail::utf8_length(text);
    if (length == 0 && min_length == 1u) return Failure{path, name() + " must not be empty."};
    const bool too_short = min_length && length < *min_length;
    const bool too_long = max_length && length > *max_length;
    if (too_short || too_long) {
      std::string phrase;
      if (min_length && max_length) {
        phrase = "between " + std::to_string(*min_length) + " and " +
                 plural(*max_length, "character", "characters");
      } else if (min_length) {
        phrase = "at least " + plural(*min_length, "character", "characters");
      } else {
        phrase = "at most " + plural(*max_length, "character", "characters");
      }
      return Failure{path, name() + " must be " + phrase + " long (got " +
                               plural(length, "character", "characters") + ")."};
    }
  }
  if (const json* pattern = find_keyword(schema, "pattern"); pattern && pattern->is_string()) {
    const std::string& regex = pattern->get_ref<const std::string&>();
    switch (detail::PatternCache::global().search(regex, text)) {
      case detail::PatternMatch::NoMatch:
        return Failure{path, name() + " must match the pattern " + regex + " (got " +
                                 describe_value(value) + ")."};
      case detail::PatternMatch::TooLong:
        return Failure{path, name() + " is too long to check against the pattern " + regex +
                                 ": at most " + std::to_string(detail::kMaxPatternInputBytes) +
                                 " bytes are accepted (got " + std::to_string(text.size()) + ")."};
      case detail::PatternMatch::Match:
      case detail::PatternMatch::InvalidPattern:
        break;
    }
  }
  if (const json* format = find_keyword(schema, "format"); format && format->is_string()) {
    const std::string& kind = format->get_ref<const std::string&>();
    std::string expectation;
    if (kind == "email" && !detail::is_email(text)) {
      expectation = "a valid email address such as user@example.com";
    } else if (kind == "date-time" && !detail::is_date_time(text)) {
      expectation =
          "a date-time in RFC 3339 format such as 2024-01-31T13:45:00Z or "
          "2024-01-31T13:45:00-05:00";
    } else if (kind == "date" && !detail::is_date(text)) {
      expectation = "a date in YYYY-MM-DD format such as 2024-01-31";
    } else if (kind == "uri" && !detail::is_uri(text)) {
      expectation = "an absolute URI such as https://example.com/page";
    }
    if (!expectation.empty()) {
      return Failure{path,
                     name() + " must be " + expectation + " (got " + describe_value(value) + ")."};
    }
  }
  return std::nullopt;
}

Result Validator::check_array(const json& schema, json& value, const std::string& path, int depth,
                              bool coerce) const {
  // Built only when a message needs it.
  const auto name = [&path] { return display_name(path); };
  const std::size_t size = value.size();
  const auto min_items = count_keyword(schema, "minItems");
  const auto max_items = count_keyword(schema, "maxItems");
  if ((min_items && size < *min_items) || (max_items && size > *max_items)) {
    std::string phrase;
    if (min_items && max_items) {
      phrase =
          "between " + std::to_string(*min_items) + " and " + plural(*max_items, "item", "items");
    } else if (min_items) {
      phrase = "at least " + plural(*min_items, "item", "items");
    } else {
      phrase = "at most " + plural(*max_items, "item", "items");
    }
    return Failure{path, name() + " must have " + phrase + " (got " + std::to_string(size) + ")."};
  }

  std::size_t first_rest_item = 0;
  if (const json* prefix = find_keyword(schema, "prefixItems"); prefix && prefix->is_array()) {
    for (; first_rest_item < prefix->size() && first_rest_item < size; ++first_rest_item) {
      if (auto failure = check((*prefix)[first_rest_item], value[first_rest_item],
                               item_path(path, first_rest_item), depth + 1, coerce)) {
        return failure;
      }
    }
    first_rest_item = prefix->size();
  }
  if (const json* items = find_keyword(schema, "items"); items && !items->is_array()) {
    for (std::size_t i = first_rest_item; i < size; ++i) {
      if (auto failure = check(*items, value[i], item_path(path, i), depth + 1, coerce)) {
        return failure;
      }
    }
  }

  if (const json* unique = find_keyword(schema, "uniqueItems"); unique && *unique == true) {
    std::map<const json*, std::size_t, PtrLess> seen;
    for (std::size_t i = 0; i < size; ++i) {
      auto [it, inserted] = seen.emplace(&value[i], i);
      if (!inserted) {
        return Failure{path, name() + " must not contain duplicate items (" +
                                 item_path(path, it->second) + " and " + item_path(path, i) +
                                 " are equal)."};
      }
    }
  }
  return std::nullopt;
}

Result Validator::check_object(const json& schema, json& value, const std::string& path, int depth,
                               bool coerce) const {
  // Built only when a message needs it.
  const auto name = [&path] { return display_name(path); };
  const json* properties = find_keyword(schema, "properties");
  if (properties && !properties->is_object()) properties = nullptr;
  const json* additional = find_keyword(schema, "additionalProperties");
  const auto is_declared = [&](const std::string& key) {
    return properties != nullptr && properties->contains(key);
  };

  // Unknown names first: a misspelt parameter otherwise shows up as "X is required" only.
  if (additional && *additional == false) {
    for (const auto& [key, unused] : value.items()) {
      if (is_declared(key)) continue;
      std::vector<std::string> accepted;
      std::string suggestion;
      if (properties) {
        for (const auto& [known, subschema] : properties->items()) {
          accepted.push_back(known);
          if (util::equals_ignoring_case(known, key)) {
            suggestion = " (did you mean " + known + "?)";
          }
        }
      }
      const std::string list = accepted.empty() ? "" : join_words(accepted, ", ");
      std::string message;
      if (path.empty()) {
        message = "Unknown parameter " + display_key(key) + suggestion + ": this tool accepts " +
                  (accepted.empty() ? "no parameters." : list + ".");
      } else {
        message = "Unknown property " + child_path(path, display_key(key)) + suggestion + ": " +
                  name() + " accepts " + (accepted.empty() ? "no properties." : list + ".");
      }
      return Failure{child_path(path, display_key(key)), std::move(message)};
    }
  }

  if (const json* required = find_keyword(schema, "required"); required && required->is_array()) {
    for (const json& key : *required) {
      if (key.is_string() && !value.contains(key.get_ref<const std::string&>())) {
        const std::string missing = child_path(path, key.get<std::string>());
        return Failure{missing, missing + " is required.", FailureKind::Required};
      }
    }
  }

  if (properties) {
    for (const auto& [key, subschema] : properties->items()) {
      auto it = value.find(key);
      if (it == value.end()) continue;
      if (auto failure = check(subschema, *it, child_path(path, key), depth + 1, coerce)) {
        return failure;
      }
    }
  }
  if (additional && !additional->is_boolean()) {
    for (auto& [key, member] : value.items()) {
      if (is_declared(key)) continue;
      if (auto failure =
              check(*additional, member, child_path(path, display_key(key)), depth + 1, coerce)) {
        return failure;
      }
    }
  }

  if (const json* dependent = find_keyword(schema, "dependentRequired");
      dependent && dependent->is_object()) {
    for (const auto& [trigger, needed] : dependent->items()) {
      if (!value.contains(trigger) || !needed.is_array()) continue;
      for (const json& key : needed) {
        if (key.is_string() && !value.contains(key.get_ref<const std::string&>())) {
          const std::string missing = child_path(path, key.get<std::string>());
          return Failure{missing,
                         missing + " is required when " + child_path(path, trigger) + " is given.",
                         FailureKind::Required};
        }
      }
    }
  }

  const auto min_properties = count_keyword(schema, "minProperties");
  const auto max_properties = count_keyword(schema, "maxProperties");
  if (min_properties && value.size() < *min_properties) {
    return Failure{path, name() + " must have at least " +
                             plural(*min_properties, "property", "properties") + " (got " +
                             std::to_string(value.size()) + ")."};
  }
  if (max_properties && value.size() > *max_properties) {
    return Failure{path, name() + " must have at most " +
                             plural(*max_properties, "property", "properties") + " (got " +
                             std::to_string(value.size()) + ")."};
  }
  return std::nullopt;
}

// "A", "(A and B)" when several forms are listed; the names are made relative to `path`.
std::vector<std::string> describe_forms(const std::vector<std::vector<std::string>>& forms,
                                        const std::string& path) {
  std::vector<std::string> described;
  for (const auto& names : forms) {
    std::vector<std::string> paths;
    for (const auto& name : names) paths.push_back(child_path(path, name));
    std::string text = join_words(paths, " and ");
    if (names.size() > 1 && forms.size() > 1) text = "(" + text + ")";
    described.push_back(std::move(text));
  }
  return described;
}

// All branches are {"required": [...]}: the forms' names, else nullopt.
std::optional<std::vector<std::vector<std::string>>> required_forms(
    const json& branches, const std::vector<std::size_t>* only = nullptr) {
  std::vector<std::vector<std::string>> forms;
  for (std::size_t i = 0; i < branches.size(); ++i) {
    if (only && std::find(only->begin(), only->end(), i) == only->end()) continue;
    auto names = required_only_names(branches[i]);
    if (!names) return std::nullopt;
    forms.push_back(std::move(*names));
  }
  return forms;
}

// The message when no branch of anyOf/oneOf matched.
Failure describe_no_match(const json& branches, const std::vector<Failure>& failures,
                          const std::string& path, bool exactly_one) {
  if (failures.size() == 1) return failures.front();
  if (auto forms = required_forms(branches)) {
    return Failure{path,
                   std::string(exactly_one ? "Exactly one of " : "At least one of ") +
                       join_words(describe_forms(*forms, path), " or ") + " is required.",
                   FailureKind::Required};
  }
  // A branch whose type did not even fit was not what the caller meant; if only one branch
  // got past its type check, its complaint is the useful one.
  std::vector<Failure> relevant;
  for (const auto& failure : failures) {
    if (!(failure.kind == FailureKind::Type && failure.path == path)) relevant.push_back(failure);
  }
  if (relevant.size() == 1) return relevant.front();
  if (relevant.empty()) {
    std::vector<std::string> expected;
    for (const auto& failure : failures) {
      if (std::find(expected.begin(), expected.end(), failure.expected) == expected.end()) {
        expected.push_back(failure.expected);
      }
    }
    const std::string got = failures.front().got;
    Failure combined{
        path,
        display_name(path) + " must be " + join_words(expected, " or ") + " (got " + got + ").",
        FailureKind::Type};
    combined.expected = join_words(expected, " or ");
    combined.got = got;
    return combined;
  }
  std::vector<std::string> reasons;
  for (auto& failure : relevant) reasons.push_back(strip_period(std::move(failure.message)));
  std::string message = display_name(path) + " does not match any allowed form: ";
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    if (i > 0) message += "; or ";
    message += reasons[i];
  }
  return Failure{path, message + "."};
}

// As describe_no_match, remembering whether coercion could still change the outcome.
Failure no_branch_matched(const json& branches, std::vector<Failure> failures,
                          const std::string& path, bool exactly_one) {
  Failure failure = describe_no_match(branches, failures, path, exactly_one);
  for (const auto& branch_failure : failures) failure.coercible |= branch_failure.coercible;
  return failure;
}

Failure several_branches_matched(const json& branches, const std::vector<std::size_t>& matched,
                                 const std::string& path) {
  if (auto forms = required_forms(branches, &matched)) {
    return Failure{path,
                   "Give only one of " + join_words(describe_forms(*forms, path), " or ") +
                       (matched.size() == 2 ? ", not both." : "."),
                   FailureKind::Forbidden};
  }
  std::vector<std::string> labels;
  for (std::size_t index : matched) {
    const json& branch = branches[index];
    const json* title = branch.is_object() ? find_keyword(branch, "title") : nullptr;
    labels.push_back(title && title->is_string() ? title->get<std::string>()
                                                 : "form " + std::to_string(index + 1));
  }
  return Failure{path, display_name(path) + " matches more than one allowed form (" +
                           join_words(labels, " and ") + "); it must match exactly one."};
}

bool Validator::matches_without_changes(const json& schema, json& value, const std::string& path,
                                        int depth, bool coerce) const {
  auto failure = check(schema, value, path, depth, false);
  if (!failure) return true;
  if (!coerce || !failure->coercible) return false;
  json copy = value;
  return !check(schema, copy, path, depth, true);
}

// A value already valid as given is left alone; only if no branch accepts it as it is are
// coercions tried, each on a copy, so a failed branch never leaves its changes behind.
Result Validator::check_any_of(const json& branches, json& value, const std::string& path,
                               int depth, bool coerce) const {
  if (branches.empty()) return std::nullopt;
  std::vector<Failure> failures;
  for (const json& branch : branches) {
    auto failure = check(branch, value, path, depth + 1, false);
    if (!failure) return std::nullopt;
    failures.push_back(std::move(*failure));
  }
  if (coerce) {
    for (std::size_t i = 0; i < branches.size(); ++i) {
      if (!failures[i].coercible) continue;  // coercion cannot change this branch's answer
      json copy = value;
      auto failure = check(branches[i], copy, path, depth + 1, true);
      if (!failure) {
        value = std::move(copy);
        return std::nullopt;
      }
      failures[i] = std::move(*failure);
    }
  }
  return no_branch_matched(branches, std::move(failures), path, false);
}

Result Validator::check_one_of(const json& branches, json& value, const std::string& path,
                               int depth, bool coerce) const {
  if (branches.empty()) return std::nullopt;
  std::vector<std::size_t> matched;
  std::vector<Failure> failures;
  for (std::size_t i = 0; i < branches.size(); ++i) {
    auto failure = check(branches[i], value, path, depth + 1, false);
    if (failure) {
      failures.push_back(std::move(*failure));
    } else {
      matched.push_back(i);
    }
  }
  if (matched.size() == 1) return std::nullopt;
  if (matched.size() > 1) return several_branches_matched(branches, matched, path);
  if (coerce) {  // every branch failed, so failures[i] belongs to branch i
    std::optional<json> accepted;
    for (std::size_t i = 0; i < branches.size(); ++i) {
      if (!failures[i].coercible) continue;  // coercion cannot change this branch's answer
      json copy = value;
      auto failure = check(branches[i], copy, path, depth + 1, true);
      if (failure) {
        failures[i] = std::move(*failure);
      } else {
        matched.push_back(i);
        if (!accepted) accepted = std::move(copy);
      }
    }
    if (matched.size() == 1) {
      value = std::move(*accepted);
      return std::nullopt;
    }
    if (matched.size() > 1) return several_branches_matched(branches, matched, path);
  }
  return no_branch_matched(branches, std::move(failures), path, true);
}

Result Validator::check_not(const json& schema, json& value, const std::string& path, int depth,
                            bool coerce) const {
  if (!matches_without_changes(schema, value, path, depth + 1, coerce)) return std::nullopt;
  if (auto names = required_only_names(schema)) {
    std::vector<std::string> paths;
    for (const auto& name : *names) paths.push_back(child_path(path, name));
    return Failure{path,
                   names->size() == 1
                       ? paths.front() + " must not be given."
                       : join_words(paths, " and ") + " must not all be given together.",
                   FailureKind::Forbidden};
  }
  if (schema.is_object()) {
    if (const json* constant = find_keyword(schema, "const")) {
      return Failure{path, display_name(path) + " must not be " + describe_value(*constant) + "."};
    }
  }
  return Failure{path, display_name(path) + " has a value that is not allowed here (got " +
                           describe_value(value) + ")."};
}

// "ExternalCheckoutId is given", "AllowNullEmail is true" (or their negations) for the simple
// conditions schemas use in `if`; nullopt for anything else.
std::optional<std::string> describe_condition(const json& condition, const std::string& path,
                                              bool holds) {
  if (auto names = required_only_names(condition)) {
    std::vector<std::string> paths;
    for (const auto& name : *names) paths.push_back(child_path(path, name));
    if (paths.size() == 1) return paths.front() + (holds ? " is given" : " is not given");
    return join_words(paths, " and ") + (holds ? " are given" : " are not all given");
  }
  if (!condition.is_object()) return std::nullopt;
  const json* properties = find_keyword(condition, "properties");
  if (!properties || !properties->is_object() || properties->size() != 1) return std::nullopt;
  for (const auto& [key, value] : condition.items()) {
    if (key != "properties" && key != "required" && !is_annotation_keyword(key)) {
      return std::nullopt;
    }
  }
  const auto first = properties->begin();
  const std::string& name = first.key();
  const json& subschema = first.value();
  if (!subschema.is_object()) return std::nullopt;
  const json* constant = find_keyword(subschema, "const");
  if (!constant) {
    const json* allowed = find_keyword(subschema, "enum");
    if (allowed && allowed->is_array() && allowed->size() == 1) constant = &allowed->front();
  }
  if (!constant || subschema.size() != 1) return std::nullopt;
  return child_path(path, name) + (holds ? " is " : " is not ") + describe_value(*constant);
}

Result Validator::check_conditional(const json& schema, json& value, const std::string& path,
                                    int depth, bool coerce) const {
  const json& condition = schema.at("if");
  auto condition_failure = check(condition, value, path, depth + 1, false);
  const bool uncertain = condition_failure && condition_failure->coercible;
  bool holds = !condition_failure;
  if (coerce && uncertain) {
    json copy = value;
    holds = !check(condition, copy, path, depth + 1, true);
  }
  const json* branch = find_keyword(schema, holds ? "then" : "else");
  if (branch == nullptr) return std::nullopt;
  auto failure = check(*branch, value, path, depth + 1, coerce);
  if (!failure) return std::nullopt;
  // Checked as given, the condition might have held with coercion: let the caller retry.
  if (!coerce && uncertain) failure->coercible = true;
  if (auto phrase = describe_condition(condition, path, holds)) {
    if (failure->kind == FailureKind::Required || failure->kind == FailureKind::Forbidden) {
      failure->message = strip_period(std::move(failure->message)) + " when " + *phrase + ".";
    } else {
      failure->message = "When " + *phrase + ", " + failure->message;
    }
  }
  return failure;
}

// Walks the instance without recursion, so even absurd nesting cannot exhaust the stack.
bool nested_deeper_than(const json& instance, int limit) {
  std::vector<std::pair<const json*, int>> pending{{&instance, 1}};
  while (!pending.empty()) {
    const auto [node, level] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) continue;
    if (level > limit) return true;
    for (const json& child : *node) pending.emplace_back(&child, level + 1);
  }
  return false;
}

// Whether the property's schema accepts null, in which case an explicit null is a value.
bool accepts_null(const json& property_schema) {
  if (!property_schema.is_object()) return property_schema == true;
  if (const json* type = find_keyword(property_schema, "type")) {
    return lists_type(type_names(*type), "null");
  }
  if (const json* constant = find_keyword(property_schema, "const")) return constant->is_null();
  if (const json* allowed = find_keyword(property_schema, "enum"); allowed && allowed->is_array()) {
    return std::find(allowed->begin(), allowed->end(), json(nullptr)) != allowed->end();
  }
  return false;
}

}  // namespace

std::optional<ValidationError> coerce_and_validate(const nlohmann::json& schema,
                                                   nlohmann::json& instance) {
  try {
    if (nested_deeper_than(instance, kMaxInstanceDepth)) {
      return ValidationError{"", "arguments are nested too deeply: at most " +
                                     std::to_string(kMaxInstanceDepth) +
                                     " levels of objects and arrays are accepted."};
    }
    if (auto failure = Validator{}.check(schema, instance, "", 0, true)) {
      return ValidationError{std::move(failure->path), std::move(failure->message)};
    }
    return std::nullopt;
  } catch (const std::exception& error) {
    // Only resource exhaustion should get here; a bad call must still not escape as a throw.
    return ValidationError{"", std::string("arguments could not be validated: ") + error.what()};
  }
}

void apply_defaults(const nlohmann::json& schema, nlohmann::json& instance) {
  if (!schema.is_object()) return;
  if (instance.is_null()) {
    const json* type = find_keyword(schema, "type");
    if (type && lists_type(type_names(*type), "object")) instance = json::object();
  }
  if (!instance.is_object()) return;
  const json* properties = find_keyword(schema, "properties");
  if (properties == nullptr || !properties->is_object()) return;
  for (const auto& [name, property_schema] : properties->items()) {
    auto it = instance.find(name);
    const bool absent = it == instance.end();
    if (!absent && (!it->is_null() || accepts_null(property_schema))) continue;
    const json* fallback =
        property_schema.is_object() ? find_keyword(property_schema, "default") : nullptr;
    if (fallback) {
      instance[name] = *fallback;
    } else if (!absent) {
      instance.erase(it);
    }
  }
}

}  // namespace acmcp::schema
