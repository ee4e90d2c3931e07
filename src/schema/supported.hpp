// The schema side of validation: which keywords coerce_and_validate enforces, so that a schema
// using anything else is refused when it is loaded instead of being half-checked at call time.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace acmcp::schema {

struct SchemaProblem {
  std::string path;     // JSON Pointer to the schema holding the keyword, e.g. "/properties/Email"
  std::string keyword;  // e.g. "$ref", "format", "items"
  std::string message;  // a full sentence naming the keyword and the path
};

// The first keyword in `schema` (or any subschema) that coerce_and_validate would not enforce as
// written, or nullopt when every keyword is enforced or is an annotation. Refused:
//  - keywords the validator does not implement ($ref, $defs, patternProperties, contains,
//    propertyNames, dependentSchemas, unevaluated*, draft-07's dependencies, additionalItems,
//    definitions, ...): ignoring them would accept instances the schema author meant to refuse;
//  - implemented keywords in a form it does not check: `items` as an array (draft-07 tuples;
//    2020-12 spells that prefixItems), a `format` other than email, date-time, date and uri, a
//    `type` name outside the seven JSON Schema types, a `pattern` that is not a valid ECMAScript
//    regex, and values of the wrong JSON type (e.g. "minimum": "5");
//  - "$schema" naming any dialect but 2020-12.
// Allowed without effect: title, description, $comment, examples, default, deprecated, readOnly,
// writeOnly, and keys starting "x-" (ours, such as "x-unit").
std::optional<SchemaProblem> find_unsupported_keyword(const nlohmann::json& schema);

}  // namespace acmcp::schema
