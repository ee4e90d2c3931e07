// Stdio transport: a reader thread splits the input into lines and posts them, in order, to one
// strand that feeds the session; any thread queues its messages as lines, and one writer thread
// writes them, so a client slow to read its end of stdout stalls that thread and never the few
// worker threads every session's calls run on. The reader stops reading while a line's worth of
// input waits for the strand, or while the queued output exceeds the line limit (back-pressure),
// so however fast input arrives and however slowly output leaves, memory stays within a few times
// the line limit plus what in-flight calls answer.
#include "transport/stdio_transport.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "util/compact_json.hpp"

namespace acmcp::transport {

namespace asio = boost::asio;
using nlohmann::json;

struct StdioTransport::Impl : std::enable_shared_from_this<Impl> {
  StdioOptions options;
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer ended;  // cancelled (on the strand) when input ends or stop() is called
  bool finished = false;     // strand only
  std::shared_ptr<mcp::Session> session;  // strand only

  int wake_pipe[2] = {-1, -1};
  std::thread reader;
  std::thread writer;

  // One mutex for both directions, so the reader can wait on the output's backlog as well.
  std::mutex backlog_mutex;
  std::condition_variable backlog_changed;  // the reader waits on it
  std::size_t backlog_bytes = 0;            // of lines posted to the strand and not yet handled
  bool reader_stopping = false;
  std::condition_variable output_queued;  // the writer waits on it
  std::deque<std::string> output;         // lines not yet written, in order
  std::size_t output_bytes = 0;           // in `output` and in the writer's hands
  bool output_closing = false;            // write what is queued, then stop
  bool output_broken = false;

  Impl(asio::any_io_executor executor, StdioOptions opts)
      : options(std::move(opts)),
        strand(asio::make_strand(executor)),
        ended(strand, asio::steady_timer::time_point::max()) {
    if (::pipe(wake_pipe) != 0) wake_pipe[0] = wake_pipe[1] = -1;
  }

  ~Impl() {
    for (int fd : wake_pipe) {
      if (fd >= 0) ::close(fd);
    }
  }

  // Serialised on the calling thread, which has the message at hand; only the write is queued.
  void write(const json& message) {
    std::string line;
    line.reserve(256);
    util::append_compact_json(line, message, json::error_handler_t::replace);
    line.push_back('\n');
    {
      std::lock_guard lock(backlog_mutex);
      if (output_closing || output_broken) return;
      output_bytes += line.size();
      output.push_back(std::move(line));
    }
    output_queued.notify_one();
  }

  // The writer thread: writes queued lines in order until close_output() and an empty queue.
  void write_loop() {
    for (;;) {
      std::deque<std::string> lines;
      {
        std::unique_lock lock(backlog_mutex);
        output_queued.wait(lock, [&] { return output_closing || !output.empty(); });
        if (output.empty()) return;
        lines.swap(output);
      }
      std::size_t written = 0;
      bool broke = false;
      for (const auto& line : lines) {
        if (!write_all(line)) {
          broke = true;
          break;
        }
        written += line.size();
      }
      {
        std::lock_guard lock(backlog_mutex);
        output_bytes -= written;
        if (broke) {
          output_broken = true;
          output.clear();
          output_bytes = 0;
        }
      }
      backlog_changed.notify_all();
      if (broke) {
        spdlog::warn("stdout is closed; stopping");
        finish();
        return;
      }
    }
  }

  bool write_all(const std::string& line) const {
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      const ssize_t n = ::write(options.output_fd, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data += n;
      left -= static_cast<std::size_t>(n);
    }
    return true;
  }

  // Lets the writer finish what is queued and stop; later messages are dropped.
  void close_output() {
    {
      std::lock_guard lock(backlog_mutex);
      output_closing = true;
    }
    output_queued.notify_one();
  }

  // Ends the input side: later lines are dropped and run() moves on to draining.
  void finish() {
    asio::post(strand, [self = shared_from_this()] {
      self->finished = true;
      self->ended.cancel();
    });
    wake_reader();
  }

  void wake_reader() {
    {
      std::lock_guard lock(backlog_mutex);
      reader_stopping = true;
    }
    backlog_changed.notify_all();
    if (wake_pipe[1] >= 0) {
      const char byte = 0;
      [[maybe_unused]] auto ignored = ::write(wake_pipe[1], &byte, 1);
    }
  }

