// acmcp-bench: measures activecampaign-mcp (and, in the same run, a reference MCP server from npm)
// over stdio and Streamable HTTP, and prints a Markdown table with the exact command line.
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "process.hpp"
#include "soak.hpp"
#include "stdio_client.hpp"

namespace {

using bench::Clock;
using nlohmann::json;
using std::chrono::milliseconds;

const char* const kUsage = R"(Usage: acmcp-bench (--server PATH | --url URL) [--reference PATH | --reference-url URL] [options]

Measures an MCP server: cold start to the initialize response over stdio; ping, tools/list and
tools/call round trips over stdio and Streamable HTTP; tools/call throughput over HTTP with
several concurrent clients (each its own session and connection); resident memory idle and
under load; server CPU time per 1000 tools/call. Prints a Markdown table on stdout.

  --server PATH           activecampaign-mcp binary; run with --sandbox and
                          ACTIVECAMPAIGN_MAX_RPS=0 (stdio, and --transport http --port 0)
  --url URL               instead of spawning: measure HTTP at URL (no memory, CPU or stdio)
  --reference PATH        reference server to compare with: @modelcontextprotocol/server-everything
                          (its echo tool), e.g. tests/node/node_modules/.bin/mcp-server-everything
  --reference-node PATH   run the reference with this node binary instead of its #! line
  --reference-url URL     instead of spawning the reference: measure HTTP at URL
  --runs N                server runs per transport (default 5); figures are medians over runs,
                          with min-max
  --calls N               measured requests per latency series (default 300)
  --warmup N              unmeasured requests before each series (default 100)
  --cold-starts N         process starts for the cold-start figure (default 20)
  --window SECONDS        throughput window per concurrency level (default 2)
  --clients LIST          concurrency levels, comma separated (default 1,8,64)
  --timeout SECONDS       longest wait for any answer (default 10)
  --smoke                 a ~2 s check that every measurement works (for ctest); exit 1 on error
  --help

Soak mode (acmcp-bench --soak --server PATH [options]): spawns the server over HTTP with its
sandbox, runs a warm-up round, then SESSIONS sessions (each its own connection) calling tools
back to back for DURATION; prints throughput, latency percentiles, errors, and the server's RSS
and open fds before and after (read once every session was deleted). Exit 1 on any error, on fd
growth, or on RSS growth beyond max(2 MiB, 5%).
  --soak                  run the soak instead of the benchmark
  --duration SECONDS      measured soak time (default 60)
  --sessions N            concurrent sessions (default 200)
  --soak-warmup SECONDS   the unmeasured round before the baseline (default 30; it also lasts
                          until 12000 calls, to fill the sandbox's bounded request log)
)";

struct Options {
  std::string server;
  std::string server_url;
  std::string reference;
  std::string reference_node;
  std::string reference_url;
  int runs = 5;
  int calls = 300;
  int warmup = 100;
  int cold_starts = 20;
  milliseconds window{2000};
  milliseconds throughput_warmup{500};
  std::vector<int> clients{1, 8, 64};
  milliseconds timeout{10000};
  bool smoke = false;
  std::string command_line;
  bool soak = false;
  bench::SoakOptions soak_options;
};

// One server under measurement and the calls that stand for "a read" and "a write" on it.
struct Subject {
  std::string label;
  std::optional<bench::Command> stdio;
  std::optional<bench::Command> http;
  bool http_port_from_stderr = false;  // else http_port is fixed in advance
  int http_port = 0;
  std::optional<bench::HttpTarget> url;  // connect instead of spawning
  std::string read_call, write_call, invalid_call;  // tools/call params, serialized
  std::string read_name, write_name;
};

// Values per run (cold start: per start), keyed by measure.
struct Figures {
  std::map<std::string, std::vector<double>> values;
  std::string server_info;
  std::vector<std::string> failures;
  std::string tools_list_size;  // "196859 bytes, 63 tools"
  long throughput_errors = 0;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  if (n == 0) return NAN;
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double microseconds(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

std::string describe(const json& info) {
  if (!info.is_object()) return "?";
  return info.value("name", "?") + " " + info.value("version", "?");
}

// --- checks on replies -----------------------------------------------------------------------

std::string expect_result(const json& reply) {
  if (reply.contains("error")) return "JSON-RPC error " + reply["error"].dump();
  if (!reply.contains("result")) return "no result in " + reply.dump().substr(0, 300);
  return "";
}

std::string expect_tools(const json& reply) {
  if (auto problem = expect_result(reply); !problem.empty()) return problem;
  const auto& tools = reply["result"]["tools"];
  return tools.is_array() && !tools.empty() ? "" : "tools/list returned no tools";
}

std::string expect_tool_success(const json& reply) {
  if (auto problem = expect_result(reply); !problem.empty()) return problem;
  if (reply["result"].value("isError", false)) {
    return "the tool failed: " + reply["result"].dump().substr(0, 300);
  }
  return "";
}

// Rejected arguments end as a tool error (isError) or as a JSON-RPC invalid-params error.
std::string expect_tool_rejection(const json& reply) {
  if (reply.contains("error")) return "";
  if (reply.contains("result") && reply["result"].value("isError", false)) return "";
  return "invalid arguments were accepted: " + reply.dump().substr(0, 300);
}

// --- stdio -----------------------------------------------------------------------------------

json initialize_params() {
  return {{"protocolVersion", "2025-06-18"},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "acmcp-bench"}, {"version", "1"}}}};
}

