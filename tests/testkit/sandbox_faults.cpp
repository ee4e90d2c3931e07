#include "testkit/sandbox_faults.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "sandbox/exchange_hook.hpp"

namespace acmcp::testkit {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using sandbox::HookedConnection;
using sandbox::HttpResponse;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// How long a stall lasts when the fault names no delay: longer than any test's client timeout.
constexpr auto kDefaultStall = std::chrono::seconds(30);

HttpResponse raw_response(int status, std::string content_type, std::string body, bool keep_alive) {
  HttpResponse res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, std::move(content_type));
  res.body() = std::move(body);
  res.keep_alive(keep_alive);
  return res;
}

void reset(beast::tcp_stream& stream) {
  beast::error_code ignored;
  stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
  stream.socket().close(ignored);  // before any shutdown, which would send a clean FIN
}

asio::awaitable<void> stall(HookedConnection connection, std::chrono::milliseconds delay) {
  connection.timer.expires_after(delay.count() > 0 ? delay
                                                   : std::chrono::milliseconds(kDefaultStall));
  co_await connection.timer.async_wait(kUseTuple);
}

// Writes the store's answer spoiled as `fault` says; false when the connection must end.
asio::awaitable<bool> write_spoiled(HookedConnection connection, HttpResponse& response,
                                    Fault fault) {
  auto& stream = connection.stream;
  if (fault.kind == Fault::Kind::Truncated) {
    response.body().resize(response.body().size() / 2);
    response.prepare_payload();
    auto [ec, written] = co_await http::async_write(stream, response, kUseTuple);
    co_return !ec && response.keep_alive();
  }
  if (fault.kind == Fault::Kind::StallBeforeHeaders) {
    co_await stall(connection, fault.delay);
    co_return false;
  }
  response.prepare_payload();
  std::ostringstream header;
  header << response.base();
  std::string bytes = header.str();
  if (fault.kind == Fault::Kind::StallMidBody)
    bytes += response.body().substr(0, response.body().size() / 2);
  auto [ec, written] = co_await asio::async_write(stream, asio::buffer(bytes), kUseTuple);
  if (!ec && fault.kind == Fault::Kind::StallMidBody) co_await stall(connection, fault.delay);
  if (fault.kind == Fault::Kind::ResetAfterHeaders) reset(stream);
  co_return false;
}

class FaultInjector : public sandbox::ExchangeHook {
 public:
  void add(Fault fault) {
    std::lock_guard lock(mutex_);
    faults_.push_back(std::move(fault));
  }
  void clear() {
    std::lock_guard lock(mutex_);
    faults_.clear();
  }

  asio::awaitable<sandbox::Interception> intercept(const sandbox::HttpRequest& request,
                                                   const std::string& path,
                                                   HookedConnection connection) override {
    sandbox::Interception taken;
    auto fault = take(std::string(request.method_string()), path);
    if (!fault) co_return taken;
    const bool keep_alive = request.keep_alive();
    switch (fault->kind) {
      case Fault::Kind::Reset:
        taken.drop = true;
        break;
      case Fault::Kind::NonJson:
        taken.answer = raw_response(
            200, "text/html; charset=utf-8",
            "<html><body><h1>Sandbox fault: this is not JSON</h1></body></html>", keep_alive);
        break;
      case Fault::Kind::Status:
        taken.answer =
            raw_response(fault->status, "application/json; charset=utf-8", fault->body, keep_alive);
        for (const auto& [name, value] : fault->headers) taken.answer->set(name, value);
        break;
      case Fault::Kind::ContentType:
        taken.answer = raw_response(fault->status, fault->content_type, fault->body, keep_alive);
        break;
      case Fault::Kind::Oversized: {
        // Valid JSON of exactly `size` bytes (when size >= 16), so only its length is wrong.
        const std::string open = R"({"padding":")", close = R"("})";
        const std::size_t fill =
            fault->size > open.size() + close.size() ? fault->size - open.size() - close.size() : 0;
        taken.answer = raw_response(200, "application/json; charset=utf-8",
                                    open + std::string(fill, 'x') + close, keep_alive);
        break;
      }
      case Fault::Kind::ResetAfterHeaders:
      case Fault::Kind::StallBeforeHeaders:
      case Fault::Kind::StallMidBody:
      case Fault::Kind::Truncated:
        taken.write = [spoiler = *fault](HookedConnection on, HttpResponse& response) {
          return write_spoiled(on, response, spoiler);
        };
        break;
      case Fault::Kind::Delay: {
        connection.timer.expires_after(fault->delay);
        auto [ec] = co_await connection.timer.async_wait(kUseTuple);
        taken.drop = static_cast<bool>(ec);  // the server stopped while it waited
        break;
      }
    }
    co_return taken;
  }

 private:
  std::optional<Fault> take(const std::string& method, const std::string& path) {
    std::lock_guard lock(mutex_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
      if (!it->method.empty() && it->method != method) continue;
      if (path.rfind(it->path_prefix, 0) != 0) continue;
      Fault fault = *it;
      if (it->count > 0 && --it->count == 0) faults_.erase(it);
      return fault;
    }
    return std::nullopt;
  }

  std::mutex mutex_;
  std::vector<Fault> faults_;
};

// The server's injector, installed on first use.
FaultInjector& injector_of(sandbox::SandboxServer& server) {
  static std::mutex installing;
  std::lock_guard lock(installing);
  auto injector = std::dynamic_pointer_cast<FaultInjector>(server.hook());
  if (!injector) {
    injector = std::make_shared<FaultInjector>();
    server.set_hook(injector);
  }
  return *injector;  // the server keeps it alive
}

}  // namespace

void add_fault(sandbox::SandboxServer& server, Fault fault) {
  injector_of(server).add(std::move(fault));
}

void clear_faults(sandbox::SandboxServer& server) { injector_of(server).clear(); }

}  // namespace acmcp::testkit
