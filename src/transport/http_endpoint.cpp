// Routing, authentication and the MCP methods on /mcp (POST, GET, DELETE), each turning one
// request into one Answer; nothing here writes to a socket.
#include "transport/http_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "mcp/modern.hpp"
#include "transport/http_text.hpp"
#include "util/json_parse.hpp"

namespace acmcp::transport {

using nlohmann::json;

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (http_text::iequals(key, name)) return value;
  }
  return {};
}

std::size_t HttpRequest::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(headers.begin(), headers.end(), [&](const auto& h) {
    return http_text::iequals(h.first, name);
  }));
}

std::string_view HttpRequest::path() const {
  const std::string_view whole = target;
  return whole.substr(0, whole.find('?'));
}

HttpResponse error_response(int status, int code, std::string_view message) {
  return HttpResponse{status, jsonrpc_error_body(code, message)};
}

HttpResponse shutting_down_response() {
  auto response =
      error_response(503, kTransportError, "Service Unavailable: the server is shutting down");
  response.close = true;
  return response;
}

namespace {

constexpr std::string_view kVersionHeader = "MCP-Protocol-Version";
constexpr std::string_view kDefaultProtocolVersion = "2025-03-26";

Answer whole(HttpResponse response) {
  Answer answer;
  answer.response = std::move(response);
  return answer;
}

HttpResponse method_not_allowed(HttpResponse response, std::string allow) {
  response.status = 405;
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

// Where the messages caused by one request go: into the outbox that the request's HTTP
// response is written from.
mcp::Reply reply_into(const std::shared_ptr<Outbox>& outbox) {
  return mcp::Reply{[outbox](const json& m) { outbox->push(m); }, [outbox] { outbox->close(); }};
}

// Keeps a session in use while an answer is being written; when the answer is done, detaches
// its outbox from the session, and forgets a one-request session.
struct Lease {
  Lease(std::shared_ptr<SessionRecord> in_use, SessionTable* throwaway_table)
      : record(std::move(in_use)), throwaway(throwaway_table) {
    record->begin_use();
  }
  ~Lease() {
    if (outbox) {
      if (close_outbox) outbox->close();
      record->remove(outbox.get());
      if (throwaway && !outbox->closed()) record->end();  // nobody can ever collect the answer
    }
    if (throwaway) throwaway->remove(record->id());
    record->end_use();
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  std::shared_ptr<SessionRecord> record;
  SessionTable* throwaway;  // the table of a one-request session, else null
  std::shared_ptr<Outbox> outbox;
  bool close_outbox = false;  // a stream ends with its answer
};

// The protocol version a request claims, or an error response when it is not one we speak.
std::optional<HttpResponse> check_protocol_version(const HttpRequest& request,
                                                   std::string& version) {
  const auto header = request.header(kVersionHeader);
  version = header.empty() ? std::string(kDefaultProtocolVersion) : std::string(header);
  const auto supported = mcp::supported_protocol_versions();
  if (std::find(supported.begin(), supported.end(), version) != supported.end()) {
    return std::nullopt;
  }
  std::string list;
  for (auto known : supported) list += (list.empty() ? "" : ", ") + std::string(known);
  return error_response(400, kTransportError,
                        "Bad Request: Unsupported protocol version " + version +
                            " (supported versions: " + list + ")");
}

// The request's copies of body fields, for the checks of revision 2026-07-28.
mcp::modern::MirroredHeaders mirrored_headers(const HttpRequest& request) {
  mcp::modern::MirroredHeaders headers;
  const std::pair<std::string_view, std::optional<std::string>*> fields[] = {
      {kVersionHeader, &headers.protocol_version},
      {"Mcp-Method", &headers.method},
      {"Mcp-Name", &headers.name}};
  for (const auto& [name, field] : fields) {
    const auto count = request.count(name);
    if (count == 0) continue;
    auto read = count > 1 ? MirroredValue{{}, "more than one " + std::string(name) + " header"}
                          : read_mirrored_header(name, request.header(name));
    if (!read.problem.empty()) {
      headers.problem = std::move(read.problem);
      break;
    }
    *field = std::move(read.value);
  }
  return headers;
}

// Whether a POST belongs to revision 2026-07-28: its header or its body says so.
bool is_modern_post(const HttpRequest& request, const json& message) {
  return mcp::modern::is_modern_version(request.header(kVersionHeader)) ||
         mcp::modern::is_modern_message(message);
}

struct SessionLookup {
  std::shared_ptr<SessionRecord> record;
  std::optional<HttpResponse> error;
};

// The live session a request names, with a protocol version we speak.
SessionLookup find_session(const SessionTable& sessions, const HttpRequest& request) {
  const auto id = request.header(kSessionHeader);
  if (id.empty()) {
    return {nullptr,
            error_response(400, kTransportError, "Bad Request: Mcp-Session-Id header is required")};
  }
  auto record = sessions.find(std::string(id));
  if (!record || record->ended()) {
    constexpr int kSessionNotFound = -32001;
    return {nullptr, error_response(404, kSessionNotFound, "Session not found")};
  }
  std::string version;
  if (auto error = check_protocol_version(request, version)) return {nullptr, std::move(error)};
  return {std::move(record), std::nullopt};
}

}  // namespace

McpEndpoint::McpEndpoint(const HttpOptions& options, SessionFactory make_session)
    : options_(options), make_session_(std::move(make_session)) {}

std::shared_ptr<SessionRecord> McpEndpoint::create_record(std::string id,
                                                          const HttpRequest& request) {
  auto record = std::make_shared<SessionRecord>(std::move(id));
  std::weak_ptr<SessionRecord> weak = record;
  const RequestHeaders headers = [&request](std::string_view name) {
    std::vector<std::string_view> values;
    for (const auto& [key, value] : request.headers) {
      if (http_text::iequals(key, name)) values.emplace_back(value);
    }
    return values;
  };
  auto session = make_session_(
      [weak](const json& message) {
        if (auto target = weak.lock()) target->deliver(message);
      },
      headers);
  if (!session) throw std::runtime_error("the session factory returned no session");
  record->attach(std::move(session));
  return record;
}

std::optional<HttpResponse> McpEndpoint::refusal(const HttpRequest& header) const {
  const std::string_view path = header.path();
  // RFC 9112: more than one Host, or none in HTTP/1.1, is a bad request.
  const auto hosts = header.count("Host");
  if (hosts > 1 || (hosts == 0 && header.version >= 11)) {
    return error_response(400, kTransportError,
                          "Bad Request: a request needs exactly one Host header");
  }
  if (!policy_->host_allowed(header.header("Host"))) {
    return error_response(403, kTransportError, "Forbidden: invalid Host header");
  }
  const auto origins = header.count("Origin");
  if (origins > 1 || (origins == 1 && !policy_->origin_allowed(header.header("Origin")))) {
    return error_response(403, kTransportError, "Forbidden: invalid Origin header");
  }
  const bool metrics_path = path == "/metrics" && options_.metrics;
  if (path != "/mcp" && path != "/healthz" && !metrics_path) {
    return HttpResponse{404, "Not Found: the MCP endpoint is /mcp\n", "text/plain; charset=utf-8"};
  }
  if (path != "/healthz" && !options_.auth_token.empty()) {
    const auto token = header.count("Authorization") == 1
                           ? bearer_token(header.header("Authorization"))
                           : std::nullopt;
    if (!token || !constant_time_equals(*token, options_.auth_token)) {
      auto response = error_response(
          401, kTransportError,
          token ? "Unauthorized: invalid bearer token" : "Unauthorized: bearer token required");
      response.headers.emplace_back("WWW-Authenticate",
                                    token ? "Bearer error=\"invalid_token\"" : "Bearer");
      return response;
    }
  }
  return std::nullopt;
}

Answer McpEndpoint::handle(const HttpRequest& request, const std::function<void()>& wake) {
  const std::string_view path = request.path();
  if (path == "/healthz") {
    if (request.method != "GET") return whole(method_not_allowed(HttpResponse{}, "GET"));
    json health = options_.health ? options_.health() : json{{"status", "ok"}};
    return whole(HttpResponse{200, to_wire(health)});
  }
  if (path == "/metrics") {
    if (request.method != "GET") return whole(method_not_allowed(HttpResponse{}, "GET"));
    return whole(HttpResponse{200, options_.metrics(), "text/plain; version=0.0.4; charset=utf-8"});
  }
  if (stopping_) return whole(shutting_down_response());
  if (request.method != "POST" && mcp::modern::is_modern_version(request.header(kVersionHeader))) {
    return whole(method_not_allowed(
        error_response(405, kTransportError,
                       "Method Not Allowed: protocol " + std::string(mcp::modern::kVersion) +
                           " has no sessions and no event stream; use POST"),
        "POST"));
  }
  if (request.method == "POST") return post(request, wake);
  if (request.method == "GET") return get(request, wake);
  if (request.method == "DELETE") return whole(remove(request));
  return whole(method_not_allowed(error_response(405, kTransportError, "Method not allowed."),
                                  options_.stateless ? "POST" : "GET, POST, DELETE"));
}

// The session a POST goes to, or the error that answers it instead.
struct McpEndpoint::Opened {
  std::shared_ptr<SessionRecord> record;
  std::optional<HttpResponse> error;
  bool throwaway = false;  // stateless: the session lives for this request only
};

McpEndpoint::Opened McpEndpoint::open_session(const HttpRequest& request, const json& message) {
  try {
    if (options_.stateless) {
      std::string version;
      if (auto error = check_protocol_version(request, version)) return {nullptr, error};
      auto record = create_record("stateless-" + std::to_string(++throwaway_counter_), request);
      if (!is_initialize_request(message)) {
        // As if the client had initialized with the version it names in the header.
        record->receive({{"jsonrpc", "2.0"},
                         {"id", "stateless-initialize"},
                         {"method", "initialize"},
                         {"params",
                          {{"protocolVersion", version},
                           {"capabilities", json::object()},
                           {"clientInfo", {{"name", "stateless-http"}, {"version", "-"}}}}}},
                        mcp::Reply{});
      }
      throwaway_sessions_.insert(record);
      return {std::move(record), std::nullopt, true};
    }
    if (is_initialize_request(message)) {
      if (sessions_.size() >= options_.max_sessions) {
        auto evicted = sessions_.remove_least_recently_used_idle();
        if (!evicted) {
          auto busy =
              error_response(503, kTransportError,
                             "Service Unavailable: every session is in use; try again later");
          busy.headers.emplace_back("Retry-After", "5");
          return {nullptr, std::move(busy)};
        }
        spdlog::info("HTTP session ended to make room for a new one ({} sessions at most)",
                     options_.max_sessions);
        evicted->end();
      }
      return {create_record(new_session_id(), request), std::nullopt};
    }
    auto lookup = find_session(sessions_, request);
    return {std::move(lookup.record), std::move(lookup.error)};
  } catch (const SessionRefused& refused) {
    return {nullptr, error_response(refused.status, kTransportError, refused.what())};
  } catch (const std::exception& e) {
    spdlog::error("cannot start an MCP session: {}", e.what());
  }
  return {nullptr, error_response(500, mcp::error_code::kInternalError,
                                  "Internal error: cannot start a session")};
}

McpEndpoint::Opened McpEndpoint::open_modern(const HttpRequest& request, const json& message) {
  if (contains_request(message)) {
    const auto headers = mirrored_headers(request);
    if (auto rejection = mcp::modern::check_request(message, &headers)) {
      json id = message.is_object() ? message.value("id", json()) : json();
      if (!mcp::valid_request_id(id)) id = nullptr;
      return {nullptr, HttpResponse{rejection->http_status,
                                    jsonrpc_error_body(rejection->code, rejection->message, id,
                                                       rejection->data)}};
    }
  }
  try {
    auto record = create_record("request-" + std::to_string(++throwaway_counter_), request);
    throwaway_sessions_.insert(record);
    return {std::move(record), std::nullopt, true};
  } catch (const SessionRefused& refused) {
    json id = message.is_object() ? message.value("id", json()) : json();
    if (!mcp::valid_request_id(id)) id = nullptr;
    return {nullptr,
            HttpResponse{refused.status, jsonrpc_error_body(kTransportError, refused.what(), id)}};
  } catch (const std::exception& e) {
    spdlog::error("cannot start an MCP session: {}", e.what());
  }
  return {nullptr, error_response(500, mcp::error_code::kInternalError,
                                  "Internal error: cannot serve the request")};
}

Answer McpEndpoint::post(const HttpRequest& request, const std::function<void()>& wake) {
  if (!is_json_content_type(request.header("Content-Type"))) {
    return whole(error_response(415, kTransportError,
                                "Unsupported Media Type: Content-Type must be application/json"));
  }
  const auto accepted = parse_accept(request.header("Accept"), request.count("Accept") > 0);
  if (!accepted.json && !accepted.event_stream) {
    return whole(error_response(
        406, kTransportError,
        "Not Acceptable: Client must accept both application/json and text/event-stream"));
  }
  auto parsed = util::parse_json(request.body);
  if (!parsed) {
    return whole(error_response(400, mcp::error_code::kParseError,
                                parsed.error == util::ParsedJson::Error::kTooDeep
                                    ? "Parse error: the body is " + parsed.detail
                                    : "Parse error: the body is not valid JSON"));
  }
  const json message = std::move(parsed.value);

  auto opened = is_modern_post(request, message) ? open_modern(request, message)
                                                 : open_session(request, message);
  if (opened.error) return whole(std::move(*opened.error));
  auto& record = opened.record;
  auto lease = std::make_shared<Lease>(record, opened.throwaway ? &throwaway_sessions_ : nullptr);

  Answer answer;
  answer.lease = lease;
  if (!contains_request(message)) {
    record->receive(message, mcp::Reply{});
    answer.response = HttpResponse{202};
    return answer;
  }
  lease->outbox = std::make_shared<Outbox>(wake);
  record->add_request(lease->outbox);
  record->receive(message, reply_into(lease->outbox));
  if (!opened.throwaway && is_initialize_request(message) &&
      record->session()->protocol_version()) {
    sessions_.insert(record);
    answer.response.headers.emplace_back(kSessionHeader, record->id());
    spdlog::debug("HTTP session started ({} live)", sessions_.size());
  }
  answer.kind = Answer::Kind::kReply;
  answer.outbox = lease->outbox;
  answer.accepted = accepted;
  return answer;
}

Answer McpEndpoint::get(const HttpRequest& request, const std::function<void()>& wake) {
  if (options_.stateless) {
    return whole(method_not_allowed(error_response(405, kTransportError,
                                                   "Method Not Allowed: this server is stateless "
                                                   "and offers no event stream; use POST"),
                                    "POST"));
  }
  if (request.count("Accept") == 0 || !parse_accept(request.header("Accept"), true).event_stream) {
    return whole(error_response(406, kTransportError,
                                "Not Acceptable: Client must accept text/event-stream"));
  }
  auto lookup = find_session(sessions_, request);
  if (lookup.error) return whole(std::move(*lookup.error));
  auto record = std::move(lookup.record);
  auto lease = std::make_shared<Lease>(record, nullptr);
  lease->outbox = std::make_shared<Outbox>(wake);
  lease->close_outbox = true;
  record->add_stream(lease->outbox);

  Answer answer;
  answer.kind = Answer::Kind::kStream;
  answer.response.headers.emplace_back(kSessionHeader, record->id());
  answer.outbox = lease->outbox;
  answer.undelivered = [record, outbox = lease->outbox](std::vector<json> messages) {
    outbox->close();
    record->remove(outbox.get());
    for (const auto& message : messages) record->deliver(message);
  };
  answer.lease = std::move(lease);
  return answer;
}

HttpResponse McpEndpoint::remove(const HttpRequest& request) {
  if (options_.stateless) {
    return method_not_allowed(error_response(405, kTransportError,
                                             "Method Not Allowed: this server is stateless and "
                                             "has no sessions to end"),
                              "POST");
  }
  auto lookup = find_session(sessions_, request);
  if (lookup.error) return std::move(*lookup.error);
  sessions_.remove(lookup.record->id());
  lookup.record->end();
  spdlog::debug("HTTP session ended by the client ({} live)", sessions_.size());
  return HttpResponse{204};
}

void McpEndpoint::expire_idle_sessions() {
  const auto timeout = options_.session_idle_timeout;
  for (auto& record : sessions_.remove_idle(timeout, SessionRecord::Clock::now())) {
    spdlog::info("HTTP session expired after {} s idle", timeout.count() / 1000);
    record->end();
  }
}

std::vector<std::shared_ptr<mcp::Session>> McpEndpoint::live_sessions() const {
  std::vector<std::shared_ptr<mcp::Session>> live;
  for (const auto* table : {&sessions_, &throwaway_sessions_}) {
    for (const auto& record : table->all()) {
      if (auto session = record->session()) live.push_back(std::move(session));
    }
  }
  return live;
}

void McpEndpoint::end_all_sessions() {
  auto records = sessions_.all();
  for (auto& record : throwaway_sessions_.all()) records.push_back(std::move(record));
  for (auto& record : records) {
    sessions_.remove(record->id());
    throwaway_sessions_.remove(record->id());
    record->end();
  }
}

}  // namespace acmcp::transport
