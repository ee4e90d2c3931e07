// The per-request checks and result marks of protocol revision 2026-07-28.
#include "mcp/modern.hpp"

#include <algorithm>
#include <array>

#include "util/join.hpp"

namespace acmcp::mcp::modern {

using nlohmann::json;

namespace {

// What this era serves. ping, logging/setLevel and initialize are gone from it; prompts and
// completions are not offered, so their methods are unknown here too. resources/read is
// answered because the revision names its answer for a URI that matches no resource.
constexpr std::array<std::string_view, 4> kMethods = {"server/discover", "tools/list", "tools/call",
                                                      "resources/read"};

Rejection invalid_params(std::string message) {
  return {error_code::kInvalidParams, "Invalid params: " + std::move(message), nullptr, 400};
}

Rejection header_mismatch(std::string message) {
  return {error_code::kHeaderMismatch, "Header mismatch: " + std::move(message), nullptr, 400};
}

// A required header must be present and equal the body's value.
std::optional<Rejection> compare_header(std::string_view header,
                                        const std::optional<std::string>& value,
                                        const std::string& body_value) {
  if (!value) return header_mismatch("the " + std::string(header) + " header is required");
  if (*value != body_value) {
    return header_mismatch(std::string(header) + " header value '" + *value +
                           "' does not match body value '" + body_value + "'");
  }
  return std::nullopt;
}

// The body value that Mcp-Name must repeat, if the method has one.
std::optional<std::string> named_value(const std::string& method, const json& params) {
  const char* key = method == "tools/call" || method == "prompts/get" ? "name"
                    : method == "resources/read"                      ? "uri"
                                                                      : nullptr;
  if (!key) return std::nullopt;
  const auto it = params.find(key);
  if (it == params.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

const json& advertised_versions() {
  static const json versions = {kVersion, "2025-11-25", "2025-06-18", "2025-03-26"};
  return versions;
}

bool is_modern_version(std::string_view version) { return version >= kVersion; }

bool is_modern_message(const json& message) {
  if (!message.is_object()) return false;
  const auto method = message.find("method");
  if (method != message.end() && *method == "server/discover") return true;
  const auto params = message.find("params");
  if (params == message.end() || !params->is_object()) return false;
  const auto meta = params->find("_meta");
  return meta != params->end() && meta->is_object() &&
         (meta->contains(kProtocolVersionKey) || meta->contains(kClientCapabilitiesKey));
}

std::optional<Rejection> check_request(const json& message, const MirroredHeaders* headers) {
  if (!message.is_object() || message.value("jsonrpc", json()) != "2.0" ||
      !message.contains("method") || !message["method"].is_string() || !message.contains("id") ||
      !valid_request_id(message["id"])) {
    return Rejection{error_code::kInvalidRequest,
                     "Invalid Request: a request is an object with jsonrpc \"2.0\", an id and a "
                     "method",
                     nullptr, 400};
  }
  const std::string method = message["method"].get<std::string>();
  static const json kNoParams = json::object();
  const auto params_it = message.find("params");
  const json& params = params_it == message.end() ? kNoParams : *params_it;
  if (!params.is_object()) return invalid_params("params must be an object");
  const auto meta_it = params.find("_meta");
  if (meta_it == params.end() || !meta_it->is_object()) {
    return invalid_params("params._meta is required and must carry " +
                          std::string(kProtocolVersionKey) + " and " +
                          std::string(kClientCapabilitiesKey));
  }
  const json& meta = *meta_it;
  const auto version_it = meta.find(kProtocolVersionKey);
  if (version_it == meta.end() || !version_it->is_string()) {
    return invalid_params("_meta." + std::string(kProtocolVersionKey) + " must be a string");
  }
  const auto capabilities_it = meta.find(kClientCapabilitiesKey);
  if (capabilities_it == meta.end() || !capabilities_it->is_object()) {
    return invalid_params("_meta." + std::string(kClientCapabilitiesKey) +
                          " must be an object ({} for none)");
  }
  if (const auto level = meta.find(kLogLevelKey); level != meta.end()) {
    const auto levels = log_levels();
    if (!level->is_string() ||
        std::find(levels.begin(), levels.end(), level->get<std::string>()) == levels.end()) {
      return invalid_params("_meta." + std::string(kLogLevelKey) + " must be one of " +
                            util::join(levels));
    }
  }
  const std::string version = version_it->get<std::string>();

  if (headers) {
    if (!headers->problem.empty()) return header_mismatch(headers->problem);
    if (auto rejection = compare_header("MCP-Protocol-Version", headers->protocol_version, version))
      return rejection;
    if (auto rejection = compare_header("Mcp-Method", headers->method, method)) return rejection;
    if (const auto name = named_value(method, params)) {
      if (auto rejection = compare_header("Mcp-Name", headers->name, *name)) return rejection;
    }
  }

  if (version != kVersion) {
    return Rejection{error_code::kUnsupportedProtocolVersion,
                     "Unsupported protocol version: " + version + "; this request form needs " +
                         std::string(kVersion) + ", earlier versions start with initialize",
                     {{"supported", advertised_versions()}, {"requested", version}},
                     400};
  }
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    return Rejection{error_code::kMethodNotFound, "Method not found: " + method, nullptr, 404};
  }
  return std::nullopt;
}

void stamp_result(json& result, const ServerInfo& info) {
  result["resultType"] = "complete";
  result["_meta"][kServerInfoKey] = {
      {"name", info.name}, {"version", info.version}, {"title", info.title}};
}

}  // namespace acmcp::mcp::modern
