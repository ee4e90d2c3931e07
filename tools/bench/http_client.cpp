// A small HTTP/1.1 client on Asio coroutines, just enough for MCP POSTs (JSON or SSE answers,
// Content-Length or chunked bodies); one thread drives every client so the benchmark itself
// takes as little of the machine as possible.
#include "http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <stdexcept>

namespace bench {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

constexpr const char* kProtocolVersion = "2025-06-18";

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  Clock::time_point completed;

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// The JSON-RPC response with `id` in a JSON or text/event-stream body; null when absent.
json find_response(const HttpResponse& response, long id) {
  const auto matches = [id](const json& message) {
    return message.is_object() && !message.contains("method") && message.contains("id") &&
           message["id"] == id;
  };
  if (response.header("content-type").rfind("text/event-stream", 0) != 0) {
    auto message = json::parse(response.body, nullptr, false);
    return matches(message) ? message : json();
  }
  std::string data;
  std::size_t start = 0;
  while (start < response.body.size()) {
    auto end = response.body.find('\n', start);
    if (end == std::string::npos) end = response.body.size();
    std::string line = response.body.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    start = end + 1;
    if (line.rfind("data:", 0) == 0) {
      data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
    } else if (line.empty() && !data.empty()) {  // end of an event
      auto message = json::parse(data, nullptr, false);
      if (matches(message)) return message;
      data.clear();
    }
  }
  auto message = json::parse(data, nullptr, false);
  return matches(message) ? message : json();
}

// One MCP session on one keep-alive connection.
class HttpSession {
 public:
  HttpSession(asio::any_io_executor executor, const HttpTarget& target,
              std::chrono::milliseconds timeout)
      : target_(target), timeout_(timeout), socket_(executor), watchdog_(executor) {}

  asio::awaitable<json> open() {
    tcp::resolver resolver(socket_.get_executor());
    const auto endpoints = co_await resolver.async_resolve(target_.host, std::to_string(target_.port),
                                                           asio::use_awaitable);
    co_await asio::async_connect(socket_, endpoints, asio::use_awaitable);
    socket_.set_option(tcp::no_delay(true));
    const json params = {{"protocolVersion", kProtocolVersion},
                         {"capabilities", json::object()},
                         {"clientInfo", {{"name", "acmcp-bench"}, {"version", "1"}}}};
    const long id = next_id_++;
    auto response = co_await exchange("POST", request_body(id, "initialize", params.dump()));
    session_id_ = response.header("mcp-session-id");
    auto reply = find_response(response, id);
    if (response.status != 200 || !reply.contains("result")) {
      throw std::runtime_error("initialize over HTTP failed: HTTP " +
                               std::to_string(response.status) + " " + response.body.substr(0, 300));
    }
    protocol_version_ = reply["result"].value("protocolVersion", kProtocolVersion);
    const auto initialized = co_await exchange(
        "POST", R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    if (initialized.status != 202 && initialized.status != 200) {
      throw std::runtime_error("notifications/initialized over HTTP answered HTTP " +
                               std::to_string(initialized.status));
    }
    co_return reply["result"].value("serverInfo", json::object());
  }

  // One request; the duration runs from the first byte written to the last byte read.
  struct Call {
    long id;
    HttpResponse response;
    Clock::duration elapsed;
  };
  asio::awaitable<Call> call(const std::string& method, const std::string& params_json) {
    const long id = next_id_++;
    const auto body = request_body(id, method, params_json);
    const auto started = Clock::now();
    auto response = co_await exchange("POST", body);
    const auto elapsed = response.completed - started;
    co_return Call{id, std::move(response), elapsed};
  }

  asio::awaitable<void> close() {
    if (!session_id_.empty()) co_await exchange("DELETE", "");
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  static std::string request_body(long id, const std::string& method,
                                  const std::string& params_json) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method +
           R"(","params":)" + params_json + "}";
  }

