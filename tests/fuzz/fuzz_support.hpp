// Shared by the fuzz targets: an in-memory upstream that answers every request with a plausible
// success, and the checks on a tool result that every target applies.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "activecampaign/upstream.hpp"
#include "mcp/session.hpp"
#include "util/compact_json.hpp"

namespace acmcp::fuzz {

using nlohmann::json;

// JSON text as the server writes it: bytes that are not UTF-8 become U+FFFD instead of throwing.
inline std::string text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A message as a client reads it: parts the session serialised already (util::raw_json) are
// JSON values again.
inline json as_sent(const json& message) {
  return json::parse(util::compact_json(message, json::error_handler_t::replace));
}

// The CallToolResult a client receives for a tool result.
inline json as_sent(const mcp::ToolResult& result) {
  return as_sent(mcp::call_tool_result(result));
}

// Reports a broken invariant and aborts, so libFuzzer saves the input as a crash.
[[noreturn]] inline void fail(std::string_view what, const json& detail = nullptr) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n%s\n", static_cast<int>(what.size()),
               what.data(), text(detail).c_str());
  std::abort();
}

// Answers like ActiveCampaign would for a request that worked: the record (or a one-row list)
// under the resource's keys, so handlers that read ids or rows have something to read.
class CannedUpstream final : public ac::Upstream {
 public:
  boost::asio::awaitable<ac::Response> send(ac::Request request, ac::SendObserver) override {
    ++requests;
    co_return answer(request);
  }

  static ac::Response answer(const ac::Request& request) {
    // "/deals/12/notes" -> "deals"; the singular drops a final "s" ("ecomOrders" -> "ecomOrder").
    std::string_view path = request.path;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    const std::string plural(path.substr(0, path.find('/')));
    const std::string singular =
        !plural.empty() && plural.back() == 's' ? plural.substr(0, plural.size() - 1) : plural;
    const json row = {{"id", "1"},      {"name", "Fuzz"}, {"email", "fuzz@example.com"},
                      {"contact", "1"}, {"list", "1"},    {"status", "1"}};
    ac::Response response;
    response.attempts = 1;
    response.status = request.method == "POST" ? 201 : 200;
    response.body = {{plural, json::array({row})}, {singular, row}, {"meta", {{"total", "1"}}}};
    return response;
  }

  int requests = 0;
};

// With ACMCP_FUZZ_PRINT set, the targets print each envelope: for checking what seeds reach.
inline void maybe_print(std::string_view tool, const json& result) {
  static const bool enabled = std::getenv("ACMCP_FUZZ_PRINT") != nullptr;
  if (!enabled) return;
  std::fprintf(stderr, "%.*s -> %s\n", static_cast<int>(tool.size()), tool.data(),
               text(result.value("structuredContent", json())).c_str());
}

// The envelope shape every tool result must have (docs/decisions.md, "The envelope").
inline void check_tool_result(const json& result) {
  if (!result.is_object()) fail("a tool result is not an object", result);
  const auto content = result.find("content");
  const auto structured = result.find("structuredContent");
  const auto is_error = result.find("isError");
  if (content == result.end() || !content->is_array() || content->empty()) {
    fail("a tool result has no content block", result);
  }
  if (structured == result.end() || !structured->is_object()) {
    fail("a tool result has no structuredContent object", result);
  }
  if (is_error == result.end() || !is_error->is_boolean()) fail("isError is missing", result);
  const json& envelope = *structured;
  for (const char* key : {"OriginalStatusCode", "StatusCode", "ErrorMessage"}) {
    if (!envelope.contains(key)) fail(std::string("the envelope lacks ") + key, envelope);
  }
  if (envelope.size() != 4) fail("the envelope does not have exactly four keys", envelope);
  const json& status = envelope["StatusCode"];
  if (!status.is_number_integer() ||
      (status.get<int>() != -1 && status.get<int>() != 200 && status.get<int>() != 500)) {
    fail("StatusCode is not -1, 200 or 500", envelope);
  }
  if (!envelope["OriginalStatusCode"].is_number_integer()) {
    fail("OriginalStatusCode is not an integer", envelope);
  }
  const json& message = envelope["ErrorMessage"];
  if (!message.is_string()) fail("ErrorMessage is not a string", envelope);
  if (is_error->get<bool>() != !message.get<std::string>().empty()) {
    fail("isError disagrees with ErrorMessage", envelope);
  }
  if (status.get<int>() == -1 && envelope["OriginalStatusCode"] != 0) {
    fail("an invalid input reports an upstream status", envelope);
  }
}

}  // namespace acmcp::fuzz
