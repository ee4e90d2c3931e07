// Fuzzes the handling of whatever ActiveCampaign sends back: the input's first byte picks a tool
// call, the rest is a raw HTTP response (status line, headers, body) that a loopback server in
// this process sends to the real ac::Client for every request of that call, then closes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "activecampaign/client.hpp"
#include "activecampaign/retry_policy.hpp"
#include "fuzz_support.hpp"
#include "tools/tool_registry.hpp"

namespace {

using namespace acmcp;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::string_view kToken = "fuzz-token-7d1e0c";

// The calls an input can pick: single reads and writes, lists, and multi-step handlers.
const std::pair<const char*, json> kCalls[] = {
    {"get_contact", {{"ContactId", 1}}},
    {"get_many_contacts", {{"Limit", 5}}},
    {"create_contact", {{"Email", "jane@example.com"}}},
    {"update_deal", {{"DealId", 1}, {"Title", "Renamed"}}},
    {"remove_contact_from_list", {{"ContactId", 1}, {"ListId", 1}}},
    {"create_tag", {{"Tag", "VIP"}}},
    {"delete_deal", {{"DealId", 1}}},
    {"get_ecommerce_orders", {{"ExternalId", "order-1"}}},
};

// Serves the current response to every connection, one request per connection.
class LoopbackUpstream {
 public:
  LoopbackUpstream() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      fuzz::fail("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    std::thread([this] { serve(); }).detach();  // lives as long as the process
  }

  std::uint16_t port() const { return port_; }

  void set_response(std::string_view response) {
    std::lock_guard lock(mutex_);
    response_ = response;
  }

 private:
  void serve() {
    for (;;) {
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      timeval timeout{1, 0};
      ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      read_request(connection);
      std::string response;
      {
        std::lock_guard lock(mutex_);
        response = response_;
      }
      for (std::size_t sent = 0; sent < response.size();) {
        const auto n =
            ::send(connection, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;  // libFuzzer's -timeout alarm (SIGALRM)
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::shutdown(connection, SHUT_WR);
      ::close(connection);
    }
  }

  // Reads the request head and its Content-Length body, so closing does not reset the answer.
  static void read_request(int connection) {
    std::string text;
    char chunk[4096];
    std::size_t head_end = std::string::npos;
    std::size_t wanted = 0;
    for (;;) {
      if (head_end == std::string::npos) {
        head_end = text.find("\r\n\r\n");
        if (head_end != std::string::npos) {
          head_end += 4;
          wanted = head_end + content_length(std::string_view(text).substr(0, head_end));
        }
      }
      if (head_end != std::string::npos && text.size() >= wanted) return;
      const auto n = ::recv(connection, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      text.append(chunk, static_cast<std::size_t>(n));
    }
  }

  static std::size_t content_length(std::string_view head) {
    constexpr std::string_view kName = "\r\ncontent-length:";
    for (std::size_t i = 0; i + kName.size() <= head.size(); ++i) {
      if (::strncasecmp(head.data() + i, kName.data(), kName.size()) == 0) {
        return std::strtoul(std::string(head.substr(i + kName.size(), 20)).c_str(), nullptr, 10);
      }
    }
    return 0;
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::string response_;
};

struct World {
  LoopbackUpstream server;
  boost::asio::io_context io;
  ac::Client client{io.get_executor(),
                    ac::ClientConfig{
                        .api_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/api/3",
                        .token = std::string(kToken),
                        .timeout = 2000ms,  // the server always closes; this only bounds a bug
                        .max_retries = 0,   // a Retry-After would otherwise wait real seconds
                        .max_rps = 0,
                        .max_body_bytes = 64 * 1024,
                        .backoff_base = 1ms,
                        .backoff_max = 1ms,
                    }};
  tools::ToolRegistry registry{client};
};

// Never destroyed: a server thread still runs at exit, and must not see its objects torn down.
World& world() {
  static World* instance = new World;
  return *instance;
}

// The retry decision a Retry-After header would lead to must stay within the documented cap.
void check_retry_after(std::string_view response) {
  const auto head = response.substr(0, response.find("\r\n\r\n"));
  constexpr std::string_view kName = "\nretry-after:";
  for (std::size_t i = 0; i + kName.size() <= head.size(); ++i) {
    if (::strncasecmp(head.data() + i, kName.data(), kName.size()) != 0) continue;
    auto value = head.substr(i + kName.size());
    value = value.substr(0, value.find('\r'));
    const ac::RetryPolicy policy(3, 200ms, 10'000ms);
    for (const int status : {429, 503}) {
      const auto decision =
          policy.decide("GET", {ac::AttemptFailure::None, status, std::string(value)}, 0, 0.5);
      if (decision.delay < 0ms || decision.delay > std::max(ac::kMaxRetryAfter, 10'000ms)) {
        fuzz::fail("a retry delay is outside its bounds",
                   json{{"retry_after", value}, {"delay_ms", decision.delay.count()}});
      }
    }
    (void)ac::parse_retry_after(value, std::chrono::system_clock::now());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto& w = world();
  const auto& [name, arguments] = kCalls[data[0] % std::size(kCalls)];
  const std::string_view response(reinterpret_cast<const char*>(data) + 1, size - 1);
  check_retry_after(response);
  w.server.set_response(response);

  std::optional<mcp::ToolResult> returned;
  std::exception_ptr failure;
  boost::asio::co_spawn(w.io, w.registry.call_tool(name, arguments, {}),
                        [&](std::exception_ptr error, mcp::ToolResult value) {
                          failure = error;
                          returned = std::move(value);
                        });
  w.io.restart();
  w.io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      fuzz::fail("call_tool threw", json{{"tool", name}, {"what", e.what()}});
    } catch (...) {
      fuzz::fail("call_tool threw a non-standard exception", json{{"tool", name}});
    }
  }
  if (!returned) fuzz::fail("call_tool never finished", json{{"tool", name}});
  const json result = fuzz::as_sent(*returned);
  fuzz::maybe_print(name, result);
  fuzz::check_tool_result(result);
  const auto& envelope = result["structuredContent"];
  if (envelope["StatusCode"] == -1) fuzz::fail("valid arguments were judged invalid", envelope);
  // Whatever the upstream echoes back, the token reaches neither the data nor the message.
  if (fuzz::text(result).find(kToken) != std::string::npos) {
    fuzz::fail("the API token leaked into the tool result", result);
  }
  return 0;
}
