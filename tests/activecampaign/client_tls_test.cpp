// Client over TLS against the loopback server: trusted CA, untrusted CA, host name mismatch.
#include <gtest/gtest.h>

#include "activecampaign/client.hpp"
#include "client_harness.hpp"
#include "testkit/test_server.hpp"

namespace acmcp::ac {
namespace {

using namespace std::chrono_literals;
using testing::get;
using testing::post;
using testing::send_now;
using testkit::TestServer;
using testkit::TlsIdentity;

const std::string kTlsDir = std::string(ACMCP_TEST_DATA_DIR) + "/tls/";

TlsIdentity identity(const std::string& name) {
  return TlsIdentity{kTlsDir + name + ".pem", kTlsDir + name + ".key"};
}

ClientConfig tls_config(const std::string& url, bool trust_test_ca) {
  ClientConfig config;
  config.api_url = url;
  config.token = "tls-token";
  config.timeout = 2000ms;
  config.max_retries = 2;
  config.max_rps = 0;
  config.backoff_base = 5ms;
  config.backoff_max = 20ms;
  if (trust_test_ca) config.ca_file = kTlsDir + "ca.pem";
  return config;
}

TEST(ClientTls, SucceedsWithTheTestCaForAnIpAddress) {
  boost::asio::io_context io;
  TestServer server(identity("localhost"));
  testkit::ScriptedResponse secure;
  secure.body = R"({"secure":true})";
  server.script(secure);
  Client client(io.get_executor(), tls_config(server.url(), true));
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body["secure"], true);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].headers.at("api-token"), "tls-token");
}

TEST(ClientTls, SucceedsWithTheTestCaForLocalhost) {
  boost::asio::io_context io;
  TestServer server(identity("localhost"));
  Client client(io.get_executor(), tls_config(server.url("localhost"), true));
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.error, "");
  EXPECT_EQ(response.status, 200);
}

TEST(ClientTls, FailsWhenTheCaIsNotTrustedAndDoesNotRetry) {
  boost::asio::io_context io;
  TestServer server(identity("localhost"));
  Client client(io.get_executor(), tls_config(server.url(), false));
  const auto response = send_now(io, client, post("/contacts"));
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.error.rfind("TLS certificate verification failed for 127.0.0.1: ", 0), 0u)
      << response.error;
  EXPECT_TRUE(server.requests().empty());
}

TEST(ClientTls, FailsWhenTheCertificateIsForAnotherHost) {
  boost::asio::io_context io;
  TestServer server(identity("other.example"));
  Client client(io.get_executor(), tls_config(server.url(), true));
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.error,
            "TLS certificate verification failed for 127.0.0.1: "
            "the certificate is not valid for 127.0.0.1");
  EXPECT_TRUE(server.requests().empty());
}

TEST(ClientTls, FailsForLocalhostWhenTheCertificateIsForAnotherHost) {
  boost::asio::io_context io;
  TestServer server(identity("other.example"));
  Client client(io.get_executor(), tls_config(server.url("localhost"), true));
  const auto response = send_now(io, client, get("/contacts"));
  EXPECT_EQ(response.error,
            "TLS certificate verification failed for localhost: "
            "the certificate is not valid for localhost");
}

TEST(ClientTls, KeepAliveReusesTheTlsConnection) {
  boost::asio::io_context io;
  TestServer server(identity("localhost"));
  Client client(io.get_executor(), tls_config(server.url(), true));
  EXPECT_EQ(send_now(io, client, get("/a")).status, 200);
  EXPECT_EQ(send_now(io, client, get("/b")).status, 200);
  EXPECT_EQ(server.connections(), 1);
}

TEST(ClientTls, PlainHttpServerBehindHttpsUrlFailsClearly) {
  boost::asio::io_context io;
  TestServer server;  // speaks plain HTTP
  auto config = tls_config("https://127.0.0.1:" + std::to_string(server.port()), true);
  config.max_retries = 0;
  Client client(io.get_executor(), config);
  const auto response = send_now(io, client, get("/a"));
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("TLS handshake with 127.0.0.1"), std::string::npos)
      << response.error;
}

}  // namespace
}  // namespace acmcp::ac
