// The generic rules every tool keeps, checked through the sandbox for each of them from one table:
// invalid arguments send nothing (-1), no usable answer is 500, an upstream error is 200 with a
// message and the empty data shape, and success fits the tool's outputSchema.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sample_arguments.hpp"
#include "sandbox_fixture.hpp"
#include "schema/validator.hpp"

namespace acmcp::tools {
namespace {

using ::testing::HasSubstr;

struct ToolCase {
  ToolCase(std::string tool, json invalid, json valid, json empty_data = json::object(),
           json failed_data = nullptr)
      : tool(std::move(tool)),
        invalid(std::move(invalid)),
        valid(std::move(valid)),
        empty(std::move(empty_data)),
        failed(failed_data.is_null() ? empty : std::move(failed_data)) {}

  std::string tool;
  json invalid;  // arguments the inputSchema (or the tool's own rules) reject
  json valid;    // arguments that succeed against the sandbox's seed
  json empty;    // the data on invalid arguments (and on any failure, unless `failed` differs)
  json failed;   // the data when the valid arguments meet an upstream or transport failure
};

// Names the case in failure messages instead of dumping its bytes.
void PrintTo(const ToolCase& c, std::ostream* out) { *out << c.tool; }

// Each test gets a fresh sandbox, so a case's valid arguments only need the seed.
const std::vector<ToolCase>& every_tool_case() {
  static const std::vector<ToolCase> cases = {
      // Contacts
      {"create_contact", {{"Email", "not-an-email"}}, {{"Email", "new@example.com"}}},
      {"delete_contact", {{"ContactId", 0}}, {{"ContactId", 3}}},
      {"get_many_contacts", {{"Limit", 101}}, json::object()},
      {"get_contact", {{"ContactId", "abc"}}, {{"ContactId", 1}}},
      {"update_contact", {{"ContactId", 1}, {"Email", "bad"}}, {{"ContactId", 1}}},
      // Contact lists and tags
      {"add_contact_to_list",
       {{"ContactId", 2}, {"ListId", 1}, {"Status", 3}},
       {{"ContactId", 2}, {"ListId", 1}}},
      // Once the arguments are valid, a failure still says what was (not) removed.
      {"remove_contact_from_list",
       {{"ContactId", 1}, {"ListId", 0}},
       {{"ContactId", 1}, {"ListId", 1}},
       json::object(),
       {{"RemovedCount", 0}, {"ContactId", 1}, {"ListId", 1}}},
      {"add_contact_tag",
       {{"ContactId", 2}, {"TagId", -1}},
       {{"ContactId", 2}, {"TagId", 1}}},
      {"remove_contact_tag", {{"ContactTagId", "abc"}}, {{"ContactTagId", "1"}}},
      // Tags
      {"create_tag", {{"Tag", "New"}, {"TagType", "bogus"}}, {{"Tag", "New"}}},
      {"delete_tag", {{"TagId", 0}}, {{"TagId", 1}}},
      {"get_many_tags", {{"SearchOperator", "like"}}, json::object()},
      {"get_tag", {{"TagId", 1.5}}, {{"TagId", 1}}},
      {"update_tag",
       {{"TagId", 1}, {"TagType", "other"}},
       {{"TagId", 1}, {"TagName", "Gold"}}},
      // Lists
      {"create_list",
       {{"Name", "N"},
        {"StringId", "Bad Id"},
        {"SenderUrl", "https://e.com"},
        {"SenderReminder", "r"}},
       {{"Name", "N"}, {"StringId", "n"}, {"SenderUrl", "https://e.com"}, {"SenderReminder", "r"}}},
      {"delete_list", {{"ListId", "0"}}, {{"ListId", 1}}, {{"deleted", false}}},
      {"get_many_lists", {{"FilterOrder", "random"}}, json::object()},
      {"get_list", {{"ListId", true}}, {{"ListId", 1}}},
      // Account contacts
      {"create_account_contact",
       {{"ContactId", 2}, {"AccountId", 1}},
       {{"ContactId", 2}, {"AccountId", 1}, {"JobTitle", "CTO"}}},
      {"delete_account_contact", {{"AssociationId", -3}}, {{"AssociationId", 1}}},
      {"get_many_account_contacts", {{"Offset", -1}}, json::object()},
      {"get_account_contact", {{"AssociationId", 1.5}}, {{"AssociationId", 1}}},
      {"update_account_contact",
       {{"AssociationId", 1}, {"ContactId", 1}},
       {{"AssociationId", 1}, {"ContactId", 1}, {"AccountId", 1}, {"JobTitle", "Buyer"}}},
      // Accounts
      {"create_account", {{"Name", ""}}, {{"Name", "Globex"}}},
      {"delete_account", {{"AccountId", 0}}, {{"AccountId", 1}}},
      {"get_many_accounts", {{"Limit", 0}}, json::object()},
      {"get_account", {{"AccountId", "one"}}, {{"AccountId", 1}}},
      {"update_account",
       {{"AccountId", 1}, {"Owner", 0}},
       {{"AccountId", 1}, {"Name", "Acme Ltd"}}},
      // Connections
      {"create_connection", with(kNewConnection, "Service", ""), kNewConnection},
      {"delete_connection", {{"ConnectionId", 0}}, {{"ConnectionId", 1}}},
      {"get_many_connections", {{"Limit", 101}}, json::object()},
      {"get_connection", {{"ConnectionId", "x"}}, {{"ConnectionId", 1}}},
      {"update_connection",
       {{"ConnectionId", 1},
        {"Service", "demo-store"},
        {"ExternalId", "demo-store"},
        {"Name", "Demo"},
        {"AdditionalFields", {{"status", 2}}}},
       {{"ConnectionId", 1},
        {"Service", "demo-store"},
        {"ExternalId", "demo-store"},
        {"Name", "Demo"}}},
      // Deals and deal notes
      {"create_deal", with(kNewDeal, "Value", -1), kNewDeal},
      {"delete_deal", {{"DealId", 0}}, {{"DealId", 1}}},
      {"get_many_deals", {{"OrderTitle", "asc"}}, json::object()},
      {"get_deal", {{"DealId", "one"}}, {{"DealId", 1}}},
      {"update_deal",
       {{"DealId", 1}, {"Status", 3}},
       {{"DealId", 1}, {"Status", 1}}},
      {"create_deal_note",
       {{"DealId", 1}, {"NoteText", ""}},
       {{"DealId", 1}, {"NoteText", "Called the client."}}},
      {"update_deal_note",
       {{"DealId", 1}, {"NoteId", 1}},
       {{"DealId", 1}, {"NoteId", 1}, {"NoteText", "Called the client twice."}}},
      // Ecommerce customers
      {"create_ecommerce_customer", with(kNewCustomer, "Email", "not-an-email"),
       kNewCustomer},
      {"delete_ecommerce_customer",
       {{"EcommerceCustomerId", -4}},
       {{"EcommerceCustomerId", 1}}},
      {"get_ecommerce_customers",
       {{"Limit", 0}},
       json::object(),
       {{"Customers", json::array()}, {"TotalCount", 0}}},
      {"get_ecommerce_customer",
       {{"EcommerceCustomerId", "abc"}},
       {{"EcommerceCustomerId", 1}}},
      {"update_ecommerce_customer",
       {{"EcommerceCustomerId", 1}, {"AcceptsMarketing", 2}},
       {{"EcommerceCustomerId", 1}, {"AcceptsMarketing", 0}}},
      // Ecommerce orders and their products
      {"create_ecommerce_order", with(kNewOrder, "ExternalCheckoutId", "cart-1"),
       kNewOrder},
      {"delete_ecommerce_order", {{"OrderId", 0}}, {{"OrderId", 1}}},
      {"get_ecommerce_orders", {{"Limit", 101}}, json::object()},
      {"get_ecommerce_order", {{"OrderId", "1.5"}}, {{"OrderId", 1}}},
      {"update_ecommerce_order",
       {{"OrderId", 1}, {"Currency", "DOLLARS"}},
       {{"OrderId", 1}, {"TotalPrice", 8000}}},
      {"get_ecommerce_order_product_by_product_id",
       {{"ProductId", 0}},
       {{"ProductId", 1}}},
      {"get_ecommerce_order_products",
       {{"Offset", -1}},
       json::object(),
       {{"Products", json::array()}, {"TotalCount", 0}}},
      {"get_ecommerce_order_products_by_order_id",
       {{"OrderId", 1}, {"Limit", 500}},
       {{"OrderId", 1}},
       json::array()},
      // Pipelines
      {"create_pipeline",
       {{"Title", "Renewals"}, {"Currency", "us"}},
       {{"Title", "Renewals"}, {"Currency", "EUR"}}},
      {"delete_pipeline", {{"PipelineId", 0}}, {{"PipelineId", 1}}},
      {"get_many_pipelines", {{"FilterStage", 2}}, json::object()},
      {"get_pipeline", {{"PipelineId", "first"}}, {{"PipelineId", 1}}},
      {"update_pipeline",
       {{"PipelineId", 1}, {"AutoAssign", 3}},
       {{"PipelineId", 1}, {"Title", "Sales"}}},
      // Stages
      {"create_stage",
       {{"Title", "Won"}, {"PipelineId", 1}, {"Color", "#ff0000"}},
       {{"Title", "Won"}, {"PipelineId", 1}}},
      {"delete_stage", {{"StageId", -1}}, {{"StageId", 3}}},
      {"get_many_stages", {{"FilterGroup", 0}}, json::object()},
      {"get_stage", {{"StageId", 0}}, {{"StageId", 1}}},
      {"update_stage",
       {{"StageId", 1}, {"AdditionalFields", {{"cardRegion3", "no-avatar"}}}},
       {{"StageId", 1}, {"Title", "New lead"}}},
  };
  return cases;
}

// ---------- The table covers the registry exactly

TEST(EveryToolTable, CoversEveryToolOfTheRegistryAndNothingElse) {
  testing::FakeUpstream upstream;
  ToolRegistry registry{upstream};
  std::set<std::string> registered;
  for (const auto& definition : registry.tool_definitions()) registered.insert(definition["name"]);
  std::multiset<std::string> tabled;
  for (const auto& c : every_tool_case()) tabled.insert(c.tool);

  EXPECT_EQ(registered.size(), 63u);
  EXPECT_EQ(std::set<std::string>(tabled.begin(), tabled.end()), registered);
  EXPECT_EQ(tabled.size(), registered.size()) << "a tool is in the table twice";
}

// ---------- The generic rules, one test per tool

class EveryTool : public SandboxTools, public ::testing::WithParamInterface<ToolCase> {
 protected:
  const json& output_schema() const {
    for (const auto& definition : registry->tool_definitions()) {
      if (definition["name"] == GetParam().tool) return definition["outputSchema"];
    }
    throw std::runtime_error("no definition for " + GetParam().tool);
  }

