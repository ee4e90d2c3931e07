// The ActiveCampaign client: Beast HTTP/1.1 over TCP or TLS with a keep-alive pool, client-side
// rate limiting and retries. The only translation unit that includes Beast and Asio SSL.
#include "activecampaign/client.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <cstdio>
#include <deque>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>
#include <utility>

#include "activecampaign/rate_limiter.hpp"
#include "activecampaign/retry_policy.hpp"
#include "activecampaign/shared_rate_limit.hpp"
#include "activecampaign/url.hpp"
#include "util/json_parse.hpp"
#include "util/log_caller.hpp"

namespace acmcp::ac {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxIdleConnections = 16;
// Idle keep-alive connections older than this are closed rather than reused: servers and load
// balancers drop idle connections after a while, and a reused dead connection costs a round trip.
constexpr std::chrono::seconds kMaxIdleAge{30};
// Rate-limit waits shorter than this are not worth telling the caller about.
constexpr std::chrono::milliseconds kReportableWait{50};

using HttpRequest = http::request<http::string_body>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;
  beast::flat_buffer buffer;  // bytes read past the previous response
  SteadyClock::time_point idle_since{};
  int id = 0;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

// What one attempt produced, before JSON parsing (which happens off the client's strand).
struct AttemptResult {
  AttemptOutcome outcome;
  std::string body;
  std::string content_type;  // of the response, to explain a body that is not JSON
  std::string error;
  bool stale = false;  // a reused connection was dead: try once more on a fresh one
  bool cancelled = false;
};

std::string describe_milliseconds(std::chrono::milliseconds delay) {
  if (delay < std::chrono::seconds(1)) return std::to_string(delay.count()) + " ms";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(delay.count()) / 1000.0);
  return text;
}

bool is_ip_address(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

bool is_connection_reset(const error_code& ec) {
  return ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

bool is_end_of_stream(const error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream ||
         ec == http::error::partial_message || ec == ssl::error::stream_truncated;
}

// Never let the token into an error sentence, whatever a lower layer put there.
std::string redact(std::string text, const std::string& token) {
  if (token.empty()) return text;
  for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
    text.replace(at, token.size(), "[redacted]");
    at += 10;
  }
  return text;
}

// The same for a parsed body: an upstream (or a proxy) that echoes the token back, in a value or a
// key, must not hand it to the caller. Only a body whose raw text holds the token or an escape can
// hold it once parsed, so most bodies are not walked at all.
void redact_json(nlohmann::json& value, const std::string& token) {
  if (value.is_string()) {
    auto& text = value.get_ref<std::string&>();
    text = redact(std::move(text), token);
  } else if (value.is_array()) {
    for (auto& item : value) redact_json(item, token);
  } else if (value.is_object()) {
    bool key_holds_token = false;
    for (auto item = value.begin(); item != value.end(); ++item) {
      key_holds_token = key_holds_token || item.key().find(token) != std::string::npos;
      redact_json(item.value(), token);
    }
    if (!key_holds_token) return;
    nlohmann::json renamed = nlohmann::json::object();
    for (auto item = value.begin(); item != value.end(); ++item) {
      renamed[redact(item.key(), token)] = std::move(item.value());
    }
    value = std::move(renamed);
  }
}

std::string requests_per_second(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", rate);
  return text;
}

double unit_random() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

// An idle connection is usable if the peer has neither closed it nor sent anything unasked
// (for TLS that would be a close_notify alert). A non-blocking peek tells without waiting.
bool still_open(Connection& connection) {
  if (connection.buffer.size() != 0) return false;
  auto& socket = connection.tcp().socket();
  if (!socket.is_open()) return false;
  error_code ec;
  socket.non_blocking(true, ec);
  if (ec) return false;
  char byte = 0;
  socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
  const bool open = ec == asio::error::would_block || ec == asio::error::try_again;
  socket.non_blocking(false, ec);
  return open;
}

// The credentials refused, in words that say what to change and where. Through Maton a 400 that
// speaks of a connection is the gateway's own "no connection to use"; other 400s are
// ActiveCampaign's, passed through.
void explain_refusal(const ClientConfig& config, std::string_view body, Response& response) {
  const int status = response.status;
  if (config.service == Service::kActiveCampaign) {
    if (status == 401) {
      response.refusal = "ActiveCampaign rejected the API token";
      response.advice = "Check " + config.token_source + ".";
    } else if (status == 403) {
      response.refusal = "the API token was rejected or lacks permission for this request";
      response.advice = "Check " + config.token_source + " and the permissions of its user.";
    }
    return;
  }
  if (status == 401) {
    response.refusal = "the Maton gateway rejected the API key";
    response.advice = "Check " + config.token_source +
                      ": it must be the API key shown at https://maton.ai/settings.";
    return;
  }
  if (config.service != Service::kMatonGateway || status != 400) return;
  std::string lowered(body.substr(0, 4096));
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered.find("connection") != std::string::npos) {
    response.refusal = "the Maton gateway has no ActiveCampaign connection to use";
    response.advice =
        config.connection.empty()
            ? "Create an ActiveCampaign connection at https://ctrl.maton.ai, or set " +
                  config.connection_source +
                  " to one that is active (activecampaign-mcp --check lists them)."
            : "Check " + config.connection_source +
                  ": it must name an active ActiveCampaign connection (activecampaign-mcp "
                  "--check lists them).";
  }
}

}  // namespace

