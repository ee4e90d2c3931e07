// Accept/Content-Type negotiation, message classification, SSE framing and session ids.
#include "transport/http_protocol.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <stdexcept>

#include "transport/http_text.hpp"
#include "util/compact_json.hpp"

namespace acmcp::transport {

using nlohmann::json;

namespace {

using http_text::lower;
using http_text::trim;

// True when a media-range's parameters carry q=0 (explicitly not acceptable).
bool refused(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto semicolon = parameters.find(';');
    auto parameter = trim(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view() : parameters.substr(semicolon + 1);
    if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
        parameter[1] == '=') {
      const auto value = trim(parameter.substr(2));
      return !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
    }
  }
  return false;
}

bool is_request(const json& message) {
  return message.is_object() && message.contains("method") && message.contains("id");
}

}  // namespace

AcceptedTypes parse_accept(std::string_view accept_header, bool header_present) {
  if (!header_present) return {true, true};
  AcceptedTypes accepted;
  while (!accept_header.empty()) {
    const auto comma = accept_header.find(',');
    const auto range = accept_header.substr(0, comma);
    accept_header =
        comma == std::string_view::npos ? std::string_view() : accept_header.substr(comma + 1);
    const auto semicolon = range.find(';');
    const std::string type = lower(trim(range.substr(0, semicolon)));
    if (semicolon != std::string_view::npos && refused(range.substr(semicolon + 1))) continue;
    if (type == "*/*") {
      accepted.json = accepted.event_stream = true;
    } else if (type == "application/*" || type == "application/json") {
      accepted.json = true;
    } else if (type == "text/*" || type == "text/event-stream") {
      accepted.event_stream = true;
    }
  }
  return accepted;
}

bool is_json_content_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  return lower(trim(content_type.substr(0, semicolon))) == "application/json";
}

bool contains_request(const json& message) {
  if (message.is_array()) return std::any_of(message.begin(), message.end(), is_request);
  return is_request(message);
}

bool is_initialize_request(const json& message) {
  return is_request(message) && message["method"] == "initialize";
}

std::string jsonrpc_error_body(int code, std::string_view message, const json& id,
                               const json& data) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return to_wire({{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}});
}

MirroredValue read_mirrored_header(std::string_view name, std::string_view raw) {
  const auto value = trim(raw);
  for (const unsigned char c : value) {
    if (c < 0x20 || c > 0x7e) {
      return {{}, "the " + std::string(name) + " header holds a byte that is not visible ASCII"};
    }
  }
  constexpr std::string_view kOpen = "=?base64?";
  constexpr std::string_view kClose = "?=";
  if (value.size() < kOpen.size() + kClose.size() ||
      lower(value.substr(0, kOpen.size())) != kOpen || !value.ends_with(kClose)) {
    return {std::string(value), {}};
  }
  const auto encoded = value.substr(kOpen.size(), value.size() - kOpen.size() - kClose.size());
  std::string decoded;
  std::uint32_t bits = 0;
  int count = 0;
  std::size_t padding = 0;
  for (const char c : encoded) {
    int digit = -1;
    if (c >= 'A' && c <= 'Z') digit = c - 'A';
    if (c >= 'a' && c <= 'z') digit = c - 'a' + 26;
    if (c >= '0' && c <= '9') digit = c - '0' + 52;
    if (c == '+') digit = 62;
    if (c == '/') digit = 63;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (digit < 0 || padding > 0) {
      return {{}, "the " + std::string(name) + " header is not valid base64"};
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(digit);
    if (++count == 4) {
      decoded.push_back(static_cast<char>(bits >> 16));
      decoded.push_back(static_cast<char>((bits >> 8) & 0xff));
      decoded.push_back(static_cast<char>(bits & 0xff));
      bits = 0;
      count = 0;
    }
  }
  if (count == 1 || padding > 2) {
    return {{}, "the " + std::string(name) + " header is not valid base64"};
  }
  if (count == 2) decoded.push_back(static_cast<char>(bits >> 4));
  if (count == 3) {
    decoded.push_back(static_cast<char>(bits >> 10));
    decoded.push_back(static_cast<char>((bits >> 2) & 0xff));
  }
  return {std::move(decoded), {}};
}

std::string sse_event(const json& message) {
  // Compact JSON never contains a raw newline, so one data line carries the whole message.
  return "event: message\ndata: " + to_wire(message) + "\n\n";
}

std::string sse_comment(std::string_view text) {
  std::string line = ": ";
  for (char c : text) line.push_back(c == '\n' || c == '\r' ? ' ' : c);
  return line + "\n\n";
}

std::string new_session_id() {
  std::array<unsigned char, 16> bytes{};
  std::ifstream random("/dev/urandom", std::ios::binary);
  if (!random.read(reinterpret_cast<char*>(bytes.data()), bytes.size())) {
    throw std::runtime_error("cannot read /dev/urandom for a session id");
  }
  constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    id.push_back(kHex[byte >> 4]);
    id.push_back(kHex[byte & 0x0f]);
  }
  return id;
}

std::string to_wire(const json& message) {
  return util::compact_json(message, json::error_handler_t::replace);
}

}  // namespace acmcp::transport
