// Argument coercion and JSON Schema (2020-12 subset) validation for tool inputs.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace acmcp::schema {

struct ValidationError {
  std::string path;  // where the problem is, e.g. "ContactId" or "FieldValues[2].field"; "" = root
  std::string message;  // a full sentence naming the parameter and how to fix it
};

// Coerces `instance` in place where the schema asks for it (numeric strings -> integer/number,
// "true"/"false" -> boolean), recursively through objects and arrays, then validates it against
// `schema`. Returns the first error found, or nullopt when the instance is valid.
// Supported keywords: type (incl. arrays of types), properties, required, additionalProperties,
// items, prefixItems, minItems, maxItems, uniqueItems, enum, const, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum, multipleOf, minLength, maxLength (in code points), pattern
// (ECMAScript, unanchored), format (email, date-time, date, uri), minProperties, maxProperties,
// oneOf, anyOf, allOf, not, if/then/else, dependentRequired. Annotations (description, title,
// default, examples, $comment, x-...) are ignored; a schema using any other keyword ($ref,
// patternProperties, ...) must be refused when it is loaded (find_unsupported_keyword in
// supported.hpp), since this function would ignore it as well.
//
// Coercion details (docs/decisions.md, "Coercion"):
//  - "integer": a string of decimal digits with an optional leading '-' that fits int64 becomes
//    that integer; a number with an integral value (5.0) is an integer and is stored as one.
//  - "number": a string in JSON number syntax becomes a number. "boolean": "true"/"false" in any
//    case. Nothing else is coerced, and a value already of an allowed type is left as it is.
//  - anyOf/oneOf first look for branches the value satisfies as given; only when there is none
//    is each branch tried with coercion on a copy, and only the accepted branch's result is kept.
// Limits: instances nested more than 64 levels are refused; a string longer than 2048 bytes is
// refused where a `pattern` applies (std::regex would overflow the stack on long inputs).
// Never throws.
std::optional<ValidationError> coerce_and_validate(const nlohmann::json& schema,
                                                   nlohmann::json& instance);

// Call before coerce_and_validate. For each of the schema's top-level properties:
//  - absent: set to the property's `default` when it has one;
//  - explicitly null, where the property's schema does not itself accept null: null means
//    "not given", so it is replaced by the `default`, or removed when there is none (a required
//    property then fails validation with "X is required.").
// A null `instance` becomes {} when the schema's type is object (MCP `arguments` may be left
// out). Nested defaults are not applied.
void apply_defaults(const nlohmann::json& schema, nlohmann::json& instance);

}  // namespace acmcp::schema
