// The sandbox store's ecommerce customers, orders and order products, called directly.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace acmcp::sandbox {
namespace {

using nlohmann::json;
using EcommerceStore = SeededStore;

json new_customer(const std::string& externalid, const std::string& email = "bob@example.com") {
  return {{"ecomCustomer",
           {{"connectionid", "1"}, {"externalid", externalid}, {"email", email}}}};
}

json product(const std::string& externalid, int price) {
  return {{"externalid", externalid}, {"name", "Product " + externalid}, {"price", price},
          {"quantity", 1},            {"category", "Toys"}};
}

json new_order(json fields) {
  json order = {{"externalid", "order-6001"},
                {"email", "jane.doe@example.com"},
                {"totalPrice", 9111},
                {"currency", "USD"},
                {"connectionid", 1},
                {"customerid", 1},
                {"externalCreatedDate", "2026-11-20T16:41:39-06:00"},
                {"orderProducts", {product("P1", 4900), product("P2", 3000)}}};
  for (const auto& [key, value] : fields.items()) order[key] = value;
  return {{"ecomOrder", order}};
}

// ---- customers ---------------------------------------------------------------------------------

TEST_F(EcommerceStore, SeedHasJaneAsCustomerOfDemoStore) {
  auto r = get("/ecomCustomers/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["ecomCustomer"]["email"], "jane.doe@example.com");
  EXPECT_EQ(r.body["ecomCustomer"]["connectionid"], "1");
  EXPECT_EQ(r.body["ecomCustomer"]["connection"], "1");
}

TEST_F(EcommerceStore, CreateCustomerAnswers201WithConnectionAlias) {
  auto r = post("/ecomCustomers", new_customer("56789"));
  ASSERT_EQ(r.status, 201);
  const auto& c = r.body["ecomCustomer"];
  EXPECT_EQ(c["id"], "2");
  EXPECT_EQ(c["connectionid"], "1");
  EXPECT_EQ(c["connection"], "1");
  EXPECT_EQ(c["acceptsMarketing"], "0");
  EXPECT_TRUE(c["tstamp"].is_string());
  EXPECT_EQ(c["links"]["orders"], "http://sandbox.test/api/3/ecomCustomers/2/orders");
}

// GET /ecomCustomers shows the customer of connection "0" (all stores) with connection null.
TEST_F(EcommerceStore, CustomerOfConnectionZeroHasNullConnection) {
  auto r = post("/ecomCustomers",
                {{"ecomCustomer",
                  {{"connectionid", "0"}, {"externalid", "0"}, {"email", "bob@example.com"}}}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body["ecomCustomer"]["connectionid"], "0");
  EXPECT_TRUE(r.body["ecomCustomer"]["connection"].is_null());
  EXPECT_TRUE(get("/ecomCustomers/2").body["ecomCustomer"]["connection"].is_null());
  EXPECT_EQ(get("/ecomCustomers/1").body["ecomCustomer"]["connection"], "1");
}

TEST_F(EcommerceStore, CreateCustomerNeedsEmailExternalIdAndConnection) {
  auto r = post("/ecomCustomers", {{"ecomCustomer", json::object()}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.body["errors"].size(), 3u);
  EXPECT_EQ(first_error_code(post("/ecomCustomers", new_customer("x", "not-an-email"))),
            "email_invalid");
}

TEST_F(EcommerceStore, CustomerOnMissingConnectionIs422) {
  auto body = new_customer("x");
  body["ecomCustomer"]["connectionid"] = "9";
  EXPECT_EQ(first_error_code(post("/ecomCustomers", body)), "related_missing");
}

TEST_F(EcommerceStore, SameExternalIdOnSameConnectionIs422Duplicate) {
  auto r = post("/ecomCustomers", new_customer("cust-1001"));
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_code(r), "duplicate");
}

TEST_F(EcommerceStore, ListCustomersFiltersByEmailExternalIdAndConnection) {
  post("/ecomCustomers", new_customer("c-2", "bob@example.com"));
  EXPECT_EQ(ids(get("/ecomCustomers", {{"filters[email]", "bob@example.com"}})
                    .body["ecomCustomers"]),
            std::vector<std::string>{"2"});
  EXPECT_EQ(ids(get("/ecomCustomers", {{"filters[externalid]", "cust-1001"}})
                    .body["ecomCustomers"]),
            std::vector<std::string>{"1"});
  EXPECT_EQ(get("/ecomCustomers", {{"filters[connectionid]", "1"}}).body["meta"]["total"], "2");
  EXPECT_EQ(get("/ecomCustomers", {{"search", "bob"}}).body["meta"]["total"], "1");
}

TEST_F(EcommerceStore, UpdateCustomerIsPartial) {
  auto r = put("/ecomCustomers/1", {{"ecomCustomer", {{"acceptsMarketing", 0}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["ecomCustomer"]["acceptsMarketing"], "0");
  EXPECT_EQ(r.body["ecomCustomer"]["email"], "jane.doe@example.com");
}

TEST_F(EcommerceStore, MissingCustomerIs404AndDeleteAnswersEmptyObject) {
  EXPECT_EQ(get("/ecomCustomers/5").body["message"], "No Result found for EcomCustomer with id 5");
  post("/ecomCustomers", new_customer("c-2"));
  auto r = del("/ecomCustomers/2");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json::object());
  EXPECT_EQ(get("/ecomCustomers/2").status, 404);
}

// ---- orders ------------------------------------------------------------------------------------

TEST_F(EcommerceStore, SeedHasOrderWithTwoProducts) {
  auto r = get("/ecomOrders/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["ecomOrder"]["orderProducts"], json({"1", "2"}));
  EXPECT_EQ(r.body["ecomOrder"]["customer"], "1");
  ASSERT_EQ(r.body["ecomOrderProducts"].size(), 2u);
  EXPECT_EQ(r.body["ecomOrderProducts"][1]["name"], "Skateboard");
  EXPECT_EQ(get("/ecomOrders/1/orderProducts").body["ecomOrderProducts"].size(), 2u);
}

TEST_F(EcommerceStore, CreateOrderWritesProductsAndSideloadsThem) {
  auto r = post("/ecomOrders", new_order({}));
  ASSERT_EQ(r.status, 201);
  const auto& o = r.body["ecomOrder"];
  EXPECT_EQ(o["id"], "2");
  EXPECT_EQ(o["totalPrice"], "9111");
  EXPECT_EQ(o["currency"], "USD");
  EXPECT_EQ(o["state"], "1");
  EXPECT_EQ(o["totalProducts"], "2");
  EXPECT_EQ(o["orderDate"], "2026-11-20T16:41:39-06:00");
  EXPECT_EQ(o["orderProducts"], json({"3", "4"}));
  EXPECT_EQ(o["connection"], "1");
  EXPECT_TRUE(o["createdDate"].is_string());
  EXPECT_TRUE(o["tstamp"].is_string());
  ASSERT_EQ(r.body["ecomOrderProducts"].size(), 2u);
  EXPECT_EQ(r.body["ecomOrderProducts"][0]["orderid"], "2");
  EXPECT_EQ(r.body["ecomOrderProducts"][0]["price"], "4900");
  EXPECT_EQ(r.body["ecomOrderProducts"][0]["ecomOrder"], "2");
}

TEST_F(EcommerceStore, OrderNeedsExternalIdOrCheckoutId) {
  auto body = new_order({});
  body["ecomOrder"].erase("externalid");
  auto r = post("/ecomOrders", body);
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_title(r), "The ecomOrder externalid was not provided.");
}

TEST_F(EcommerceStore, AbandonedCartNeedsAbandonedDate) {
  auto body = new_order({{"externalcheckoutid", "cart-1"}});
  body["ecomOrder"].erase("externalid");
  EXPECT_EQ(first_error_title(post("/ecomOrders", body)),
            "The ecomOrder abandonedDate was not provided.");
  body["ecomOrder"]["abandonedDate"] = "2026-11-21T10:00:00-06:00";
  auto r = post("/ecomOrders", body);
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.body["ecomOrder"]["state"], "0");
}

TEST_F(EcommerceStore, OrderWithExternalIdNeedsCreatedDate) {
  auto body = new_order({});
  body["ecomOrder"].erase("externalCreatedDate");
  EXPECT_EQ(first_error_title(post("/ecomOrders", body)),
            "The ecomOrder externalCreatedDate was not provided.");
}

TEST_F(EcommerceStore, OrderProductErrorsNameTheItem) {
  auto body = new_order({});
  body["ecomOrder"]["orderProducts"][1].erase("price");
  auto r = post("/ecomOrders", body);
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(first_error_title(r), "The ecomOrder orderProducts[1].price was not provided.");
  EXPECT_EQ(r.body["errors"][0]["source"]["pointer"], "/data/attributes/orderProducts[1].price");
  EXPECT_EQ(get("/ecomOrders").body["meta"]["total"], "1");  // nothing half-written
}

TEST_F(EcommerceStore, OrderRejectsNegativeMoneyAndMissingCustomer) {
  EXPECT_EQ(first_error_code(post("/ecomOrders", new_order({{"totalPrice", -5}}))),
            "field_invalid");
  EXPECT_EQ(first_error_code(post("/ecomOrders", new_order({{"customerid", 42}}))),
            "related_missing");
}

TEST_F(EcommerceStore, SameOrderExternalIdOnConnectionIs422) {
  EXPECT_EQ(first_error_code(post("/ecomOrders", new_order({{"externalid", "order-5001"}}))),
            "duplicate");
}

TEST_F(EcommerceStore, ListOrdersFiltersByCustomerAndExternalId) {
  post("/ecomCustomers", new_customer("c-2"));
  post("/ecomOrders", new_order({{"customerid", 2}, {"email", "bob@example.com"}}));
  EXPECT_EQ(ids(get("/ecomOrders", {{"filters[customerid]", "2"}}).body["ecomOrders"]),
            std::vector<std::string>{"2"});
  EXPECT_EQ(ids(get("/ecomOrders", {{"filters[externalid]", "order-5001"}}).body["ecomOrders"]),
            std::vector<std::string>{"1"});
  auto page = get("/ecomOrders", {{"limit", "1"}, {"orders[customerid]", "DESC"}});
  EXPECT_EQ(ids(page.body["ecomOrders"]), std::vector<std::string>{"2"});
  EXPECT_EQ(page.body["meta"]["total"], "2");
}

TEST_F(EcommerceStore, UpdateOrderReplacesProductsWhenGiven) {
  auto r = put("/ecomOrders/1", {{"ecomOrder", {{"orderProducts", {product("P9", 100)}}}}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["ecomOrder"]["orderProducts"], json({"3"}));
  EXPECT_EQ(r.body["ecomOrder"]["totalProducts"], "1");
  EXPECT_EQ(get("/ecomOrderProducts/1").status, 404);
  auto keep = put("/ecomOrders/1", {{"ecomOrder", {{"totalPrice", 100}}}});
  EXPECT_EQ(keep.body["ecomOrder"]["orderProducts"], json({"3"}));
  EXPECT_EQ(keep.body["ecomOrder"]["totalPrice"], "100");
}

TEST_F(EcommerceStore, DeleteOrderRemovesProducts) {
  auto r = del("/ecomOrders/1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json::object());
  EXPECT_EQ(get("/ecomOrderProducts").body["meta"]["total"], "0");
  EXPECT_EQ(get("/ecomOrders/1").body["message"], "No Result found for EcomOrder with id 1");
}

// ---- order products ----------------------------------------------------------------------------

TEST_F(EcommerceStore, GetOrderProductByIdUsesUpstreamShape) {
  auto r = get("/ecomOrderProducts/2");
  ASSERT_EQ(r.status, 200);
  const auto& p = r.body["ecomOrderProduct"];
  EXPECT_EQ(p["name"], "Skateboard");
  EXPECT_EQ(p["price"], "3000");
  EXPECT_EQ(p["orderid"], "1");
  EXPECT_EQ(p["ecomOrder"], "1");
  EXPECT_EQ(p["links"]["ecomOrder"], "http://sandbox.test/api/3/ecomOrderProducts/2/ecomOrder");
  EXPECT_EQ(get("/ecomOrderProducts/9").body["message"],
            "No Result found for EcomOrderProduct with id 9");
}

TEST_F(EcommerceStore, ListAllOrderProductsPages) {
  post("/ecomOrders", new_order({}));
  auto r = get("/ecomOrderProducts", {{"limit", "3"}, {"offset", "1"}});
  EXPECT_EQ(ids(r.body["ecomOrderProducts"]), (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_EQ(r.body["meta"]["total"], "4");
}

TEST_F(EcommerceStore, OrderProductsOfOneOrder) {
  post("/ecomOrders", new_order({}));
  auto r = get("/ecomOrders/2/orderProducts", {{"limit", "1"}});
  EXPECT_EQ(ids(r.body["ecomOrderProducts"]), std::vector<std::string>{"3"});
  EXPECT_EQ(r.body["meta"]["total"], "2");
  EXPECT_EQ(get("/ecomOrders/7/orderProducts").body["message"],
            "No Result found for EcomOrder with id 7");
}

TEST_F(EcommerceStore, OrderProductsAreReadOnly) {
  EXPECT_EQ(post("/ecomOrderProducts", {{"ecomOrderProduct", product("x", 1)}}).status, 405);
  EXPECT_EQ(del("/ecomOrderProducts/1").status, 405);
  EXPECT_EQ(post("/ecomOrders/1/orderProducts", json::object()).status, 405);
}

TEST_F(EcommerceStore, MalformedBodiesNeverCrash) {
  const std::vector<json> bodies = {
      json(), json::array({1}), json{{"ecomOrder", {{"orderProducts", "x"}}}},
      json{{"ecomOrder", {{"orderProducts", {1, json::array()}}}}},
      json{{"deal", {{"value", json::object()}, {"stage", json::array()}}}},
      json{{"note", {{"note", json::array()}}}}, json{{"dealStage", {{"order", "x"}}}}};
  const std::vector<std::string> paths = {"/ecomOrders",    "/ecomOrders/1", "/deals",
                                          "/deals/1",       "/deals/1/notes", "/deals/1/notes/1",
                                          "/dealStages",    "/dealStages/1", "/dealGroups",
                                          "/accounts",      "/accountContacts",
                                          "/ecomCustomers", "/connections/1"};
  for (const auto& path : paths)
    for (const char* method : {"GET", "POST", "PUT", "DELETE"})
      for (const auto& body : bodies) {
        Store fresh("token", true);
        auto r = fresh.handle(method, path, {{"reorder", "1"}}, body);
        EXPECT_LT(r.status, 500) << method << " " << path << " " << body.dump();
        EXPECT_TRUE(r.body.is_object());
      }
}

}  // namespace
}  // namespace acmcp::sandbox