std::vector<double> stdio_series(bench::StdioClient& client, const std::string& method,
                                 const std::string& params, const Options& options,
                                 std::string (*check)(const json&)) {
  std::vector<double> result;
  for (int i = 0; i < options.warmup + options.calls; ++i) {
    const auto reply = client.request_prepared(method, params);
    if (auto problem = check(reply.message); !problem.empty()) {
      throw std::runtime_error(method + " over stdio: " + problem);
    }
    if (i >= options.warmup) result.push_back(microseconds(reply.elapsed));
  }
  return result;
}

// One start; `record` false for the unmeasured first one, which fills the page cache.
void measure_cold_start(const Subject& subject, const Options& options, Figures& figures,
                        bool record) {
  const auto started = Clock::now();
  bench::ChildProcess child(*subject.stdio);
  bench::StdioClient client(child.stdin_fd(), child.stdout_fd(), options.timeout);
  bench::Reply reply;
  try {
    reply = client.request("initialize", initialize_params());
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("initialize over stdio: ") + e.what() + "\n" +
                             child.recent_stderr());
  }
  if (auto problem = expect_result(reply.message); !problem.empty()) {
    throw std::runtime_error("initialize over stdio: " + problem);
  }
  if (record) {
    figures.values["cold_start"].push_back(
        std::chrono::duration<double, std::milli>(reply.completed - started).count());
  }
  child.stop(milliseconds(300));
}

void measure_stdio_run(const Subject& subject, const Options& options, Figures& figures) {
  bench::ChildProcess child(*subject.stdio);
  bench::StdioClient client(child.stdin_fd(), child.stdout_fd(), options.timeout);
  try {
    const auto reply = client.request("initialize", initialize_params());
    if (auto problem = expect_result(reply.message); !problem.empty()) {
      throw std::runtime_error(problem);
    }
    figures.server_info = describe(reply.message["result"]["serverInfo"]);
    client.notify("notifications/initialized", json::object());
    // Idle: initialized, nothing asked yet; a moment for anything the server does lazily.
    std::this_thread::sleep_for(milliseconds(200));
    figures.values["rss_idle_stdio"].push_back(child.usage().rss_kib / 1024.0);

    const auto list = client.request("tools/list", json::object());
    if (expect_tools(list.message).empty()) {
      figures.tools_list_size = std::to_string(list.bytes) + " bytes, " +
                                std::to_string(list.message["result"]["tools"].size()) + " tools";
    }
    auto& v = figures.values;
    v["stdio_ping"].push_back(median(stdio_series(client, "ping", "{}", options, expect_result)));
    v["stdio_list"].push_back(
        median(stdio_series(client, "tools/list", "{}", options, expect_tools)));
    const auto before = child.usage();
    v["stdio_read"].push_back(median(
        stdio_series(client, "tools/call", subject.read_call, options, expect_tool_success)));
    v["stdio_write"].push_back(median(
        stdio_series(client, "tools/call", subject.write_call, options, expect_tool_success)));
    const auto after = child.usage();
    const double calls = 2.0 * (options.warmup + options.calls);
    v["cpu_stdio"].push_back((after.cpu_seconds - before.cpu_seconds) * 1000.0 / calls * 1000.0);
    v["stdio_invalid"].push_back(median(stdio_series(client, "tools/call", subject.invalid_call,
                                                     options, expect_tool_rejection)));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + "\n" + child.recent_stderr());
  }
  child.stop(milliseconds(1000));
}

