// Streamable HTTP rules that need no sockets: Accept and Content-Type negotiation, the shapes of
// JSON-RPC messages the transport must tell apart, error bodies, SSE framing and session ids.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace acmcp::transport {

// What an Accept header allows. Leniency (our choice, documented in http_transport.hpp): a
// missing header accepts everything, and wildcards count ("*/*", "application/*", "text/*").
// Media types with q=0 are refused.
struct AcceptedTypes {
  bool json = false;
  bool event_stream = false;
};
AcceptedTypes parse_accept(std::string_view accept_header, bool header_present);

// True for "application/json" with any parameters (e.g. "; charset=utf-8"), case-insensitive.
bool is_json_content_type(std::string_view content_type);

// True when `message` (an object or a batch) contains at least one JSON-RPC request, i.e. a
// message with both "method" and "id": only those get a response.
bool contains_request(const nlohmann::json& message);
// True for a single initialize request.
bool is_initialize_request(const nlohmann::json& message);

// {jsonrpc: "2.0", id, error: {code, message, data}} as compact text; data only when not null.
std::string jsonrpc_error_body(int code, std::string_view message,
                               const nlohmann::json& id = nullptr,
                               const nlohmann::json& data = nullptr);

// The value of a header that repeats a body field (MCP-Protocol-Version, Mcp-Method, Mcp-Name):
// trimmed of optional white space, and decoded when written as "=?base64?...?=" (how a client
// sends a value that is not plain visible ASCII). Empty `problem` when it could be read.
struct MirroredValue {
  std::string value;
  std::string problem;
};
MirroredValue read_mirrored_header(std::string_view name, std::string_view raw);

// One SSE event carrying a JSON-RPC message ("event: message\ndata: {...}\n\n").
std::string sse_event(const nlohmann::json& message);
// An SSE comment line; clients ignore it, proxies see traffic.
std::string sse_comment(std::string_view text);

// A new session id: 128 bits from /dev/urandom as 32 lower-case hex characters (visible ASCII,
// as the specification requires). Throws std::runtime_error if the random source fails.
std::string new_session_id();

// JSON text for the wire; invalid UTF-8 in strings is replaced rather than thrown, and parts
// serialised already (util::raw_json) are written as they are.
std::string to_wire(const nlohmann::json& message);

}  // namespace acmcp::transport
