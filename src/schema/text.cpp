// Text helpers for validation messages (see text.hpp).
#include "schema/text.hpp"

#include <nlohmann/json.hpp>

namespace acmcp::schema::detail {

namespace {
bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
}  // namespace

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if (!is_continuation_byte(c)) ++count;
  }
  return count;
}

std::string quoted_preview(std::string_view text, std::size_t max_chars) {
  std::string shown;
  if (utf8_length(text) <= max_chars) {
    shown = text;
  } else {
    const std::size_t keep = max_chars > 3 ? max_chars - 3 : 0;
    std::size_t chars = 0;
    std::size_t end = 0;
    // Stop at the start of code point number `keep`, never inside a multi-byte sequence.
    for (; end < text.size(); ++end) {
      if (!is_continuation_byte(text[end])) {
        if (chars == keep) break;
        ++chars;
      }
    }
    shown.assign(text.substr(0, end));
    shown += "...";
  }
  return nlohmann::json(std::move(shown))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace acmcp::schema::detail
