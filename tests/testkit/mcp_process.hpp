// Runs the real server binary as a child process over pipes, with a timeout on every read so a
// misbehaving server fails a test instead of hanging it.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace acmcp::testkit {

class McpProcess {
 public:
  // Environment: the test's own, minus every ACTIVECAMPAIGN_*, LOG_LEVEL and MCP_AUTH_TOKEN,
  // plus `env`.
  McpProcess(std::vector<std::string> arguments, std::map<std::string, std::string> env = {});
  ~McpProcess();
  McpProcess(const McpProcess&) = delete;
  McpProcess& operator=(const McpProcess&) = delete;

  void send(const nlohmann::json& message);
  void send_line(const std::string& line);
  void close_stdin();
  void signal(int signal_number);

  // The next stdout line, or nullopt if none arrives in time (or stdout ended).
  std::optional<std::string> read_line(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next stdout line parsed as JSON (null when none came or it was not JSON).
  nlohmann::json read_message(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a request and returns the first message carrying its id, skipping others.
  nlohmann::json request(const nlohmann::json& id, const std::string& method,
                         nlohmann::json params = nlohmann::json::object());
  // initialize + notifications/initialized; returns the initialize result.
  nlohmann::json initialize(const std::string& version = "2025-11-25");

  // Exit code, or nullopt if the process is still running after the timeout (it is then killed).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // wait_exit, then waits for stdout and stderr to end so both are complete.
  std::optional<int> finish(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // True once wait_exit saw the process end.
  bool exited() const { return exit_code_.has_value(); }
  // Resident memory in KiB: now ("VmRSS") or at its peak ("VmHWM"); -1 when it cannot be read.
  long rss_kib(const std::string& field = "VmRSS") const;

  std::vector<std::string> stdout_lines() const;  // every line seen so far
  std::string stderr_text() const;
  // The stderr text once it contains `needle`; nullopt if it does not in time (or stdout ended).
  std::optional<std::string> wait_for_stderr(
      const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  void pump(int fd, bool is_stdout);

  int pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::optional<int> exit_code_;
  std::thread stdout_reader_;
  std::thread stderr_reader_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> unread_;
  std::vector<std::string> all_lines_;
  std::string stderr_;
  bool stdout_ended_ = false;
};

// Runs the binary to completion with stdin closed; returns {exit code, stdout, stderr}.
struct Completed {
  std::optional<int> exit_code;
  std::string out;
  std::string err;
};
Completed run_to_completion(std::vector<std::string> arguments,
                            std::map<std::string, std::string> env = {});

// Whether this build (and so the binary under test, built with the same flags) runs under a
// sanitizer. Their runtimes keep freed memory in quarantine and add shadow memory, so figures of
// resident memory only mean something without them; the sanitizer runs check the rest.
constexpr bool kSanitizedBuild =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    true;
#else
    false;
#endif

}  // namespace acmcp::testkit
