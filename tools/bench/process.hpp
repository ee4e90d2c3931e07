// A server under measurement as a child process: spawned with pipes, its stderr drained in the
// background (watched for a "listening" line), and its memory and CPU read from /proc.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

struct Command {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no slash
  std::vector<std::pair<std::string, std::string>> environment;  // added to (or replacing) ours
  bool discard_stdout = false;  // for servers that print to stdout outside stdio mode
};

// Memory in KiB and CPU time in seconds, as the kernel accounts them for the whole process.
struct ProcessUsage {
  long rss_kib = 0;       // VmRSS
  long peak_rss_kib = 0;  // VmHWM
  double cpu_seconds = 0;  // on-CPU time of all threads (schedstat, else utime + stime)
  long open_fds = 0;       // entries of /proc/PID/fd
};

class ChildProcess {
 public:
  explicit ChildProcess(const Command& command);  // throws std::runtime_error
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }

  // Waits for a stderr line containing `needle`; returns that line, or nullopt on timeout/exit.
  std::optional<std::string> wait_for_stderr(const std::string& needle,
                                             std::chrono::milliseconds timeout);
  std::string recent_stderr() const;  // the last lines, for error messages

  ProcessUsage usage() const;

  void close_stdin();
  // Closes stdin, then SIGTERM after `grace`, then SIGKILL; returns the exit status (or -signal).
  int stop(std::chrono::milliseconds grace);

 private:
  void drain_stderr(int fd);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::thread stderr_reader_;
  mutable std::mutex mutex_;
  std::condition_variable stderr_changed_;
  std::deque<std::string> stderr_lines_;
  bool stderr_closed_ = false;
  std::optional<int> exit_status_;
};

// The load average line of /proc/loadavg ("1.02 0.80 0.65").
std::string load_average();

// The port in a "listening on http://HOST:PORT/..." log line; 0 when there is none.
int port_in_listening_line(const std::string& line);

// A TCP port free right now on 127.0.0.1, for servers that cannot be told to pick one.
int free_loopback_port();

}  // namespace bench
