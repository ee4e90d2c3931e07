// Child process plumbing for the end-to-end tests: fork/exec with three pipes, reader threads.
#include "testkit/mcp_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace acmcp::testkit {

using nlohmann::json;

namespace {

bool stripped_variable(const std::string& entry) {
  return entry.rfind("ACTIVECAMPAIGN_", 0) == 0 || entry.rfind("LOG_LEVEL=", 0) == 0 ||
         entry.rfind("MCP_AUTH_TOKEN=", 0) == 0;
}

}  // namespace

McpProcess::McpProcess(std::vector<std::string> arguments, std::map<std::string, std::string> env) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    if (!stripped_variable(*entry)) environment.emplace_back(*entry);
  }
  for (const auto& [name, value] : env) environment.push_back(name + "=" + value);
  arguments.insert(arguments.begin(), ACMCP_BINARY);

  std::vector<char*> argv, envp;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  stdout_reader_ = std::thread([this] { pump(stdout_fd_, true); });
  stderr_reader_ = std::thread([this] { pump(stderr_fd_, false); });
}

McpProcess::~McpProcess() {
  close_stdin();
  if (!exit_code_) wait_exit(std::chrono::seconds(10));
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  ::close(stdout_fd_);
  ::close(stderr_fd_);
}

void McpProcess::pump(int fd, bool is_stdout) {
  std::string partial;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    if (!is_stdout) {
      stderr_.append(buffer, static_cast<std::size_t>(n));
      changed_.notify_all();
      continue;
    }
    partial.append(buffer, static_cast<std::size_t>(n));
    for (auto newline = partial.find('\n'); newline != std::string::npos;
         newline = partial.find('\n')) {
      unread_.push_back(partial.substr(0, newline));
      all_lines_.push_back(unread_.back());
      partial.erase(0, newline + 1);
    }
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  if (is_stdout) {
    if (!partial.empty()) {
      unread_.push_back(partial);
      all_lines_.push_back(partial);
    }
    stdout_ended_ = true;
  }
  changed_.notify_all();
}

void McpProcess::send_line(const std::string& line) {
  const std::string data = line + "\n";
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(stdin_fd_, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

void McpProcess::send(const json& message) { send_line(message.dump()); }

void McpProcess::close_stdin() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
}

void McpProcess::signal(int signal_number) { ::kill(pid_, signal_number); }

long McpProcess::rss_kib(const std::string& field) const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

std::optional<std::string> McpProcess::read_line(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return !unread_.empty() || stdout_ended_; });
  if (unread_.empty()) return std::nullopt;
  std::string line = std::move(unread_.front());
  unread_.pop_front();
  return line;
}

json McpProcess::read_message(std::chrono::milliseconds timeout) {
  const auto line = read_line(timeout);
  if (!line) return nullptr;
  return json::parse(*line, nullptr, false);
}

json McpProcess::request(const json& id, const std::string& method, json params) {
  send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  for (;;) {
    json message = read_message();
    if (message.is_null() || message.is_discarded()) return nullptr;
    if (message.is_object() && message.contains("id") && message["id"] == id) return message;
  }
}

json McpProcess::initialize(const std::string& version) {
  json response = request("init", "initialize",
                          {{"protocolVersion", version},
                           {"capabilities", json::object()},
                           {"clientInfo", {{"name", "e2e"}, {"version", "1"}}}});
  send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  return response.is_object() ? response.value("result", json()) : json();
}

std::optional<int> McpProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      exit_code_ = -1;
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

std::optional<int> McpProcess::finish(std::chrono::milliseconds timeout) {
  const auto code = wait_exit(timeout);
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  return code;
}

std::vector<std::string> McpProcess::stdout_lines() const {
  std::lock_guard lock(mutex_);
  return all_lines_;
}

std::optional<std::string> McpProcess::wait_for_stderr(const std::string& needle,
                                                       std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const bool found = changed_.wait_for(
      lock, timeout, [&] { return stderr_.find(needle) != std::string::npos || stdout_ended_; });
  if (!found || stderr_.find(needle) == std::string::npos) return std::nullopt;
  return stderr_;
}

std::string McpProcess::stderr_text() const {
  std::lock_guard lock(mutex_);
  return stderr_;
}

Completed run_to_completion(std::vector<std::string> arguments,
                            std::map<std::string, std::string> env) {
  Completed completed;
  {
    McpProcess process(std::move(arguments), std::move(env));
    process.close_stdin();
    completed.exit_code = process.finish();
    for (const auto& line : process.stdout_lines()) completed.out += line + "\n";
    completed.err = process.stderr_text();
  }
  return completed;
}

}  // namespace acmcp::testkit
