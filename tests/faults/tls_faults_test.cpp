// TLS failures through the real client and tools: a certificate for another host and an expired
// certificate, both signed by a CA the client trusts. Neither may reach the HTTP layer.
#include "fault_fixture.hpp"
#include "testkit/test_server.hpp"

namespace acmcp::faults {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kTlsDir = std::string(ACMCP_TEST_DATA_DIR) + "/tls/";

testkit::TlsIdentity identity(const std::string& name) {
  return {kTlsDir + name + ".pem", kTlsDir + name + ".key"};
}

class TlsFaultTest : public FaultTest {
 protected:
  void serve_with(const std::string& certificate) {
    server = std::make_unique<testkit::TestServer>(identity(certificate));
    auto config = fast_config(server->url() + "/api/3", "tls-token");
    config.ca_file = kTlsDir + "ca.pem";
    connect(config);
  }
  std::unique_ptr<testkit::TestServer> server;
};

TEST_F(TlsFaultTest, CertificateForAnotherHostIsRefusedWithoutRetry) {
  serve_with("other.example");
  const json envelope = create_deal();
  expect_no_response(envelope, "Deal", 0);
  EXPECT_EQ(message_of(envelope),
            "Create a Deal failed: no usable response from ActiveCampaign (TLS certificate "
            "verification failed for 127.0.0.1: the certificate is not valid for 127.0.0.1). The "
            "call may be retried.");
  EXPECT_TRUE(server->requests().empty());
  EXPECT_EQ(server->connections(), 1);  // a certificate problem is not retried
}

TEST_F(TlsFaultTest, ExpiredCertificateIsRefusedWithoutRetry) {
  serve_with("expired");
  const json envelope = get_deal();
  expect_no_response(envelope, "Deal", 0);
  EXPECT_THAT(message_of(envelope),
              AllOf(StartsWith("Get a Deal failed: no usable response from ActiveCampaign (TLS "
                               "certificate verification failed for 127.0.0.1: "),
                    HasSubstr("certificate has expired")));
  EXPECT_TRUE(server->requests().empty());
  EXPECT_EQ(server->connections(), 1);
}

TEST_F(TlsFaultTest, ValidCertificateFromTheSameCaWorks) {
  serve_with("localhost");
  testkit::ScriptedResponse deal;
  deal.body = R"({"deal":{"id":"1","title":"Over TLS"}})";
  server->script(deal);
  const json envelope = get_deal();
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["Deal"]["title"], "Over TLS");
  ASSERT_EQ(server->requests().size(), 1u);
}

}  // namespace
}  // namespace acmcp::faults