std::string fingerprint(std::string_view secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(secret.data(), secret.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return "unhashed";
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 8 && i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0F];
  }
  return out;
}

std::string account_key(Service service, std::string_view api_url, std::string_view token,
                        std::string_view connection) {
  if (service == Service::kActiveCampaign) return parse_api_url(api_url).host_port();
  return "maton:" + fingerprint(std::string(token) + '\n' + std::string(connection));
}

struct Client::Impl {
  Impl(asio::any_io_executor executor, ClientConfig cfg)
      : strand(asio::make_strand(executor)),
        config(std::move(cfg)),
        url(parse_url(config)),
        limiter(config.limiter
                    ? config.limiter
                    : std::make_shared<RateLimiter>(config.max_rps, RateLimiter::kDefaultMargin,
                                                    config.max_queued_per_caller)),
        policy(config.max_retries, config.backoff_base, config.backoff_max),
        shared_key(
            config.shared_limit && config.account_key.empty()
                ? account_key(config.service, config.api_url, config.token, config.connection)
                : config.account_key) {
    // Both become header values.
    const auto check_header_value = [](const std::string& value, const char* what) {
      if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        throw std::invalid_argument(std::string(what) + " contains a line break or NUL character");
      }
    };
    check_header_value(config.token, "the API token");
    check_header_value(config.connection, "the Maton connection");
    if (config.timeout <= std::chrono::milliseconds::zero()) {
      throw std::invalid_argument("the upstream timeout must be positive");
    }
    // A given CA file is checked now, so a bad one is a start-up error. Otherwise the TLS context
    // waits for the first https connection: loading the system CA store costs ~25 ms of CPU,
    // which plain-http upstreams (the sandbox) never need.
    if (!config.ca_file.empty()) tls_context = make_tls_context();
    host_header = (url.tls && url.port == 443) || (!url.tls && url.port == 80)
                      ? (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host)
                      : url.host_port();
  }

  static ApiUrl parse_url(const ClientConfig& config) {
    switch (config.service) {
      case Service::kMatonGateway:
        return parse_service_url(config.api_url, "Maton gateway URL", "https://gateway.maton.ai",
                                 "/active-campaign/api/3");
      case Service::kMatonControl:
        return parse_service_url(config.api_url, "Maton control URL", "https://ctrl.maton.ai", "");
      case Service::kActiveCampaign:
        break;
    }
    return parse_api_url(config.api_url);
  }

  asio::strand<asio::any_io_executor> strand;  // owns the pool and every connection
  ClientConfig config;
  ApiUrl url;
  std::string host_header;
  std::shared_ptr<RateLimiter> limiter;
  RetryPolicy policy;
  std::string shared_key;                   // the account in config.shared_limit
  std::optional<ssl::context> tls_context;  // see the constructor; touched only on the strand

  // Throws std::invalid_argument for an unreadable or certificate-less ca_file.
  ssl::context make_tls_context() const {
    ssl::context context(ssl::context::tls_client);
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    context.set_verify_mode(ssl::verify_peer);
    error_code ec;
    // Without a system CA store, an explicit ca_file can still make TLS work.
    context.set_default_verify_paths(ec);
    if (!config.ca_file.empty()) {
      if (!std::ifstream(config.ca_file).good()) {
        throw std::invalid_argument("cannot read the CA file \"" + config.ca_file + "\"");
      }
      context.load_verify_file(config.ca_file, ec);
      if (ec) {
        throw std::invalid_argument("the CA file \"" + config.ca_file +
                                    "\" holds no usable PEM certificate: " + ec.message());
      }
    }
    return context;
  }
  std::deque<std::unique_ptr<Connection>> idle;  // touched only on the strand
  int connections_opened = 0;                    // touched only on the strand

  std::unique_ptr<Connection> take_idle() {
    const auto now = SteadyClock::now();
    while (!idle.empty()) {
      auto connection = std::move(idle.back());
      idle.pop_back();
      if (now - connection->idle_since < kMaxIdleAge && still_open(*connection)) {
        return connection;
      }
      spdlog::debug("upstream: dropping idle connection #{}", connection->id);
    }
    return nullptr;
  }

  void keep_idle(std::unique_ptr<Connection> connection) {
    connection->tcp().expires_never();
    connection->idle_since = SteadyClock::now();
    idle.push_back(std::move(connection));
    while (idle.size() > kMaxIdleConnections) idle.pop_front();
  }

  std::string timeout_message() const {
    return "upstream did not answer within " + std::to_string(config.timeout.count()) + " ms";
  }

  static bool cancelled_now(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
  }

  // Resolves, connects and (for https) completes the TLS handshake before `deadline`.
  asio::awaitable<std::unique_ptr<Connection>> open(SteadyClock::time_point deadline,
                                                    AttemptResult& result) {
    const auto fail = [&result](AttemptFailure failure, std::string error) {
      result.outcome.failure = failure;
      result.error = std::move(error);
      return std::unique_ptr<Connection>{};
    };
    auto state = co_await asio::this_coro::cancellation_state;

    // The resolver has no deadline of its own: a timer cancels it. The timer holds only a weak
    // reference, since its handler may run after this frame is gone.
    auto resolver = std::make_shared<tcp::resolver>(strand);
    asio::steady_timer resolve_guard(strand, deadline);
    resolve_guard.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](error_code ec) {
      if (auto alive = weak.lock(); alive && !ec) alive->cancel();
    });
    auto [resolve_error, endpoints] =
        co_await resolver->async_resolve(url.host, std::to_string(url.port), kTuple);
    resolve_guard.cancel();
    if (cancelled_now(state)) {
      result.cancelled = true;
      co_return nullptr;
    }
    if (resolve_error) {
      if (SteadyClock::now() >= deadline)
        co_return fail(AttemptFailure::Timeout, timeout_message());
      co_return fail(AttemptFailure::NotSent,
                     "could not resolve host " + url.host + ": " + resolve_error.message());
    }

    auto connection = std::make_unique<Connection>();
    connection->id = ++connections_opened;
    if (url.tls) {
      if (!tls_context) tls_context = make_tls_context();
      connection->tls = std::make_unique<TlsStream>(strand, *tls_context);
    } else {
      connection->plain = std::make_unique<beast::tcp_stream>(strand);
    }
    connection->tcp().expires_at(deadline);
    auto [connect_error, endpoint] = co_await connection->tcp().async_connect(endpoints, kTuple);
    if (cancelled_now(state)) {
      result.cancelled = true;
      co_return nullptr;
    }
    if (connect_error) {
      if (connect_error == beast::error::timeout) {
        co_return fail(AttemptFailure::Timeout, "could not connect to " + url.host_port() +
                                                    " within " +
                                                    std::to_string(config.timeout.count()) + " ms");
      }
      co_return fail(AttemptFailure::NotSent,
                     "could not connect to " + url.host_port() + ": " + connect_error.message());
    }
    connection->tcp().socket().set_option(tcp::no_delay(true), connect_error);

    if (url.tls) {
      if (!is_ip_address(url.host) &&
          !SSL_set_tlsext_host_name(connection->tls->native_handle(), url.host.c_str())) {
        co_return fail(AttemptFailure::NotSent,
                       "could not set the TLS server name for " + url.host);
      }
      // host_name_verification does the check; the wrapper keeps a readable reason for it.
      auto why = std::make_shared<std::string>();
      connection->tls->set_verify_callback(
          [check = ssl::host_name_verification(url.host), why, host = url.host](
              bool preverified, ssl::verify_context& context) {
            X509_STORE_CTX* store = context.native_handle();
            if (!preverified) {
              if (why->empty()) {
                *why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
              }
              return false;
            }
            const bool ok = check(preverified, context);
            if (!ok && why->empty()) *why = "the certificate is not valid for " + host;
            return ok;
          });
      auto [handshake_error] =
          co_await connection->tls->async_handshake(ssl::stream_base::client, kTuple);
      if (cancelled_now(state)) {
        result.cancelled = true;
        co_return nullptr;
      }
      if (handshake_error) {
        if (handshake_error == beast::error::timeout || SteadyClock::now() >= deadline) {
          co_return fail(AttemptFailure::Timeout, timeout_message());
        }
        if (!why->empty()) {
          co_return fail(AttemptFailure::Permanent,
                         "TLS certificate verification failed for " + url.host + ": " + *why);
        }
        co_return fail(AttemptFailure::NotSent, "TLS handshake with " + url.host_port() +
                                                    " failed: " + handshake_error.message());
      }
    }
    spdlog::debug("upstream: opened connection #{} to {}", connection->id, url.host_port());
    co_return connection;
  }

  // Sends one request on an open connection and reads the answer.
  template <class Stream>
  asio::awaitable<AttemptResult> exchange(Stream& stream, Connection& connection,
                                          const HttpRequest& request, bool reused, bool& reusable) {
    AttemptResult result;
    auto state = co_await asio::this_coro::cancellation_state;
    const bool idempotent =
        request.method() != http::verb::post && request.method() != http::verb::patch;

    auto [write_error, written] = co_await http::async_write(stream, request, kTuple);
    if (cancelled_now(state)) {
      result.cancelled = true;
      co_return result;
    }
    if (write_error) {
      if (write_error == beast::error::timeout) {
        result.outcome.failure = AttemptFailure::Timeout;
        result.error = timeout_message();
      } else if (reused) {
        result.stale = true;
      } else {
        result.outcome.failure = AttemptFailure::ConnectionLost;
        result.error = is_connection_reset(write_error)
                           ? "connection reset by upstream"
                           : "could not send the request to upstream: " + write_error.message();
      }
      co_return result;
    }

    http::response_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(config.max_body_bytes);
    auto [read_error, read] = co_await http::async_read(stream, connection.buffer, parser, kTuple);
    if (cancelled_now(state)) {
      result.cancelled = true;
      co_return result;
    }
    if (read_error) {
      if (parser.is_header_done()) result.outcome.status = parser.get().result_int();
      if (read_error == beast::error::timeout) {
        result.outcome.failure = AttemptFailure::Timeout;
        result.error = timeout_message();
      } else if (read_error == http::error::body_limit) {
        result.outcome.failure = AttemptFailure::Permanent;
        result.error =
            "response body larger than " + std::to_string(config.max_body_bytes) + " bytes";
      } else if (reused && idempotent && !parser.got_some()) {
        // Closed while idle in the pool; for POST we cannot know the upstream did not act on it.
        result.stale = true;
      } else if (is_connection_reset(read_error) ||
                 (is_end_of_stream(read_error) && !parser.got_some())) {
        result.outcome.failure = AttemptFailure::ConnectionLost;
        result.error = is_connection_reset(read_error)
                           ? "connection reset by upstream"
                           : "upstream closed the connection without answering";
      } else if (is_end_of_stream(read_error)) {
        result.outcome.failure = AttemptFailure::ConnectionLost;
        result.error = "upstream closed the connection in the middle of the response";
      } else if (read_error.category() ==
                 http::make_error_code(http::error::bad_version).category()) {
        result.outcome.failure = AttemptFailure::Permanent;
        result.error = "upstream sent a malformed HTTP response: " + read_error.message();
      } else {
        result.outcome.failure = AttemptFailure::ConnectionLost;
        result.error = "reading the response from upstream failed: " + read_error.message();
      }
      co_return result;
    }

    auto response = parser.release();
    result.outcome.status = response.result_int();
    if (auto it = response.find(http::field::retry_after); it != response.end()) {
      result.outcome.retry_after = std::string(it->value());
    }
    if (auto it = response.find(http::field::content_type); it != response.end()) {
      // Quoted in an error sentence, so only printable ASCII survives.
      for (const char c : it->value().substr(0, 100)) {
        result.content_type += (c >= 0x20 && c < 0x7f) ? c : '?';
      }
    }
    result.body = std::move(response.body());
    reusable = response.keep_alive() && !response.need_eof();
    co_return result;
  }

  asio::awaitable<AttemptResult> exchange_on(Connection& connection, const HttpRequest& request,
                                             bool reused, bool& reusable) {
    if (connection.tls) {
      co_return co_await exchange(*connection.tls, connection, request, reused, reusable);
    }
    co_return co_await exchange(*connection.plain, connection, request, reused, reusable);
  }

  // One attempt, run on the strand: a pooled connection if one is alive (and a fresh one if it
  // turns out dead), else a new connection, all within one deadline.
  static asio::awaitable<AttemptResult> attempt(std::shared_ptr<Impl> self,
                                                std::shared_ptr<const HttpRequest> request) {
    AttemptResult result;
    try {
      const auto deadline = SteadyClock::now() + self->config.timeout;
      if (auto pooled = self->take_idle()) {
        pooled->tcp().expires_at(deadline);
        bool reusable = false;
        result = co_await self->exchange_on(*pooled, *request, true, reusable);
        if (!result.stale) {
          if (reusable && result.error.empty() && !result.cancelled) {
            self->keep_idle(std::move(pooled));
          }
          co_return result;
        }
        spdlog::debug("upstream: pooled connection #{} was closed by the peer; reconnecting",
                      pooled->id);
        result = AttemptResult{};
      }
      auto connection = co_await self->open(deadline, result);
      if (!connection) co_return result;
      bool reusable = false;
      result = co_await self->exchange_on(*connection, *request, false, reusable);
      if (reusable && result.error.empty() && !result.cancelled) {
        self->keep_idle(std::move(connection));
      }
    } catch (const boost::system::system_error& error) {
      // Asio throws operation_aborted at the next co_await once the caller has cancelled.
      result = AttemptResult{};
      if (error.code() == asio::error::operation_aborted) {
        result.cancelled = true;
      } else {
        result.outcome.failure = AttemptFailure::ConnectionLost;
        result.error = std::string("upstream request failed: ") + error.what();
      }
    }
    co_return result;
  }

  // attempt() on the strand, cancelled when the caller is. Not a plain co_await co_spawn: Boost
  // 1.81's co_spawn hands a cancellation from another executor to the strand as a raw pointer
  // into a handler that the caller frees when the attempt completes first (a use-after-free
  // ThreadSanitizer found; asio issue #1332). Here the attempt's signal is shared with the
  // hand-off, and is emitted only on the strand.
  static asio::awaitable<AttemptResult> attempt_on_strand(
      std::shared_ptr<Impl> self, std::shared_ptr<const HttpRequest> request) {
    auto state = co_await asio::this_coro::cancellation_state;
    auto signal = std::make_shared<asio::cancellation_signal>();
    if (auto caller = state.slot(); caller.is_connected()) {  // else the caller cannot cancel
      caller.assign([strand = self->strand, signal](asio::cancellation_type type) {
        asio::post(strand, [signal, type] { signal->emit(type); });
      });
    }
    auto strand = self->strand;
    co_return co_await asio::co_spawn(
        strand, attempt(std::move(self), std::move(request)),
        asio::bind_cancellation_slot(signal->slot(), asio::use_awaitable));
  }

  HttpRequest make_request(http::verb verb, const Request& request) const {
    HttpRequest message{verb, build_target(url, request.path, request.query), 11};
    message.set(http::field::host, host_header);
    if (config.service == Service::kActiveCampaign) {
      message.set("Api-Token", config.token);
    } else {
      message.set(http::field::authorization, "Bearer " + config.token);
      if (config.service == Service::kMatonGateway && !config.connection.empty()) {
        message.set("Maton-Connection", config.connection);
      }
    }
    message.set(http::field::accept, "application/json");
    message.set(http::field::user_agent, "activecampaign-mcp/" ACMCP_VERSION);
    message.keep_alive(true);
    if (request.body) {
      message.set(http::field::content_type, "application/json");
      message.body() = request.body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    message.prepare_payload();
    return message;
  }
};

