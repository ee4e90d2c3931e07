// The soak: a warm-up round to reach the server's steady state, a baseline of its memory and open
// files, the measured round, and the same readings again once every session is gone.
#include "soak.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "process.hpp"

namespace bench {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Reads only, so the in-memory sandbox store does not grow with the number of calls (its
// request log is bounded); a mix of a small and a larger answer.
const std::vector<std::string> kCalls = {
    R"({"name":"get_contact","arguments":{"ContactId":1}})",
    R"({"name":"get_many_tags","arguments":{"Limit":5}})",
    R"({"name":"get_contact","arguments":{"ContactId":2}})",
    R"({"name":"get_many_contacts","arguments":{"Limit":3}})",
    R"({"name":"get_contact","arguments":{"ContactId":3}})",
};

// RSS may grow by this much and still pass. Not zero, because freed memory is not all handed
// back to the kernel: glibc keeps per-thread arenas and fragmented heap pages, and how much it
// keeps differs a little from one round to the next even with no leak. A real leak grows with
// the calls made (hundreds of thousands here), so even 100 bytes per call would exceed it.
// The warm-up round makes at least this many calls: more than the sandbox keeps in its bounded
// request log (10000), so the log is full before the baseline and cannot pass for a leak.
constexpr long kWarmupCalls = 12'000;

long allowed_rss_growth_kib(long baseline_kib) {
  return std::max(2L * 1024, static_cast<long>(std::lround(baseline_kib * 0.05)));
}

struct Snapshot {
  long rss_kib = 0;
  long open_fds = 0;
};

double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

long live_sessions(HttpBench& http) {
  const auto [status, body] = http.get("/healthz");
  if (status != 200) throw std::runtime_error("/healthz answered HTTP " + std::to_string(status));
  const auto health = nlohmann::json::parse(body, nullptr, false);
  if (!health.is_object() || !health.contains("sessions")) {
    throw std::runtime_error("/healthz has no session count: " + body.substr(0, 200));
  }
  return health["sessions"].get<long>();
}

// After every session was deleted: waits until the server reports none and its open files stop
// changing (closed connections take a moment on its side), then reads memory and files.
Snapshot settled(ChildProcess& server, HttpBench& http, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (long sessions = live_sessions(http); sessions != 0; sessions = live_sessions(http)) {
    if (Clock::now() > deadline) {
      throw std::runtime_error(std::to_string(sessions) + " sessions still live after DELETE");
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  long fds = server.usage().open_fds;
  for (int unchanged = 0; unchanged < 3 && Clock::now() < deadline;) {
    std::this_thread::sleep_for(milliseconds(100));
    const long now = server.usage().open_fds;
    unchanged = now == fds ? unchanged + 1 : 0;
    fds = now;
  }
  const auto usage = server.usage();
  return {usage.rss_kib, usage.open_fds};
}

double percentile(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return NAN;
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::string latency(double microseconds) {
  char text[32];
  if (microseconds >= 1000) {
    std::snprintf(text, sizeof text, "%.2f ms", microseconds / 1000);
  } else {
    std::snprintf(text, sizeof text, "%.0f µs", microseconds);
  }
  return text;
}

std::string describe_errors(const SoakResult& result) {
  std::ostringstream out;
  out << result.errors() << " (transport " << result.transport_errors << ", HTTP "
      << result.http_errors << ", JSON-RPC " << result.rpc_errors << ", envelope "
      << result.envelope_errors << ", DELETE " << result.close_errors << ")";
  return out.str();
}

}  // namespace

int run_soak(const SoakOptions& options) {
  // Each session holds a connection, and /healthz probes need one more: leave room above the
  // default limit of 256 so the limit never decides the outcome. Every session comes from one
  // address, so the per-address limit is lifted too.
  const int max_connections = std::max(256, 2 * options.sessions + 16);
  const Command command{{options.server, "--transport", "http", "--host", "127.0.0.1", "--port",
                         "0", "--sandbox", "--max-connections", std::to_string(max_connections),
                         "--max-connections-per-client", "0"},
                        {{"ACTIVECAMPAIGN_MAX_RPS", "0"}}};
  std::vector<std::string> failures;
  std::ostringstream out;
  out << "Command: `" << options.command_line << "`\n\n";
  std::optional<ChildProcess> child;
  try {
    ChildProcess& server = child.emplace(command);
    const auto ready = server.wait_for_stderr("listening on", options.timeout);
    if (!ready) {
      throw std::runtime_error("the server did not say it was listening\n" +
                               server.recent_stderr());
    }
    HttpTarget target;
    target.port = port_in_listening_line(*ready);
    if (target.port == 0) throw std::runtime_error("no port in: " + *ready);
    HttpBench http(target, options.timeout);

    std::cerr << "acmcp-bench: soak warm-up, " << options.sessions << " sessions for "
              << options.warmup.count() / 1000.0 << " s and " << kWarmupCalls << " calls\n";
    const auto warmup = http.soak(options.sessions, kCalls, options.warmup, kWarmupCalls);
    if (warmup.errors() > 0) {
      failures.push_back("warm-up: " + describe_errors(warmup) + ", first: " + warmup.first_error);
    }
    const auto before = settled(server, http, options.timeout);

    std::cerr << "acmcp-bench: soak, " << options.sessions << " sessions for "
              << options.duration.count() / 1000.0 << " s\n";
    auto result = http.soak(options.sessions, kCalls, options.duration);
    const auto peak = server.usage().peak_rss_kib;
    const auto after = settled(server, http, options.timeout);
    const auto server_info = http.server_info();

    auto& latencies = result.latencies_us;
    std::sort(latencies.begin(), latencies.end());
    const double calls_per_second =
        result.seconds > 0 ? static_cast<double>(result.calls) / result.seconds : 0;
    const long allowed = allowed_rss_growth_kib(before.rss_kib);
    char rss_line[256];
    std::snprintf(rss_line, sizeof rss_line,
                  "%.1f MiB before, %.1f MiB after (growth %+.1f MiB, allowed %.1f MiB); peak "
                  "%.1f MiB",
                  mib(before.rss_kib), mib(after.rss_kib), mib(after.rss_kib - before.rss_kib),
                  mib(allowed), mib(peak));
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.0f", calls_per_second);
    out << "Soak: " << server_info.value("name", "?") << " " << server_info.value("version", "?")
        << " over Streamable HTTP with its sandbox (rate limiting off); " << options.sessions
        << " sessions, each its own connection, calling tools/call back to back (get_contact, "
           "get_many_tags, get_many_contacts) for "
        << options.duration.count() / 1000.0 << " s after a warm-up round (" << warmup.calls
        << " calls in " << warmup.seconds
        << " s); memory and open files read once every session was deleted.\n\n";
    out << "| Measure | Value |\n|---|---:|\n";
    out << "| tools/call answered | " << result.calls << " in " << result.seconds << " s |\n";
    out << "| Throughput | " << rate << " calls/s |\n";
    out << "| Latency p50 | " << latency(percentile(latencies, 0.50)) << " |\n";
    out << "| Latency p90 | " << latency(percentile(latencies, 0.90)) << " |\n";
    out << "| Latency p99 | " << latency(percentile(latencies, 0.99)) << " |\n";
    out << "| Latency p99.9 | " << latency(percentile(latencies, 0.999)) << " |\n";
    out << "| Latency max | " << latency(latencies.empty() ? NAN : latencies.back()) << " |\n";
    out << "| Errors | " << describe_errors(result) << " |\n";
    out << "| Server RSS (VmRSS) | " << rss_line << " |\n";
    out << "| Server open fds | " << before.open_fds << " before, " << after.open_fds
        << " after |\n";

    if (result.errors() > 0) {
      failures.push_back(describe_errors(result) + " errors, first: " + result.first_error);
    }
    if (result.calls == 0) failures.push_back("no call succeeded");
    if (after.open_fds > before.open_fds) {
      failures.push_back("open fds grew from " + std::to_string(before.open_fds) + " to " +
                         std::to_string(after.open_fds));
    }
    if (after.rss_kib - before.rss_kib > allowed) {
      failures.push_back("RSS grew by " + std::to_string(after.rss_kib - before.rss_kib) +
                         " KiB, more than the " + std::to_string(allowed) + " KiB allowed");
    }
    const int status = server.stop(milliseconds(0));  // SIGTERM: a clean exit is 0
    if (status != 0) failures.push_back("the server exited with status " + std::to_string(status));
  } catch (const std::exception& e) {
    failures.push_back(e.what());
  }
  if (!failures.empty() && child) {
    out << "\nServer stderr (last lines):\n" << child->recent_stderr() << "\n";
  }
  for (const auto& failure : failures) out << "\nFAILED: " << failure << "\n";
  if (failures.empty()) out << "\nPASSED: no errors, no fd growth, RSS within the tolerance.\n";
  std::cout << out.str() << std::flush;
  return failures.empty() ? 0 : 1;
}

}  // namespace bench
