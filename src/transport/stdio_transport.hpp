// MCP over stdio: one JSON-RPC message per line on stdin, one compact JSON line per message on
// stdout. Nothing else is ever written to the output.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>

#include "mcp/session.hpp"

namespace acmcp::transport {

struct StdioOptions {
  int input_fd = 0;
  int output_fd = 1;
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds shutdown_grace{5000};  // for in-flight calls at end of input
};

class StdioTransport {
 public:
  StdioTransport(boost::asio::any_io_executor executor, StdioOptions options = {});
  // Waits until the queued messages are written (or the output fails).
  ~StdioTransport();
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;

  // Queues one message as a line for the writer thread; safe from any thread, never waits for
  // the output, and messages never interleave.
  void write(const nlohmann::json& message);

  // Feeds input lines to `session` in order until end of input or stop(), then lets in-flight
  // calls finish (bounded by shutdown_grace). Input is read on a dedicated thread with blocking
  // reads, so it works for pipes, terminals and regular files alike.
  boost::asio::awaitable<void> run(std::shared_ptr<mcp::Session> session);

  // Ends run() as if the input had ended; safe from any thread (e.g. a signal handler's
  // completion).
  void stop();

  struct Impl;  // opaque; defined in stdio_transport.cpp

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace acmcp::transport
