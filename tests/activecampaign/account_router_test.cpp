// AccountRouter against the scriptable loopback server: each account's own client, credentials
// and rate limit, and the server's own upstream for requests that name no account.
#include "activecampaign/account_router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "client_harness.hpp"
#include "testkit/test_server.hpp"

namespace acmcp::ac {
namespace {

using namespace std::chrono_literals;
using testing::get;
using testing::send_now;
using testkit::TestServer;

std::shared_ptr<const Account> account(const std::string& url, const std::string& token,
                                       const std::string& key) {
  auto made = std::make_shared<Account>();
  made->api_url = url;
  made->token = token;
  made->key = key;
  made->token_source = "the X-ActiveCampaign-Api-Token header";
  return made;
}

Request get_for(std::shared_ptr<const Account> who) {
  Request request = get("/contacts");
  request.account = std::move(who);
  return request;
}

class AccountRouterTest : public ::testing::Test {
 protected:
  ClientConfig base() const {
    ClientConfig config;
    config.max_retries = 0;
    config.timeout = 2000ms;
    config.max_rps = 1;  // one start per 1.1 s window: a second request of one account waits
    return config;
  }

  // Starts every request at once; returns how long each waited for its account's rate limit.
  std::vector<std::chrono::nanoseconds> waits_of(AccountRouter& router,
                                                 const std::vector<Request>& requests) {
    std::vector<std::chrono::nanoseconds> waits(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
      SendObserver observer;
      observer.on_rate_limit_wait = [&waits, i](std::chrono::nanoseconds waited) {
        waits[i] = waited;
      };
      boost::asio::co_spawn(io, router.send(requests[i], std::move(observer)),
                            boost::asio::detached);
    }
    io.restart();
    io.run();
    return waits;
  }

  boost::asio::io_context io;
  TestServer server;
};

TEST_F(AccountRouterTest, EachAccountsRequestsCarryItsOwnCredentials) {
  AccountRouter router(io.get_executor(), base(), nullptr);
  send_now(io, router, get_for(account(server.url(), "token-a", "a")));
  send_now(io, router, get_for(account(server.url(), "token-b", "b")));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].headers.at("api-token"), "token-a");
  EXPECT_EQ(requests[1].headers.at("api-token"), "token-b");
  EXPECT_EQ(router.client_count(), 2u);
}

TEST_F(AccountRouterTest, OneAccountsBurstNeverDelaysAnother) {
  AccountRouter router(io.get_executor(), base(), nullptr);
  const auto a = account(server.url(), "token-a", "a.api-us1.com:443");
  const auto b = account(server.url(), "token-b", "b.api-us1.com:443");
  const auto waits = waits_of(router, {get_for(a), get_for(a), get_for(a), get_for(b)});
  EXPECT_GT(waits[1] + waits[2], 0ns) << "account a's burst waits for a's limit";
  EXPECT_EQ(waits[3], 0ns) << "account b started at once";
  EXPECT_EQ(router.limiter_count(), 2u);
}

// ActiveCampaign counts per account, whatever token: two tokens of one account share its limit.
TEST_F(AccountRouterTest, TwoTokensOfOneAccountShareItsLimit) {
  AccountRouter router(io.get_executor(), base(), nullptr);
  const auto first = account(server.url(), "token-1", "same.api-us1.com:443");
  const auto second = account(server.url(), "token-2", "same.api-us1.com:443");
  const auto waits = waits_of(router, {get_for(first), get_for(second)});
  EXPECT_GT(waits[0] + waits[1], 0ns);
  EXPECT_EQ(router.client_count(), 2u);
  EXPECT_EQ(router.limiter_count(), 1u);
}

TEST_F(AccountRouterTest, ARequestWithoutAnAccountGoesToTheServersOwn) {
  ClientConfig own_config = base();
  own_config.api_url = server.url();
  own_config.token = "own-token";
  Client own(io.get_executor(), own_config);
  AccountRouter router(io.get_executor(), base(), &own);
  EXPECT_EQ(send_now(io, router, get("/contacts")).status, 200);
  EXPECT_EQ(server.requests().at(0).headers.at("api-token"), "own-token");
  EXPECT_EQ(router.client_count(), 0u);

  AccountRouter without_own(io.get_executor(), base(), nullptr);
  const auto refused = send_now(io, without_own, get("/contacts"));
  EXPECT_NE(refused.error.find("no ActiveCampaign account of its own"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u) << "nothing was sent";
}

TEST_F(AccountRouterTest, KeepsAtMostMaxClientsDroppingTheLeastRecentlyUsed) {
  ClientConfig config = base();
  config.max_rps = 0;
  AccountRouter router(io.get_executor(), config, nullptr, 2);
  for (const char* name : {"a", "b", "c", "a"}) {
    EXPECT_EQ(send_now(io, router, get_for(account(server.url(), name, name))).status, 200);
  }
  EXPECT_EQ(router.client_count(), 2u);
  EXPECT_EQ(router.limiter_count(), 2u) << "a dropped client's limiter goes with it";
}

TEST_F(AccountRouterTest, RefusedCredentialsNameTheHeaderTheyCameFrom) {
  testkit::ScriptedResponse refused;
  refused.status = 401;
  refused.body = "{}";
  server.script(refused);
  AccountRouter router(io.get_executor(), base(), nullptr);
  const auto response = send_now(io, router, get_for(account(server.url(), "bad", "a")));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.advice, "Check the X-ActiveCampaign-Api-Token header.");
}

TEST(Fingerprint, IsShortStableAndHidesTheSecret) {
  const auto once = fingerprint("maton-key\nconn");
  EXPECT_EQ(once.size(), 16u);
  EXPECT_EQ(once, fingerprint("maton-key\nconn"));
  EXPECT_NE(once, fingerprint("maton-key\nother"));
  EXPECT_EQ(once.find("maton"), std::string::npos);
}

}  // namespace
}  // namespace acmcp::ac
