// A scriptable loopback HTTP(S) server for client tests: answers from a script, records requests.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace acmcp::testkit {

struct ScriptedResponse {
  enum class Action {
    Answer,          // send status/headers/body (after `delay`)
    ResetAfterRead,  // read the request, then reset the connection (RST) without answering
    CloseAfterRead,  // read the request, then close cleanly without answering
    NeverAnswer,     // read the request and stay silent until the client gives up
  };
  Action action = Action::Answer;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
  std::chrono::milliseconds delay{0};
  bool keep_alive = true;           // what the response's Connection header says
  bool close_after_answer = false;  // close anyway once answered (an idle keep-alive timeout)
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int connection = 0;  // 1-based number of the TCP connection it came on
  std::chrono::steady_clock::time_point at;
};

struct TlsIdentity {
  std::string certificate_file;  // PEM chain
  std::string key_file;
};

class TestServer {
 public:
  // Listens on 127.0.0.1 on a free port, served by its own thread.
  explicit TestServer(std::optional<TlsIdentity> tls = std::nullopt);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  unsigned short port() const;
  std::string url(const std::string& host = "127.0.0.1") const;  // scheme://host:port

  // Responses are used in order, one per request; when the script runs out: 200 {}.
  void script(ScriptedResponse response);
  std::vector<ReceivedRequest> requests() const;
  int connections() const;  // TCP connections accepted so far

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// A loopback port with nothing listening on it (bound, then closed).
unsigned short unused_port();

}  // namespace acmcp::testkit
