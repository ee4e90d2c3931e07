// A way into the sandbox's HTTP exchanges for test builds, which use it to fail the way a
// network or proxy does (resets, stalls, truncated or non-JSON answers). The shipped server never
// installs one; the fault injector itself is test code. Includes Beast, so only the sandbox's
// HTTP front and the injector include it.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string>

namespace acmcp::sandbox {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// One connection as a hook sees it. Waits belong on `timer`: stopping the server cancels it.
struct HookedConnection {
  boost::beast::tcp_stream& stream;
  boost::asio::steady_timer& timer;
};

struct Interception {
  bool drop = false;                   // end the connection at once, without an answer
  std::optional<HttpResponse> answer;  // send this instead of asking the store
  // Writes the store's answer in the server's place; returns whether the connection may go on.
  std::function<boost::asio::awaitable<bool>(HookedConnection, HttpResponse&)> write;
};

class ExchangeHook {
 public:
  virtual ~ExchangeHook() = default;
  // Called for every request after it is logged, before the store sees it. `path` is the
  // decoded path after /api/3. A default Interception lets the exchange go on as usual.
  virtual boost::asio::awaitable<Interception> intercept(const HttpRequest& request,
                                                         const std::string& path,
                                                         HookedConnection connection) = 0;
};

}  // namespace acmcp::sandbox
