// An spdlog sink that forwards log records to MCP clients as notifications/message, subject to
// the level each client chose with logging/setLevel. A record written about one session
// (util::log_caller) reaches that session only; a server-wide record reaches every session.
#pragma once
#include <spdlog/sinks/base_sink.h>

#include <memory>
#include <mutex>
#include <vector>

#include "mcp/session.hpp"

namespace acmcp::mcp {

class ClientLogSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Sessions are held weakly: a session that ends simply stops receiving records.
  void attach(std::weak_ptr<Session> session);

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;
  void flush_() override {}

 private:
  std::vector<std::weak_ptr<Session>> sessions_;
};

}  // namespace acmcp::mcp
