// Unit tests for the socket-free parts of the HTTP transport: Origin/Host policy, bearer
// checks, Accept/Content-Type negotiation, SSE framing, session ids and session records.
#include <gtest/gtest.h>

#include <set>

#include "transport/http_protocol.hpp"
#include "transport/http_security.hpp"
#include "transport/http_sessions.hpp"
#include "util/compact_json.hpp"

namespace acmcp::transport {
namespace {

using nlohmann::json;

TEST(MirroredHeader, TrimsOptionalWhiteSpace) {
  const auto read = read_mirrored_header("Mcp-Name", " \tget_contact  ");
  EXPECT_EQ(read.value, "get_contact");
  EXPECT_EQ(read.problem, "");
}

TEST(MirroredHeader, DecodesBase64WithAndWithoutPadding) {
  EXPECT_EQ(read_mirrored_header("Mcp-Name", "=?base64?ZWNobw==?=").value, "echo");
  EXPECT_EQ(read_mirrored_header("Mcp-Name", "=?BASE64?ZWNobw?=").value, "echo");
  EXPECT_EQ(read_mirrored_header("Mcp-Name", "=?base64?w6l0w6k=?=").value, "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(read_mirrored_header("Mcp-Name", "=?base64?YWJj?=").value, "abc");
}

TEST(MirroredHeader, RefusesWhatCannotBeRead) {
  for (const char* raw :
       {"=?base64?ZW!ob w==?=", "=?base64?Z?=", "=?base64?ZW=Nobw?=", "caf\xc3\xa9", "a\x01b"}) {
    EXPECT_NE(read_mirrored_header("Mcp-Name", raw).problem, "") << raw;
  }
}

TEST(MirroredHeader, PlainValueStartingLikeTheSentinelIsKept) {
  EXPECT_EQ(read_mirrored_header("Mcp-Name", "=?base64").value, "=?base64");
}

TEST(ConstantTimeEquals, EqualStrings) { EXPECT_TRUE(constant_time_equals("secret", "secret")); }
TEST(ConstantTimeEquals, DifferentContent) {
  EXPECT_FALSE(constant_time_equals("secret", "secreT"));
}
TEST(ConstantTimeEquals, PrefixIsNotEqual) {
  EXPECT_FALSE(constant_time_equals("secret", "secret2"));
  EXPECT_FALSE(constant_time_equals("secret2", "secret"));
}
TEST(ConstantTimeEquals, EmptyStrings) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("", "a"));
}

TEST(BearerToken, ExtractsToken) { EXPECT_EQ(bearer_token("Bearer abc123"), "abc123"); }
TEST(BearerToken, SchemeIsCaseInsensitive) { EXPECT_EQ(bearer_token("bearer abc"), "abc"); }
TEST(BearerToken, OtherSchemeIsRejected) {
  EXPECT_FALSE(bearer_token("Basic dXNlcjpwYXNz").has_value());
}
TEST(BearerToken, MissingTokenIsRejected) {
  EXPECT_FALSE(bearer_token("Bearer").has_value());
  EXPECT_FALSE(bearer_token("Bearer   ").has_value());
  EXPECT_FALSE(bearer_token("").has_value());
}
TEST(BearerToken, SchemeMustBeFollowedBySpace) {
  EXPECT_FALSE(bearer_token("Bearerabc").has_value());
}

TEST(HostName, StripsPortAndLowercases) { EXPECT_EQ(host_name("LocalHost:8080"), "localhost"); }
TEST(HostName, KeepsIpv6Brackets) { EXPECT_EQ(host_name("[::1]:3000"), "[::1]"); }
TEST(HostName, WithoutPort) { EXPECT_EQ(host_name("127.0.0.1"), "127.0.0.1"); }

TEST(NormalizeOrigin, AcceptsHttpAndHttps) {
  EXPECT_EQ(normalize_origin("http://localhost:3000"), "http://localhost:3000");
  EXPECT_EQ(normalize_origin("HTTPS://App.Example.com/"), "https://app.example.com");
}
TEST(NormalizeOrigin, RejectsNullAndOtherSchemes) {
  EXPECT_FALSE(normalize_origin("null").has_value());
  EXPECT_FALSE(normalize_origin("file://").has_value());
  EXPECT_FALSE(normalize_origin("ftp://example.com").has_value());
}
TEST(NormalizeOrigin, RejectsPathsAndBadPorts) {
  EXPECT_FALSE(normalize_origin("http://example.com/path").has_value());
  EXPECT_FALSE(normalize_origin("http://example.com:80x").has_value());
  EXPECT_FALSE(normalize_origin("http://user@example.com").has_value());
}

TEST(OriginPolicy, LoopbackOriginsOnAnyPortAreAllowed) {
  const OriginPolicy policy({}, true);
  EXPECT_TRUE(policy.origin_allowed("http://localhost:6274"));
  EXPECT_TRUE(policy.origin_allowed("http://127.0.0.1"));
  EXPECT_TRUE(policy.origin_allowed("https://[::1]:8443"));
}
TEST(OriginPolicy, ForeignOriginIsRejected) {
  const OriginPolicy policy({}, true);
  EXPECT_FALSE(policy.origin_allowed("https://evil.example"));
  EXPECT_FALSE(policy.origin_allowed("http://localhost.evil.example"));
  EXPECT_FALSE(policy.origin_allowed("null"));
}
TEST(OriginPolicy, ExtraOriginIsAllowedExactly) {
  const OriginPolicy policy({"https://app.example.com"}, true);
  EXPECT_TRUE(policy.origin_allowed("https://app.example.com"));
  EXPECT_TRUE(policy.origin_allowed("https://APP.example.com/"));
  EXPECT_FALSE(policy.origin_allowed("http://app.example.com"));
  EXPECT_FALSE(policy.origin_allowed("https://app.example.com:444"));
}
TEST(OriginPolicy, LoopbackHostsAreAllowed) {
  const OriginPolicy policy({}, true);
  EXPECT_TRUE(policy.host_allowed("localhost:8080"));
  EXPECT_TRUE(policy.host_allowed("127.0.0.1:1"));
  EXPECT_TRUE(policy.host_allowed("[::1]:8080"));
}
TEST(OriginPolicy, RebindingHostIsRejected) {
  const OriginPolicy policy({}, true);
  EXPECT_FALSE(policy.host_allowed("attacker.example:8080"));
  EXPECT_FALSE(policy.host_allowed(""));
}
TEST(OriginPolicy, HostOfExtraOriginIsAllowed) {
  const OriginPolicy policy({"https://app.example.com"}, true);
  EXPECT_TRUE(policy.host_allowed("app.example.com"));
}
TEST(OriginPolicy, HostIsNotCheckedWhenNotLoopback) {
  const OriginPolicy policy({}, false);
  EXPECT_TRUE(policy.host_allowed("anything.example:1234"));
}

TEST(ParseAccept, BothTypes) {
  const auto accepted = parse_accept("application/json, text/event-stream", true);
  EXPECT_TRUE(accepted.json);
  EXPECT_TRUE(accepted.event_stream);
}
TEST(ParseAccept, MissingHeaderAcceptsEverything) {
  const auto accepted = parse_accept("", false);
  EXPECT_TRUE(accepted.json);
  EXPECT_TRUE(accepted.event_stream);
}
TEST(ParseAccept, WildcardsCount) {
  EXPECT_TRUE(parse_accept("*/*", true).event_stream);
  EXPECT_TRUE(parse_accept("application/*", true).json);
  EXPECT_FALSE(parse_accept("application/*", true).event_stream);
  EXPECT_TRUE(parse_accept("text/*", true).event_stream);
}
TEST(ParseAccept, ParametersAndCaseAreIgnored) {
  const auto accepted = parse_accept("Application/JSON;q=0.9 , TEXT/event-stream; q=1", true);
  EXPECT_TRUE(accepted.json);
  EXPECT_TRUE(accepted.event_stream);
}
TEST(ParseAccept, QualityZeroRefuses) {
  EXPECT_FALSE(parse_accept("application/json;q=0, text/html", true).json);
}
TEST(ParseAccept, UnrelatedTypesAcceptNothing) {
  const auto accepted = parse_accept("text/html", true);
  EXPECT_FALSE(accepted.json);
  EXPECT_FALSE(accepted.event_stream);
}

TEST(JsonContentType, PlainAndWithCharset) {
  EXPECT_TRUE(is_json_content_type("application/json"));
  EXPECT_TRUE(is_json_content_type("application/json; charset=utf-8"));
  EXPECT_TRUE(is_json_content_type("Application/Json"));
}
TEST(JsonContentType, OthersAreRejected) {
  EXPECT_FALSE(is_json_content_type("text/plain"));
  EXPECT_FALSE(is_json_content_type("application/jsonp"));
  EXPECT_FALSE(is_json_content_type(""));
}

TEST(MessageShapes, RequestNotificationResponse) {
  EXPECT_TRUE(contains_request({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}));
  EXPECT_FALSE(contains_request({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}));
  EXPECT_FALSE(contains_request({{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}}));
}
TEST(MessageShapes, BatchWithOneRequestContainsRequest) {
  const json batch = json::array({{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
                                  {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "ping"}}});
  EXPECT_TRUE(contains_request(batch));
  EXPECT_FALSE(contains_request(json::array()));
}
TEST(MessageShapes, InitializeRequest) {
  EXPECT_TRUE(is_initialize_request({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}}));
  EXPECT_FALSE(is_initialize_request({{"jsonrpc", "2.0"}, {"method", "initialize"}}));
  EXPECT_FALSE(is_initialize_request(json::array({{{"id", 1}, {"method", "initialize"}}})));
}

