// ACTIVECAMPAIGN_API_URL parsing and request-target building.
#include "activecampaign/url.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace acmcp::ac {
namespace {

TEST(ApiUrl, AcceptsBareHttpsHost) {
  const auto url = parse_api_url("https://acct.api-us1.com");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "acct.api-us1.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.base_path, "/api/3");
}

TEST(ApiUrl, AcceptsTrailingSlash) {
  EXPECT_EQ(parse_api_url("https://acct.api-us1.com/").host, "acct.api-us1.com");
}

TEST(ApiUrl, AcceptsApi3PathWithAndWithoutSlash) {
  EXPECT_EQ(parse_api_url("https://acct.api-us1.com/api/3").base_path, "/api/3");
  EXPECT_EQ(parse_api_url("https://acct.api-us1.com/api/3/").base_path, "/api/3");
}

TEST(ApiUrl, AcceptsHttpWithDefaultPort80) {
  const auto url = parse_api_url("http://127.0.0.1");
  EXPECT_FALSE(url.tls);
  EXPECT_EQ(url.port, 80);
}

TEST(ApiUrl, AcceptsExplicitPort) {
  const auto url = parse_api_url("http://127.0.0.1:8080/api/3");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8080);
}

TEST(ApiUrl, SchemeAndHostAreCaseInsensitive) {
  const auto url = parse_api_url("HTTPS://Acct.API-us1.com");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "acct.api-us1.com");
}

TEST(ApiUrl, AcceptsBracketedIpv6) {
  const auto url = parse_api_url("http://[::1]:9000");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9000);
  EXPECT_EQ(url.host_port(), "[::1]:9000");
}

TEST(ApiUrl, IgnoresSurroundingWhitespace) {
  EXPECT_EQ(parse_api_url("  https://acct.api-us1.com\n").host, "acct.api-us1.com");
}

TEST(ApiUrl, RejectsOtherSchemes) {
  EXPECT_THROW(parse_api_url("ftp://acct.api-us1.com"), std::invalid_argument);
}

TEST(ApiUrl, RejectsMissingScheme) {
  EXPECT_THROW(parse_api_url("acct.api-us1.com"), std::invalid_argument);
}

TEST(ApiUrl, RejectsEmptyUrlAndEmptyHost) {
  EXPECT_THROW(parse_api_url(""), std::invalid_argument);
  EXPECT_THROW(parse_api_url("https://"), std::invalid_argument);
  EXPECT_THROW(parse_api_url("https://:443/api/3"), std::invalid_argument);
}

TEST(ApiUrl, RejectsQueryAndFragment) {
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com/api/3?x=1"), std::invalid_argument);
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com#top"), std::invalid_argument);
}

TEST(ApiUrl, RejectsOtherPaths) {
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com/api/1"), std::invalid_argument);
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com/api/3/contacts"), std::invalid_argument);
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com/admin"), std::invalid_argument);
}

TEST(ApiUrl, RejectsBadPorts) {
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com:0"), std::invalid_argument);
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com:70000"), std::invalid_argument);
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com:https"), std::invalid_argument);
  EXPECT_THROW(parse_api_url("https://acct.api-us1.com:"), std::invalid_argument);
}

TEST(ApiUrl, RejectsUserInfo) {
  EXPECT_THROW(parse_api_url("https://user:pw@acct.api-us1.com"), std::invalid_argument);
}

TEST(ApiUrl, ErrorMessageNamesTheProblem) {
  try {
    parse_api_url("ftp://acct.api-us1.com");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("http or https"), std::string::npos) << error.what();
  }
}

TEST(PercentEncode, KeepsUnreservedCharacters) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
}

TEST(ParseServiceUrl, KeepsThePathPrefixBeforeTheServicesBase) {
  const auto gateway = parse_service_url("https://gateway.maton.ai", "Maton gateway URL",
                                         "https://gateway.maton.ai", "/active-campaign/api/3");
  EXPECT_TRUE(gateway.tls);
  EXPECT_EQ(gateway.host, "gateway.maton.ai");
  EXPECT_EQ(gateway.base_path, "/active-campaign/api/3");
  EXPECT_EQ(parse_service_url("http://127.0.0.1:8080/maton/", "x", "y", "/active-campaign/api/3")
                .base_path,
            "/maton/active-campaign/api/3");
  EXPECT_EQ(parse_service_url("https://ctrl.maton.ai/", "x", "y", "").base_path, "");
}

TEST(ParseServiceUrl, ErrorsNameTheServiceAndItsExample) {
  try {
    parse_service_url("gateway.maton.ai", "Maton gateway URL", "https://gateway.maton.ai", "");
    ADD_FAILURE() << "accepted a URL without a scheme";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "invalid Maton gateway URL \"gateway.maton.ai\": it has no scheme (https://) "
                 "(expected e.g. https://gateway.maton.ai)");
  }
  EXPECT_THROW(parse_service_url("https://g.example/a b", "x", "y", ""), std::invalid_argument);
  EXPECT_THROW(parse_service_url("https://g.example/%2e%2e", "x", "y", ""), std::invalid_argument);
}

TEST(PercentEncode, EncodesReservedSpaceAndUtf8) {
  EXPECT_EQ(percent_encode("a b+c@d/e?f&g=h"), "a%20b%2Bc%40d%2Fe%3Ff%26g%3Dh");
  EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");
}

TEST(BuildTarget, AppendsPathToBase) {
  const auto url = parse_api_url("https://acct.api-us1.com");
  EXPECT_EQ(build_target(url, "/contacts/12", {}), "/api/3/contacts/12");
}

TEST(BuildTarget, EncodesBracketsInKeysAndPlusAndAtInValues) {
  const auto url = parse_api_url("https://acct.api-us1.com");
  EXPECT_EQ(build_target(url, "/contacts", {{"filters[email]", "a+b@x.com"}}),
            "/api/3/contacts?filters%5Bemail%5D=a%2Bb%40x.com");
}

TEST(BuildTarget, JoinsSeveralParametersInOrder) {
  const auto url = parse_api_url("https://acct.api-us1.com");
  EXPECT_EQ(build_target(url, "/deals", {{"limit", "20"}, {"offset", "0"}, {"search", "a b"}}),
            "/api/3/deals?limit=20&offset=0&search=a%20b");
}

TEST(BuildTarget, EncodesUnsafePathCharacters) {
  const auto url = parse_api_url("https://acct.api-us1.com");
  EXPECT_EQ(build_target(url, "/tags/a b?c#%", {}), "/api/3/tags/a%20b%3Fc%23%25");
}

}  // namespace
}  // namespace acmcp::ac