Client::Client(asio::any_io_executor executor, ClientConfig config)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(config))) {}

Client::~Client() = default;

asio::awaitable<Response> Client::send(Request request, SendObserver observer) {
  auto impl = impl_;
  Response response;
  const auto finish_with_error = [&](std::string error) {
    response.error = redact(std::move(error), impl->config.token);
    return response;
  };

  const auto verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    co_return finish_with_error("unsupported HTTP method \"" + request.method + "\"");
  }
  std::shared_ptr<const HttpRequest> message;
  try {
    message = std::make_shared<const HttpRequest>(impl->make_request(verb, request));
  } catch (const std::exception& error) {
    co_return finish_with_error(std::string("could not build the upstream request: ") +
                                error.what());
  }

  auto state = co_await asio::this_coro::cancellation_state;
  const auto executor = co_await asio::this_coro::executor;
  const int max_attempts = impl->policy.max_retries() + 1;
  AttemptResult last;
  try {
    for (int retries_done = 0;; ++retries_done) {
      const auto admission = co_await impl->limiter->acquire(request.caller);
      using Outcome = RateLimiter::Admission::Outcome;
      if (admission.outcome == Outcome::kBusy) {
        co_return finish_with_error(
            "this server is busy: " + std::to_string(admission.queued) +
            " requests of this client already wait for the rate limit of " +
            requests_per_second(impl->config.max_rps) + " requests per second; retry in about " +
            describe_milliseconds(
                std::chrono::duration_cast<std::chrono::milliseconds>(admission.retry_after)));
      }
      if (admission.outcome == Outcome::kCancelled || Impl::cancelled_now(state)) {
        co_return finish_with_error("cancelled");
      }
      auto waited = admission.waited;
      if (impl->config.shared_limit) {
        const auto asked = SteadyClock::now();
        co_await impl->config.shared_limit->acquire(impl->shared_key);
        // Asking Redis takes a fraction of a millisecond; only longer is a wait for the budget.
        if (const auto took = SteadyClock::now() - asked; took >= std::chrono::milliseconds(1)) {
          waited += took;
        }
      }
      if (waited > SteadyClock::duration::zero() && observer.on_rate_limit_wait) {
        observer.on_rate_limit_wait(waited);
      }
      if (waited >= kReportableWait && observer.on_wait) {
        observer.on_wait(
            "waited " +
            describe_milliseconds(std::chrono::duration_cast<std::chrono::milliseconds>(waited)) +
            " for the client-side rate limit (" + requests_per_second(impl->config.max_rps) +
            " requests per second)");
      }

      const auto started = SteadyClock::now();
      ++response.attempts;
      last = co_await Impl::attempt_on_strand(impl, message);
      const auto elapsed =
          std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
      if (last.cancelled || Impl::cancelled_now(state)) co_return finish_with_error("cancelled");
      if (observer.on_attempt) {
        observer.on_attempt(last.outcome.status, SteadyClock::now() - started);
      }
      if (last.error.empty()) {
        const util::LogCallerScope log_as(request.caller);
        spdlog::debug("upstream {} {} -> HTTP {} (attempt {}, {} ms)", request.method,
                      redact(request.path, impl->config.token), last.outcome.status,
                      response.attempts, elapsed.count());
      } else {
        const util::LogCallerScope log_as(request.caller);
        spdlog::debug("upstream {} {} failed (attempt {}, {} ms): {}", request.method,
                      redact(request.path, impl->config.token), response.attempts, elapsed.count(),
                      redact(last.error, impl->config.token));
      }

      const auto decision =
          impl->policy.decide(request.method, last.outcome, retries_done, unit_random());
      if (!decision.retry) break;
      if (observer.on_wait) {
        std::string what = decision.reason;
        if (!last.error.empty()) what += " (" + redact(last.error, impl->config.token) + ")";
        observer.on_wait("retrying after " + what + " in " + describe_milliseconds(decision.delay) +
                         " (attempt " + std::to_string(response.attempts + 1) + " of " +
                         std::to_string(max_attempts) + ")");
      }
      if (decision.delay > std::chrono::milliseconds::zero()) {
        asio::steady_timer pause(executor, decision.delay);
        const auto [pause_error] = co_await pause.async_wait(kTuple);
        if (pause_error || Impl::cancelled_now(state)) co_return finish_with_error("cancelled");
      }
    }
  } catch (const boost::system::system_error& error) {
    if (error.code() == asio::error::operation_aborted) co_return finish_with_error("cancelled");
    co_return finish_with_error(std::string("upstream request failed: ") + error.what());
  } catch (const std::exception& error) {
    co_return finish_with_error(std::string("upstream request failed: ") + error.what());
  }

  response.status = last.outcome.status;
  explain_refusal(impl->config, last.body, response);
  if (!last.error.empty()) {
    std::string error = std::move(last.error);
    if (response.attempts > 1) {
      error += " (gave up after " + std::to_string(response.attempts) + " attempts)";
    }
    co_return finish_with_error(std::move(error));
  }
  if (last.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    response.body = nullptr;
    co_return response;
  }
  auto parsed = util::parse_json(last.body);
  if (!parsed) {
    response.body = nullptr;
    std::string error =
        "upstream answered HTTP " + std::to_string(response.status) + " with a body that is ";
    if (parsed.error == util::ParsedJson::Error::kTooDeep) {
      co_return finish_with_error(error + parsed.detail + "; refused");
    }
    error += "not JSON";
    // An HTML error page from a proxy is the usual case; saying so helps the reader.
    if (!last.content_type.empty() && last.content_type.find("json") == std::string::npos) {
      error += " (Content-Type " + last.content_type + ")";
    }
    co_return finish_with_error(std::move(error));
  }
  response.body = std::move(parsed.value);
  const auto& token = impl->config.token;
  if (!token.empty() &&
      (last.body.find(token) != std::string::npos || last.body.find('\\') != std::string::npos)) {
    redact_json(response.body, token);
  }
  co_return response;
}

}  // namespace acmcp::ac
