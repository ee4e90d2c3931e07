// Refuses, at load, any schema keyword the validator would not enforce (see supported.hpp).
#include "schema/supported.hpp"

#include <cstdint>
#include <set>
#include <string_view>
#include <unordered_map>

#include "schema/coercion.hpp"
#include "schema/pattern_cache.hpp"

namespace acmcp::schema {

namespace {

using nlohmann::json;

// As deep as the validator follows subschemas; deeper ones it refuses at call time anyway.
constexpr int kMaxSchemaDepth = 128;

constexpr std::string_view kDialect = "https://json-schema.org/draft/2020-12/schema";

// What a keyword's value must be for the validator to enforce it as written.
enum class Shape {
  Annotation,         // anything; not enforced
  Dialect,            // "$schema": the 2020-12 URI
  Any,                // const
  Type,               // a type name or a non-empty array of distinct ones
  Array,              // enum
  Number,             // minimum, maximum, exclusive*
  PositiveNumber,     // multipleOf
  Count,              // min/max Length, Items, Properties
  Boolean,            // uniqueItems
  Pattern,            // a valid ECMAScript regex
  Format,             // a format the validator checks
  Names,              // required: distinct strings
  DependentRequired,  // an object of Names
  Schema,             // one subschema
  SchemaArray,        // a non-empty array of subschemas
  SchemaMap,          // properties: an object of subschemas
};

const std::unordered_map<std::string_view, Shape>& keyword_shapes() {
  static const std::unordered_map<std::string_view, Shape> shapes{
      {"title", Shape::Annotation},
      {"description", Shape::Annotation},
      {"$comment", Shape::Annotation},
      {"examples", Shape::Annotation},
      {"default", Shape::Annotation},
      {"deprecated", Shape::Annotation},
      {"readOnly", Shape::Annotation},
      {"writeOnly", Shape::Annotation},
      {"$schema", Shape::Dialect},
      {"type", Shape::Type},
      {"enum", Shape::Array},
      {"const", Shape::Any},
      {"minimum", Shape::Number},
      {"maximum", Shape::Number},
      {"exclusiveMinimum", Shape::Number},
      {"exclusiveMaximum", Shape::Number},
      {"multipleOf", Shape::PositiveNumber},
      {"minLength", Shape::Count},
      {"maxLength", Shape::Count},
      {"minItems", Shape::Count},
      {"maxItems", Shape::Count},
      {"minProperties", Shape::Count},
      {"maxProperties", Shape::Count},
      {"uniqueItems", Shape::Boolean},
      {"pattern", Shape::Pattern},
      {"format", Shape::Format},
      {"required", Shape::Names},
      {"dependentRequired", Shape::DependentRequired},
      {"properties", Shape::SchemaMap},
      {"additionalProperties", Shape::Schema},
      {"items", Shape::Schema},
      {"prefixItems", Shape::SchemaArray},
      {"allOf", Shape::SchemaArray},
      {"anyOf", Shape::SchemaArray},
      {"oneOf", Shape::SchemaArray},
      {"not", Shape::Schema},
      {"if", Shape::Schema},
      {"then", Shape::Schema},
      {"else", Shape::Schema},
  };
  return shapes;
}

bool is_type_name(const json& name) {
  static const std::set<std::string, std::less<>> names{"array",  "boolean", "integer", "null",
                                                        "number", "object",  "string"};
  return name.is_string() && names.contains(name.get_ref<const std::string&>());
}

bool is_count(const json& value) {
  if (value.is_number_unsigned()) return true;
  if (value.is_number_integer()) return value.get<std::int64_t>() >= 0;
  if (!value.is_number_float()) return false;
  const auto integral = integral_value(value.get<double>());
  return integral && *integral >= 0;
}

bool are_distinct_strings(const json& value) {
  if (!value.is_array()) return false;
  std::set<std::string, std::less<>> seen;
  for (const json& entry : value) {
    if (!entry.is_string() || !seen.insert(entry.get<std::string>()).second) return false;
  }
  return true;
}

// RFC 6901: "~" and "/" in a key are escaped.
std::string pointer_token(std::string_view key) {
  std::string token;
  for (char c : key) {
    if (c == '~') {
      token += "~0";
    } else if (c == '/') {
      token += "~1";
    } else {
      token += c;
    }
  }
  return token;
}

SchemaProblem problem(const std::string& path, const std::string& keyword, const std::string& why) {
  return SchemaProblem{
      path, keyword,
      "schema keyword \"" + keyword + "\" at " + (path.empty() ? "/" : path) + " " + why};
}

std::optional<SchemaProblem> check_schema(const json& schema, const std::string& path, int depth);

// A keyword's value, `path` being the schema that holds it.
std::optional<SchemaProblem> check_keyword(const std::string& keyword, Shape shape,
                                           const json& value, const std::string& path, int depth) {
  const std::string here = path + "/" + pointer_token(keyword);
  const auto wrong = [&](const char* expected) {
    return problem(path, keyword, std::string("must be ") + expected + ".");
  };
  switch (shape) {
    case Shape::Annotation:
    case Shape::Any:
      return std::nullopt;
    case Shape::Dialect:
      if (value != kDialect) {
        return problem(path, keyword,
                       "names a dialect the validator does not implement; only " +
                           std::string(kDialect) + " is checked.");
      }
      return std::nullopt;
    case Shape::Type: {
      if (is_type_name(value)) return std::nullopt;
      if (value.is_array() && !value.empty() && are_distinct_strings(value)) {
        bool all_known = true;
        for (const json& name : value) all_known = all_known && is_type_name(name);
        if (all_known) return std::nullopt;
      }
      return wrong(
          "one of array, boolean, integer, null, number, object, string, or a non-empty array of "
          "distinct ones");
    }
    case Shape::Array:
      return value.is_array() ? std::nullopt : std::optional(wrong("an array"));
    case Shape::Number:
      return value.is_number() ? std::nullopt : std::optional(wrong("a number"));
    case Shape::PositiveNumber:
      return value.is_number() && value > json(0) ? std::nullopt
                                                  : std::optional(wrong("a number above 0"));
    case Shape::Count:
      return is_count(value) ? std::nullopt : std::optional(wrong("a non-negative integer"));
    case Shape::Boolean:
      return value.is_boolean() ? std::nullopt : std::optional(wrong("true or false"));
    case Shape::Pattern:
      if (!value.is_string()) return wrong("a string");
      if (detail::PatternCache::global().find_or_compile(value.get<std::string>()) == nullptr) {
        return wrong("a valid ECMAScript regular expression");
      }
      return std::nullopt;
    case Shape::Format:
      if (value == "email" || value == "date-time" || value == "date" || value == "uri") {
        return std::nullopt;
      }
      return problem(path, keyword,
                     "is " + value.dump() +
                         ", which the validator does not check; it checks email, date-time, "
                         "date and uri.");
    case Shape::Names:
      return are_distinct_strings(value) ? std::nullopt
                                         : std::optional(wrong("an array of distinct strings"));
    case Shape::DependentRequired:
      if (!value.is_object()) return wrong("an object of arrays of distinct strings");
      for (const auto& [name, names] : value.items()) {
        if (!are_distinct_strings(names)) return wrong("an object of arrays of distinct strings");
      }
      return std::nullopt;
    case Shape::Schema:
      if (keyword == "items" && value.is_array()) {
        return problem(path, keyword,
                       "is an array (the draft-07 tuple form), which 2020-12 spells prefixItems.");
      }
      return check_schema(value, here, depth + 1);
    case Shape::SchemaArray:
      if (!value.is_array() || value.empty()) return wrong("a non-empty array of schemas");
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto found = check_schema(value[i], here + "/" + std::to_string(i), depth + 1)) {
          return found;
        }
      }
      return std::nullopt;
    case Shape::SchemaMap:
      if (!value.is_object()) return wrong("an object of schemas");
      for (const auto& [name, subschema] : value.items()) {
        if (auto found = check_schema(subschema, here + "/" + pointer_token(name), depth + 1)) {
          return found;
        }
      }
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<SchemaProblem> check_schema(const json& schema, const std::string& path, int depth) {
  if (schema.is_boolean()) return std::nullopt;
  if (!schema.is_object()) {
    return SchemaProblem{path, "",
                         "the schema at " + (path.empty() ? std::string("/") : path) +
                             " must be an object or a boolean."};
  }
  if (depth > kMaxSchemaDepth) {
    return SchemaProblem{path, "", "the schema at " + path + " is nested too deeply."};
  }
  const auto& shapes = keyword_shapes();
  for (const auto& [keyword, value] : schema.items()) {
    if (keyword.starts_with("x-")) continue;
    const auto shape = shapes.find(keyword);
    if (shape == shapes.end()) {
      return problem(path, keyword, "is not implemented by the validator.");
    }
    if (auto found = check_keyword(keyword, shape->second, value, path, depth)) return found;
  }
  return std::nullopt;
}

}  // namespace

std::optional<SchemaProblem> find_unsupported_keyword(const nlohmann::json& schema) {
  return check_schema(schema, "", 0);
}

}  // namespace acmcp::schema
