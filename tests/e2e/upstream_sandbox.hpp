// An ActiveCampaign sandbox in the test's own process, on a thread of its own, for tests that
// point the real binary at an upstream they can make slow or hostile with sandbox faults.
#pragma once
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "sandbox/sandbox_server.hpp"
#include "testkit/sandbox_faults.hpp"

namespace acmcp::e2e {

class UpstreamSandbox {
 public:
  explicit UpstreamSandbox(std::string token)
      : token_(std::move(token)), guard_(io_.get_executor()), thread_([this] { io_.run(); }) {
    sandbox::SandboxOptions options;
    options.token = token_;
    sandbox_ = std::make_unique<sandbox::SandboxServer>(io_.get_executor(), options);
  }
  ~UpstreamSandbox() {
    sandbox_->stop();
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  UpstreamSandbox(const UpstreamSandbox&) = delete;
  UpstreamSandbox& operator=(const UpstreamSandbox&) = delete;

  sandbox::SandboxServer& server() { return *sandbox_; }

  // The binary's environment for this upstream; no retries, so a fault is seen once.
  std::map<std::string, std::string> environment() const {
    return {{"ACTIVECAMPAIGN_API_URL", sandbox_->base_url()},
            {"ACTIVECAMPAIGN_API_TOKEN", token_},
            {"ACTIVECAMPAIGN_MAX_RETRIES", "0"}};
  }

  // Every GET under `path_prefix` waits `delay` before it is answered.
  void delay_gets(const std::string& path_prefix, std::chrono::milliseconds delay) {
    testkit::Fault fault;
    fault.kind = testkit::Fault::Kind::Delay;
    fault.method = "GET";
    fault.path_prefix = path_prefix;
    fault.count = -1;
    fault.delay = delay;
    testkit::add_fault(*sandbox_, fault);
  }

 private:
  std::string token_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
  std::unique_ptr<sandbox::SandboxServer> sandbox_;
};

}  // namespace acmcp::e2e
