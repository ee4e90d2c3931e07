// Shorthands for validator tests: run coerce_and_validate and look at the message or the result.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "schema/validator.hpp"

namespace acmcp::schema::testing {

using nlohmann::json;

// The error message, or "" when the instance is valid.
inline std::string message_for(const json& schema, json instance) {
  auto error = coerce_and_validate(schema, instance);
  return error ? error->message : "";
}

// The error path, or "<valid>" when the instance is valid.
inline std::string path_for(const json& schema, json instance) {
  auto error = coerce_and_validate(schema, instance);
  return error ? error->path : "<valid>";
}

inline bool is_valid(const json& schema, json instance) {
  return !coerce_and_validate(schema, instance).has_value();
}

// The instance after coercion (whatever the validation outcome).
inline json coerced(const json& schema, json instance) {
  (void)coerce_and_validate(schema, instance);
  return instance;
}

// {"type":"object","properties":{name: property},"additionalProperties":false}
inline json object_with(const std::string& name, json property) {
  return json{{"type", "object"},
              {"properties", json{{name, std::move(property)}}},
              {"additionalProperties", false}};
}

}  // namespace acmcp::schema::testing
