// The rules of protocol revision 2026-07-28, where every request carries its protocol version
// and client capabilities in params._meta and no handshake or session exists. Pure functions:
// the session serves such requests statelessly, and the HTTP endpoint uses the same checks to
// pick the HTTP status before any session exists. Which era a message belongs to is decided per
// message (docs/decisions.md, "Two protocol eras on one endpoint").
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "mcp/session.hpp"

namespace acmcp::mcp::modern {

inline constexpr std::string_view kVersion = "2026-07-28";

inline constexpr std::string_view kProtocolVersionKey = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kClientCapabilitiesKey =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kLogLevelKey = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view kServerInfoKey = "io.modelcontextprotocol/serverInfo";

// How long a client may keep tools/list and server/discover: the list and the instructions are
// fixed for the life of the process and depend only on its configuration, never on the caller,
// so any client and any shared cache may keep them.
inline constexpr int kListTtlMs = 300000;
inline constexpr std::string_view kCacheScope = "public";

// The versions server/discover offers: the stateless one, then those reached by initialize.
const nlohmann::json& advertised_versions();

// True for a version of this era or later, compared as the revision strings are ordered (the
// official clients decide the same way); "v999.0.0" counts, "1999-01-01" does not.
bool is_modern_version(std::string_view version);

// True for a single message that belongs to this era: one whose params._meta names a protocol
// version or client capabilities, or a server/discover request.
bool is_modern_message(const nlohmann::json& message);

// The copies of body fields an HTTP request carries as headers (MCP-Protocol-Version,
// Mcp-Method, Mcp-Name), decoded and trimmed; `problem` says what made them unreadable.
struct MirroredHeaders {
  std::optional<std::string> protocol_version;
  std::optional<std::string> method;
  std::optional<std::string> name;
  std::string problem;
};

// Why a request of this era is refused, with the HTTP status that carries the refusal.
struct Rejection {
  int code = 0;
  std::string message;
  nlohmann::json data;  // null when the error has none
  int http_status = 400;
};

// Checks a request of this era, in the order the revision's clients rely on: the per-request
// _meta (-32602), then the headers on HTTP (-32020), then the version (-32022), then the method
// (-32601). `headers` is null on stdio. Nothing is returned for a request to serve.
std::optional<Rejection> check_request(const nlohmann::json& message,
                                       const MirroredHeaders* headers);

// Marks a result of this era: resultType "complete" and the server's identity in _meta.
void stamp_result(nlohmann::json& result, const ServerInfo& info);

}  // namespace acmcp::mcp::modern