// --- HTTP ------------------------------------------------------------------------------------

void measure_http_run(const Subject& subject, const Options& options, Figures& figures) {
  std::optional<bench::ChildProcess> child;
  bench::HttpTarget target;
  if (subject.url) {
    target = *subject.url;
  } else {
    auto command = *subject.http;
    int port = 0;
    if (!subject.http_port_from_stderr) {
      port = bench::free_loopback_port();
      command.environment.emplace_back("PORT", std::to_string(port));
    }
    child.emplace(command);
    const auto ready = child->wait_for_stderr("listening on", options.timeout);
    if (!ready) {
      throw std::runtime_error("the HTTP server did not say it was listening\n" +
                               child->recent_stderr());
    }
    if (subject.http_port_from_stderr) port = bench::port_in_listening_line(*ready);
    if (port == 0) throw std::runtime_error("no port in: " + *ready);
    target.port = port;
    std::this_thread::sleep_for(milliseconds(200));
    figures.values["rss_idle_http"].push_back(child->usage().rss_kib / 1024.0);
  }
  try {
    bench::HttpBench http(target, options.timeout);
    auto& v = figures.values;
    v["http_list"].push_back(
        median(http.latency("tools/list", "{}", options.warmup, options.calls, expect_tools)));
    v["http_read"].push_back(median(http.latency("tools/call", subject.read_call, options.warmup,
                                                 options.calls, expect_tool_success)));
    v["http_write"].push_back(median(http.latency("tools/call", subject.write_call,
                                                  options.warmup, options.calls,
                                                  expect_tool_success)));
    double cpu_seconds = 0;
    long calls = 0;
    for (int clients : options.clients) {
      bench::ProcessUsage before, after;
      const auto result = http.throughput(
          clients, subject.read_call, options.throughput_warmup, options.window,
          [&] { if (child) before = child->usage(); },
          [&] { if (child) after = child->usage(); });
      v["throughput_" + std::to_string(clients)].push_back(result.calls_per_second());
      figures.throughput_errors += result.errors;
      if (result.errors > 0) {
        figures.failures.push_back(std::to_string(result.errors) + " failed calls with " +
                                   std::to_string(clients) + " clients, first: " +
                                   result.first_error);
      }
      cpu_seconds += after.cpu_seconds - before.cpu_seconds;
      calls += result.calls + result.errors;
    }
    if (child) {
      v["rss_peak_load"].push_back(child->usage().peak_rss_kib / 1024.0);
      if (calls > 0) v["cpu_http"].push_back(cpu_seconds * 1000.0 / static_cast<double>(calls) * 1000.0);
    }
    if (figures.server_info.empty()) figures.server_info = describe(http.server_info());
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + "\n" + (child ? child->recent_stderr() : ""));
  }
  if (child) child->stop(milliseconds(0));
}

struct Measured {
  const Subject* subject;
  Figures* figures;
};

