// Wiring: logging to stderr (and to the MCP clients), one io_context on a small thread pool, the
// upstream (sandbox or real account), the tool registry, and either one MCP session over stdio
// or a session per client over Streamable HTTP (with /healthz and /metrics).
#include "app/server.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>
#include <csignal>
#include <cstdlib>
#include <future>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "activecampaign/account_router.hpp"
#include "activecampaign/client.hpp"
#include "activecampaign/shared_rate_limit.hpp"
#include "app/check.hpp"
#include "app/config.hpp"
#include "app/instructions.hpp"
#include "app/per_client.hpp"
#include "app/server_metrics.hpp"
#include "mcp/client_log_sink.hpp"
#include "mcp/session.hpp"
#include "sandbox/sandbox_server.hpp"
#include "tools/tool_registry.hpp"
#include "transport/http_transport.hpp"
#include "transport/stdio_transport.hpp"
#include "util/join.hpp"

namespace acmcp::app {

namespace asio = boost::asio;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadConfig = 2;
// How long in-flight tool calls may run on after SIGTERM/SIGINT in http mode.
constexpr std::chrono::seconds kShutdownGrace{10};

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

std::string upstream_name(const Config& config) {
  if (config.sandbox) return "sandbox";
  return config.upstream.service == ac::Service::kMatonGateway ? "maton" : "activecampaign";
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

int list_tools(const Config& config) {
  OfflineUpstream upstream;
  tools::ToolRegistry registry(upstream, config.tools);
  for (const auto& tool : registry.tool_definitions()) {
    std::cout << tool.value("name", "") << '\t' << tool.value("title", "") << '\n';
  }
  std::cout.flush();
  return 0;
}

// The tool registry, built on a thread of its own while the server already answers: parsing and
// checking the embedded definitions is most of the start-up work (about 30 M instructions of
// 45 M), and initialize does not need it. The first call that needs the tools waits for it.
class DeferredTools final : public mcp::ToolProvider {
 public:
  DeferredTools(ac::Upstream& upstream, tools::ToolSettings settings)
      : built_(std::async(std::launch::async, [&upstream, settings = std::move(settings)] {
                 return build(upstream, settings);
               }).share()) {}

  const nlohmann::json& tool_definitions() const override { return registry().tool_definitions(); }
  std::shared_ptr<const std::string> tool_definitions_text() const override {
    return registry().tool_definitions_text();
  }
  bool has_tool(std::string_view name) const override { return registry().has_tool(name); }
  std::string unavailable_reason(std::string_view name) const override {
    return registry().unavailable_reason(name);
  }
  // Its thread logs through the client log sink, so it must finish before the transport goes.
  void wait() const { built_.wait(); }
  asio::awaitable<mcp::ToolResult> call_tool(std::string name, nlohmann::json arguments,
                                             mcp::ToolCallContext context) override {
    return registry().call_tool(std::move(name), std::move(arguments), std::move(context));
  }

 private:
  static std::unique_ptr<tools::ToolRegistry> build(ac::Upstream& upstream,
                                                    const tools::ToolSettings& settings) {
    try {
      auto registry = std::make_unique<tools::ToolRegistry>(upstream, settings);
      spdlog::info("{} tools served", registry->tool_definitions().size());
      return registry;
    } catch (const std::invalid_argument& e) {
      // A tool name in the settings that does not exist (serve() waits for this check).
      spdlog::critical("invalid configuration: {}", e.what());
      spdlog::default_logger()->flush();
      std::_Exit(kExitBadConfig);
    } catch (const std::exception& e) {
      // Inconsistent embedded schemas are a broken build: nothing useful can run.
      spdlog::critical("fatal: {}", e.what());
      std::_Exit(kExitFailure);
    }
  }

  tools::ToolRegistry& registry() const { return *built_.get(); }

  std::shared_future<std::unique_ptr<tools::ToolRegistry>> built_;
};

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
  ServerMetrics metrics;
  std::unique_ptr<sandbox::SandboxServer> sandbox;
  std::unique_ptr<ac::Client> client;         // the server's own account; null when it has none
  std::unique_ptr<ac::AccountRouter> router;  // with --per-client-credentials
  std::unique_ptr<MeteredUpstream> upstream;
  std::unique_ptr<DeferredTools> registry;
  std::unique_ptr<MeteredTools> tools;
  std::unique_ptr<transport::StdioTransport> transport;
  std::shared_ptr<mcp::Session> session;
  std::unique_ptr<transport::HttpTransport> http;
};

// One MCP session over stdin/stdout until stdin ends or a signal arrives.
void serve_stdio(asio::io_context& io, Services& services, const Config& config,
                 const std::shared_ptr<mcp::ClientLogSink>& client_sink) {
  services.transport = std::make_unique<transport::StdioTransport>(io.get_executor());
  auto* transport = services.transport.get();
  services.session = mcp::Session::create(
      io.get_executor(), *services.tools, mcp::ServerInfo{.version = ACMCP_VERSION},
      instructions_text(config.sandbox),
      [transport](const nlohmann::json& message) { transport->write(message); });
  client_sink->attach(services.session);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([transport](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}; finishing in-flight calls and exiting", signal);
    transport->stop();
  });
  auto done = asio::co_spawn(io, services.transport->run(services.session), asio::use_future);
  done.get();
  signals.cancel();
}

