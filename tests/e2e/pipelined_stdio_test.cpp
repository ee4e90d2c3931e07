// End-to-end: 1000 requests written to the real binary's stdin in one go, without waiting for
// answers; every one must be answered exactly once with its own result, also when stdin closes
// right after the last request.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "testkit/mcp_process.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace acmcp::e2e {
namespace {

using namespace testkit;

constexpr int kRequests = 1000;
using Clock = std::chrono::steady_clock;

// The sandbox's demo contacts, by id: an answer must carry the contact that was asked for.
const std::map<int, std::string> kContactEmails = {
    {1, "jane.doe@example.com"}, {2, "john.smith@example.com"}, {3, "alex.lee@example.org"}};

enum class Kind { Ping, ToolsList, GetContact, GetTags };

Kind kind_of(int id) {
  if (id % 100 == 0) return Kind::ToolsList;  // ~200 kB each: a few, not hundreds
  switch (id % 3) {
    case 0:
      return Kind::Ping;
    case 1:
      return Kind::GetContact;
    default:
      return Kind::GetTags;
  }
}

int contact_of(int id) { return 1 + (id / 3) % 3; }

json request_for(int id) {
  json request = {{"jsonrpc", "2.0"}, {"id", id}};
  switch (kind_of(id)) {
    case Kind::Ping:
      request["method"] = "ping";
      break;
    case Kind::ToolsList:
      request["method"] = "tools/list";
      break;
    case Kind::GetContact:
      request["method"] = "tools/call";
      request["params"] = {{"name", "get_contact"}, {"arguments", {{"ContactId", contact_of(id)}}}};
      break;
    case Kind::GetTags:
      request["method"] = "tools/call";
      request["params"] = {{"name", "get_many_tags"}, {"arguments", {{"Limit", 5}}}};
      break;
  }
  return request;
}

// "" when `response` is the right answer to request `id`, else what is wrong.
std::string check_answer(int id, const json& response) {
  if (response.contains("error")) return "error " + response["error"].dump();
  if (!response.contains("result")) return "no result";
  const json& result = response["result"];
  switch (kind_of(id)) {
    case Kind::Ping:
      return result == json::object() ? "" : "ping result " + result.dump();
    case Kind::ToolsList:
      return result.contains("tools") && result["tools"].size() > 50 ? "" : "too few tools";
    case Kind::GetContact:
    case Kind::GetTags: {
      const json& envelope = result.value("structuredContent", json::object());
      if (envelope.value("StatusCode", 0) != 200 || envelope.value("ErrorMessage", "x") != "") {
        return "tool failed: " + envelope.dump().substr(0, 300);
      }
      if (kind_of(id) == Kind::GetTags) {
        return envelope.dump().find("\"VIP\"") != std::string::npos ? "" : "no VIP tag";
      }
      const auto& email = kContactEmails.at(contact_of(id));
      return envelope.dump().find(email) != std::string::npos ? "" : "not contact " + email;
    }
  }
  return "unknown kind";
}

std::string all_requests() {
  std::string text;
  for (int id = 1; id <= kRequests; ++id) {
    text += request_for(id).dump();
    if (id < kRequests) text += '\n';  // send_line adds the last one
  }
  return text;
}

// Reads until every id was answered (or nothing comes for a while); fails on a repeated,
// unknown or wrong answer. Returns how many distinct ids were answered.
std::size_t read_answers(McpProcess& server) {
  std::set<int> answered;
  while (answered.size() < static_cast<std::size_t>(kRequests)) {
    const json message = server.read_message(20s);
    if (message.is_null()) break;
    if (!message.contains("id")) continue;  // a notification
    if (!message["id"].is_number_integer()) {
      ADD_FAILURE() << "unexpected id in " << message.dump().substr(0, 300);
      continue;
    }
    const int id = message["id"].get<int>();
    if (id < 1 || id > kRequests) {
      ADD_FAILURE() << "unknown id " << id;
      continue;
    }
    EXPECT_TRUE(answered.insert(id).second) << "id " << id << " answered twice";
    const auto problem = check_answer(id, message);
    EXPECT_EQ(problem, "") << "id " << id;
  }
  return answered.size();
}

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

McpProcess started_server() {
  // No client-side rate limit: this is about the transport, not about pacing upstream calls.
  return McpProcess({"--sandbox"}, {{"ACTIVECAMPAIGN_MAX_RPS", "0"}});
}

TEST(E2ePipelinedStdio, AnswersAThousandRequestsWrittenInOneGo) {
  McpProcess server = started_server();
  server.initialize();
  const std::string requests = all_requests();
  const auto start = Clock::now();
  server.send_line(requests);
  const auto answered = read_answers(server);
  const double elapsed = milliseconds_since(start);
  EXPECT_EQ(answered, static_cast<std::size_t>(kRequests));
  std::cout << "[ figure   ] " << kRequests << " pipelined requests over stdio answered in "
            << elapsed << " ms\n";
  // Still serving afterwards.
  EXPECT_EQ(server.request(5000, "ping")["result"], json::object());
  server.close_stdin();
  EXPECT_EQ(server.wait_exit(), 0);
}

TEST(E2ePipelinedStdio, AnswersEveryRequestBeforeExitingWhenStdinClosesAtOnce) {
  McpProcess server = started_server();
  server.initialize();
  const std::string requests = all_requests();
  const auto start = Clock::now();
  server.send_line(requests);
  server.close_stdin();
  const auto answered = read_answers(server);
  const double elapsed = milliseconds_since(start);
  EXPECT_EQ(answered, static_cast<std::size_t>(kRequests));
  EXPECT_EQ(server.wait_exit(), 0);
  std::cout << "[ figure   ] " << kRequests
            << " pipelined requests then end of stdin: all answered and exited in " << elapsed
            << " ms\n";
}

}  // namespace
}  // namespace acmcp::e2e
