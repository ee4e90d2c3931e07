// A ToolProvider for protocol tests: tools that echo, wait, report progress, throw, or ignore
// cancellation; plus helpers to run an io_context and record what a Reply receives.
#pragma once
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mcp/session.hpp"
#include "mcp/tool_provider.hpp"
#include "testkit/tool_call.hpp"

namespace acmcp::testkit {

using nlohmann::json;
namespace asio = boost::asio;

inline mcp::ToolResult text_result(const json& structured) { return {structured, 200, false, ""}; }

class FakeTools final : public mcp::ToolProvider {
 public:
  FakeTools() {
    for (const char* name : {"echo", "slow", "progress", "throws", "stubborn", "has_progress"}) {
      definitions_.push_back({{"name", name},
                              {"title", std::string("Fake ") + name},
                              {"description", "test tool"},
                              {"inputSchema", {{"type", "object"}}},
                              {"outputSchema", {{"type", "object"}}},
                              {"annotations", {{"readOnlyHint", true}}}});
    }
  }

  const json& tool_definitions() const override { return definitions_; }
  bool has_tool(std::string_view name) const override {
    for (const auto& tool : definitions_) {
      if (tool["name"] == name) return true;
    }
    return false;
  }

  asio::awaitable<mcp::ToolResult> call_tool(std::string name, json arguments,
                                             mcp::ToolCallContext context) override {
    ++calls;
    last_arguments = arguments;
    last_caller = context.caller;
    last_account = context.account;
    if (name == "echo") co_return text_result(arguments);
    if (name == "has_progress") co_return text_result({{"has_progress", bool(context.progress)}});
    if (name == "throws") throw std::runtime_error("boom");
    if (name == "progress") {
      for (double step : arguments.value("steps", std::vector<double>{1, 2, 3})) {
        context.progress(step, arguments.value("total", 3.0), "step " + std::to_string(int(step)));
      }
      co_return text_result({{"done", true}});
    }
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(std::chrono::milliseconds(arguments.value("ms", 10000)));
    if (name == "stubborn") {
      // Keeps going after cancellation, as a handler that cannot stop would.
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        saw_cancellation = true;
        co_await asio::this_coro::reset_cancellation_state();
        asio::steady_timer again(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
        co_await again.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      ++finished;
      co_return text_result({{"stubborn", true}});
    }
    try {
      co_await timer.async_wait(asio::use_awaitable);
    } catch (const boost::system::system_error&) {
      saw_cancellation = true;
      throw;
    }
    ++finished;
    co_return text_result({{"slept", arguments.value("ms", 10000)}});
  }

  std::atomic<int> calls{0};
  std::atomic<int> finished{0};
  std::atomic<bool> saw_cancellation{false};
  json last_arguments;
  std::atomic<std::uint64_t> last_caller{0};
  std::shared_ptr<const ac::Account> last_account;  // written by the call, read after it

 private:
  json definitions_ = json::array();
};

// Records the messages sent through one Reply, as a client would read them, and how often it was
// closed.
class ReplyRecorder : public std::enable_shared_from_this<ReplyRecorder> {
 public:
  mcp::Reply reply() {
    auto self = shared_from_this();
    return {[self](const json& message) {
              std::lock_guard lock(self->mutex_);
              self->messages_.push_back(testkit::as_sent(message));
              self->changed_.notify_all();
            },
            [self] {
              std::lock_guard lock(self->mutex_);
              ++self->closes_;
              self->changed_.notify_all();
            }};
  }

  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return closes_ > 0; });
  }

  bool wait_messages(std::size_t count,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  }

  std::vector<json> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  int closes() const {
    std::lock_guard lock(mutex_);
    return closes_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<json> messages_;
  int closes_ = 0;
};

// An io_context run by two threads for the duration of a test.
class RunningIo {
 public:
  RunningIo() : guard_(io.get_executor()) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io.run(); });
  }
  ~RunningIo() {
    guard_.reset();
    io.stop();
    for (auto& thread : threads_) thread.join();
  }
  asio::io_context io;

 private:
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

}  // namespace acmcp::testkit
