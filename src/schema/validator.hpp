// Argument coercion and JSON Schema (2020-12 subset) validation for tool inputs.
#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace acmcp::schema {

struct ValidationError {
  std::string path;     // where the problem is, e.g. "ContactId" or "FieldValues[2].field"; "" = root
  std::string message;  // a full sentence naming the parameter and how to fix it
};

// Coerces `instance` in place where the schema asks for it (numeric strings -> integer/number,
// "true"/"false" -> boolean), recursively through objects and arrays, then validates it against
// `schema`. Returns the first error found, or nullopt when the instance is valid.
// Supported keywords: type (incl. arrays of types), properties, required, additionalProperties,
// items, minItems, maxItems, uniqueItems, enum, const, minimum, maximum, exclusiveMinimum,
// exclusiveMaximum, minLength, maxLength, pattern, format (email, date-time, date, uri),
// minProperties, oneOf, anyOf, allOf, not, dependentRequired. Unknown keywords are ignored.
std::optional<ValidationError> coerce_and_validate(const nlohmann::json& schema,
                                                   nlohmann::json& instance);

// Fills in top-level `default` values of the schema's properties that are absent in `instance`.
void apply_defaults(const nlohmann::json& schema, nlohmann::json& instance);

}  // namespace acmcp::schema
