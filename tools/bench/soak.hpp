// acmcp-bench --soak: many concurrent HTTP sessions making tool calls against the sandbox for a
// while, checking every answer, then that the server's memory and open files did not grow.
#pragma once
#include <chrono>
#include <string>

namespace bench {

struct SoakOptions {
  std::string server;  // activecampaign-mcp binary
  int sessions = 200;
  std::chrono::milliseconds duration{60'000};
  // The unmeasured round before the baseline. Long enough for the allocator to reach its working
  // size under this concurrency: after 5 s, a 60 s round still grew RSS by 1-3 MiB (no leak: after
  // a 30 s warm-up, 310000 further calls grew it by 0.1 MiB).
  std::chrono::milliseconds warmup{30'000};
  std::chrono::milliseconds timeout{10'000};
  std::string command_line;  // printed with the figures
};

// Prints the figures on stdout; returns the exit code: 0 passed, 1 failed.
int run_soak(const SoakOptions& options);

}  // namespace bench