  asio::awaitable<HttpResponse> exchange(const std::string& verb, const std::string& body) {
    std::string request = verb + " " + target_.path + " HTTP/1.1\r\nHost: " + target_.host + ":" +
                          std::to_string(target_.port) +
                          "\r\nAccept: application/json, text/event-stream\r\n";
    if (!session_id_.empty()) {
      request += "Mcp-Session-Id: " + session_id_ + "\r\nMCP-Protocol-Version: " +
                 protocol_version_ + "\r\n";
    }
    if (!body.empty()) request += "Content-Type: application/json\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;

    // A stuck server must not hang the benchmark: closing the socket fails the pending read.
    watchdog_.expires_after(timeout_);
    watchdog_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        timed_out_ = true;
        boost::system::error_code ignored;
        socket_.close(ignored);
      }
    });
    try {
      co_await asio::async_write(socket_, asio::buffer(request), asio::use_awaitable);
      auto response = co_await read_response();
      watchdog_.cancel();
      co_return response;
    } catch (const boost::system::system_error& e) {
      watchdog_.cancel();
      throw std::runtime_error(timed_out_ ? "no HTTP answer in time"
                                          : std::string("HTTP exchange failed: ") + e.what());
    }
  }

  // Appends what the socket has; false at end of stream.
  asio::awaitable<bool> read_more() {
    char chunk[65536];
    boost::system::error_code ec;
    const auto n = co_await socket_.async_read_some(
        asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::eof) co_return false;
    if (ec) throw boost::system::system_error(ec);
    buffer_.append(chunk, n);
    co_return true;
  }

  // No co_await inside an if/while condition here: GCC 12 built `if (!co_await ...) throw`
  // into an illegal instruction.
  asio::awaitable<void> need(std::size_t bytes) {
    while (buffer_.size() < bytes) {
      const bool more = co_await read_more();
      if (!more) throw std::runtime_error("connection closed mid-response");
    }
  }

  asio::awaitable<std::size_t> need_line() {
    for (;;) {
      if (const auto end = buffer_.find("\r\n"); end != std::string::npos) co_return end;
      const bool more = co_await read_more();
      if (!more) throw std::runtime_error("connection closed mid-response");
    }
  }

  asio::awaitable<HttpResponse> read_response() {
    HttpResponse response;
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      const bool more = co_await read_more();
      if (!more) throw std::runtime_error("connection closed before a response");
    }
    const std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    std::size_t line_start = head.find("\r\n");
    const std::string status_line = head.substr(0, line_start);
    if (status_line.size() < 12) throw std::runtime_error("bad status line: " + status_line);
    response.status = std::stoi(status_line.substr(9, 3));
    while (line_start != std::string::npos) {
      const auto next = head.find("\r\n", line_start + 2);
      const auto line = head.substr(line_start + 2, next == std::string::npos
                                                        ? std::string::npos
                                                        : next - line_start - 2);
      if (const auto colon = line.find(':'); colon != std::string::npos) {
        response.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
      }
      line_start = next;
    }

    if (lower(response.header("transfer-encoding")).find("chunked") != std::string::npos) {
      for (;;) {
        const auto size_end = co_await need_line();
        const auto size = std::stoul(buffer_.substr(0, size_end), nullptr, 16);
        buffer_.erase(0, size_end + 2);
        if (size == 0) {
          // Trailers (none expected) end with an empty line.
          for (;;) {
            const auto end = co_await need_line();
            buffer_.erase(0, end + 2);
            if (end == 0) break;
          }
          break;
        }
        co_await need(size + 2);
        response.body.append(buffer_, 0, size);
        buffer_.erase(0, size + 2);
      }
    } else if (const auto length = response.header("content-length"); !length.empty()) {
      const auto size = std::stoul(length);
      co_await need(size);
      response.body = buffer_.substr(0, size);
      buffer_.erase(0, size);
    } else if (response.status != 204 && response.status != 304 && response.status >= 200) {
      for (bool more = true; more;) more = co_await read_more();
      response.body = std::move(buffer_);
      buffer_.clear();
    }
    response.completed = Clock::now();
    co_return response;
  }

  HttpTarget target_;
  std::chrono::milliseconds timeout_;
  tcp::socket socket_;
  asio::steady_timer watchdog_;
  bool timed_out_ = false;
  std::string buffer_;
  std::string session_id_;
  std::string protocol_version_ = kProtocolVersion;
  long next_id_ = 1;
};

// Cheap enough for the throughput loop: the servers write compact JSON, so a failed tool call
// shows `"isError":true` and a JSON-RPC failure has no "result" member.
bool looks_successful(const HttpResponse& response) {
  return response.status == 200 && response.body.find("\"result\"") != std::string::npos &&
         response.body.find("\"isError\":true") == std::string::npos;
}

// Runs `task` to completion on `io`, rethrowing what it threw.
template <typename T>
T run(asio::io_context& io, asio::awaitable<T> task) {
  std::optional<T> result;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr error, T value) {
    failure = error;
    if (!error) result = std::move(value);
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

void run(asio::io_context& io, asio::awaitable<void> task) {
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr error) { failure = error; });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
}

// What is wrong with a soak call's answer, and in which class; "" when it is right.
struct SoakProblem {
  long SoakResult::*counter = nullptr;
  std::string text;
};

