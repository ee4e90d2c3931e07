// Blocking line-based JSON-RPC over pipes, with poll() for the timeout.
#include "stdio_client.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bench {

StdioClient::StdioClient(int to_server, int from_server, std::chrono::milliseconds timeout)
    : to_server_(to_server), from_server_(from_server), timeout_(timeout) {}

void StdioClient::write_all(const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = write(to_server_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(std::string("writing to the server: ") + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
}

std::string StdioClient::read_line(Clock::time_point& completed) {
  const auto deadline = Clock::now() + timeout_;
  std::size_t searched = 0;
  for (;;) {
    if (const auto newline = buffer_.find('\n', searched); newline != std::string::npos) {
      completed = Clock::now();
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    searched = buffer_.size();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) throw std::runtime_error("no answer from the server in time");
    pollfd readable{from_server_, POLLIN, 0};
    const int ready = poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above reports the timeout
    char chunk[65536];
    const auto n = read(from_server_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("the server closed its stdout");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

Reply StdioClient::request(const std::string& method, const nlohmann::json& params) {
  return request_prepared(method, params.dump());
}

Reply StdioClient::request_prepared(const std::string& method, const std::string& params_json) {
  const long id = next_id_++;
  const std::string line = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" +
                           method + R"(","params":)" + params_json + "}\n";
  const auto started = Clock::now();
  write_all(line);
  for (;;) {
    Clock::time_point completed;
    const auto text = read_line(completed);
    auto message = nlohmann::json::parse(text, nullptr, false);
    if (message.is_discarded()) throw std::runtime_error("the server wrote a line that is not JSON");
    // Notifications and server-to-client requests carry a method; our answer does not.
    if (message.contains("method") || !message.contains("id")) continue;
    if (message["id"] != id) continue;
    return {std::move(message), completed - started, completed, text.size()};
  }
}

void StdioClient::notify(const std::string& method, const nlohmann::json& params) {
  write_all(nlohmann::json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}.dump() +
            "\n");
}

}  // namespace bench
