// Per-client credentials: which headers make which account, and every refusal.
#include "app/per_client.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

using testing::HasSubstr;
using testing::Not;

namespace acmcp::app {
namespace {

using Headers = std::multimap<std::string, std::string>;

transport::RequestHeaders lookup(const Headers& headers) {
  return [&headers](std::string_view name) {
    std::vector<std::string_view> values;
    for (const auto& [key, value] : headers) {
      if (key == name) values.emplace_back(value);
    }
    return values;
  };
}

const PerClientPolicy kPolicy{
    {"https://*.api-us1.com", "https://*.activehosted.com", "http://127.0.0.1:8080"},
    "https://gateway.maton.ai",
    false};

std::shared_ptr<const ac::Account> account(const Headers& headers,
                                           const PerClientPolicy& policy = kPolicy) {
  return account_from_headers(policy, lookup(headers));
}

// The status and message of a refusal; {0, ""} when the headers were accepted.
std::pair<int, std::string> refusal(const Headers& headers,
                                    const PerClientPolicy& policy = kPolicy) {
  try {
    account(headers, policy);
    return {0, ""};
  } catch (const transport::SessionRefused& refused) {
    return {refused.status, refused.what()};
  }
}

TEST(PerClient, AnAllowedApiUrlAndTokenMakeAnAccountKeyedByHost) {
  const auto made = account({{"X-ActiveCampaign-Api-Url", "https://Acme.api-us1.com/api/3"},
                             {"X-ActiveCampaign-Api-Token", "secret-1"}});
  ASSERT_TRUE(made);
  EXPECT_EQ(made->service, ac::Service::kActiveCampaign);
  EXPECT_EQ(made->token, "secret-1");
  EXPECT_EQ(made->key, "acme.api-us1.com:443");
  EXPECT_EQ(made->token_source, "the X-ActiveCampaign-Api-Token header");
  EXPECT_TRUE(account({{"X-ActiveCampaign-Api-Url", "https://x.activehosted.com"},
                       {"X-ActiveCampaign-Api-Token", "t"}}));
  EXPECT_TRUE(account({{"X-ActiveCampaign-Api-Url", "http://127.0.0.1:8080"},
                       {"X-ActiveCampaign-Api-Token", "t"}}));
}

TEST(PerClient, AMatonKeyGoesToTheServersGatewayKeyedByAFingerprint) {
  const auto made = account({{"X-Maton-Api-Key", "maton-secret"}, {"X-Maton-Connection", "c1"}});
  ASSERT_TRUE(made);
  EXPECT_EQ(made->service, ac::Service::kMatonGateway);
  EXPECT_EQ(made->api_url, "https://gateway.maton.ai");
  EXPECT_EQ(made->connection, "c1");
  EXPECT_TRUE(made->key.starts_with("maton:"));
  EXPECT_THAT(made->key, Not(HasSubstr("maton-secret")));
  EXPECT_NE(made->key, account({{"X-Maton-Api-Key", "maton-secret"}})->key)
      << "another connection is another account";
}

TEST(PerClient, UrlsOutsideTheAllowlistAreForbidden) {
  for (const char* url : {"https://evil.example", "http://acme.api-us1.com", "https://api-us1.com",
                          "https://acme.api-us1.com:8443", "https://acme.api-us1.com.evil.example",
                          "http://127.0.0.1:8081", "https://acme.activehosted.com.evil.example"}) {
    const auto [status, message] =
        refusal({{"X-ActiveCampaign-Api-Url", url}, {"X-ActiveCampaign-Api-Token", "secret-2"}});
    EXPECT_EQ(status, 403) << url;
    EXPECT_THAT(message, HasSubstr("is not an API URL this server may reach")) << url;
    EXPECT_THAT(message, HasSubstr("https://*.api-us1.com")) << url;
    EXPECT_THAT(message, Not(HasSubstr("secret-2")));
  }
}

TEST(PerClient, IncompleteRepeatedOrMixedCredentialsAreBadRequests) {
  const std::vector<Headers> cases = {
      {{"X-ActiveCampaign-Api-Url", "https://a.api-us1.com"}},
      {{"X-ActiveCampaign-Api-Token", "t"}},
      {{"X-ActiveCampaign-Api-Url", "https://a.api-us1.com"},
       {"X-ActiveCampaign-Api-Token", "t"},
       {"X-ActiveCampaign-Api-Token", "u"}},
      {{"X-ActiveCampaign-Api-Url", "https://a.api-us1.com"},
       {"X-ActiveCampaign-Api-Token", "t"},
       {"X-Maton-Api-Key", "k"}},
      {{"X-Maton-Connection", "c"}},
      {{"X-Maton-Api-Key", ""}},
      {{"X-ActiveCampaign-Api-Url", "ftp://a.api-us1.com"}, {"X-ActiveCampaign-Api-Token", "t"}},
  };
  for (const auto& headers : cases) {
    const auto [status, message] = refusal(headers);
    EXPECT_EQ(status, 400) << message;
    EXPECT_THAT(message, HasSubstr("Bad Request"));
  }
}

TEST(PerClient, NoCredentialsUseTheServersOwnAccountOrAreUnauthorized) {
  PerClientPolicy with_own = kPolicy;
  with_own.server_has_account = true;
  EXPECT_EQ(account({}, with_own), nullptr);
  const auto [status, message] = refusal({});
  EXPECT_EQ(status, 401);
  EXPECT_THAT(message, HasSubstr("send X-ActiveCampaign-Api-Url and X-ActiveCampaign-Api-Token, "
                                 "or X-Maton-Api-Key"));
}

TEST(PerClient, UrlPatternsAreChecked) {
  EXPECT_EQ(url_pattern_error("https://*.api-us1.com"), "");
  EXPECT_EQ(url_pattern_error("http://127.0.0.1:8080/"), "");
  EXPECT_NE(url_pattern_error("*.api-us1.com"), "");
  EXPECT_NE(url_pattern_error("https://*"), "");
  EXPECT_NE(url_pattern_error("https://a.*.com"), "");
  EXPECT_NE(url_pattern_error("https://a.com/api/3"), "");
  EXPECT_NE(url_pattern_error("https://a.com:0"), "");
}

}  // namespace
}  // namespace acmcp::app