// Runs alternate between the servers, so a change in the machine's load hits them alike.
void measure(const std::vector<Measured>& servers, const Options& options) {
  std::map<std::pair<const Subject*, std::string>, bool> broken;  // phases that failed once
  const auto attempt = [&](const Measured& m, const std::string& phase, int number,
                           auto&& body) {
    if (broken[{m.subject, phase}]) return;
    const auto what = phase + " " + std::to_string(number);
    std::cerr << "acmcp-bench: " << m.subject->label << ": " << what << "\n";
    try {
      body();
    } catch (const std::exception& e) {
      m.figures->failures.push_back(what + ": " + e.what());
      std::cerr << "acmcp-bench: " << m.subject->label << ": " << what << " failed: " << e.what()
                << "\n";
      if (phase == "cold start") broken[{m.subject, phase}] = true;
    }
  };
  for (int start = 0; start <= options.cold_starts; ++start) {
    for (const auto& m : servers) {
      if (!m.subject->stdio) continue;
      attempt(m, "cold start", start,
              [&] { measure_cold_start(*m.subject, options, *m.figures, start > 0); });
    }
  }
  for (int run = 1; run <= options.runs; ++run) {
    for (const auto& m : servers) {
      if (!m.subject->stdio) continue;
      attempt(m, "stdio run", run, [&] { measure_stdio_run(*m.subject, options, *m.figures); });
    }
  }
  for (int run = 1; run <= options.runs; ++run) {
    for (const auto& m : servers) {
      if (!m.subject->http && !m.subject->url) continue;
      attempt(m, "HTTP run", run, [&] { measure_http_run(*m.subject, options, *m.figures); });
    }
  }
}

// --- the table -------------------------------------------------------------------------------

struct Row {
  std::string key;
  std::string label;
  std::string unit;  // "ms", "µs", "calls/s", "MiB"
  bool lower_is_better;
  std::string target;  // "" when the issue sets none
  // Whether our median meets the target, given our and the reference's medians.
  bool (*meets)(double ours, double reference) = nullptr;
};

std::pair<std::string, std::string> comparison_words(const Row& row) {
  if (row.key.rfind("cpu", 0) == 0) return {"less CPU", "more CPU"};
  if (row.unit == "MiB") return {"smaller", "larger"};
  if (row.unit == "calls/s") return {"higher", "lower"};
  return {"faster", "slower"};
}

