// Connection tools: Create a Connection's lookup-then-create against a scripted upstream, and every
// tool through the sandbox with the exact upstream requests asserted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_arguments.hpp"
#include "sandbox_fixture.hpp"

namespace acmcp::tools {
namespace {

using testing::FakeUpstream;
using ::testing::HasSubstr;
using testing::http;
using testing::query_text;
using testing::transport_failure;

// ---------- Create a Connection's branches, against a scripted upstream

class ConnectionHandler : public ::testing::Test {
 protected:
  FakeUpstream upstream;
  ToolRegistry registry{upstream};

  json envelope(json args) {
    return testing::call(registry, "create_connection",
                         std::move(args))["structuredContent"];
  }
};

json connections(json items) {
  const auto total = items.size();
  return {{"connections", std::move(items)}, {"meta", {{"total", std::to_string(total)}}}};
}

TEST_F(ConnectionHandler, ReturnsTheExistingConnectionForTheSameServiceAndExternalId) {
  upstream.script.push_back(
      http(200, connections({{{"id", "3"}, {"service", "shopify"}, {"externalid", "shop12345"}}})));
  json result = envelope(kNewConnection);
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].path, "/connections");
  EXPECT_EQ(query_text(upstream.requests[0]),
            "filters[externalid]=shop12345&filters[service]=Shopify&limit=100");
  EXPECT_EQ(result["Connection"]["id"], "3");
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(ConnectionHandler, AnotherExternalIdIsNotAMatch) {
  upstream.script.push_back(
      http(200, connections({{{"id", "3"}, {"service", "Shopify"}, {"externalid", "SHOP12345"}}})));
  upstream.script.push_back(http(201, {{"connection", {{"id", "4"}}}}));
  json args = kNewConnection;
  args["ListId"] = 3;
  json result = envelope(args);
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(upstream.requests[1].method, "POST");
  EXPECT_EQ(*upstream.requests[1].body, json({{"connection",
                                               {{"service", "Shopify"},
                                                {"externalid", "shop12345"},
                                                {"name", "My Toystore, Inc."},
                                                {"logoUrl", "https://cdn.example.com/logo.png"},
                                                {"linkUrl", "https://shop.example.com/admin"},
                                                {"listId", "3"}}}}));
  EXPECT_EQ(result["Connection"]["id"], "4");
  EXPECT_EQ(result["OriginalStatusCode"], 201);
}

TEST_F(ConnectionHandler, LookupFailureNamesTheStepAndCreatesNothing) {
  upstream.script.push_back(http(500, {{"message", "Internal error"}}));
  json result = envelope(kNewConnection);
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["OriginalStatusCode"], 500);
  EXPECT_EQ(result["Connection"], json::object());
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("Create a Connection failed while looking for an existing connection "
                        "(nothing was created)"));
}

TEST_F(ConnectionHandler, DuplicateCreatedMeanwhileIsReturnedAfterA422) {
  upstream.script.push_back(http(200, connections(json::array())));
  upstream.script.push_back(http(422, {{"errors", {{{"title", "duplicate connection"}}}}}));
  upstream.script.push_back(
      http(200, connections({{{"id", "8"}, {"service", "Shopify"}, {"externalid", "shop12345"}}})));
  json result = envelope(kNewConnection);
  ASSERT_EQ(upstream.requests.size(), 3u);
  EXPECT_EQ(result["Connection"]["id"], "8");
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(ConnectionHandler, CreateFailureNamesTheStep) {
  upstream.script.push_back(http(200, connections(json::array())));
  upstream.script.push_back(transport_failure("timed out"));
  json result = envelope(kNewConnection);
  EXPECT_EQ(result["StatusCode"], 500);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("Create a Connection failed while creating the connection"));
}

TEST_F(ConnectionHandler, ReportsBothStepsAsProgress) {
  upstream.script.push_back(http(200, connections(json::array())));
  upstream.script.push_back(http(201, {{"connection", {{"id", "4"}}}}));
  std::vector<double> steps;
  mcp::ToolCallContext context;
  context.progress = [&](double step, double total, const std::string&) {
    EXPECT_EQ(total, 2);
    steps.push_back(step);
  };
  testing::call(registry, "create_connection", kNewConnection, context);
  EXPECT_EQ(steps, (std::vector<double>{0, 1}));
}

TEST_F(ConnectionHandler, RequiredInputsAreChecked) {
  json args = kNewConnection;
  args.erase("LinkUrl");
  json result = envelope(args);
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("LinkUrl"));
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(ConnectionHandler, ListIdMustBeNumeric) {
  json args = kNewConnection;
  args["ListId"] = "three";
  EXPECT_EQ(envelope(args)["StatusCode"], -1);
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(SandboxTools, CreateConnectionReturnsTheSeededConnection) {
  json envelope =
      call("create_connection",
           with(with(kNewConnection, "Service", "demo-store"), "ExternalId", "demo-store"));
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/connections",
                 {{"filters[service]", "demo-store"},
                  {"filters[externalid]", "demo-store"},
                  {"limit", "100"}});
  EXPECT_EQ(envelope["Connection"]["id"], "1");
  EXPECT_EQ(envelope["Connection"]["name"], "Demo Store");
}

