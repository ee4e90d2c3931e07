// Wiring: logging to stderr (and to the MCP client), one io_context on a small thread pool, the
// upstream (sandbox or real account), the tool registry, one MCP session over stdio.
#include "app/server.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>
#include <csignal>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "activecampaign/client.hpp"
#include "app/config.hpp"
#include "app/instructions.hpp"
#include "mcp/client_log_sink.hpp"
#include "mcp/session.hpp"
#include "sandbox/sandbox_server.hpp"
#include "tools/tool_registry.hpp"
#include "transport/stdio_transport.hpp"

namespace acmcp::app {

namespace asio = boost::asio;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadConfig = 2;

// Answers every request with a failure; lets --list-tools build the registry without a network.
class OfflineUpstream final : public ac::Upstream {
 public:
  asio::awaitable<ac::Response> send(ac::Request, ac::SendObserver) override {
    ac::Response response;
    response.error = "offline";
    co_return response;
  }
};

// "https://host[:port]" of an API URL: enough to say where we point, without path or userinfo.
std::string origin_of(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto authority_start = scheme_end + 3;
  const auto authority_end = url.find_first_of("/?#", authority_start);
  std::string authority = url.substr(authority_start, authority_end - authority_start);
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  return url.substr(0, authority_start) + authority;
}

std::shared_ptr<mcp::ClientLogSink> setup_logging(const std::string& level) {
  auto stderr_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto client_sink = std::make_shared<mcp::ClientLogSink>();
  auto logger = std::make_shared<spdlog::logger>("activecampaign-mcp",
                                                 spdlog::sinks_init_list{stderr_sink, client_sink});
  // LOG_LEVEL governs stderr only; info records still reach a client that asks for them with
  // logging/setLevel. Debug records cost formatting, so they need LOG_LEVEL=debug as well.
  const auto stderr_level = spdlog::level::from_str(level);
  stderr_sink->set_level(stderr_level);
  logger->set_level(std::min(stderr_level, spdlog::level::info));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return client_sink;
}

int list_tools() {
  OfflineUpstream upstream;
  tools::ToolRegistry registry(upstream);
  for (const auto& tool : registry.tool_definitions()) {
    std::cout << tool.value("name", "") << '\t' << tool.value("title", "") << '\n';
  }
  std::cout.flush();
  return 0;
}

// Threads running the io_context; stopped explicitly before the objects using it are destroyed.
class ThreadPool {
 public:
  ThreadPool(asio::io_context& io, unsigned count) : io_(io), guard_(io.get_executor()) {
    for (unsigned i = 0; i < count; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~ThreadPool() { stop(); }
  void stop() {
    guard_.reset();
    io_.stop();
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

 private:
  asio::io_context& io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

// Everything that runs on the io_context, in construction order.
struct Services {
  std::unique_ptr<sandbox::SandboxServer> sandbox;
  std::unique_ptr<ac::Client> client;
  std::unique_ptr<tools::ToolRegistry> registry;
  std::unique_ptr<transport::StdioTransport> transport;
  std::shared_ptr<mcp::Session> session;
};

int serve(const Config& config) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout must be an error value, not a dead process
  auto client_sink = setup_logging(config.log_level);

  asio::io_context io;
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 2u, 4u);
  ThreadPool pool(io, threads);
  auto services = std::make_unique<Services>();
  int exit_code = 0;
  try {
    ac::ClientConfig client_config;
    client_config.api_url = config.api_url;
    client_config.token = config.api_token;
    client_config.timeout = std::chrono::milliseconds(config.timeout_ms);
    client_config.max_retries = config.max_retries;
    client_config.max_rps = config.max_rps;
    client_config.ca_file = config.ca_file;
    if (config.sandbox) {
      services->sandbox = std::make_unique<sandbox::SandboxServer>(io.get_executor());
      client_config.api_url = services->sandbox->base_url();
      client_config.token = services->sandbox->token();
    }
    try {
      services->client = std::make_unique<ac::Client>(io.get_executor(), client_config);
    } catch (const std::invalid_argument& e) {
      spdlog::error("invalid configuration: {}", e.what());
      pool.stop();
      return kExitBadConfig;
    }
    services->registry = std::make_unique<tools::ToolRegistry>(*services->client);
    services->transport = std::make_unique<transport::StdioTransport>(io.get_executor());
    auto* transport = services->transport.get();
    services->session = mcp::Session::create(
        io.get_executor(), *services->registry, mcp::ServerInfo{.version = ACMCP_VERSION},
        instructions_text(config.sandbox),
        [transport](const nlohmann::json& message) { transport->write(message); });
    client_sink->attach(services->session);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([transport](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("received signal {}; finishing in-flight calls and exiting", signal);
      transport->stop();
    });

    spdlog::info("activecampaign-mcp {} ready ({}), {} tools, {} worker threads", ACMCP_VERSION,
                 config.sandbox ? std::string("sandbox") : origin_of(config.api_url),
                 services->registry->tool_definitions().size(), threads);
    auto done = asio::co_spawn(io, services->transport->run(services->session), asio::use_future);
    done.get();
    signals.cancel();
    spdlog::info("stopped");
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    exit_code = kExitFailure;
  }
  if (services->sandbox) services->sandbox->stop();
  pool.stop();
  services.reset();
  spdlog::default_logger()->flush();
  return exit_code;
}

}  // namespace

int run(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  const ConfigResult result = load_config(arguments, process_environment());
  const std::string program = "activecampaign-mcp";
  if (!result.ok()) {
    std::cerr << program << ": " << result.error << '\n';
    return kExitBadConfig;
  }
  try {
    switch (result.action) {
      case Action::Help:
        std::cout << help_text(program);
        return 0;
      case Action::Version:
        std::cout << program << ' ' << ACMCP_VERSION << '\n';
        return 0;
      case Action::ListTools:
        return list_tools();
      case Action::Serve:
        return serve(result.config);
    }
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
  }
  return kExitFailure;
}

}  // namespace acmcp::app
