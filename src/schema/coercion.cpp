// String-to-value parsing for argument coercion (see coercion.hpp).
#include "schema/coercion.hpp"

#include <charconv>
#include <cmath>

#include "util/ascii.hpp"

namespace acmcp::schema {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Advances `pos` over one or more digits; false when there are none.
bool skip_digits(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  return pos > start;
}

}  // namespace

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') ++pos;
  if (!skip_digits(text, pos) || pos != text.size()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<nlohmann::json> parse_number(std::string_view text) {
  if (auto integer = parse_integer(text)) return nlohmann::json(*integer);
  std::size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') ++pos;
  if (!skip_digits(text, pos)) return std::nullopt;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (!skip_digits(text, pos)) return std::nullopt;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    if (!skip_digits(text, pos)) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return nlohmann::json(value);
}

std::optional<bool> parse_boolean(std::string_view text) {
  if (util::equals_ignoring_case(text, "true")) return true;
  if (util::equals_ignoring_case(text, "false")) return false;
  return std::nullopt;
}

std::optional<std::int64_t> integral_value(double value) {
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  constexpr double kLimit = 9223372036854775808.0;
  if (!std::isfinite(value) || std::floor(value) != value || value >= kLimit || value < -kLimit) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace acmcp::schema