transport::HttpOptions http_options(const Config& config, Services& services) {
  transport::HttpOptions options = config.http;
  auto* all = &services;
  const std::string upstream = upstream_name(config);
  options.health = [all, upstream] {
    return nlohmann::json{{"status", "ok"},
                          {"upstream", upstream},
                          {"version", ACMCP_VERSION},
                          {"sessions", all->http ? all->http->session_count() : 0}};
  };
  options.metrics = [all] { return all->metrics.render(); };
  options.on_response = [all](std::string_view method, int status) {
    all->metrics.http_response(method, status);
  };
  return options;
}

// A session per HTTP client until a signal arrives; then in-flight calls get kShutdownGrace.
// Returns false when the server cannot listen.
bool serve_http(asio::io_context& io, Services& services, const Config& config,
                const std::shared_ptr<mcp::ClientLogSink>& client_sink) {
  auto* tools = services.tools.get();
  const std::string instructions = instructions_text(config.sandbox);
  auto executor = io.get_executor();
  std::optional<PerClientPolicy> per_client;
  if (config.per_client_credentials) {
    per_client = PerClientPolicy{config.per_client_api_urls, config.maton.gateway_url,
                                 has_own_account(config)};
  }
  services.http = std::make_unique<transport::HttpTransport>(
      executor, http_options(config, services),
      [executor, tools, instructions, client_sink, per_client](
          mcp::MessageSink session_sink, const transport::RequestHeaders& headers) {
        // Read before the session exists, so that a refused client gets no session.
        auto account = per_client ? account_from_headers(*per_client, headers) : nullptr;
        auto session =
            mcp::Session::create(executor, *tools, mcp::ServerInfo{.version = ACMCP_VERSION},
                                 instructions, std::move(session_sink));
        session->set_account(std::move(account));
        client_sink->attach(session);
        return session;
      });
  auto* http = services.http.get();
  services.metrics.set_session_gauge([http] { return static_cast<double>(http->session_count()); });
  // Installed before listening, so a signal from whoever waits for the port is never lost.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  try {
    http->start();
  } catch (const std::runtime_error& e) {
    spdlog::critical("{}", e.what());
    return false;
  }
  if (config.http.auth_token.empty()) {
    spdlog::info("no bearer token configured: whoever can reach {} may use this server",
                 config.http.host);
  }

  std::promise<void> stopped;
  signals.async_wait([&io, http, &stopped](const boost::system::error_code& ec, int signal) {
    if (ec) return;  // the signal set is going away
    spdlog::info("received signal {}; finishing in-flight calls (up to {} s) and exiting", signal,
                 kShutdownGrace.count());
    asio::co_spawn(io, http->shutdown(kShutdownGrace),
                   [&stopped](std::exception_ptr) { stopped.set_value(); });
  });
  stopped.get_future().wait();
  return true;
}

