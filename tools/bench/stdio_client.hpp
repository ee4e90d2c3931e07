// A JSON-RPC client over a server's stdin/stdout (one message per line), blocking and cheap: the
// clock stops when the answer's line is complete, before the client parses it.
#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace bench {

using Clock = std::chrono::steady_clock;

struct Reply {
  nlohmann::json message;    // the response object (result or error)
  Clock::duration elapsed{};  // request written -> response line complete
  Clock::time_point completed;  // when the response line was complete
  std::size_t bytes = 0;         // length of the response line
};

class StdioClient {
 public:
  StdioClient(int to_server, int from_server, std::chrono::milliseconds timeout);

  // Sends a request and waits for the response with its id, skipping notifications and
  // server-to-client requests. Throws std::runtime_error on timeout, EOF or a bad line.
  Reply request(const std::string& method, const nlohmann::json& params);
  // Same, with params already serialized (series of identical calls serialize them once).
  Reply request_prepared(const std::string& method, const std::string& params_json);
  void notify(const std::string& method, const nlohmann::json& params);

 private:
  void write_all(const std::string& text);
  // Returns the next line and when its newline arrived.
  std::string read_line(Clock::time_point& completed);

  int to_server_;
  int from_server_;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
  long next_id_ = 1;
};

}  // namespace bench
