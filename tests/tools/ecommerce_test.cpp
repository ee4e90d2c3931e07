// Ecommerce Customer, Ecommerce Order and Ecommerce Order Product tools: the multi-step handlers'
// branches against a scripted upstream, and every tool through the sandbox with the exact
// upstream requests asserted.
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

class EcommerceHandler : public ::testing::Test {
 protected:
  FakeUpstream upstream;
  ToolRegistry registry{upstream};

  json envelope(const std::string& tool, json args) {
    return testing::call(registry, tool, std::move(args))["structuredContent"];
  }
};

json customers_page(json customers, int total) {
  return {{"ecomCustomers", std::move(customers)}, {"meta", {{"total", std::to_string(total)}}}};
}

json customer(int id, const std::string& email, const std::string& external_id) {
  return {{"id", std::to_string(id)},
          {"email", email},
          {"externalid", external_id},
          {"connectionid", "1"}};
}

// ---------- Get an Ecommerce Customer

TEST_F(EcommerceHandler, GetCustomerByIdWinsOverEmail) {
  upstream.script.push_back(http(200, {{"ecomCustomer", customer(5, "a@example.com", "c5")}}));
  json result = envelope("get_ecommerce_customer",
                         {{"EcommerceCustomerId", "5"}, {"Email", "b@example.com"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].path, "/ecomCustomers/5");
  EXPECT_EQ(query_text(upstream.requests[0]), "");
  EXPECT_EQ(result["Customer"]["id"], "5");
}

TEST_F(EcommerceHandler, GetCustomerByEmailReturnsTheFirstMatch) {
  upstream.script.push_back(http(
      200,
      customers_page({customer(3, "a@example.com", "x"), customer(8, "a@example.com", "y")}, 2)));
  json result = envelope("get_ecommerce_customer", {{"Email", "a@example.com"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].path, "/ecomCustomers");
  EXPECT_EQ(query_text(upstream.requests[0]), "filters[email]=a@example.com");
  EXPECT_EQ(result["Customer"]["id"], "3");
  EXPECT_EQ(result["OriginalStatusCode"], 200);
  EXPECT_EQ(result["ErrorMessage"], "");
}

TEST_F(EcommerceHandler, GetCustomerByEmailSkipsLooseMatchesAndIgnoresCase) {
  upstream.script.push_back(http(
      200,
      customers_page({customer(3, "xa@example.com", "x"), customer(8, "A@Example.com", "y")}, 2)));
  json result = envelope("get_ecommerce_customer", {{"Email", "a@example.com"}});
  EXPECT_EQ(result["Customer"]["id"], "8");
}

TEST_F(EcommerceHandler, GetCustomerByEmailWithoutMatchSaysSo) {
  upstream.script.push_back(http(200, customers_page(json::array(), 0)));
  json result = envelope("get_ecommerce_customer", {{"Email", "no@example.com"}});
  EXPECT_EQ(result["StatusCode"], 200);
  EXPECT_EQ(result["OriginalStatusCode"], 200);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("no ecommerce customer has the email no@example.com"));
  EXPECT_EQ(result["Customer"], json::object());
}

TEST_F(EcommerceHandler, GetCustomerByEmailLookupFailureNamesTheStep) {
  upstream.script.push_back(http(401, {{"message", "bad key"}}));
  json result = envelope("get_ecommerce_customer", {{"Email", "a@example.com"}});
  EXPECT_EQ(result["OriginalStatusCode"], 401);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("while looking up the customer by email"));
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("(HTTP 401: bad key)"));
}

TEST_F(EcommerceHandler, GetCustomerNeedsIdOrEmail) {
  json result = envelope("get_ecommerce_customer", json::object());
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("Email is required when EcommerceCustomerId is not given"));
  EXPECT_TRUE(upstream.requests.empty());
}

// ---------- Get Ecommerce Customers: Search is done by the server

