// The rules of revision 2026-07-28 as pure functions: which messages belong to it, the order of
// its checks and the codes and HTTP statuses they answer with, and the marks on its results.
#include "mcp/modern.hpp"

#include <gtest/gtest.h>

#include <string>

namespace acmcp::test {
namespace {

using nlohmann::json;
namespace modern = mcp::modern;

json meta(const std::string& version = "2026-07-28") {
  return {{"io.modelcontextprotocol/protocolVersion", version},
          {"io.modelcontextprotocol/clientCapabilities", json::object()}};
}

json request(const std::string& method, json params = {{"_meta", meta()}}) {
  return {{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", std::move(params)}};
}

json call(const std::string& tool, const std::string& version = "2026-07-28") {
  return request("tools/call",
                 {{"name", tool}, {"arguments", json::object()}, {"_meta", meta(version)}});
}

modern::MirroredHeaders headers(std::string version, std::string method,
                                std::optional<std::string> name = std::nullopt) {
  return {std::move(version), std::move(method), std::move(name), ""};
}

TEST(ModernTest, VersionsFromThisRevisionOnAreModern) {
  for (const char* version : {"2026-07-28", "2027-01-01", "v999.0.0"}) {
    EXPECT_TRUE(modern::is_modern_version(version)) << version;
  }
  for (const char* version : {"2025-11-25", "2025-03-26", "1999-01-01", ""}) {
    EXPECT_FALSE(modern::is_modern_version(version)) << version;
  }
}

TEST(ModernTest, AMessageIsModernByItsMetaOrByBeingDiscover) {
  EXPECT_TRUE(modern::is_modern_message(request("tools/list")));
  EXPECT_TRUE(modern::is_modern_message(
      request("tools/list",
              {{"_meta", {{"io.modelcontextprotocol/clientCapabilities", json::object()}}}})));
  EXPECT_TRUE(
      modern::is_modern_message({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "server/discover"}}));
  EXPECT_FALSE(modern::is_modern_message(request("tools/list", json::object())));
  EXPECT_FALSE(
      modern::is_modern_message(request("tools/call", {{"_meta", {{"progressToken", 1}}}})));
  EXPECT_FALSE(modern::is_modern_message(json::array({request("tools/list")})));
  EXPECT_FALSE(modern::is_modern_message("tools/list"));
}

TEST(ModernTest, ServedMethodsPassOnStdioAndWithMatchingHeaders) {
  for (const char* method : {"server/discover", "tools/list"}) {
    EXPECT_FALSE(modern::check_request(request(method), nullptr)) << method;
    const auto mirrored = headers("2026-07-28", method);
    EXPECT_FALSE(modern::check_request(request(method), &mirrored)) << method;
  }
  const auto mirrored = headers("2026-07-28", "tools/call", "get_contact");
  EXPECT_FALSE(modern::check_request(call("get_contact"), &mirrored));
}

TEST(ModernTest, ClientInfoIsNeverRequiredAndAValidLogLevelIsAccepted) {
  json params = {{"_meta", meta()}};
  params["_meta"]["io.modelcontextprotocol/logLevel"] = "debug";
  EXPECT_FALSE(modern::check_request(request("tools/list", params), nullptr));
}

TEST(ModernTest, MissingOrMalformedMetaIsInvalidParams) {
  json no_caps = meta();
  no_caps.erase("io.modelcontextprotocol/clientCapabilities");
  json no_version = meta();
  no_version.erase("io.modelcontextprotocol/protocolVersion");
  json caps_not_object = meta();
  caps_not_object["io.modelcontextprotocol/clientCapabilities"] = "all";
  json bad_level = meta();
  bad_level["io.modelcontextprotocol/logLevel"] = "verbose";
  for (const json& params :
       {json::object(), json{{"_meta", "x"}}, json{{"_meta", no_caps}}, json{{"_meta", no_version}},
        json{{"_meta", caps_not_object}}, json{{"_meta", bad_level}}}) {
    const auto rejection = modern::check_request(request("server/discover", params), nullptr);
    ASSERT_TRUE(rejection) << params;
    EXPECT_EQ(rejection->code, -32602) << params;
    EXPECT_EQ(rejection->http_status, 400);
  }
}

TEST(ModernTest, MalformedRequestsAreInvalidRequests) {
  json no_id = request("tools/list");
  no_id.erase("id");
  json object_id = request("tools/list");
  object_id["id"] = json::object();
  json old_jsonrpc = request("tools/list");
  old_jsonrpc["jsonrpc"] = "1.0";
  for (const json& message :
       {no_id, object_id, old_jsonrpc, json::array({request("tools/list")})}) {
    const auto rejection = modern::check_request(message, nullptr);
    ASSERT_TRUE(rejection) << message;
    EXPECT_EQ(rejection->code, -32600) << message;
    EXPECT_EQ(rejection->http_status, 400);
  }
}

TEST(ModernTest, HeadersThatDoNotRepeatTheBodyAreAMismatch) {
  const std::vector<std::pair<modern::MirroredHeaders, json>> cases = {
      {{std::nullopt, "tools/list", std::nullopt, ""}, request("tools/list")},
      {headers("2025-11-25", "tools/list"), request("tools/list")},
      {{"2026-07-28", std::nullopt, std::nullopt, ""}, request("tools/list")},
      {headers("2026-07-28", "TOOLS/LIST"), request("tools/list")},
      {headers("2026-07-28", "tools/list"), request("server/discover")},
      {headers("2026-07-28", "tools/call"), call("get_contact")},
      {headers("2026-07-28", "tools/call", "get_tag"), call("get_contact")},
      {{"2026-07-28", "tools/list", std::nullopt, "more than one Mcp-Method header"},
       request("tools/list")},
  };
  for (const auto& [mirrored, message] : cases) {
    const auto rejection = modern::check_request(message, &mirrored);
    ASSERT_TRUE(rejection) << message;
    EXPECT_EQ(rejection->code, -32020) << message;
    EXPECT_EQ(rejection->http_status, 400);
  }
  const auto named = headers("2026-07-28", "tools/call", "get_tag");
  EXPECT_EQ(modern::check_request(call("get_contact"), &named)->message,
            "Header mismatch: Mcp-Name header value 'get_tag' does not match body value "
            "'get_contact'");
}

// The header check comes before the version check: a body naming an unknown version under a
// header naming this one is a mismatch, not an unsupported version.
TEST(ModernTest, HeaderMismatchIsCheckedBeforeTheVersion) {
  const auto mirrored = headers("2026-07-28", "tools/list");
  EXPECT_EQ(
      modern::check_request(request("tools/list", {{"_meta", meta("v999.0.0")}}), &mirrored)->code,
      -32020);
}

TEST(ModernTest, UnsupportedVersionListsWhatIsSupported) {
  const auto mirrored = headers("v999.0.0", "tools/list");
  const json message = request("tools/list", {{"_meta", meta("v999.0.0")}});
  for (const auto* with : {&mirrored, static_cast<const modern::MirroredHeaders*>(nullptr)}) {
    const auto rejection = modern::check_request(message, with);
    ASSERT_TRUE(rejection);
    EXPECT_EQ(rejection->code, -32022);
    EXPECT_EQ(rejection->http_status, 400);
    EXPECT_EQ(rejection->data,
              json({{"supported", {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"}},
                    {"requested", "v999.0.0"}}));
  }
  // A 2025 version in this request form is refused the same way: those start with initialize.
  EXPECT_EQ(
      modern::check_request(request("tools/list", {{"_meta", meta("2025-11-25")}}), nullptr)->code,
      -32022);
}

TEST(ModernTest, MethodsThisRevisionRemovedOrWeDoNotOfferAreNotFound) {
  for (const char* method :
       {"initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
        "prompts/list", "completion/complete", "subscriptions/listen", "unknown/method"}) {
    const auto mirrored = headers("2026-07-28", method);
    const auto rejection = modern::check_request(request(method), &mirrored);
    ASSERT_TRUE(rejection) << method;
    EXPECT_EQ(rejection->code, -32601) << method;
    EXPECT_EQ(rejection->http_status, 404);
  }
}

TEST(ModernTest, StampMarksTheResultAndKeepsItsFields) {
  json result = {{"tools", json::array()}, {"_meta", {{"other", 1}}}};
  modern::stamp_result(result, mcp::ServerInfo{"acmcp", "1.2.3", "AC"});
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["_meta"]["io.modelcontextprotocol/serverInfo"],
            json({{"name", "acmcp"}, {"version", "1.2.3"}, {"title", "AC"}}));
  EXPECT_EQ(result["_meta"]["other"], 1);
  EXPECT_TRUE(result["tools"].is_array());
}

}  // namespace
}  // namespace acmcp::test
