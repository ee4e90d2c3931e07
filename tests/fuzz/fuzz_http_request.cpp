// Fuzzes the HTTP request path of the Streamable HTTP transport: each input is raw bytes sent on
// a fresh loopback connection to a real HttpTransport run on the fuzzing thread (Beast parser,
// routing, Origin/Host/bearer checks, Accept/Content-Type rules, sessions, JSON-RPC bodies).
// "@SESSION@" in an input becomes the id of a live session, which random bytes could never guess.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_support.hpp"
#include "mcp/session.hpp"
#include "tools/tool_registry.hpp"
#include "transport/http_transport.hpp"

namespace {

using namespace acmcp;
using namespace std::chrono_literals;

constexpr std::string_view kSessionPlaceholder = "@SESSION@";
constexpr std::string_view kBearer = "fuzz-bearer";
// The server must answer or close within this after the client has sent everything.
constexpr auto kAnswerTime = 5s;

transport::HttpOptions options() {
  transport::HttpOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.auth_token = std::string(kBearer);
  o.body_limit = 64 * 1024;
  o.header_limit = 8 * 1024;
  o.header_read_timeout = 2s;
  o.body_read_timeout = 2s;
  o.write_timeout = 2s;
  o.keep_alive_timeout = 2s;
  o.session_idle_timeout = 3s;  // inputs that initialize leave sessions behind
  o.sse_keepalive_interval = 1s;
  o.metrics = [] { return std::string("acmcp_fuzz 1\n"); };
  return o;
}

struct World {
  fuzz::CannedUpstream upstream;
  tools::ToolRegistry registry{upstream};
  boost::asio::io_context io;
  transport::HttpTransport server{io.get_executor(), options(), [this](mcp::MessageSink sink, const transport::RequestHeaders&) {
                                    return mcp::Session::create(io.get_executor(), registry,
                                                                mcp::ServerInfo{.version = "fuzz"},
                                                                "instructions", std::move(sink));
                                  }};
  std::string session_id;
  std::chrono::steady_clock::time_point session_started;

  World() { server.start(); }
};

// Never destroyed: tearing down a transport with connections mid-flight is not what is tested.
World& world() {
  static World* instance = new World;
  return *instance;
}

// Sends `request` on a new connection, half-closes it, and returns everything the server sent
// before closing. The server runs on this thread between the client's steps (no thread
// hand-offs, which cost milliseconds each on a busy machine). Aborts if the server neither
// answers nor closes in time.
std::string exchange(std::string_view request) {
  auto& w = world();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(w.server.port());
  // Every exchange half-closes first, so each leaves a client socket in TIME_WAIT for 60 s; at
  // a thousand exchanges a second one source address runs out of ports (EADDRNOTAVAIL) unless
  // the kernel reuses TIME_WAIT ports (net.ipv4.tcp_tw_reuse, not set everywhere). Rotating
  // the source over 127.1.0.0/16, which loopback also answers, makes the ports unlimited.
  static std::uint32_t next_source = 0;
  sockaddr_in source{};
  source.sin_family = AF_INET;
  source.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | (next_source++ % 65534 + 1));
  const int no_port = 1;  // the port is picked at connect time, per (source, destination)
  if (fd < 0 || ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &no_port, sizeof no_port) ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
    fuzz::fail("cannot make a client socket", std::strerror(errno));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  // Non-blocking, because libFuzzer's -timeout alarm (SIGALRM, no SA_RESTART) fails a blocking
  // connect with EINTR. Loopback connects complete in the kernel's backlog, before the server
  // accepts, so waiting for writability needs no server turns.
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    int error = errno;
    if (error == EINPROGRESS) {
      pollfd writable{fd, POLLOUT, 0};
      int ready;
      while ((ready = ::poll(&writable, 1, 5000)) < 0 && errno == EINTR) {
      }
      socklen_t length = sizeof error;
      if (ready == 0)
        error = ETIMEDOUT;
      else if (ready < 0)
        error = errno;
      else
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    }
    if (error != 0) fuzz::fail("cannot connect to the HTTP transport", std::strerror(error));
  }
  // Closing with a reset keeps the connections the server leaves open out of TIME_WAIT.
  const linger reset{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);

  std::string answer;
  std::size_t sent = 0;
  bool write_closed = false;
  char chunk[16384];
  const auto deadline = std::chrono::steady_clock::now() + kAnswerTime;
  for (;;) {
    bool progress = false;
    if (!write_closed) {
      const auto n = sent < request.size()
                         ? ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL)
                         : 0;
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        progress = true;
      }
      // Done, or refused early (e.g. headers too large) and closed by the server.
      if (sent == request.size() || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        ::shutdown(fd, SHUT_WR);
        write_closed = true;
      }
    }
    const auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) break;  // closed or reset
    if (n > 0) {
      answer.append(chunk, static_cast<std::size_t>(n));
      progress = true;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      fuzz::fail("the HTTP transport neither answered nor closed the connection in time",
                 std::string(request.substr(0, 2000)));
    }
    if (w.io.stopped()) w.io.restart();
    if (w.io.poll() == 0 && !progress) w.io.run_one_for(1ms);
  }
  ::close(fd);
  return answer;
}

std::string post(std::string_view body, std::string_view session_id) {
  std::string request =
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + std::string(kBearer) +
      "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";
  if (!session_id.empty()) request += "Mcp-Session-Id: " + std::string(session_id) + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  return exchange(request);
}

// A session the inputs can address through the placeholder; made again when an input may
// have ended it, and every second so that idle expiry never takes it.
void ensure_session(bool may_have_ended) {
  auto& w = world();
  const auto now = std::chrono::steady_clock::now();
  if (!w.session_id.empty() && !may_have_ended && now - w.session_started < 1s) return;
  const auto answer = post(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
      R"("capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}})",
      "");
  constexpr std::string_view kHeader = "\r\nmcp-session-id: ";
  for (std::size_t i = 0; i + kHeader.size() <= answer.size(); ++i) {
    if (::strncasecmp(answer.data() + i, kHeader.data(), kHeader.size()) == 0) {
      const auto start = i + kHeader.size();
      w.session_id = answer.substr(start, answer.find("\r\n", start) - start);
      w.session_started = now;
      post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", w.session_id);
      return;
    }
  }
  fuzz::fail("initialize over HTTP gave no session id", answer);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  ensure_session(true);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string request(reinterpret_cast<const char*>(data), size);
  const bool addresses_session = request.find(kSessionPlaceholder) != std::string::npos;
  ensure_session(false);
  if (addresses_session) {
    for (auto at = request.find(kSessionPlaceholder); at != std::string::npos;
         at = request.find(kSessionPlaceholder, at)) {
      request.replace(at, kSessionPlaceholder.size(), world().session_id);
      at += world().session_id.size();
    }
  }
  const auto answer = exchange(request);
  if (!answer.empty() && answer.rfind("HTTP/1.1 ", 0) != 0 && answer.rfind("HTTP/1.0 ", 0) != 0) {
    fuzz::fail("the server answered with something that is not HTTP", answer.substr(0, 200));
  }
  // A DELETE (or an expired session) may have ended the placeholder's session.
  if (request.find("DELETE") != std::string::npos) ensure_session(true);
  return 0;
}
