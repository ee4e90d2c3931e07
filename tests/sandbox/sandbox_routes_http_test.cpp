// The sandbox's account, deal and ecommerce routes over real loopback HTTP: encoded filter keys,
// nested routes and query parameters on writes reach the store as the tools send them.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

#include "sandbox/sandbox_server.hpp"
#include "sandbox_http.hpp"

namespace acmcp::sandbox {
namespace {

using nlohmann::json;
namespace asio = boost::asio;

class SandboxRoutesHttpTest : public ::testing::Test {
 protected:
  SandboxRoutesHttpTest() {
    thread_ = std::thread([this] { io_.run(); });
    server_.emplace(io_.get_executor(), SandboxOptions{});
  }
  ~SandboxRoutesHttpTest() override {
    server_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  std::optional<testkit::HttpResult> send(const std::string& method, const std::string& target,
                                          const json& body = json()) {
    return http_once(server_->port(), method, target, server_->token(),
                     body.is_null() ? "" : body.dump());
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::thread thread_;
  std::optional<SandboxServer> server_;
};

TEST_F(SandboxRoutesHttpTest, EncodedConnectionFiltersFindTheSeededStore) {
  auto reply = send("GET",
                    "/api/3/connections?filters%5Bservice%5D=demo-store&"
                    "filters%5Bexternalid%5D=demo-store&limit=100");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->json()["meta"]["total"], "1");
  EXPECT_EQ(reply->json()["connections"][0]["name"], "Demo Store");
}

TEST_F(SandboxRoutesHttpTest, OrderProductsOfAnOrderPage) {
  auto reply = send("GET", "/api/3/ecomOrders/1/orderProducts?limit=1&offset=1");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  ASSERT_EQ(reply->json()["ecomOrderProducts"].size(), 1u);
  EXPECT_EQ(reply->json()["ecomOrderProducts"][0]["name"], "Skateboard");
}

TEST_F(SandboxRoutesHttpTest, DealNoteCreateThenUpdate) {
  auto created = send("POST", "/api/3/deals/1/notes", {{"note", {{"note", "First"}}}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201);
  auto id = created->json()["note"]["id"].get<std::string>();
  auto updated = send("PUT", "/api/3/deals/1/notes/" + id, {{"note", {{"note", "Second"}}}});
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->status, 200);
  EXPECT_EQ(updated->json()["note"]["note"], "Second");
}

TEST_F(SandboxRoutesHttpTest, ReorderQueryOnStageUpdateIsHonoured) {
  auto reply = send("PUT", "/api/3/dealStages/3?reorder=1", {{"dealStage", {{"order", 1}}}});
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200);
  auto first = send("GET", "/api/3/dealStages/1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->json()["dealStage"]["order"], "2");
}

TEST_F(SandboxRoutesHttpTest, DeleteAccountAnswersEmptyObjectThen404) {
  auto deleted = send("DELETE", "/api/3/accounts/1");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200);
  EXPECT_EQ(deleted->json(), json::object());
  auto again = send("DELETE", "/api/3/accounts/1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  EXPECT_EQ(again->json()["message"], "No Result found for Account with id 1");
}

}  // namespace
}  // namespace acmcp::sandbox
