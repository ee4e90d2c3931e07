// StdioTransport over pipes and regular files: line framing, limits, output format, shutdown.
#include "transport/stdio_transport.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>

#include "testkit/fake_tools.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace acmcp::test {
namespace {

using namespace testkit;

class StdioTransportTest : public testing::Test {
 protected:
  StdioTransportTest() {
    EXPECT_EQ(::pipe(input_), 0);
    EXPECT_EQ(::pipe(output_), 0);
  }

  ~StdioTransportTest() override {
    if (transport_) {
      transport_->stop();
      if (done_.valid()) done_.wait_for(5s);
    }
    close_input();
    for (int fd : {input_[0], output_[0], output_[1]}) ::close(fd);
  }

  void start(int input_fd, std::size_t max_bytes = 1024,
             std::chrono::milliseconds grace = std::chrono::milliseconds(2000)) {
    transport_ = std::make_unique<transport::StdioTransport>(
        running_.io.get_executor(),
        transport::StdioOptions{input_fd, output_[1], max_bytes, grace});
    session_ = mcp::Session::create(running_.io.get_executor(), tools_, {}, "",
                                    [this](const json& m) { transport_->write(m); });
    done_ = asio::co_spawn(running_.io, transport_->run(session_), asio::use_future);
  }

  void type(const std::string& text) {
    ASSERT_EQ(::write(input_[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  void close_input() {
    if (input_[1] >= 0) ::close(input_[1]);
    input_[1] = -1;
  }

  // Reads one line from the transport's output, or "" after the timeout.
  std::string read_line(std::chrono::milliseconds timeout = 3s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd fd{output_[0], POLLIN, 0};
      if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return {};
      char chunk[4096];
      const ssize_t n = ::read(output_[0], chunk, sizeof chunk);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  json read_message() {
    const std::string line = read_line();
    EXPECT_FALSE(line.empty()) << "no message arrived";
    return line.empty() ? json(nullptr) : json::parse(line);
  }

  bool finished(std::chrono::milliseconds timeout = 3s) {
    return done_.wait_for(timeout) == std::future_status::ready;
  }

  static std::string line(const json& message) { return message.dump() + "\n"; }
  static json ping(int id) { return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}}; }
  static json initialize() {
    return {{"jsonrpc", "2.0"},
            {"id", 0},
            {"method", "initialize"},
            {"params", {{"protocolVersion", "2025-11-25"}}}};
  }

  RunningIo running_;
  FakeTools tools_;
  int input_[2] = {-1, -1};
  int output_[2] = {-1, -1};
  std::string buffer_;
  std::unique_ptr<transport::StdioTransport> transport_;
  std::shared_ptr<mcp::Session> session_;
  std::future<void> done_;
};

TEST_F(StdioTransportTest, AnswersEachLineWithOneLine) {
  start(input_[0]);
  type(line(ping(1)) + line(ping(2)));
  EXPECT_EQ(read_message()["id"], 1);
  EXPECT_EQ(read_message()["id"], 2);
}

TEST_F(StdioTransportTest, KeepsMessageOrder) {
  start(input_[0]);
  type(line(initialize()) + line({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}}));
  EXPECT_EQ(read_message()["id"], 0);
  const json list = read_message();
  EXPECT_EQ(list["id"], 1);
  EXPECT_TRUE(list.contains("result")) << list;
}

TEST_F(StdioTransportTest, WritesCompactSingleLines) {
  start(input_[0]);
  type("{ \"jsonrpc\" : \"2.0\",  \"id\" : 1, \"method\" : \"ping\" }\n");
  EXPECT_EQ(read_line(), R"({"id":1,"jsonrpc":"2.0","result":{}})");
}

TEST_F(StdioTransportTest, IgnoresEmptyLines) {
  start(input_[0]);
  type("\n   \n\r\n" + line(ping(3)));
  EXPECT_EQ(read_message()["id"], 3);
}

TEST_F(StdioTransportTest, AcceptsCrLfLineEndings) {
  start(input_[0]);
  type(ping(4).dump() + "\r\n");
  EXPECT_EQ(read_message()["id"], 4);
}

TEST_F(StdioTransportTest, MalformedLineGetsParseErrorAndReadingContinues) {
  start(input_[0]);
  type("{not json\n" + line(ping(5)));
  EXPECT_EQ(read_message()["error"]["code"], -32700);
  EXPECT_EQ(read_message()["id"], 5);
}

TEST_F(StdioTransportTest, OverlongLineIsRejectedAndReadingContinues) {
  start(input_[0], 100);
  type(std::string(300, 'x') + "\n" + line(ping(6)));
  const json error = read_message();
  EXPECT_EQ(error["error"]["code"], -32600);
  EXPECT_TRUE(error["id"].is_null());
  EXPECT_EQ(read_message()["id"], 6);
}

TEST_F(StdioTransportTest, LastLineWithoutNewlineIsRead) {
  start(input_[0]);
  type(ping(7).dump());
  close_input();
  EXPECT_EQ(read_message()["id"], 7);
  EXPECT_TRUE(finished());
}

TEST_F(StdioTransportTest, EndOfInputFinishesRun) {
  start(input_[0]);
  close_input();
  EXPECT_TRUE(finished());
}

TEST_F(StdioTransportTest, EndOfInputLetsInFlightCallsFinish) {
  start(input_[0]);
  type(line(initialize()));
  read_message();
  type(line({{"jsonrpc", "2.0"},
             {"id", 9},
             {"method", "tools/call"},
             {"params", {{"name", "slow"}, {"arguments", {{"ms", 150}}}}}}));
  close_input();
  const json response = read_message();
  EXPECT_EQ(response["id"], 9);
  EXPECT_EQ(response["result"]["structuredContent"]["slept"], 150);
  EXPECT_TRUE(finished());
}

TEST_F(StdioTransportTest, GraceBoundsShutdown) {
  start(input_[0], 1024, 50ms);
  type(line(initialize()));
  read_message();
  type(line({{"jsonrpc", "2.0"},
             {"id", 9},
             {"method", "tools/call"},
             {"params", {{"name", "slow"}, {"arguments", {{"ms", 60000}}}}}}));
  std::this_thread::sleep_for(30ms);
  close_input();
  EXPECT_TRUE(finished(2s));
  EXPECT_EQ(read_line(100ms), "");  // the cancelled call never answers
}

TEST_F(StdioTransportTest, StopEndsRunWhileInputStaysOpen) {
  start(input_[0]);
  type(line(ping(1)));
  read_message();
  transport_->stop();
  EXPECT_TRUE(finished());
}

TEST_F(StdioTransportTest, ReadsARegularFile) {
  char path[] = "/tmp/acmcp-stdio-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string content = line(ping(1)) + line(ping(2));
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  ::lseek(fd, 0, SEEK_SET);
  start(fd);
  EXPECT_EQ(read_message()["id"], 1);
  EXPECT_EQ(read_message()["id"], 2);
  EXPECT_TRUE(finished());
  ::close(fd);
  ::unlink(path);
}

TEST_F(StdioTransportTest, ConcurrentWritesDoNotInterleave) {
  start(input_[0]);
  std::vector<std::thread> writers;
  const std::string big(20000, 'y');
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) transport_->write({{"writer", t}, {"payload", big}});
    });
  }
  std::thread reader([&] {
    for (int i = 0; i < 40; ++i) {
      const std::string text = read_line();
      ASSERT_FALSE(text.empty());
      EXPECT_EQ(json::parse(text)["payload"], big);
    }
  });
  for (auto& writer : writers) writer.join();
  reader.join();
}

}  // namespace
}  // namespace acmcp::test