TEST(ErrorBody, HasJsonRpcShapeWithNullId) {
  const json body = json::parse(jsonrpc_error_body(-32000, "Bad Request: x"));
  EXPECT_EQ(body["jsonrpc"], "2.0");
  EXPECT_TRUE(body["id"].is_null());
  EXPECT_EQ(body["error"]["code"], -32000);
  EXPECT_EQ(body["error"]["message"], "Bad Request: x");
}

TEST(SseFraming, EventIsOneDataLine) {
  const std::string event = sse_event({{"text", "line1\nline2"}});
  EXPECT_EQ(event, "event: message\ndata: {\"text\":\"line1\\nline2\"}\n\n");
}
TEST(SseFraming, PreserializedPartsAreWrittenAsIs) {
  const std::string tools = R"([{"name":"a"}])";
  const json message = {
      {"id", 1}, {"jsonrpc", "2.0"}, {"result", {{"tools", util::raw_json(tools)}}}};
  const std::string text = R"({"id":1,"jsonrpc":"2.0","result":{"tools":[{"name":"a"}]}})";
  EXPECT_EQ(sse_event(message), "event: message\ndata: " + text + "\n\n");
  EXPECT_EQ(to_wire(message), text);
}
TEST(SseFraming, OtherBinaryValuesAreNotTakenAsText) {
  const json bytes = json::binary({'{', '}'});
  EXPECT_NE(to_wire(bytes), "{}");
}
TEST(SseFraming, CommentCannotBreakFraming) {
  EXPECT_EQ(sse_comment("keep\nalive"), ": keep alive\n\n");
}

