// MCP session: validates JSON-RPC messages, negotiates the protocol version, dispatches methods
// and runs each tools/call in its own coroutine so it can be cancelled on its own.
#include "mcp/session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <mutex>
#include <vector>

#include "mcp/modern.hpp"
#include "util/compact_json.hpp"
#include "util/join.hpp"
#include "util/json_parse.hpp"
#include "util/log_caller.hpp"

namespace acmcp::mcp {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 3> kSupportedVersions = {"2025-11-25", "2025-06-18",
                                                                "2025-03-26"};

constexpr std::array<std::string_view, 8> kLogLevels = {"debug", "info",     "notice", "warning",
                                                        "error", "critical", "alert",  "emergency"};

int log_rank(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 0;
    case spdlog::level::info:
      return 1;
    case spdlog::level::warn:
      return 3;
    case spdlog::level::err:
      return 4;
    case spdlog::level::critical:
      return 5;
    default:
      return -1;
  }
}

json make_error(const json& id, int code, std::string message, json data = nullptr) {
  json error = {{"code", code}, {"message", std::move(message)}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json make_result(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

// A message's params, absent or null meaning none; a reference, since params can be large.
const json& params_of(const json& message) {
  static const json kNone = json::object();
  const auto it = message.find("params");
  return it == message.end() || it->is_null() ? kNone : *it;
}

bool valid_progress_token(const json& token) {
  return token.is_string() || token.is_number_integer() || token.is_number_unsigned();
}

// A CallToolResult for a tool that failed in a way the provider did not turn into an envelope.
json internal_tool_failure(const std::string& name, const std::string& what) {
  json envelope = {{"OriginalStatusCode", 0},
                   {"StatusCode", 500},
                   {"ErrorMessage", "Internal error while running tool " + name + ": " + what}};
  return {{"content", json::array({{{"type", "text"}, {"text", envelope.dump()}}})},
          {"isError", true}};
}

// Serializes the messages of one request and makes sure Reply::close runs exactly once.
class RequestChannel {
 public:
  explicit RequestChannel(Reply reply) : reply_(std::move(reply)) {}

  void send(const json& message) {
    std::lock_guard lock(mutex_);
    if (!closed_ && reply_.send) reply_.send(message);
  }

  // Sends `response` (if any and if still open), then closes. Later calls do nothing.
  void finish(const json* response = nullptr) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
      if (response && reply_.send) reply_.send(*response);
    }
    if (reply_.close) reply_.close();
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  mutable std::mutex mutex_;
  Reply reply_;
  bool closed_ = false;
};

// Gathers the responses of a batch into one array; progress notifications pass straight through.
class BatchCollector : public std::enable_shared_from_this<BatchCollector> {
 public:
  BatchCollector(Reply outer, std::size_t pending) : outer_(std::move(outer)), pending_(pending) {}

  Reply reply_for_element() {
    auto self = shared_from_this();
    return Reply{[self](const json& message) { self->on_message(message); },
                 [self] { self->on_close(); }};
  }

 private:
  void on_message(const json& message) {
    if (message.contains("method")) {
      if (outer_.send) outer_.send(message);
      return;
    }
    std::lock_guard lock(mutex_);
    responses_.push_back(message);
  }

  void on_close() {
    json responses;
    {
      std::lock_guard lock(mutex_);
      if (pending_ == 0 || --pending_ > 0) return;
      responses = json(std::move(responses_));
    }
    if (!responses.empty() && outer_.send) outer_.send(responses);
    if (outer_.close) outer_.close();
  }

  Reply outer_;
  std::mutex mutex_;
  std::size_t pending_;
  std::vector<json> responses_;
};

struct InFlightCall {
  std::shared_ptr<RequestChannel> channel;
  std::shared_ptr<asio::cancellation_signal> signal;
  asio::strand<asio::any_io_executor> strand;
};

}  // namespace

std::span<const std::string_view> supported_protocol_versions() { return kSupportedVersions; }
std::span<const std::string_view> log_levels() { return kLogLevels; }

bool valid_request_id(const json& id) {
  return id.is_string() || id.is_number() || util::is_raw_json(id);
}

json call_tool_result(const ToolResult& result) {
  // Invalid UTF-8 from upstream becomes U+FFFD, as the transports write the rest of a message.
  std::string text = util::compact_json(result.envelope, json::error_handler_t::replace);
  json structured = util::raw_json(text);
  json content = json::array({{{"type", "text"}, {"text", std::move(text)}}});
  if (!result.note.empty()) content.push_back({{"type", "text"}, {"text", result.note}});
  return {{"content", std::move(content)},
          {"structuredContent", std::move(structured)},
          {"isError", result.is_error}};
}

struct Session::State {
  asio::any_io_executor executor;
  ToolProvider& tools;
  ServerInfo info;
  std::string instructions;
  MessageSink session_sink;
  std::shared_ptr<const ac::Account> account;  // set before the first message, then only read

  mutable std::mutex mutex;
  std::optional<std::string> protocol_version;
  std::map<std::string, InFlightCall> in_flight;  // keyed by the request id's JSON text
  std::atomic<int> log_threshold{-1};             // index into kLogLevels; -1 = send none
  // Tells this session's calls from other sessions' (fair turns at the upstream rate limit).
  const std::uint64_t serial = next_serial.fetch_add(1) + 1;
  static inline std::atomic<std::uint64_t> next_serial{0};

  State(asio::any_io_executor ex, ToolProvider& provider, ServerInfo server_info, std::string text,
        MessageSink sink)
      : executor(std::move(ex)),
        tools(provider),
        info(std::move(server_info)),
        instructions(std::move(text)),
        session_sink(std::move(sink)) {}

  void cancel(const std::string& key) {
    std::lock_guard lock(mutex);
    auto it = in_flight.find(key);
    if (it == in_flight.end()) return;
    it->second.channel->finish();
    asio::post(it->second.strand,
               [signal = it->second.signal] { signal->emit(asio::cancellation_type::terminal); });
  }
};

std::shared_ptr<Session> Session::create(asio::any_io_executor executor, ToolProvider& tools,
                                         ServerInfo info, std::string instructions,
                                         MessageSink session_sink) {
  return std::shared_ptr<Session>(new Session(std::move(executor), tools, std::move(info),
                                              std::move(instructions), std::move(session_sink)));
}

Session::Session(asio::any_io_executor executor, ToolProvider& tools, ServerInfo info,
                 std::string instructions, MessageSink session_sink)
    : state_(std::make_unique<State>(std::move(executor), tools, std::move(info),
                                     std::move(instructions), std::move(session_sink))) {}

Session::~Session() = default;

std::optional<std::string> Session::protocol_version() const {
  std::lock_guard lock(state_->mutex);
  return state_->protocol_version;
}

std::size_t Session::in_flight() const {
  std::lock_guard lock(state_->mutex);
  return state_->in_flight.size();
}

void Session::cancel_all() {
  std::vector<std::string> keys;
  {
    std::lock_guard lock(state_->mutex);
    for (const auto& entry : state_->in_flight) keys.push_back(entry.first);
  }
  for (const auto& key : keys) state_->cancel(key);
}

asio::awaitable<void> Session::drain(std::chrono::milliseconds grace) {
  // Polling keeps this simple; it only runs once, at shutdown.
  constexpr auto kPoll = std::chrono::milliseconds(5);
  constexpr auto kUnwindLimit = std::chrono::seconds(1);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(kPoll);
    co_await timer.async_wait(asio::use_awaitable);
  }
  if (in_flight() == 0) co_return;
  const util::LogCallerScope log_as(state_->serial);
  spdlog::warn("cancelling {} request(s) still running after the {} ms grace period", in_flight(),
               grace.count());
  cancel_all();
  deadline = std::chrono::steady_clock::now() + kUnwindLimit;
  while (in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(kPoll);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

void Session::forward_log(spdlog::level::level_enum level, std::string_view text) {
  const int threshold = state_->log_threshold.load();
  const int rank = log_rank(level);
  if (threshold < 0 || rank < threshold || !state_->session_sink) return;
  state_->session_sink({{"jsonrpc", "2.0"},
                        {"method", "notifications/message"},
                        {"params",
                         {{"level", kLogLevels[static_cast<std::size_t>(rank)]},
                          {"logger", state_->info.name},
                          {"data", std::string(text)}}}});
}

void Session::receive(std::string_view raw, Reply reply) {
  auto parsed = util::parse_json(raw);
  if (!parsed) {
    RequestChannel channel(std::move(reply));
    const json error =
        make_error(nullptr, error_code::kParseError, "Parse error: " + parsed.detail);
    channel.finish(&error);
    return;
  }
  receive_message(parsed.value, std::move(reply));
}

namespace {

// Dispatch of one message; a free-standing helper keeps Session's header small.
class Dispatcher {
 public:
  Dispatcher(std::shared_ptr<Session> session, Session::State& state)
      : session_(std::move(session)), state_(state) {}

  void handle(const json& message, Reply reply);
  void handle_batch(const json& batch, Reply reply);

 private:
  json initialize(const json& params);
  // A request of revision 2026-07-28: served on its own, whatever this session negotiated.
  void handle_modern(const json& id, const std::string& method, const json& message,
                     std::shared_ptr<RequestChannel> channel);
  // `caller` tells the call's log records and rate-limit turns apart; `stamp`, when set, marks
  // the result as revision 2026-07-28 requires.
  void start_tool_call(const json& id, const json& params, std::shared_ptr<RequestChannel> channel,
                       std::uint64_t caller, const ServerInfo* stamp);

  std::shared_ptr<Session> session_;
  Session::State& state_;
};

}  // namespace

std::uint64_t Session::serial() const { return state_->serial; }

void Session::set_account(std::shared_ptr<const ac::Account> account) {
  state_->account = std::move(account);
}

void Session::receive_message(const json& message, Reply reply) {
  const util::LogCallerScope log_as(state_->serial);
  Dispatcher dispatcher(shared_from_this(), *state_);
  // Nothing a client sends may take the process down: a bug in dispatch becomes -32603.
  auto channel = std::make_shared<RequestChannel>(std::move(reply));
  Reply guarded{[channel](const json& m) { channel->send(m); }, [channel] { channel->finish(); }};
  try {
    if (message.is_array()) {
      dispatcher.handle_batch(message, std::move(guarded));
    } else {
      dispatcher.handle(message, std::move(guarded));
    }
  } catch (const std::exception& e) {
    spdlog::error("internal error handling a message: {}", e.what());
    const bool has_id =
        message.is_object() && message.contains("id") && valid_request_id(message["id"]);
    if (message.is_object() && message.contains("method") && !message.contains("id")) {
      channel->finish();
      return;
    }
    const json error = make_error(has_id ? message["id"] : json(nullptr),
                                  error_code::kInternalError, "Internal error");
    channel->finish(&error);
  }
}

namespace {

void Dispatcher::handle_batch(const json& batch, Reply reply) {
  RequestChannel rejecting(reply);
  std::optional<std::string> version;
  {
    std::lock_guard lock(state_.mutex);
    version = state_.protocol_version;
  }
  if (version != kBatchProtocolVersion) {
    const json error = make_error(
        nullptr, error_code::kInvalidRequest,
        version ? "Invalid Request: batches are not supported in protocol version " + *version
                : std::string("Invalid Request: batches are not allowed before initialize"));
    rejecting.finish(&error);
    return;
  }
  if (batch.empty()) {
    const json error =
        make_error(nullptr, error_code::kInvalidRequest, "Invalid Request: empty batch");
    rejecting.finish(&error);
    return;
  }
  auto collector = std::make_shared<BatchCollector>(std::move(reply), batch.size());
  for (const auto& element : batch) {
    // What may not travel in a batch is refused on its own; the rest of the batch is served.
    const std::string refusal =
        modern::is_modern_message(element)
            ? "requests of protocol " + std::string(modern::kVersion) + " cannot be batched"
        : element.is_object() && element.value("method", json()) == "initialize"
            ? "initialize must not be part of a batch"
            : "";
    if (!refusal.empty()) {
      RequestChannel channel(collector->reply_for_element());
      const json error = make_error(
          element.contains("id") && valid_request_id(element["id"]) ? element["id"] : json(nullptr),
          error_code::kInvalidRequest, "Invalid Request: " + refusal);
      channel.finish(&error);
      continue;
    }
    handle(element, collector->reply_for_element());
  }
}

void Dispatcher::handle(const json& message, Reply reply) {
  auto channel = std::make_shared<RequestChannel>(std::move(reply));
  auto fail = [&](const json& id, int code, std::string text) {
    const json error = make_error(id, code, std::move(text));
    channel->finish(&error);
  };

  if (!message.is_object()) {
    return fail(nullptr, error_code::kInvalidRequest,
                "Invalid Request: a message must be a JSON object");
  }
  const bool has_id = message.contains("id");
  const auto method_it = message.find("method");
  const bool has_method = method_it != message.end();

  // A message with a method and no id is a notification: it never gets a response.
  if (has_method && !has_id) {
    if (!method_it->is_string() || message.value("jsonrpc", json()) != "2.0") {
      channel->finish();
      return;
    }
    const std::string method = method_it->get<std::string>();
    if (method == "notifications/cancelled") {
      const json& params = params_of(message);
      if (params.is_object() && params.contains("requestId") &&
          valid_request_id(params["requestId"])) {
        spdlog::debug(
            "client cancelled request {}: {}", params["requestId"].dump(),
            params.value("reason", json("")).is_string() ? params.value("reason", "") : "");
        state_.cancel(params["requestId"].dump());
      }
    } else if (method == "notifications/initialized") {
      spdlog::debug("client reported initialized");
    }
    channel->finish();
    return;
  }

  const json id = has_id && valid_request_id(message["id"]) ? message["id"] : json(nullptr);
  // Responses from the client: this server sends no requests, so there is nothing to match.
  if (!has_method && has_id && (message.contains("result") || message.contains("error"))) {
    channel->finish();
    return;
  }
  if (message.value("jsonrpc", json()) != "2.0") {
    return fail(id, error_code::kInvalidRequest, "Invalid Request: jsonrpc must be \"2.0\"");
  }
  if (!has_id || !valid_request_id(message["id"])) {
    return fail(nullptr, error_code::kInvalidRequest,
                "Invalid Request: id must be a string or a number");
  }
  if (!has_method || !method_it->is_string()) {
    return fail(id, error_code::kInvalidRequest, "Invalid Request: method must be a string");
  }
  const std::string method = method_it->get<std::string>();
  const json& params = params_of(message);
  if (!params.is_object()) {
    return fail(id, error_code::kInvalidParams, "Invalid params: params must be an object");
  }
  if (modern::is_modern_message(message)) {
    return handle_modern(id, method, message, std::move(channel));
  }

  if (method == "ping") {
    const json response = make_result(id, json::object());
    return channel->finish(&response);
  }
  if (method == "initialize") {
    const auto version = params.find("protocolVersion");
    if (version == params.end() || !version->is_string()) {
      return fail(id, error_code::kInvalidParams,
                  "Invalid params: protocolVersion must be a string");
    }
    const json response = make_result(id, initialize(params));
    return channel->finish(&response);
  }
  bool initialized;
  {
    std::lock_guard lock(state_.mutex);
    initialized = state_.protocol_version.has_value();
  }
  if (!initialized) {
    return fail(id, error_code::kInvalidRequest,
                "Invalid Request: the session is not initialized; send initialize first");
  }
  if (method == "tools/list") {
    // The definitions as text made once, rather than a copy of the whole tree per request.
    const json response =
        make_result(id, {{"tools", util::raw_json(*state_.tools.tool_definitions_text())}});
    return channel->finish(&response);
  }
  if (method == "tools/call") {
    return start_tool_call(id, params, std::move(channel), state_.serial, nullptr);
  }
  if (method == "logging/setLevel") {
    const auto level = params.find("level");
    const auto known =
        level != params.end() && level->is_string()
            ? std::find(kLogLevels.begin(), kLogLevels.end(), level->get<std::string>())
            : kLogLevels.end();
    if (known == kLogLevels.end()) {
      return fail(id, error_code::kInvalidParams,
                  "Invalid params: level must be one of " + util::join(kLogLevels));
    }
    state_.log_threshold.store(static_cast<int>(known - kLogLevels.begin()));
    const json response = make_result(id, json::object());
    return channel->finish(&response);
  }
  fail(id, error_code::kMethodNotFound, "Method not found: " + method);
}

json Dispatcher::initialize(const json& params) {
  const std::string requested = params["protocolVersion"].get<std::string>();
  const bool supported = std::find(kSupportedVersions.begin(), kSupportedVersions.end(),
                                   requested) != kSupportedVersions.end();
  const std::string version = supported ? requested : std::string(kLatestProtocolVersion);
  {
    std::lock_guard lock(state_.mutex);
    state_.protocol_version = version;
  }
  const json client = params.value("clientInfo", json::object());
  auto client_field = [&](const char* key) {
    const json field = client.is_object() ? client.value(key, json()) : json();
    return field.is_string() ? field.get<std::string>() : std::string("(unnamed)");
  };
  spdlog::info("client {} {} initialized with protocol {}", client_field("name"),
               client_field("version"), version);
  json result = {
      {"protocolVersion", version},
      {"capabilities", {{"tools", {{"listChanged", false}}}, {"logging", json::object()}}},
      {"serverInfo",
       {{"name", state_.info.name},
        {"version", state_.info.version},
        {"title", state_.info.title}}}};
  if (!state_.instructions.empty()) result["instructions"] = state_.instructions;
  return result;
}

void Dispatcher::handle_modern(const json& id, const std::string& method, const json& message,
                               std::shared_ptr<RequestChannel> channel) {
  if (auto rejection = modern::check_request(message, nullptr)) {
    const json error =
        make_error(id, rejection->code, std::move(rejection->message), std::move(rejection->data));
    return channel->finish(&error);
  }
  // Each request is its own caller: no log record reaches it (the revision sends none unless
  // asked per request, and this server sends none at all), and a stdio client that set a log
  // level in a 2025 session sees nothing of these.
  const std::uint64_t caller = Session::State::next_serial.fetch_add(1) + 1;
  const util::LogCallerScope log_as(caller);
  json result;
  if (method == "server/discover") {
    result = {{"supportedVersions", modern::advertised_versions()},
              {"capabilities", {{"tools", {{"listChanged", false}}}}}};
    if (!state_.instructions.empty()) result["instructions"] = state_.instructions;
  } else if (method == "tools/list") {
    result = {{"tools", util::raw_json(*state_.tools.tool_definitions_text())}};
  } else if (method == "resources/read") {
    // The server offers no resources, so no URI names one.
    const json uri = params_of(message).value("uri", json());
    const json error =
        uri.is_string()
            ? make_error(id, error_code::kInvalidParams,
                         "Resource not found: " + uri.get<std::string>(), {{"uri", uri}})
            : make_error(id, error_code::kInvalidParams, "Invalid params: uri must be a string");
    return channel->finish(&error);
  } else {
    return start_tool_call(id, params_of(message), std::move(channel), caller, &state_.info);
  }
  result["ttlMs"] = modern::kListTtlMs;
  result["cacheScope"] = modern::kCacheScope;
  modern::stamp_result(result, state_.info);
  const json response = make_result(id, std::move(result));
  channel->finish(&response);
}

asio::awaitable<void> run_tool_call(std::shared_ptr<Session> keep_alive, ToolProvider& tools,
                                    json id, std::string name, json arguments,
                                    ToolCallContext context,
                                    std::shared_ptr<RequestChannel> channel,
                                    const ServerInfo* stamp) {
  const auto context_caller = context.caller;
  json result;
  try {
    const ToolResult outcome =
        co_await tools.call_tool(name, std::move(arguments), std::move(context));
    result = call_tool_result(outcome);
  } catch (const std::exception& e) {
    if (channel->closed()) co_return;  // cancelled: nobody is waiting for an answer
    const util::LogCallerScope log_as(context_caller);
    spdlog::error("tool {} failed unexpectedly: {}", name, e.what());
    result = internal_tool_failure(name, e.what());
  }
  if (stamp) modern::stamp_result(result, *stamp);
  const json response = make_result(id, std::move(result));
  channel->finish(&response);
  (void)keep_alive;
}

void Dispatcher::start_tool_call(const json& id, const json& params,
                                 std::shared_ptr<RequestChannel> channel, std::uint64_t caller,
                                 const ServerInfo* stamp) {
  auto fail = [&](std::string text) {
    const json error = make_error(id, error_code::kInvalidParams, std::move(text));
    channel->finish(&error);
  };
  const auto name_it = params.find("name");
  if (name_it == params.end() || !name_it->is_string()) {
    return fail("Invalid params: name must be a string naming a tool");
  }
  std::string name = name_it->get<std::string>();
  if (!state_.tools.has_tool(name)) {
    const std::string reason = state_.tools.unavailable_reason(name);
    return fail(reason.empty() ? "Unknown tool: " + name : reason);
  }
  json arguments = json::object();
  if (const auto args_it = params.find("arguments");
      args_it != params.end() && !args_it->is_null()) {
    if (!args_it->is_object()) return fail("Invalid params: arguments must be an object");
    arguments = *args_it;
  }

  ToolCallContext context;
  context.caller = caller;
  context.account = state_.account;
  const json meta = params.value("_meta", json::object());
  if (meta.is_object() && meta.contains("progressToken") &&
      valid_progress_token(meta["progressToken"])) {
    context.progress = [channel, token = meta["progressToken"]](double progress, double total,
                                                                const std::string& text) {
      json notification_params = {{"progressToken", token}, {"progress", progress}};
      if (total > 0) notification_params["total"] = total;
      if (!text.empty()) notification_params["message"] = text;
      channel->send({{"jsonrpc", "2.0"},
                     {"method", "notifications/progress"},
                     {"params", std::move(notification_params)}});
    };
  }

  const std::string key = id.dump();
  auto strand = asio::make_strand(state_.executor);
  auto signal = std::make_shared<asio::cancellation_signal>();
  {
    std::lock_guard lock(state_.mutex);
    if (state_.in_flight.contains(key)) {
      const json error = make_error(id, error_code::kInvalidRequest,
                                    "Invalid Request: request id " + key + " is already in use");
      channel->finish(&error);
      return;
    }
    state_.in_flight.emplace(key, InFlightCall{channel, signal, strand});
  }
  auto& state = state_;
  asio::co_spawn(strand,
                 run_tool_call(session_, state_.tools, id, std::move(name), std::move(arguments),
                               std::move(context), channel, stamp),
                 asio::bind_cancellation_slot(
                     signal->slot(), [session = session_, &state, key, signal](std::exception_ptr) {
                       std::lock_guard lock(state.mutex);
                       state.in_flight.erase(key);
                     }));
}

}  // namespace

}  // namespace acmcp::mcp