SoakProblem soak_problem(const HttpResponse& response, long id) {
  if (response.status != 200) {
    return {&SoakResult::http_errors,
            "HTTP " + std::to_string(response.status) + " " + response.body.substr(0, 300)};
  }
  const json reply = find_response(response, id);
  if (reply.is_null() || !reply.contains("result")) {
    return {&SoakResult::rpc_errors, "no JSON-RPC result: " + response.body.substr(0, 300)};
  }
  const json& result = reply["result"];
  const json envelope = result.value("structuredContent", json::object());
  if (result.value("isError", false) || envelope.value("StatusCode", 0) != 200) {
    return {&SoakResult::envelope_errors, "tool failed: " + envelope.dump().substr(0, 300)};
  }
  return {};
}

void note_error(SoakResult& result, long SoakResult::*counter, const std::string& text) {
  ++(result.*counter);
  if (result.first_error.empty()) result.first_error = text;
}

// One session's calls, back to back until `deadline`. A coroutine function, not a lambda with
// captures: the frame must not refer to a closure that dies first.
struct SoakEnd {
  Clock::time_point deadline;
  long min_calls = 0;
};

asio::awaitable<void> soak_calls(HttpSession& session, const std::vector<std::string>& calls,
                                 std::size_t first, SoakEnd end, SoakResult& result,
                                 Clock::time_point& last_answer) {
  const auto answered = [&result] { return result.calls + result.errors(); };
  for (std::size_t n = first; Clock::now() < end.deadline || answered() < end.min_calls; ++n) {
    HttpSession::Call call;
    std::string failure;
    try {
      call = co_await session.call("tools/call", calls[n % calls.size()]);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) {  // the connection is gone: this session ends here
      note_error(result, &SoakResult::transport_errors, failure);
      co_return;
    }
    last_answer = std::max(last_answer, call.response.completed);
    result.latencies_us.push_back(std::chrono::duration<double, std::micro>(call.elapsed).count());
    const auto problem = soak_problem(call.response, call.id);
    if (problem.counter) {
      note_error(result, problem.counter, problem.text);
    } else {
      ++result.calls;
    }
  }
}

asio::awaitable<void> close_counted(HttpSession& session, SoakResult& result) {
  std::string failure;
  try {
    co_await session.close();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) note_error(result, &SoakResult::close_errors, "DELETE: " + failure);
}

asio::awaitable<std::pair<int, std::string>> http_get(HttpTarget target, std::string path,
                                                      std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  tcp::socket socket(executor);
  asio::steady_timer watchdog(executor, timeout);
  watchdog.async_wait([&socket](const boost::system::error_code& ec) {
    boost::system::error_code ignored;
    if (!ec) socket.close(ignored);
  });
  tcp::resolver resolver(executor);
  const auto endpoints = co_await resolver.async_resolve(target.host, std::to_string(target.port),
                                                         asio::use_awaitable);
  co_await asio::async_connect(socket, endpoints, asio::use_awaitable);
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + target.host + ":" +
                              std::to_string(target.port) + "\r\nConnection: close\r\n\r\n";
  co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
  std::string text;
  char chunk[4096];
  for (;;) {
    boost::system::error_code ec;
    const auto n = co_await socket.async_read_some(asio::buffer(chunk),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    text.append(chunk, n);
    if (ec) break;
  }
  watchdog.cancel();
  const auto header_end = text.find("\r\n\r\n");
  if (text.size() < 12 || header_end == std::string::npos) {
    throw std::runtime_error("GET " + path + ": no HTTP answer");
  }
  co_return std::pair<int, std::string>{std::stoi(text.substr(9, 3)), text.substr(header_end + 4)};
}

}  // namespace

HttpTarget parse_http_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("only http:// URLs: " + url);
  const auto authority_end = url.find('/', scheme.size());
  const auto authority = url.substr(scheme.size(), authority_end - scheme.size());
  const auto colon = authority.rfind(':');
  HttpTarget target;
  target.host = colon == std::string::npos ? authority : authority.substr(0, colon);
  target.port = colon == std::string::npos ? 80 : std::stoi(authority.substr(colon + 1));
  target.path = authority_end == std::string::npos ? "/" : url.substr(authority_end);
  return target;
}

struct HttpBench::Impl {
  HttpTarget target;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  std::unique_ptr<HttpSession> session;  // for latency series
  json server_info;
};

HttpBench::HttpBench(HttpTarget target, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->target = std::move(target);
  impl_->timeout = timeout;
}

HttpBench::~HttpBench() {
  if (impl_->session) {
    try {
      run(impl_->io, impl_->session->close());
    } catch (const std::exception&) {
      // The server may be gone already; nothing to clean up then.
    }
  }
}

json HttpBench::server_info() const { return impl_->server_info; }