TEST_F(SandboxTools, CreateConnectionCreatesOnceAndThenReturnsIt) {
  json envelope = call("create_connection", with(kNewConnection, "ListId", "1"));
  ASSERT_EQ(log().size(), 2u);
  expect_request(log()[1], "POST", "/connections", {},
                 {{"connection",
                   {{"service", "Shopify"},
                    {"externalid", "shop12345"},
                    {"name", "My Toystore, Inc."},
                    {"logoUrl", "https://cdn.example.com/logo.png"},
                    {"linkUrl", "https://shop.example.com/admin"},
                    {"listId", "1"}}}});
  EXPECT_EQ(envelope["Connection"]["externalid"], "shop12345");
  const std::string id = envelope["Connection"]["id"];

  json again = call("create_connection", kNewConnection);
  EXPECT_EQ(again["Connection"]["id"], id);
  EXPECT_EQ(log().size(), 3u);
  EXPECT_EQ(store("GET", "/connections")["meta"]["total"], "2");
}

TEST_F(SandboxTools, DeleteConnection) {
  json envelope = call("delete_connection", {{"ConnectionId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/connections/1");
  EXPECT_EQ(envelope["DeletedConnection"], json({{"id", "1"}, {"deleted", true}}));

  json again = call("delete_connection", {{"ConnectionId", 1}});
  EXPECT_EQ(again["OriginalStatusCode"], 404);
  EXPECT_EQ(again["DeletedConnection"], json::object());
  EXPECT_THAT(again["ErrorMessage"].get<std::string>(), HasSubstr("connection 1 was not found"));
}

TEST_F(SandboxTools, GetManyConnectionsDefaultsToTwenty) {
  json envelope = call("get_many_connections", json::object());
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/connections", {{"limit", "20"}});
  EXPECT_EQ(envelope["Connections"]["Connections"][0]["service"], "demo-store");
  EXPECT_EQ(envelope["Connections"]["Pagination"],
            json({{"limit", 20}, {"offset", 0}, {"total", 1}, {"hasMore", false}}));
}

TEST_F(SandboxTools, GetManyConnectionsFilters) {
  call("create_connection", kNewConnection);
  json envelope =
      call("get_many_connections",
           {{"FilterService", "Shopify"}, {"FilterExternalId", "shop12345"}, {"Offset", 0}});
  expect_request(log().back(), "GET", "/connections",
                 {{"filters[service]", "Shopify"},
                  {"filters[externalid]", "shop12345"},
                  {"limit", "20"},
                  {"offset", "0"}});
  ASSERT_EQ(envelope["Connections"]["Connections"].size(), 1u);
  EXPECT_EQ(envelope["Connections"]["Connections"][0]["externalid"], "shop12345");
  EXPECT_EQ(envelope["Connections"]["Pagination"]["total"], 1);
}

TEST_F(SandboxTools, GetManyConnectionsServerErrorMayBeRetried) {
  answer("GET", "/connections", 503, R"({"message":"Service Unavailable"})");
  json envelope = call("get_many_connections", json::object());
  EXPECT_EQ(envelope["OriginalStatusCode"], 503);
  EXPECT_EQ(envelope["Connections"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("may be retried"));
}

TEST_F(SandboxTools, GetConnectionIsNested) {
  json envelope = call("get_connection", {{"ConnectionId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/connections/1");
  EXPECT_EQ(envelope["Connection"]["Connection"]["id"], "1");
  EXPECT_EQ(envelope["Connection"]["Connection"]["externalid"], "demo-store");
}

TEST_F(SandboxTools, GetConnectionNotFound) {
  json envelope = call("get_connection", {{"ConnectionId", 9}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["Connection"], json::object());
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("connection 9 was not found"));
}

TEST_F(SandboxTools, UpdateConnectionMergesAdditionalFields) {
  json envelope = call("update_connection",
                       {{"ConnectionId", 1},
                        {"Service", "demo-store"},
                        {"ExternalId", "demo-store"},
                        {"Name", "Demo Store EU"},
                        {"AdditionalFields", {{"status", 1}, {"syncStatus", "0"}}}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "PUT", "/connections/1", {},
                 {{"connection",
                   {{"service", "demo-store"},
                    {"externalid", "demo-store"},
                    {"name", "Demo Store EU"},
                    {"status", 1},
                    {"syncStatus", 0}}}});
  EXPECT_EQ(envelope["Connection"]["name"], "Demo Store EU");
  EXPECT_EQ(envelope["ErrorMessage"], "");
}

TEST_F(SandboxTools, UpdateConnectionNotFound) {
  json envelope = call("update_connection",
                       {{"ConnectionId", 5}, {"Service", "s"}, {"ExternalId", "e"}, {"Name", "n"}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_EQ(envelope["Connection"], json::object());
}

}  // namespace
}  // namespace acmcp::tools