int serve(const Config& config) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout must be an error value, not a dead process
  auto client_sink = setup_logging(config.log_level);

  asio::io_context io;
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 2u, 4u);
  ThreadPool pool(io, threads);
  auto services = std::make_unique<Services>();
  int exit_code = 0;
  try {
    ac::ClientConfig client_config = config.upstream;
    if (!config.rate_limit_redis.empty()) {
      client_config.shared_limit = std::make_shared<ac::SharedRateLimit>(
          io.get_executor(), ac::SharedRateLimitConfig{.redis_url = config.rate_limit_redis,
                                                       .max_rps = config.upstream.max_rps,
                                                       .replicas = config.rate_limit_replicas});
      spdlog::info(
          "rate limit: each account's {} requests per second are shared through Redis "
          "(without it, {} replicas pace at an even share each)",
          config.upstream.max_rps, config.rate_limit_replicas);
    }
    const ac::ClientConfig account_base = client_config;  // before the sandbox's account
    if (config.sandbox) {
      services->sandbox = std::make_unique<sandbox::SandboxServer>(io.get_executor());
      client_config.api_url = services->sandbox->base_url();
      client_config.token = services->sandbox->token();
      // Another process (a second replica, curl) may use the same demo account.
      spdlog::info("sandbox: ActiveCampaign emulator at {} (Api-Token {})", client_config.api_url,
                   client_config.token);
    }
    try {
      if (has_own_account(config)) {
        services->client = std::make_unique<ac::Client>(io.get_executor(), client_config);
      }
    } catch (const std::invalid_argument& e) {
      spdlog::error("invalid configuration: {}", e.what());
      pool.stop();
      return kExitBadConfig;
    }
    ac::Upstream* upstream = services->client.get();
    std::string reaches = config.sandbox
                              ? std::string("sandbox")
                              : upstream_name(config) + " at " + origin_of(config.upstream.api_url);
    if (config.per_client_credentials) {
      services->router = std::make_unique<ac::AccountRouter>(io.get_executor(), account_base,
                                                             services->client.get());
      upstream = services->router.get();
      reaches = (services->client ? reaches + ", and " : std::string()) +
                "the accounts the clients name at " + util::join(config.per_client_api_urls, ", ");
    }
    services->upstream = std::make_unique<MeteredUpstream>(*upstream, services->metrics);
    services->registry = std::make_unique<DeferredTools>(*services->upstream, config.tools);
    // Named toolsets and tools are checked while loading: an unknown one must stop the server
    // before it serves anything.
    if (!config.tools.toolsets.empty() || !config.tools.tools.empty() ||
        !config.tools.exclude_tools.empty()) {
      services->registry->wait();
    }
    services->tools = std::make_unique<MeteredTools>(*services->registry, services->metrics);

    spdlog::info("activecampaign-mcp {} ready ({}), {} worker threads", ACMCP_VERSION, reaches,
                 threads);
    if (config.transport == "http") {
      if (!serve_http(io, *services, config, client_sink)) exit_code = kExitFailure;
      services->http.reset();  // while the pool runs, so its last handlers can finish
    } else {
      serve_stdio(io, *services, config, client_sink);
    }
    if (exit_code == 0) spdlog::info("stopped");
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    exit_code = kExitFailure;
  }
  if (services->registry) services->registry->wait();
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
        return list_tools(result.config);
      case Action::Check:
        return check_upstream(result.config, std::cout);
      case Action::Serve:
        return serve(result.config);
    }
  } catch (const std::invalid_argument& e) {  // settings naming a tool that does not exist
    std::cerr << program << ": " << e.what() << '\n';
    return kExitBadConfig;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
  }
  return kExitFailure;
}

}  // namespace acmcp::app