std::vector<double> HttpBench::latency(const std::string& method, const std::string& params_json,
                                       int warmup, int count, const ReplyCheck& check) {
  auto& impl = *impl_;
  if (!impl.session) {
    impl.session = std::make_unique<HttpSession>(impl.io.get_executor(), impl.target, impl.timeout);
    impl.server_info = run(impl.io, impl.session->open());
  }
  auto series = [&]() -> asio::awaitable<std::vector<double>> {
    std::vector<double> microseconds;
    for (int i = 0; i < warmup + count; ++i) {
      auto call = co_await impl.session->call(method, params_json);
      const auto reply = find_response(call.response, call.id);
      if (reply.is_null()) {
        throw std::runtime_error(method + " over HTTP: no response (HTTP " +
                                 std::to_string(call.response.status) + ") " +
                                 call.response.body.substr(0, 300));
      }
      if (auto problem = check(reply); !problem.empty()) {
        throw std::runtime_error(method + " over HTTP: " + problem);
      }
      if (i >= warmup) {
        microseconds.push_back(
            std::chrono::duration<double, std::micro>(call.elapsed).count());
      }
    }
    co_return microseconds;
  };
  return run(impl.io, series());
}

ThroughputResult HttpBench::throughput(int clients, const std::string& call_params_json,
                                       std::chrono::milliseconds warmup,
                                       std::chrono::milliseconds window,
                                       const std::function<void()>& at_start,
                                       const std::function<void()>& at_end) {
  auto& impl = *impl_;
  std::vector<std::unique_ptr<HttpSession>> sessions;
  for (int i = 0; i < clients; ++i) {
    sessions.push_back(
        std::make_unique<HttpSession>(impl.io.get_executor(), impl.target, impl.timeout));
  }
  ThroughputResult result;
  std::exception_ptr failure;
  auto spawn_all = [&](auto make_task) {
    for (auto& session : sessions) {
      asio::co_spawn(impl.io, make_task(*session), [&](std::exception_ptr error) {
        if (error && !failure) failure = error;
      });
    }
    impl.io.restart();
    impl.io.run();
    if (failure) std::rethrow_exception(failure);
  };

  spawn_all([](HttpSession& session) -> asio::awaitable<void> { co_await session.open(); });

  bool counting = false;
  Clock::time_point deadline = Clock::now() + warmup;
  Clock::time_point last_answer;
  auto loop = [&](HttpSession& session) -> asio::awaitable<void> {
    while (Clock::now() < deadline) {
      auto call = co_await session.call("tools/call", call_params_json);
      if (!counting) continue;
      last_answer = std::max(last_answer, call.response.completed);
      if (looks_successful(call.response)) {
        ++result.calls;
      } else {
        ++result.errors;
        if (result.first_error.empty()) {
          result.first_error = "HTTP " + std::to_string(call.response.status) + " " +
                               call.response.body.substr(0, 300);
        }
      }
    }
  };
  spawn_all(loop);

  counting = true;
  at_start();
  const auto started = Clock::now();
  deadline = started + window;
  last_answer = started;
  spawn_all(loop);
  at_end();
  result.seconds = std::chrono::duration<double>(last_answer - started).count();

  spawn_all([](HttpSession& session) -> asio::awaitable<void> { co_await session.close(); });
  return result;
}

SoakResult HttpBench::soak(int count, const std::vector<std::string>& calls,
                           std::chrono::milliseconds duration, long min_calls) {
  auto& impl = *impl_;
  if (calls.empty()) throw std::invalid_argument("soak: no calls to make");
  std::vector<std::unique_ptr<HttpSession>> sessions;
  for (int i = 0; i < count; ++i) {
    sessions.push_back(
        std::make_unique<HttpSession>(impl.io.get_executor(), impl.target, impl.timeout));
  }
  std::exception_ptr failure;
  for (auto& session : sessions) {
    asio::co_spawn(impl.io, session->open(), [&](std::exception_ptr error, json info) {
      if (error && !failure) failure = error;
      if (!error && impl.server_info.is_null()) impl.server_info = std::move(info);
    });
  }
  impl.io.restart();
  impl.io.run();
  if (failure) std::rethrow_exception(failure);

  SoakResult result;
  result.latencies_us.reserve(1 << 20);
  const auto started = Clock::now();
  Clock::time_point last_answer = started;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    asio::co_spawn(impl.io,
                   soak_calls(*sessions[i], calls, i, SoakEnd{started + duration, min_calls},
                              result, last_answer),
                   asio::detached);
  }
  impl.io.restart();
  impl.io.run();
  result.seconds = std::chrono::duration<double>(last_answer - started).count();

  for (auto& session : sessions) {
    asio::co_spawn(impl.io, close_counted(*session, result), asio::detached);
  }
  impl.io.restart();
  impl.io.run();
  return result;
}

std::pair<int, std::string> HttpBench::get(const std::string& path) {
  return run(impl_->io, http_get(impl_->target, path, impl_->timeout));
}

}  // namespace bench
