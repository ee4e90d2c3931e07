// Parsing of the string forms that tool arguments may take for integers, numbers and booleans
// (docs/decisions.md, "Coercion"). Strict: anything not exactly in the form is rejected. Public,
// so that the tools layer reads integers from text (template filters, path indexes) the same way.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace acmcp::schema {

// A decimal integer: optional leading '-', digits only, no spaces or '+', fits in int64.
std::optional<std::int64_t> parse_integer(std::string_view text);

// A JSON-style number: -?digits(.digits)?([eE][+-]?digits)?, finite. Integral text without a
// fraction or exponent becomes an integer value, anything else a floating-point value.
std::optional<nlohmann::json> parse_number(std::string_view text);

// "true" or "false" in any letter case.
std::optional<bool> parse_boolean(std::string_view text);

// A floating-point value with no fractional part that fits in int64, as that integer.
std::optional<std::int64_t> integral_value(double value);

}  // namespace acmcp::schema
