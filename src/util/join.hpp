// Names and phrases joined into one line of text, for messages and generated documentation.
#pragma once
#include <string>
#include <string_view>

namespace acmcp::util {

// `parts` is any range of strings (vector, set, array of string_view).
template <typename Parts>
std::string join(const Parts& parts, std::string_view separator = ", ") {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace acmcp::util