std::string number(double value, const std::string& unit) {
  if (std::isnan(value)) return "—";
  char text[64];
  const int decimals = unit == "calls/s" || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string cell(const std::vector<double>* values, const std::string& unit) {
  if (values == nullptr || values->empty()) return "—";
  const auto [low, high] = std::minmax_element(values->begin(), values->end());
  std::string text = number(median(*values), unit) + " " + unit;
  if (values->size() > 1) text += " (" + number(*low, unit) + "–" + number(*high, unit) + ")";
  return text;
}

const std::vector<double>* find(const Figures& figures, const std::string& key) {
  const auto it = figures.values.find(key);
  return it == figures.values.end() || it->second.empty() ? nullptr : &it->second;
}

std::vector<Row> rows(const Options& options, const Subject& ours, const Subject* reference) {
  const std::string read =
      " (" + ours.read_name + (reference ? " / " + reference->read_name : "") + ")";
  const std::string write =
      " (" + ours.write_name + (reference ? " / " + reference->write_name : "") + ")";
  std::vector<Row> result = {
      {"cold_start", "Cold start to initialize response, stdio", "ms", true, "< 20 ms",
       [](double o, double) { return o < 20; }},
      {"stdio_ping", "ping round trip, stdio", "µs", true, ""},
      {"stdio_list", "tools/list round trip, stdio", "µs", true, ""},
      {"stdio_read", "tools/call read round trip, stdio" + read, "µs", true,
       "overhead < 100 µs", [](double o, double) { return o < 100; }},
      {"stdio_write", "tools/call write round trip, stdio" + write, "µs", true, ""},
      {"stdio_invalid", "tools/call rejected by validation (no upstream request), stdio", "µs",
       true, ""},
      {"http_list", "tools/list round trip, HTTP", "µs", true, ""},
      {"http_read", "tools/call read round trip, HTTP" + read, "µs", true, ""},
      {"http_write", "tools/call write round trip, HTTP" + write, "µs", true, ""},
  };
  for (int clients : options.clients) {
    result.push_back({"throughput_" + std::to_string(clients),
                      "tools/call throughput, HTTP, " + std::to_string(clients) +
                          (clients == 1 ? " client" : " clients") + read,
                      "calls/s", false, "≥ 10x reference",
                      [](double o, double r) { return o >= 10 * r; }});
  }
  std::vector<Row> rest = {
      {"rss_idle_stdio", "RSS idle (VmRSS after initialize), stdio", "MiB", true, "< 15 MiB",
       [](double o, double) { return o < 15; }},
      {"rss_idle_http", "RSS idle (VmRSS after start), HTTP", "MiB", true, "< 15 MiB",
       [](double o, double) { return o < 15; }},
      {"rss_peak_load", "Peak RSS under load (VmHWM after the HTTP runs)", "MiB", true, ""},
      {"cpu_stdio", "Server CPU per 1000 tools/call, stdio", "ms", true, ""},
      {"cpu_http", "Server CPU per 1000 tools/call, HTTP throughput runs", "ms", true, ""},
  };
  result.insert(result.end(), rest.begin(), rest.end());
  return result;
}

std::string table(const Options& options, const Subject& ours, const Figures& our_figures,
                  const Subject* reference, const Figures* reference_figures) {
  std::ostringstream out;
  const bool compare = reference != nullptr;
  out << "| Measure | " << ours.label;
  if (compare) out << " | " << reference->label << " | ours vs reference";
  out << " | Target |\n|---|---:";
  if (compare) out << "|---:|---:";
  out << "|---|\n";
  for (const auto& row : rows(options, ours, reference)) {
    const auto* mine = find(our_figures, row.key);
    const auto* theirs = compare ? find(*reference_figures, row.key) : nullptr;
    if (mine == nullptr && theirs == nullptr) continue;
    out << "| " << row.label << " | " << cell(mine, row.unit);
    if (compare) {
      out << " | " << cell(theirs, row.unit) << " | ";
      if (mine && theirs) {
        const double m = median(*mine), t = median(*theirs);
        // Always a factor >= 1 with a word saying which way it goes.
        const double advantage = row.lower_is_better ? t / m : m / t;
        const auto [better, worse] = comparison_words(row);
        out << (advantage >= 1 ? number(advantage, "x") + "x " + better
                               : number(1 / advantage, "x") + "x " + worse);
      } else {
        out << "—";
      }
    }
    out << " | " << row.target;
    const bool needs_reference = row.target.find("reference") != std::string::npos;
    if (row.meets && mine && (theirs || !needs_reference)) {
      const bool met = row.meets(median(*mine), theirs ? median(*theirs) : NAN);
      out << (met ? ": met" : ": **not met**");
    }
    out << " |\n";
  }
  return out.str();
}

std::string command_output(const std::string& command) {
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    pclose(pipe);
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return output;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

std::string now_utc() {
  const auto now = std::time(nullptr);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return text;
}

// --- command line ----------------------------------------------------------------------------

std::string shell_quoted(const std::string& argument) {
  if (argument.find_first_of(" \t'\"$\\") == std::string::npos) return argument;
  std::string text = "'";
  for (char c : argument) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return text + "'";
}

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) options.command_line += ' ';
    options.command_line += shell_quoted(argv[i]);
  }
  const auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) throw std::invalid_argument(std::string(argv[i]) + " needs a value");
    return argv[++i];
  };
  const auto positive = [](const std::string& text, const std::string& name) {
    const int n = std::stoi(text);
    if (n < 1) throw std::invalid_argument(name + " must be at least 1");
    return n;
  };
  bool clients_given = false, runs_given = false, calls_given = false, warmup_given = false,
       starts_given = false, window_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--server") options.server = value(i);
    else if (arg == "--url") options.server_url = value(i);
    else if (arg == "--reference") options.reference = value(i);
    else if (arg == "--reference-node") options.reference_node = value(i);
    else if (arg == "--reference-url") options.reference_url = value(i);
    else if (arg == "--runs") options.runs = positive(value(i), arg), runs_given = true;
    else if (arg == "--calls") options.calls = positive(value(i), arg), calls_given = true;
    else if (arg == "--warmup") options.warmup = std::stoi(value(i)), warmup_given = true;
    else if (arg == "--cold-starts") options.cold_starts = positive(value(i), arg), starts_given = true;
    else if (arg == "--window") {
      options.window = milliseconds(static_cast<long>(std::stod(value(i)) * 1000));
      window_given = true;
    } else if (arg == "--timeout") {
      options.timeout = milliseconds(static_cast<long>(std::stod(value(i)) * 1000));
    } else if (arg == "--clients") {
      options.clients.clear();
      std::stringstream list(value(i));
      std::string item;
      while (std::getline(list, item, ',')) options.clients.push_back(positive(item, arg));
      clients_given = true;
    } else if (arg == "--smoke") options.smoke = true;
    else if (arg == "--soak") options.soak = true;
    else if (arg == "--duration") {
      options.soak_options.duration = milliseconds(static_cast<long>(std::stod(value(i)) * 1000));
    } else if (arg == "--soak-warmup") {
      options.soak_options.warmup = milliseconds(static_cast<long>(std::stod(value(i)) * 1000));
    } else if (arg == "--sessions") {
      options.soak_options.sessions = positive(value(i), arg);
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return std::nullopt;
    } else {
      throw std::invalid_argument("unknown option " + arg);
    }
  }
  if (options.server.empty() == options.server_url.empty()) {
    throw std::invalid_argument("give exactly one of --server and --url");
  }
  if (options.soak && options.server.empty()) {
    throw std::invalid_argument("--soak spawns the server: give --server");
  }
  if (!options.reference.empty() && !options.reference_url.empty()) {
    throw std::invalid_argument("give at most one of --reference and --reference-url");
  }
  if (options.smoke) {  // small enough for ctest, large enough to run every code path
    if (!runs_given) options.runs = 1;
    if (!calls_given) options.calls = 20;
    if (!warmup_given) options.warmup = 5;
    if (!starts_given) options.cold_starts = 2;
    if (!window_given) options.window = milliseconds(200);
    if (!clients_given) options.clients = {1, 8};
    options.throughput_warmup = milliseconds(50);
  }
  return options;
}