TEST(SessionId, IsThirtyTwoHexCharacters) {
  const std::string id = new_session_id();
  ASSERT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
}
TEST(SessionId, IsDifferentEachTime) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(new_session_id());
  EXPECT_EQ(ids.size(), 100u);
}

TEST(Outbox, KeepsOrderAndWakes) {
  int wakes = 0;
  Outbox outbox([&] { ++wakes; });
  EXPECT_TRUE(outbox.push(1));
  EXPECT_TRUE(outbox.push(2));
  auto taken = outbox.take();
  EXPECT_EQ(taken.messages, (std::vector<json>{1, 2}));
  EXPECT_FALSE(taken.closed);
  EXPECT_EQ(wakes, 2);
}
TEST(Outbox, RefusesAfterClose) {
  Outbox outbox([] {});
  outbox.close();
  EXPECT_FALSE(outbox.push(1));
  EXPECT_TRUE(outbox.take().closed);
}

TEST(SessionRecord, DeliversToOneStreamRoundRobin) {
  SessionRecord record("id");
  auto first = std::make_shared<Outbox>([] {});
  auto second = std::make_shared<Outbox>([] {});
  record.add_stream(first);
  record.add_stream(second);
  record.deliver(1);
  record.deliver(2);
  EXPECT_EQ(first->take().messages.size() + second->take().messages.size(), 2u);
  record.deliver(3);
  record.deliver(4);
  EXPECT_EQ(first->take().messages.size(), 1u);
  EXPECT_EQ(second->take().messages.size(), 1u);
}
TEST(SessionRecord, SkipsClosedStreams) {
  SessionRecord record("id");
  auto closed = std::make_shared<Outbox>([] {});
  auto open = std::make_shared<Outbox>([] {});
  record.add_stream(closed);
  record.add_stream(open);
  closed->close();
  record.deliver(1);
  record.deliver(2);
  EXPECT_EQ(open->take().messages.size(), 2u);
}
TEST(SessionRecord, FallsBackToOpenRequest) {
  SessionRecord record("id");
  auto request = std::make_shared<Outbox>([] {});
  record.add_request(request);
  record.deliver(7);
  EXPECT_EQ(request->take().messages, std::vector<json>{7});
}
TEST(SessionRecord, PrefersStreamOverRequest) {
  SessionRecord record("id");
  auto request = std::make_shared<Outbox>([] {});
  auto stream = std::make_shared<Outbox>([] {});
  record.add_request(request);
  record.add_stream(stream);
  record.deliver(7);
  EXPECT_TRUE(request->take().messages.empty());
  EXPECT_EQ(stream->take().messages.size(), 1u);
}
TEST(SessionRecord, EndClosesStreams) {
  SessionRecord record("id");
  auto stream = std::make_shared<Outbox>([] {});
  record.add_stream(stream);
  record.end();
  EXPECT_TRUE(stream->closed());
  EXPECT_TRUE(record.ended());
  auto late = std::make_shared<Outbox>([] {});
  record.add_stream(late);
  EXPECT_TRUE(late->closed());
}
TEST(SessionRecord, IdleOnlyWhenUnused) {
  SessionRecord record("id");
  const auto later = SessionRecord::Clock::now() + std::chrono::hours(1);
  record.begin_use();
  EXPECT_FALSE(record.idle_for(std::chrono::seconds(1), later));
  record.end_use();
  EXPECT_TRUE(record.idle_for(std::chrono::seconds(1), later));
  EXPECT_FALSE(record.idle_for(std::chrono::hours(2), later));
}

TEST(SessionTable, FindRemoveAndExpire) {
  SessionTable table;
  auto busy = std::make_shared<SessionRecord>("busy");
  busy->begin_use();
  table.insert(busy);
  table.insert(std::make_shared<SessionRecord>("idle"));
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.find("idle")->id(), "idle");
  EXPECT_EQ(table.find("nope"), nullptr);
  const auto expired = table.remove_idle(std::chrono::seconds(1),
                                         SessionRecord::Clock::now() + std::chrono::hours(1));
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0]->id(), "idle");
  EXPECT_NE(table.remove("busy"), nullptr);
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace acmcp::transport
