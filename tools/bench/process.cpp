// Spawning and watching a server process (POSIX: fork/exec, pipes, /proc).
#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace bench {

namespace {

constexpr std::size_t kKeptStderrLines = 200;

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

std::vector<std::string> merged_environment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string variable(*entry);
    const auto name = variable.substr(0, variable.find('='));
    bool overridden = false;
    for (const auto& [key, value] : overrides) overridden = overridden || key == name;
    if (!overridden) result.push_back(variable);
  }
  for (const auto& [key, value] : overrides) result.push_back(key + "=" + value);
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

}  // namespace

ChildProcess::ChildProcess(const Command& command) {
  if (command.argv.empty()) throw std::runtime_error("no command to run");
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw system_error("pipe");
  }
  // Everything exec needs is prepared before fork: the child only calls async-signal-safe code.
  auto argv_strings = command.argv;
  auto env_strings = merged_environment(command.environment);
  auto argv = pointers(argv_strings);
  auto envp = pointers(env_strings);
  const int dev_null = command.discard_stdout ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;

  pid_ = fork();
  if (pid_ < 0) throw system_error("fork");
  if (pid_ == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(command.discard_stdout ? dev_null : out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execvpe(argv[0], argv.data(), envp.data());
    const char message[] = "acmcp-bench: exec failed\n";
    [[maybe_unused]] auto ignored = write(STDERR_FILENO, message, sizeof message - 1);
    _exit(127);
  }
  if (dev_null >= 0) close(dev_null);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  const int stderr_fd = err[0];
  stderr_reader_ = std::thread([this, stderr_fd] { drain_stderr(stderr_fd); });
}

ChildProcess::~ChildProcess() {
  stop(std::chrono::milliseconds(500));
  if (stderr_reader_.joinable()) stderr_reader_.join();
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

void ChildProcess::drain_stderr(int fd) {
  std::string pending;
  char chunk[4096];
  for (;;) {
    const auto n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(chunk, static_cast<std::size_t>(n));
    std::size_t newline;
    std::lock_guard lock(mutex_);
    while ((newline = pending.find('\n')) != std::string::npos) {
      stderr_lines_.push_back(pending.substr(0, newline));
      pending.erase(0, newline + 1);
      if (stderr_lines_.size() > kKeptStderrLines) stderr_lines_.pop_front();
    }
    stderr_changed_.notify_all();
  }
  close(fd);
  std::lock_guard lock(mutex_);
  if (!pending.empty()) stderr_lines_.push_back(pending);
  stderr_closed_ = true;
  stderr_changed_.notify_all();
}

std::optional<std::string> ChildProcess::wait_for_stderr(const std::string& needle,
                                                         std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> found;
  stderr_changed_.wait_for(lock, timeout, [&] {
    for (const auto& line : stderr_lines_) {
      if (line.find(needle) != std::string::npos) {
        found = line;
        return true;
      }
    }
    return stderr_closed_;
  });
  return found;
}

std::string ChildProcess::recent_stderr() const {
  std::lock_guard lock(mutex_);
  std::string text;
  const std::size_t shown = 15;
  const auto first = stderr_lines_.size() > shown ? stderr_lines_.size() - shown : 0;
  for (auto i = first; i < stderr_lines_.size(); ++i) text += "  | " + stderr_lines_[i] + "\n";
  return text;
}

ProcessUsage ChildProcess::usage() const {
  ProcessUsage usage;
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream fields(line);
    std::string key;
    long value = 0;
    fields >> key >> value;
    if (key == "VmRSS:") usage.rss_kib = value;
    if (key == "VmHWM:") usage.peak_rss_kib = value;
  }
  std::error_code fd_error;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/fd",
                                                     fd_error);
       !fd_error && it != std::filesystem::directory_iterator(); it.increment(fd_error)) {
    ++usage.open_fds;
  }
  // On-CPU time of every live thread in nanoseconds: the same total as utime+stime, without
  // their 10 ms granularity, which would swamp a few hundred fast calls.
  double scheduled_ns = 0;
  std::error_code ignored;
  for (const auto& task : std::filesystem::directory_iterator(
           "/proc/" + std::to_string(pid_) + "/task", ignored)) {
    std::ifstream schedstat(task.path() / "schedstat");
    double on_cpu_ns = 0;
    if (schedstat >> on_cpu_ns) scheduled_ns += on_cpu_ns;
  }
  if (scheduled_ns > 0) {
    usage.cpu_seconds = scheduled_ns / 1e9;
    return usage;
  }
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name in parentheses may hold spaces; the fields after it are plain numbers.
  const auto after_name = text.rfind(')');
  if (after_name != std::string::npos) {
    std::istringstream fields(text.substr(after_name + 2));
    std::vector<std::string> values;
    std::string value;
    while (fields >> value) values.push_back(value);
    // Field 3 (state) is values[0]; utime and stime are fields 14 and 15.
    if (values.size() > 12) {
      const double ticks = std::stod(values[11]) + std::stod(values[12]);
      usage.cpu_seconds = ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }
  return usage;
}

void ChildProcess::close_stdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (exit_status_) return *exit_status_;
  close_stdin();
  const auto poll_exit = [this](std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    do {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  };
  if (poll_exit(grace)) return *exit_status_;
  kill(pid_, SIGTERM);
  if (poll_exit(std::chrono::seconds(3))) return *exit_status_;
  kill(pid_, SIGKILL);
  poll_exit(std::chrono::seconds(3));
  return exit_status_.value_or(-SIGKILL);
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

int port_in_listening_line(const std::string& line) {
  const auto scheme = line.find("http://");
  if (scheme == std::string::npos) return 0;
  const auto slash = line.find('/', scheme + 7);
  const auto colon = line.rfind(':', slash);
  if (colon == std::string::npos || colon < scheme + 7) return 0;
  return std::atoi(line.c_str() + colon + 1);
}

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw system_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw system_error("bind");
  }
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace bench