Subject our_subject(const Options& options) {
  Subject subject;
  subject.label = "activecampaign-mcp";
  subject.read_name = "get_contact";
  subject.write_name = "update_contact";
  subject.read_call = R"({"name":"get_contact","arguments":{"ContactId":1}})";
  subject.write_call =
      R"({"name":"update_contact","arguments":{"ContactId":1,"FirstName":"Bench"}})";
  subject.invalid_call = R"({"name":"get_contact","arguments":{"ContactId":0}})";
  if (!options.server_url.empty()) {
    subject.url = bench::parse_http_url(options.server_url);
    return subject;
  }
  // No rate limiting: the figures are this server's, not the limiter's 5 requests per second.
  const std::vector<std::pair<std::string, std::string>> environment = {
      {"ACTIVECAMPAIGN_MAX_RPS", "0"}};
  subject.stdio = bench::Command{{options.server, "--sandbox"}, environment};
  subject.http = bench::Command{
      // Every benchmark connection comes from one address: lift the per-address limit.
      {options.server, "--transport", "http", "--host", "127.0.0.1", "--port", "0", "--sandbox",
       "--max-connections-per-client", "0"},
      environment};
  subject.http_port_from_stderr = true;
  return subject;
}

Subject reference_subject(const Options& options) {
  Subject subject;
  subject.label = "server-everything";
  subject.read_name = "echo";
  subject.write_name = "echo";
  subject.read_call = R"({"name":"echo","arguments":{"message":"hello"}})";
  subject.write_call = subject.read_call;  // the reference has no upstream to write to
  subject.invalid_call = R"({"name":"echo","arguments":{}})";
  if (!options.reference_url.empty()) {
    subject.url = bench::parse_http_url(options.reference_url);
    return subject;
  }
  std::vector<std::string> launcher;
  if (!options.reference_node.empty()) launcher.push_back(options.reference_node);
  launcher.push_back(options.reference);
  auto stdio = launcher, http = launcher;
  stdio.push_back("stdio");
  http.push_back("streamableHttp");
  subject.stdio = bench::Command{stdio, {}};
  // It logs every request on stdout; PORT is the only way to choose its port.
  subject.http = bench::Command{http, {}, true};
  return subject;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> parsed;
  try {
    parsed = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "acmcp-bench: " << e.what() << "\n\n" << kUsage;
    return 2;
  }
  if (!parsed) return 0;
  const Options& options = *parsed;
  if (options.soak) {
    auto soak = options.soak_options;
    soak.server = options.server;
    soak.timeout = options.timeout;
    soak.command_line = options.command_line;
    return bench::run_soak(soak);
  }
  const bool compare = !options.reference.empty() || !options.reference_url.empty();

  const auto load_before = bench::load_average();
  const auto started = Clock::now();
  const Subject ours = our_subject(options);
  Figures our_figures;
  std::optional<Subject> reference;
  std::optional<Figures> reference_figures;
  std::vector<Measured> servers = {{&ours, &our_figures}};
  if (compare) {
    reference = reference_subject(options);
    reference_figures.emplace();
    servers.push_back({&*reference, &*reference_figures});
  }
  measure(servers, options);
  const auto load_after = bench::load_average();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  std::ostringstream out;
  out << "Command: `" << options.command_line << "`\n\n";
  utsname system{};
  uname(&system);
  out << "Machine: " << cpu_model() << ", " << std::thread::hardware_concurrency()
      << " CPUs online, Linux " << system.release << "; " << now_utc() << ". Load average (1, 5, 15 min) "
      << load_before << " before, " << load_after << " after the " << static_cast<int>(seconds)
      << " s run.\n\n";
  out << "Servers: " << ours.label << " = " << our_figures.server_info
      << " (sandbox upstream, rate limiting off)";
  if (compare) {
    std::string node = options.reference_node.empty() ? "node" : options.reference_node;
    out << "; " << reference->label << " = " << reference_figures->server_info << " on node "
        << (options.reference_url.empty() ? command_output(shell_quoted(node) + " --version 2>/dev/null")
                                          : std::string("?"))
        << " (echo tool)";
  }
  out << ".\n\n";
  out << "Each figure: median over " << options.runs
      << " server runs (alternating between the servers) of the per-run median, (min–max) of the "
         "per-run figures; cold start over "
      << options.cold_starts << " starts after an unmeasured one. Latency series: " << options.calls << " requests after "
      << options.warmup << " unmeasured ones. Throughput: "
      << std::chrono::duration<double>(options.window).count()
      << " s windows after warm-up, each client its own session and keep-alive connection.\n\n";
  out << table(options, ours, our_figures, reference ? &*reference : nullptr,
               reference_figures ? &*reference_figures : nullptr);

  out << "\nWhat the rows include: every round trip runs from the first byte the client writes to "
         "the last byte of the answer. A tools/call of "
      << ours.label
      << " includes a real HTTP request to its sandbox (in the same process, over loopback TCP) "
         "and the sandbox's handling of it";
  if (compare) out << "; the reference's echo does no I/O";
  if (!our_figures.tools_list_size.empty()) {
    out << ". A tools/list answer of " << ours.label << " is " << our_figures.tools_list_size;
    if (compare && !reference_figures->tools_list_size.empty()) {
      out << ", of " << reference->label << " " << reference_figures->tools_list_size;
    }
  }
  out << ". The row \"rejected by validation\" is the MCP path alone: parse, dispatch, argument "
         "validation, envelope, reply. Memory is VmRSS/VmHWM from /proc/PID/status; CPU is the "
         "on-CPU time of all server threads (/proc/PID/task/*/schedstat: utime+stime at ns "
         "resolution), divided by the calls made in the same interval.\n";

  bool failed = false;
  const auto report_failures = [&](const Subject& subject, const Figures& figures) {
    for (const auto& failure : figures.failures) {
      out << "\n" << subject.label << " FAILED: " << failure << "\n";
      failed = true;
    }
  };
  report_failures(ours, our_figures);
  if (compare) report_failures(*reference, *reference_figures);
  std::cout << out.str() << std::flush;
  return failed ? 1 : 0;
}
