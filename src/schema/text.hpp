// Text helpers for validation messages: UTF-8 length and short quoted previews of values.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace acmcp::schema::detail {

// Number of Unicode code points in a UTF-8 string (continuation bytes are not counted).
std::size_t utf8_length(std::string_view text);

// The text as a JSON string literal of at most `max_chars` code points; a longer text is cut
// and ends in "...". Invalid UTF-8 is replaced rather than thrown on.
std::string quoted_preview(std::string_view text, std::size_t max_chars = 60);

}  // namespace acmcp::schema::detail