  // The one key of the envelope that is not OriginalStatusCode, StatusCode or ErrorMessage.
  std::string data_key() const {
    for (const auto& key : output_schema()["required"]) {
      if (key != "OriginalStatusCode" && key != "StatusCode" && key != "ErrorMessage") return key;
    }
    throw std::runtime_error("no data key for " + GetParam().tool);
  }

  // The envelope holds exactly its four keys, the data being `expected`.
  void expect_data(const json& envelope, const json& expected) const {
    EXPECT_EQ(envelope.size(), 4u) << envelope.dump();
    EXPECT_EQ(envelope.value(data_key(), json()), expected) << envelope.dump();
  }

  // Every request answered with `status` and a JSON error body.
  void expect_upstream_server_error(int status) {
    answer("", "", status, R"({"message":"Upstream trouble"})");
    json envelope = call(GetParam().tool, GetParam().valid);
    EXPECT_EQ(envelope["StatusCode"], 200);
    EXPECT_EQ(envelope["OriginalStatusCode"], status);
    const std::string message = envelope["ErrorMessage"];
    EXPECT_THAT(message, HasSubstr("ActiveCampaign failed to handle the request (HTTP " +
                                   std::to_string(status)));
    EXPECT_THAT(message, HasSubstr("may be retried"));
    expect_data(envelope, GetParam().failed);
  }
};

TEST_P(EveryTool, RejectsInvalidArgumentsWithoutCallingUpstream) {
  json envelope = call(GetParam().tool, GetParam().invalid);
  EXPECT_EQ(envelope["StatusCode"], -1);
  EXPECT_EQ(envelope["OriginalStatusCode"], 0);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("invalid arguments"));
  expect_data(envelope, GetParam().empty);
  EXPECT_TRUE(log().empty());
}

TEST_P(EveryTool, ReportsAConnectionResetAs500) {
  reset_everything();
  json envelope = call(GetParam().tool, GetParam().valid);
  EXPECT_EQ(envelope["StatusCode"], 500);
  EXPECT_EQ(envelope["OriginalStatusCode"], 0);
  EXPECT_THAT(envelope["ErrorMessage"].get<std::string>(), HasSubstr("may be retried"));
  expect_data(envelope, GetParam().failed);
}

TEST_P(EveryTool, ReportsANonJsonBodyAs500WithTheHttpStatus) {
  testkit::Fault fault;
  fault.kind = testkit::Fault::Kind::NonJson;
  fault.count = -1;
  testkit::add_fault(*sandbox, fault);
  json envelope = call(GetParam().tool, GetParam().valid);
  EXPECT_EQ(envelope["StatusCode"], 500);
  EXPECT_EQ(envelope["OriginalStatusCode"], 200);
  expect_data(envelope, GetParam().failed);
}

TEST_P(EveryTool, ReportsAnUpstream500With200AndTheEmptyData) {
  expect_upstream_server_error(500);
}

TEST_P(EveryTool, ReportsAnUpstream503With200AndTheEmptyData) {
  expect_upstream_server_error(503);
}

TEST_P(EveryTool, SucceedsWithValidArgumentsAndFitsTheOutputSchema) {
  json envelope = call(GetParam().tool, GetParam().valid);
  EXPECT_EQ(envelope["ErrorMessage"], "");
  EXPECT_EQ(envelope["StatusCode"], 200);
  EXPECT_GE(envelope["OriginalStatusCode"].get<int>(), 200);
  EXPECT_TRUE(envelope.contains(data_key())) << envelope.dump();
  // The sandbox's real-looking data (nulls, strings for numbers) fits the outputSchema.
  json checked = envelope;
  auto error = schema::coerce_and_validate(output_schema(), checked);
  EXPECT_FALSE(error) << (error ? error->path + ": " + error->message : "");
}

INSTANTIATE_TEST_SUITE_P(Tools, EveryTool, ::testing::ValuesIn(every_tool_case()),
                         [](const ::testing::TestParamInfo<ToolCase>& info) {
                           return info.param.tool;
                         });

}  // namespace
}  // namespace acmcp::tools