TEST_F(EcommerceHandler, GetCustomersWithoutSearchIsOneCall) {
  upstream.script.push_back(http(200, customers_page({customer(1, "a@example.com", "1")}, 1)));
  json result =
      envelope("get_ecommerce_customers", {{"ConnectionId", 2}, {"Limit", 5}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(query_text(upstream.requests[0]), "filters[connectionid]=2&limit=5&offset=0");
  EXPECT_EQ(result["Customers"]["TotalCount"], 1);
  EXPECT_EQ(result["Customers"]["Customers"].size(), 1u);
}

TEST_F(EcommerceHandler, GetCustomersSearchScansEveryPageAndMatchesEmailOrExternalId) {
  json first = json::array();
  for (int i = 1; i <= 100; ++i) {
    first.push_back(customer(i, "shopper" + std::to_string(i) + "@example.com",
                             i == 7 ? "JOHN-7" : "c" + std::to_string(i)));
  }
  first[2]["email"] = "John.Smith@example.com";  // customer 3
  upstream.script.push_back(http(200, customers_page(first, 102)));
  upstream.script.push_back(http(200, customers_page({customer(101, "johnny@example.com", "z"),
                                                      customer(102, "mary@example.com", "m")},
                                                     102)));
  json result = envelope("get_ecommerce_customers",
                         {{"Search", "john"}, {"Email", "x@example.com"}, {"Offset", 1}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(query_text(upstream.requests[0]), "filters[email]=x@example.com&limit=100&offset=0");
  EXPECT_EQ(query_text(upstream.requests[1]), "filters[email]=x@example.com&limit=100&offset=100");
  EXPECT_EQ(result["Customers"]["TotalCount"], 3);
  ASSERT_EQ(result["Customers"]["Customers"].size(), 2u);
  EXPECT_EQ(result["Customers"]["Customers"][0]["id"], "7");
  EXPECT_EQ(result["Customers"]["Customers"][1]["id"], "101");
  EXPECT_EQ(result["OriginalStatusCode"], 200);
}

TEST_F(EcommerceHandler, GetCustomersSearchAppliesLimitToTheMatches) {
  upstream.script.push_back(http(200, customers_page({customer(1, "ann@example.com", "1"),
                                                      customer(2, "anna@example.com", "2"),
                                                      customer(3, "bob@example.com", "3")},
                                                     3)));
  json result =
      envelope("get_ecommerce_customers", {{"Search", "ANN"}, {"Limit", 1}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["Customers"]["TotalCount"], 2);
  ASSERT_EQ(result["Customers"]["Customers"].size(), 1u);
  EXPECT_EQ(result["Customers"]["Customers"][0]["id"], "1");
}

TEST_F(EcommerceHandler, GetCustomersSearchFailureKeepsTheEmptyShapeAndNamesTheStep) {
  json full = json::array();
  for (int i = 1; i <= 100; ++i) full.push_back(customer(i, "a@example.com", "x"));
  upstream.script.push_back(http(200, customers_page(full, 150)));
  upstream.script.push_back(http(429, {{"message", "Too Many Requests"}}));
  json result = envelope("get_ecommerce_customers", {{"Search", "a"}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(result["OriginalStatusCode"], 429);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("while searching the customers (reading customers from number 101)"));
  EXPECT_EQ(result["Customers"], json({{"Customers", json::array()}, {"TotalCount", 0}}));
}

TEST_F(EcommerceHandler, GetCustomersTransportFailureKeepsTheEmptyShape) {
  upstream.script.push_back(transport_failure("timeout"));
  json result = envelope("get_ecommerce_customers", json::object());
  EXPECT_EQ(result["StatusCode"], 500);
  EXPECT_EQ(result["Customers"], json({{"Customers", json::array()}, {"TotalCount", 0}}));
}

// ---------- Get Ecommerce Orders

json orders_page(json orders, int total) {
  return {{"ecomOrders", std::move(orders)}, {"meta", {{"total", std::to_string(total)}}}};
}

TEST_F(EcommerceHandler, GetOrdersByCustomerIdIsOneCall) {
  upstream.script.push_back(http(200, orders_page({{{"id", "1"}}, {{"id", "2"}}}, 3)));
  json result = envelope("get_ecommerce_orders",
                         {{"CustomerId", "67890"}, {"ExternalId", "ignored"}, {"Limit", 2}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(upstream.requests[0].path, "/ecomOrders");
  EXPECT_EQ(query_text(upstream.requests[0]), "filters[customerid]=67890&limit=2&offset=0");
  EXPECT_EQ(result["Orders"]["orders"].size(), 2u);
  EXPECT_EQ(result["Orders"]["total"], 3);
  EXPECT_EQ(result["Orders"]["hasMore"], true);
}

TEST_F(EcommerceHandler, GetOrdersByExternalIdResolvesTheCustomerFirst) {
  upstream.script.push_back(http(200, customers_page({customer(4, "a@example.com", "SHOP-1"),
                                                      customer(9, "b@example.com", "SHOP-10")},
                                                     2)));
  upstream.script.push_back(http(200, orders_page({{{"id", "11"}, {"customerid", "4"}}}, 1)));
  json result = envelope("get_ecommerce_orders", {{"ExternalId", "SHOP-1"}});
  ASSERT_EQ(upstream.requests.size(), 2u);
  EXPECT_EQ(upstream.requests[0].path, "/ecomCustomers");
  EXPECT_EQ(query_text(upstream.requests[0]), "filters[externalid]=SHOP-1");
  EXPECT_EQ(upstream.requests[1].path, "/ecomOrders");
  EXPECT_EQ(query_text(upstream.requests[1]), "filters[customerid]=4&limit=20&offset=0");
  EXPECT_EQ(
      result["Orders"],
      json({{"orders", {{{"id", "11"}, {"customerid", "4"}}}}, {"total", 1}, {"hasMore", false}}));
}

TEST_F(EcommerceHandler, GetOrdersByUnknownExternalIdSaysSoWithoutListing) {
  upstream.script.push_back(http(200, customers_page(json::array(), 0)));
  json result = envelope("get_ecommerce_orders", {{"ExternalId", "SHOP-404"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["StatusCode"], 200);
  EXPECT_EQ(result["OriginalStatusCode"], 200);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("no ecommerce customer has the external ID SHOP-404"));
  EXPECT_EQ(result["Orders"], json::object());
}

TEST_F(EcommerceHandler, GetOrdersByAnExternalIdOnSeveralStoresAsksForCustomerId) {
  upstream.script.push_back(http(
      200,
      customers_page({customer(4, "a@example.com", "S1"), customer(9, "a@example.com", "S1")}, 2)));
  json result = envelope("get_ecommerce_orders", {{"ExternalId", "S1"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("belongs to 2 ecommerce customers (IDs 4, 9"));
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("CustomerId"));
}

TEST_F(EcommerceHandler, GetOrdersCustomerLookupFailureNamesTheStep) {
  upstream.script.push_back(http(500, {{"message", "boom"}}));
  json result = envelope("get_ecommerce_orders", {{"ExternalId", "S1"}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(result["OriginalStatusCode"], 500);
  EXPECT_THAT(
      result["ErrorMessage"].get<std::string>(),
      HasSubstr("Get Ecommerce Orders failed while looking up the customer by external ID"));
}

TEST_F(EcommerceHandler, GetOrdersListFailureAfterTheLookupNamesTheStep) {
  upstream.script.push_back(http(200, customers_page({customer(4, "a@example.com", "S1")}, 1)));
  upstream.script.push_back(transport_failure("connection reset"));
  json result = envelope("get_ecommerce_orders", {{"ExternalId", "S1"}});
  EXPECT_EQ(result["StatusCode"], 500);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("while listing the orders of customer 4"));
}

TEST_F(EcommerceHandler, GetOrdersWithoutFiltersListsAll) {
  upstream.script.push_back(http(200, orders_page(json::array(), 0)));
  envelope("get_ecommerce_orders", {{"Offset", 40}});
  ASSERT_EQ(upstream.requests.size(), 1u);
  EXPECT_EQ(query_text(upstream.requests[0]), "limit=20&offset=40");
}

// ---------- Nested inputs are validated down to their items

TEST_F(EcommerceHandler, OrderProductsAreValidatedItemByItem) {
  json result =
      envelope("create_ecommerce_order",
               {{"ExternalId", "o-1"},
                {"Email", "a@example.com"},
                {"TotalPrice", 100},
                {"Currency", "USD"},
                {"ConnectionId", 1},
                {"CustomerId", 1},
                {"ExternalCreatedDate", "2026-03-19T00:00:00Z"},
                {"AdditionalFields",
                 {{"orderProducts",
                   {{{"externalid", "a"}, {"name", "A"}, {"price", 1}, {"quantity", 1}},
                    {{"externalid", "b"}, {"name", "B"}, {"price", 2}, {"quantity", 1}},
                    {{"externalid", "c"}, {"name", "C"}, {"price", -3}, {"quantity", 1}}}}}}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("AdditionalFields.orderProducts[2].price"));
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(EcommerceHandler, OrderDiscountTypeIsOrderOrShipping) {
  json result = envelope(
      "update_ecommerce_order",
      {{"OrderId", 1},
       {"AdditionalFields",
        {{"orderDiscounts", {{{"name", "1OFF"}, {"type", "coupon"}, {"discountAmount", 100}}}}}}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(),
              HasSubstr("AdditionalFields.orderDiscounts[0].type"));
}

TEST_F(EcommerceHandler, UpdateOrderProductsNeedAPositiveQuantity) {
  json result = envelope(
      "update_ecommerce_order",
      {{"OrderId", 1},
       {"OrderProducts", {{{"externalid", "a"}, {"name", "A"}, {"price", 1}, {"quantity", 0}}}}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("OrderProducts[0].quantity"));
}

TEST_F(EcommerceHandler, UpdateCustomerRefusesCoreFieldsInAdditionalFields) {
  json result = envelope("update_ecommerce_customer",
                         {{"EcommerceCustomerId", 1}, {"AdditionalFields", {{"email", "a@b.co"}}}});
  EXPECT_EQ(result["StatusCode"], -1);
  EXPECT_THAT(result["ErrorMessage"].get<std::string>(), HasSubstr("AdditionalFields.email"));
  EXPECT_TRUE(upstream.requests.empty());
}

// ---------- Ecommerce tools through the sandbox (seed: connection 1, customer 1
// "cust-1001" <jane.doe@example.com>, order 1 "order-5001" of customer 1 with products 1 and 2)

class EcommerceSandbox : public SandboxTools {};

// ---------- Ecommerce customers

TEST_F(EcommerceSandbox, CreateCustomer) {
  json envelope = call("create_ecommerce_customer", kNewCustomer);
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/ecomCustomers", {},
                 {{"ecomCustomer",
                   {{"connectionid", 1},
                    {"externalid", "cust-2002"},
                    {"email", "new.shopper@example.com"},
                    {"acceptsMarketing", 0}}}});
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["EcommerceCustomer"]["email"], "new.shopper@example.com");
  EXPECT_EQ(envelope["EcommerceCustomer"]["externalid"], "cust-2002");
  EXPECT_FALSE(envelope["EcommerceCustomer"]["id"].get<std::string>().empty());
}

TEST_F(EcommerceSandbox, CreateCustomerTwiceOnTheSameConnectionIs422) {
  json envelope = call("create_ecommerce_customer",
                       with(kNewCustomer, "ExternalId", "cust-1001"));
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_EQ(envelope["OriginalStatusCode"], 422);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Create an Ecommerce Customer failed: ActiveCampaign rejected the data"));
  EXPECT_EQ(envelope["EcommerceCustomer"], json::object());
}

TEST_F(EcommerceSandbox, DeleteCustomer) {
  json created = call("create_ecommerce_customer", kNewCustomer);
  const std::string id = created["EcommerceCustomer"]["id"];
  sandbox->clear_requests();
  json envelope = call("delete_ecommerce_customer", {{"EcommerceCustomerId", id}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/ecomCustomers/" + id);
  EXPECT_EQ(envelope["DeletedEcommerceCustomer"], json({{"id", id}, {"deleted", true}}));
  json again = call("delete_ecommerce_customer", {{"EcommerceCustomerId", id}});
  EXPECT_EQ(again["OriginalStatusCode"], 404);
  EXPECT_THAT(again["ErrorMessage"].get<std::string>(),
              HasSubstr("ecommerce customer " + id + " was not found"));
  EXPECT_EQ(again["DeletedEcommerceCustomer"], json::object());
}

TEST_F(EcommerceSandbox, GetCustomersWithDefaults) {
  json envelope = call("get_ecommerce_customers", json::object());
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomCustomers", {{"limit", "20"}, {"offset", "0"}});
  ASSERT_EQ(envelope["Customers"]["Customers"].size(), 1u);
  EXPECT_EQ(envelope["Customers"]["Customers"][0]["externalid"], "cust-1001");
  EXPECT_EQ(envelope["Customers"]["TotalCount"], 1);
}

TEST_F(EcommerceSandbox, GetCustomersFiltersByEmailAndConnection) {
  call("create_ecommerce_customer", kNewCustomer);
  sandbox->clear_requests();
  json envelope = call("get_ecommerce_customers",
                       {{"Email", "new.shopper@example.com"}, {"ConnectionId", "1"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomCustomers",
                 {{"filters[email]", "new.shopper@example.com"},
                  {"filters[connectionid]", "1"},
                  {"limit", "20"},
                  {"offset", "0"}});
  ASSERT_EQ(envelope["Customers"]["Customers"].size(), 1u);
  EXPECT_EQ(envelope["Customers"]["Customers"][0]["externalid"], "cust-2002");
  EXPECT_EQ(envelope["Customers"]["TotalCount"], 1);
}

TEST_F(EcommerceSandbox, GetCustomersSearchIsDoneByTheServer) {
  call("create_ecommerce_customer", kNewCustomer);
  sandbox->clear_requests();
  json envelope = call("get_ecommerce_customers", {{"Search", "SHOPPER"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomCustomers", {{"limit", "100"}, {"offset", "0"}});
  ASSERT_EQ(envelope["Customers"]["Customers"].size(), 1u);
  EXPECT_EQ(envelope["Customers"]["Customers"][0]["email"], "new.shopper@example.com");
  EXPECT_EQ(envelope["Customers"]["TotalCount"], 1);
}

TEST_F(EcommerceSandbox, GetCustomerById) {
  json envelope = call("get_ecommerce_customer", {{"EcommerceCustomerId", "1"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomCustomers/1");
  EXPECT_EQ(envelope["Customer"]["email"], "jane.doe@example.com");
  EXPECT_EQ(envelope["Customer"]["totalRevenue"], "7900");
}

TEST_F(EcommerceSandbox, GetCustomerByEmail) {
  json envelope =
      call("get_ecommerce_customer", {{"Email", "jane.doe@example.com"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomCustomers", {{"filters[email]", "jane.doe@example.com"}});
  EXPECT_EQ(envelope["Customer"]["id"], "1");
}

TEST_F(EcommerceSandbox, GetCustomerNotFound) {
  json envelope = call("get_ecommerce_customer", {{"EcommerceCustomerId", 404}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("ecommerce customer 404 was not found"));
  json by_email = call("get_ecommerce_customer", {{"Email", "nobody@example.com"}});
  EXPECT_EQ(by_email["OriginalStatusCode"], 200);
  EXPECT_THAT(by_email["ErrorMessage"].get<std::string>(),
              HasSubstr("no ecommerce customer has the email nobody@example.com"));
}

TEST_F(EcommerceSandbox, UpdateCustomerSendsOnlyGivenFieldsAndNestsTheResult) {
  json envelope = call("update_ecommerce_customer",
                       {{"EcommerceCustomerId", 1},
                        {"ExternalId", "cust-1001-b"},
                        {"AcceptsMarketing", "0"},
                        {"AdditionalFields", {{"totalOrders", "2"}}}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(
      log()[0], "PUT", "/ecomCustomers/1", {},
      {{"ecomCustomer",
        {{"totalOrders", "2"}, {"externalid", "cust-1001-b"}, {"acceptsMarketing", 0}}}});
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["EcommerceCustomer"]["EcommerceCustomer"]["externalid"], "cust-1001-b");
  EXPECT_EQ(envelope["EcommerceCustomer"]["EcommerceCustomer"]["email"], "jane.doe@example.com");
}

TEST_F(EcommerceSandbox, UpdateCustomerNotFound) {
  json envelope = call("update_ecommerce_customer",
                       {{"EcommerceCustomerId", 404}, {"Email", "a@example.com"}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("ecommerce customer 404 was not found"));
  EXPECT_EQ(envelope["EcommerceCustomer"], json::object());
}

// ---------- Ecommerce orders

TEST_F(EcommerceSandbox, CreateOrderSendsCentsAsGivenAndCurrencyUppercase) {
  json envelope = call("create_ecommerce_order", kNewOrder);
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "POST", "/ecomOrders", {},
                 {{"ecomOrder",
                   {{"externalid", "order-6001"},
                    {"email", "jane.doe@example.com"},
                    {"totalPrice", 7900},
                    {"currency", "USD"},
                    {"connectionid", 1},
                    {"customerid", 1},
                    {"externalCreatedDate", "2026-11-20T10:00:00Z"},
                    {"source", 1},
                    {"orderProducts", kNewOrder["AdditionalFields"]["orderProducts"]}}}});
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["Order"]["externalid"], "order-6001");
  EXPECT_EQ(envelope["Order"]["currency"], "USD");
  EXPECT_FALSE(envelope["Order"]["id"].get<std::string>().empty());
}

TEST_F(EcommerceSandbox, CreateAbandonedCartWithCheckoutIdAndDate) {
  json args = kNewOrder;
  args.erase("ExternalId");
  args["ExternalCheckoutId"] = "cart-77";
  args["AbandonedDate"] = "2026-11-21T08:00:00Z";
  json envelope = call("create_ecommerce_order", args);
  ASSERT_EQ(log().size(), 1u);
  const json sent = log()[0].body["ecomOrder"];
  EXPECT_EQ(sent["externalcheckoutid"], "cart-77");
  EXPECT_EQ(sent["abandonedDate"], "2026-11-21T08:00:00Z");
  EXPECT_FALSE(sent.contains("externalid"));
  EXPECT_EQ(envelope["ErrorMessage"], "");
}

TEST_F(EcommerceSandbox, CreateOrderNeedsExactlyOneExternalIdAndTheAbandonedDate) {
  json neither = kNewOrder;
  neither.erase("ExternalId");
  json envelope = call("create_ecommerce_order", neither);
  EXPECT_EQ(envelope["StatusCode"], -1);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("ExternalCheckoutId is required when ExternalId is not given"));

  json both = with(with(kNewOrder, "ExternalCheckoutId", "cart-1"), "AbandonedDate",
                   "2026-11-21T08:00:00Z");
  envelope = call("create_ecommerce_order", both);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("ExternalCheckoutId must not be given when ExternalId is given"));

  json no_date = neither;
  no_date["ExternalCheckoutId"] = "cart-1";
  envelope = call("create_ecommerce_order", no_date);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("AbandonedDate is required when ExternalCheckoutId is given"));
  EXPECT_TRUE(log().empty());
}

TEST_F(EcommerceSandbox, CreateOrderWithADuplicateExternalIdIs422) {
  json envelope =
      call("create_ecommerce_order", with(kNewOrder, "ExternalId", "order-5001"));
  EXPECT_EQ(envelope["OriginalStatusCode"], 422);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("HTTP 422"));
  EXPECT_EQ(envelope["Order"], json::object());
}

TEST_F(EcommerceSandbox, DeleteOrder) {
  json envelope = call("delete_ecommerce_order", {{"OrderId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "DELETE", "/ecomOrders/1");
  EXPECT_EQ(envelope["DeletedEcommerceOrder"], json({{"deleted", true}, {"orderId", "1"}}));
  json again = call("delete_ecommerce_order", {{"OrderId", 1}});
  EXPECT_EQ(again["OriginalStatusCode"], 404);
  EXPECT_THAT(again["ErrorMessage"].get<std::string>(),
              HasSubstr("ecommerce order 1 was not found"));
  EXPECT_EQ(again["DeletedEcommerceOrder"], json::object());
}

TEST_F(EcommerceSandbox, GetOrdersByCustomerId) {
  json envelope = call("get_ecommerce_orders", {{"CustomerId", "1"}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomOrders",
                 {{"filters[customerid]", "1"}, {"limit", "20"}, {"offset", "0"}});
  ASSERT_EQ(envelope["Orders"]["orders"].size(), 1u);
  EXPECT_EQ(envelope["Orders"]["orders"][0]["externalid"], "order-5001");
  EXPECT_EQ(envelope["Orders"]["total"], 1);
  EXPECT_EQ(envelope["Orders"]["hasMore"], false);
}

TEST_F(EcommerceSandbox, GetOrdersByCustomerExternalId) {
  json envelope = call("get_ecommerce_orders", {{"ExternalId", "cust-1001"}});
  ASSERT_EQ(log().size(), 2u);
  expect_request(log()[0], "GET", "/ecomCustomers", {{"filters[externalid]", "cust-1001"}});
  expect_request(log()[1], "GET", "/ecomOrders",
                 {{"filters[customerid]", "1"}, {"limit", "20"}, {"offset", "0"}});
  ASSERT_EQ(envelope["Orders"]["orders"].size(), 1u);
  EXPECT_EQ(envelope["Orders"]["orders"][0]["id"], "1");
}

TEST_F(EcommerceSandbox, GetOrdersByUnknownExternalId) {
  json envelope = call("get_ecommerce_orders", {{"ExternalId", "cust-9999"}});
  ASSERT_EQ(log().size(), 1u);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("no ecommerce customer has the external ID cust-9999"));
}

TEST_F(EcommerceSandbox, GetOrdersPages) {
  call("create_ecommerce_order", kNewOrder);
  sandbox->clear_requests();
  json envelope = call("get_ecommerce_orders", {{"Limit", 1}});
  expect_request(log().at(0), "GET", "/ecomOrders", {{"limit", "1"}, {"offset", "0"}});
  EXPECT_EQ(envelope["Orders"]["orders"].size(), 1u);
  EXPECT_EQ(envelope["Orders"]["total"], 2);
  EXPECT_EQ(envelope["Orders"]["hasMore"], true);
}

TEST_F(EcommerceSandbox, GetOrder) {
  json envelope = call("get_ecommerce_order", {{"OrderId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomOrders/1");
  EXPECT_EQ(envelope["Order"]["id"], "1");
  EXPECT_EQ(envelope["Order"]["externalid"], "order-5001");
  EXPECT_EQ(envelope["Order"]["customerid"], "1");
}

TEST_F(EcommerceSandbox, GetOrderNotFound) {
  json envelope = call("get_ecommerce_order", {{"OrderId", 404}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("Get an Ecommerce Order failed: ecommerce order 404 was not found"));
}

TEST_F(EcommerceSandbox, UpdateOrderSendsOnlyGivenFields) {
  json envelope =
      call("update_ecommerce_order", {{"OrderId", 1},
                                                     {"TotalPrice", 8400},
                                                     {"Currency", "eur"},
                                                     {"AdditionalFields",
                                                      {{"shippingAmount", 500},
                                                       {"orderNumber", "5001-B"},
                                                       {"abandoneDate", "2026-11-22T00:00:00Z"}}}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "PUT", "/ecomOrders/1", {},
                 {{"ecomOrder",
                   {{"totalPrice", 8400},
                    {"currency", "EUR"},
                    {"shippingAmount", 500},
                    {"orderNumber", "5001-B"},
                    {"abandonedDate", "2026-11-22T00:00:00Z"}}}});
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["EcommerceOrder"]["currency"], "EUR");
  EXPECT_EQ(envelope["EcommerceOrder"]["externalid"], "order-5001");
}

TEST_F(EcommerceSandbox, UpdateOrderAcceptsEitherSpellingOfTheAbandonedDate) {
  call("update_ecommerce_order",
       {{"OrderId", 1}, {"AdditionalFields", {{"abandonedDate", "2026-11-22T00:00:00Z"}}}});
  EXPECT_EQ(log().at(0).body["ecomOrder"], json({{"abandonedDate", "2026-11-22T00:00:00Z"}}));
  json both = call(
      "update_ecommerce_order",
      {{"OrderId", 1},
       {"AdditionalFields",
        {{"abandonedDate", "2026-11-22T00:00:00Z"}, {"abandoneDate", "2026-11-23T00:00:00Z"}}}});
  EXPECT_EQ(both["StatusCode"], -1);
  EXPECT_EQ(log().size(), 1u);
}

TEST_F(EcommerceSandbox, UpdateOrderReplacesTheProducts) {
  json envelope = call("update_ecommerce_order", {{"OrderId", 1},
                                                                 {"OrderProducts",
                                                                  {{{"externalid", "prod-123"},
                                                                    {"name", "Wireless Mouse"},
                                                                    {"price", 2999},
                                                                    {"quantity", 2}}}}});
  ASSERT_EQ(log().size(), 1u);
  EXPECT_EQ(log()[0].body["ecomOrder"]["orderProducts"][0]["name"], "Wireless Mouse");
  EXPECT_EQ(envelope["ErrorMessage"], "");
  json products = store("GET", "/ecomOrders/1/orderProducts")["ecomOrderProducts"];
  ASSERT_EQ(products.size(), 1u);
  EXPECT_EQ(products[0]["name"], "Wireless Mouse");
}

TEST_F(EcommerceSandbox, UpdateOrderNotFound) {
  json missing =
      call("update_ecommerce_order", {{"OrderId", 404}, {"TotalPrice", 1}});
  EXPECT_EQ(missing["OriginalStatusCode"], 404);
  EXPECT_THAT(missing["ErrorMessage"].get<std::string>(),
              HasSubstr("ecommerce order 404 was not found"));
  EXPECT_EQ(missing["EcommerceOrder"], json::object());
}

// ---------- Ecommerce order products

TEST_F(EcommerceSandbox, GetOrderProductByProductIdRenamesAndConvertsFields) {
  json envelope =
      call("get_ecommerce_order_product_by_product_id", {{"ProductId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomOrderProducts/1");
  const json& product = envelope["Product"];
  EXPECT_EQ(product["id"], "1");
  EXPECT_EQ(product["orderId"], "1");
  EXPECT_EQ(product["productId"], "PROD-POGO");
  EXPECT_EQ(product["price"], 4900);
  EXPECT_EQ(product["quantity"], 1);
  EXPECT_EQ(product["name"], "Pogo Stick");
}

TEST_F(EcommerceSandbox, GetOrderProductNotFound) {
  json envelope =
      call("get_ecommerce_order_product_by_product_id", {{"ProductId", 404}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("order product 404 was not found"));
  EXPECT_EQ(envelope["Product"], json::object());
}

TEST_F(EcommerceSandbox, GetOrderProductsWithDefaults) {
  json envelope = call("get_ecommerce_order_products", json::object());
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomOrderProducts", {{"limit", "100"}, {"offset", "0"}});
  EXPECT_EQ(envelope["Products"]["Products"].size(), 2u);
  EXPECT_EQ(envelope["Products"]["TotalCount"], 2);
}

TEST_F(EcommerceSandbox, GetOrderProductsPages) {
  json envelope =
      call("get_ecommerce_order_products", {{"Limit", 1}, {"Offset", 1}});
  expect_request(log().at(0), "GET", "/ecomOrderProducts", {{"limit", "1"}, {"offset", "1"}});
  ASSERT_EQ(envelope["Products"]["Products"].size(), 1u);
  EXPECT_EQ(envelope["Products"]["Products"][0]["id"], "2");
  EXPECT_EQ(envelope["Products"]["TotalCount"], 2);
}

TEST_F(EcommerceSandbox, GetOrderProductsByOrderIdIsAPlainArray) {
  json envelope = call("get_ecommerce_order_products_by_order_id", {{"OrderId", 1}});
  ASSERT_EQ(log().size(), 1u);
  expect_request(log()[0], "GET", "/ecomOrders/1/orderProducts",
                 {{"limit", "100"}, {"offset", "0"}});
  ASSERT_TRUE(envelope["Products"].is_array());
  ASSERT_EQ(envelope["Products"].size(), 2u);
  EXPECT_EQ(envelope["Products"][0]["name"], "Pogo Stick");
  EXPECT_EQ(envelope["Products"][1]["name"], "Skateboard");
}

TEST_F(EcommerceSandbox, GetOrderProductsByUnknownOrderIsAnEmptyArray) {
  json envelope =
      call("get_ecommerce_order_products_by_order_id", {{"OrderId", 404}});
  EXPECT_EQ(envelope["OriginalStatusCode"], 404);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(),
              HasSubstr("ecommerce order 404 was not found"));
  EXPECT_EQ(envelope["Products"], json::array());
}

}  // namespace
}  // namespace acmcp::tools
