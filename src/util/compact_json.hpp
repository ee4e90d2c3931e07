// Compact JSON text, byte for byte what nlohmann::json::dump() writes, several times faster for
// the plain ASCII strings that make up most of our messages (nlohmann decodes UTF-8 per byte).
#pragma once
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace acmcp::util {

namespace compact_json_detail {

// Bytes of escaped output per ASCII byte: 1 copied as is, 2 a short escape (\n, \"), 6 \u00XX.
// Bytes >= 0x80 are 0: those strings go the slow way.
constexpr std::array<std::uint8_t, 256> kEscapedSize = [] {
  std::array<std::uint8_t, 256> table{};
  for (std::size_t c = 0; c < 0x80; ++c) table[c] = 1;
  for (std::size_t c = 0; c < 0x20; ++c) table[c] = 6;
  for (const unsigned char c : {'"', '\\', '\b', '\t', '\n', '\f', '\r'}) table[c] = 2;
  return table;
}();

// nlohmann's own writer for one value: numbers, and strings holding non-ASCII bytes (whose UTF-8
// it checks, throwing or replacing as `handler` says).
inline void append_slow(std::string& out, const nlohmann::json& value,
                        nlohmann::json::error_handler_t handler) {
  nlohmann::detail::serializer<nlohmann::json> writer(
      nlohmann::detail::output_adapter<char, std::string>(out), ' ', handler);
  writer.dump(value, false, false, 0);
}

// Appends `text` quoted and escaped; false (nothing appended) if it holds a non-ASCII byte.
// Two passes: the exact output size first, then one write into place.
inline bool append_ascii_string(std::string& out, std::string_view text) {
  std::size_t size = 2;
  for (const char c : text) {
    const auto bytes = kEscapedSize[static_cast<unsigned char>(c)];
    if (bytes == 0) return false;
    size += bytes;
  }
  const std::size_t start = out.size();
  out.resize(start + size);
  char* to = out.data() + start;
  *to++ = '"';
  if (size == text.size() + 2) {
    std::memcpy(to, text.data(), text.size());
    to += text.size();
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (kEscapedSize[byte] == 1) {
        *to++ = c;
        continue;
      }
      *to++ = '\\';
      switch (byte) {
        case '"':
          *to++ = '"';
          break;
        case '\\':
          *to++ = '\\';
          break;
        case '\b':
          *to++ = 'b';
          break;
        case '\t':
          *to++ = 't';
          break;
        case '\n':
          *to++ = 'n';
          break;
        case '\f':
          *to++ = 'f';
          break;
        case '\r':
          *to++ = 'r';
          break;
        default:
          *to++ = 'u';
          *to++ = '0';
          *to++ = '0';
          *to++ = kHex[byte >> 4];
          *to++ = kHex[byte & 0xF];
      }
    }
  }
  *to = '"';
  return true;
}

template <typename Integer>
void append_integer(std::string& out, Integer number) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace compact_json_detail

// A value kept as JSON text and written verbatim: text nlohmann cannot hold exactly (an integer
// id beyond 64 bits, see parse_json) or that is serialised already (tools/list's large answer).
// It is a json binary value with a subtype of its own; parsed JSON text never yields binary
// values otherwise, so nothing else looks like it.
inline constexpr std::uint64_t kRawJsonSubtype = 0x4a534f4e;  // "JSON"

inline nlohmann::json raw_json(std::string_view text) {
  return nlohmann::json::binary(nlohmann::json::binary_t::container_type(text.begin(), text.end()),
                                kRawJsonSubtype);
}

inline bool is_raw_json(const nlohmann::json& value) {
  return value.is_binary() && value.get_binary().has_subtype() &&
         value.get_binary().subtype() == kRawJsonSubtype;
}

// Appends value.dump(-1, ' ', false, handler) to `out`, raw_json values verbatim.
inline void append_compact_json(
    std::string& out, const nlohmann::json& value,
    nlohmann::json::error_handler_t handler = nlohmann::json::error_handler_t::strict) {
  namespace detail = compact_json_detail;
  using value_t = nlohmann::json::value_t;
  switch (value.type()) {
    case value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        if (!detail::append_ascii_string(out, key)) detail::append_slow(out, key, handler);
        out.push_back(':');
        append_compact_json(out, member, handler);
      }
      out.push_back('}');
      return;
    }
    case value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.get_ref<const nlohmann::json::array_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        append_compact_json(out, element, handler);
      }
      out.push_back(']');
      return;
    }
    case value_t::string:
      if (!detail::append_ascii_string(out, value.get_ref<const std::string&>())) {
        detail::append_slow(out, value, handler);
      }
      return;
    case value_t::boolean:
      out.append(value.get<bool>() ? "true" : "false");
      return;
    case value_t::null:
      out.append("null");
      return;
    case value_t::number_integer:
      detail::append_integer(out, value.get<std::int64_t>());
      return;
    case value_t::number_unsigned:
      detail::append_integer(out, value.get<std::uint64_t>());
      return;
    case value_t::binary:
      if (is_raw_json(value)) {
        const auto& bytes = value.get_binary();
        out.append(bytes.begin(), bytes.end());
        return;
      }
      detail::append_slow(out, value, handler);
      return;
    default:  // floating point (nlohmann's shortest round-trip form), discarded
      detail::append_slow(out, value, handler);
      return;
  }
}

inline std::string compact_json(
    const nlohmann::json& value,
    nlohmann::json::error_handler_t handler = nlohmann::json::error_handler_t::strict) {
  std::string out;
  append_compact_json(out, value, handler);
  return out;
}

}  // namespace acmcp::util