  // Called by the reader; waits while earlier lines still fill the backlog.
  void deliver(std::string line) {
    const std::size_t size = line.size();
    {
      std::unique_lock lock(backlog_mutex);
      backlog_changed.wait(lock, [&] {
        return reader_stopping ||
               ((backlog_bytes == 0 || backlog_bytes + size <= options.max_message_bytes) &&
                output_bytes <= options.max_message_bytes);
      });
      if (reader_stopping) return;
      backlog_bytes += size;
    }
    asio::post(strand, [self = shared_from_this(), line = std::move(line), size] {
      if (!self->finished && self->session) self->session->receive(line, self->reply());
      {
        std::lock_guard lock(self->backlog_mutex);
        self->backlog_bytes -= size;
      }
      self->backlog_changed.notify_all();
    });
  }

  void deliver_too_long() {
    asio::post(strand, [self = shared_from_this()] {
      if (self->finished) return;
      self->write(
          {{"jsonrpc", "2.0"},
           {"id", nullptr},
           {"error",
            {{"code", mcp::error_code::kInvalidRequest},
             {"message", "Invalid Request: message longer than " +
                             std::to_string(self->options.max_message_bytes) + " bytes"}}}});
    });
  }

  mcp::Reply reply() {
    auto self = shared_from_this();
    return mcp::Reply{[self](const json& message) { self->write(message); }, [] {}};
  }

  static bool blank(const std::string& line) {
    return line.find_first_not_of(" \t\r") == std::string::npos;
  }

  // Splits the input into lines; a line longer than the limit is skipped with one error.
  void read_loop() {
    std::string pending;
    bool discarding = false;
    char buffer[64 * 1024];
    auto emit_line = [&](std::string line) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!blank(line)) deliver(std::move(line));
    };
    for (;;) {
      pollfd fds[2] = {{options.input_fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
      const int ready = ::poll(fds, wake_pipe[0] >= 0 ? 2 : 1, -1);
      if (ready < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (wake_pipe[0] >= 0 && (fds[1].revents & POLLIN)) return;
      const ssize_t n = ::read(options.input_fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;
      std::string_view chunk(buffer, static_cast<std::size_t>(n));
      while (!chunk.empty()) {
        const auto newline = chunk.find('\n');
        const auto piece = chunk.substr(0, newline);
        if (!discarding) {
          pending.append(piece);
          if (pending.size() > options.max_message_bytes) {
            discarding = true;
            pending.clear();
            pending.shrink_to_fit();
          }
        }
        if (newline == std::string_view::npos) break;
        chunk.remove_prefix(newline + 1);
        if (discarding) {
          deliver_too_long();
          discarding = false;
        } else {
          emit_line(std::move(pending));
          pending.clear();
        }
      }
    }
    if (discarding) {
      deliver_too_long();
    } else {
      emit_line(std::move(pending));
    }
    spdlog::debug("end of input");
    finish();
  }
};

StdioTransport::StdioTransport(asio::any_io_executor executor, StdioOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {
  impl_->writer = std::thread([impl = impl_.get()] { impl->write_loop(); });
}

StdioTransport::~StdioTransport() {
  if (impl_->reader.joinable()) {
    impl_->wake_reader();
    impl_->reader.join();
  }
  impl_->close_output();
  impl_->writer.join();
}

void StdioTransport::write(const json& message) { impl_->write(message); }

void StdioTransport::stop() { impl_->finish(); }

namespace {

// Runs on the transport's strand until the input ends or stop() is called.
asio::awaitable<void> feed_until_end(std::shared_ptr<StdioTransport::Impl> impl,
                                     std::shared_ptr<mcp::Session> session);

}  // namespace

asio::awaitable<void> StdioTransport::run(std::shared_ptr<mcp::Session> session) {
  auto impl = impl_;
  co_await asio::co_spawn(impl->strand, feed_until_end(impl, session), asio::use_awaitable);
  co_await session->drain(impl->options.shutdown_grace);
  if (impl->reader.joinable()) {
    impl->wake_reader();
    impl->reader.join();
  }
  asio::post(impl->strand, [impl] { impl->session.reset(); });
}

namespace {

asio::awaitable<void> feed_until_end(std::shared_ptr<StdioTransport::Impl> impl,
                                     std::shared_ptr<mcp::Session> session) {
  impl->session = std::move(session);
  if (!impl->finished) {
    impl->reader = std::thread([impl] { impl->read_loop(); });
  }
  while (!impl->finished) {
    boost::system::error_code ec;
    co_await impl->ended.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

}  // namespace acmcp::transport
