// The registry: the 63 definitions, their agreement with the spec, start-up checks, call_tool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "schema/validator.hpp"
#include "tool_test_support.hpp"

namespace acmcp::tools {
namespace {

using testing::call;
using testing::FakeUpstream;
using ::testing::HasSubstr;
using testing::http;
using testing::transport_failure;
using json = nlohmann::json;

const std::set<std::string> kTools = {"create_contact",
                                      "delete_contact",
                                      "get_many_contacts",
                                      "get_contact",
                                      "update_contact",
                                      "add_contact_to_list",
                                      "remove_contact_from_list",
                                      "add_contact_tag",
                                      "remove_contact_tag",
                                      "create_tag",
                                      "delete_tag",
                                      "get_many_tags",
                                      "get_tag",
                                      "update_tag",
                                      "create_list",
                                      "delete_list",
                                      "get_many_lists",
                                      "get_list"};

class Registry : public ::testing::Test {
 protected:
  FakeUpstream upstream;
  ToolRegistry registry{upstream};

  const json& definition(const std::string& name) {
    for (const auto& tool : registry.tool_definitions()) {
      if (tool["name"] == name) return tool;
    }
    throw std::runtime_error("no tool " + name);
  }
};

TEST_F(Registry, DefinesTheEighteenTools) {
  std::set<std::string> names;
  for (const auto& tool : registry.tool_definitions()) names.insert(tool["name"]);
  for (const auto& name : kTools) EXPECT_TRUE(names.contains(name)) << name;
  for (const auto& name : kTools) EXPECT_TRUE(registry.has_tool(name)) << name;
  EXPECT_FALSE(registry.has_tool("nope"));
}

TEST_F(Registry, EveryDefinitionHasTheMcpFields) {
  for (const auto& tool : registry.tool_definitions()) {
    SCOPED_TRACE(tool["name"].get<std::string>());
    for (const char* key :
         {"name", "title", "description", "inputSchema", "outputSchema", "annotations"}) {
      EXPECT_TRUE(tool.contains(key)) << key;
    }
    EXPECT_EQ(tool["inputSchema"]["type"], "object");
    EXPECT_EQ(tool["inputSchema"]["additionalProperties"], false);
    EXPECT_TRUE(tool["annotations"]["readOnlyHint"].is_boolean());
    EXPECT_EQ(tool["annotations"].value("openWorldHint", true), true);
    for (const auto& [name, property] : tool["inputSchema"]["properties"].items()) {
      EXPECT_FALSE(property.value("description", "").empty()) << name;
    }
  }
}

// The Anthropic API rejects a tool whose input_schema has anyOf, oneOf or allOf at the top level
// (and with it the whole tool list), and other clients drop tools with conditionals: the served
// schemas are flat, while the server validates with the whole schema of the file.
TEST_F(Registry, NoInputSchemaHasATopLevelCombinator) {
  for (const auto& tool : registry.tool_definitions()) {
    for (const char* keyword : {"anyOf", "oneOf", "allOf", "if", "then", "else", "not",
                                "dependentRequired", "dependentSchemas"}) {
      EXPECT_FALSE(tool["inputSchema"].contains(keyword)) << tool["name"] << " " << keyword;
    }
  }
}

TEST_F(Registry, OutputSchemaIsTheEnvelope) {
  const json& output = definition("get_tag")["outputSchema"];
  EXPECT_EQ(output["type"], "object");
  EXPECT_EQ(output["required"], json({"Tag", "OriginalStatusCode", "StatusCode", "ErrorMessage"}));
  EXPECT_EQ(output["properties"]["StatusCode"]["enum"], json({-1, 200, 500}));
}

// ActiveCampaign sends null in fields the spec types as strings (a new list's udate, a new
// pipeline's stages' cdate): every typed field inside the data takes null.
TEST_F(Registry, OutputSchemaFieldsInsideTheDataAcceptNull) {
  const json& data = definition("get_list")["outputSchema"]["properties"]["List"];
  json list = {{"id", "1"}, {"name", "Newsletter"}, {"udate", nullptr}, {"cdate", nullptr}};
  EXPECT_FALSE(schema::coerce_and_validate(data, list));
  json not_an_object = nullptr;
  EXPECT_TRUE(schema::coerce_and_validate(data, not_an_object));
}

TEST_F(Registry, OutputSchemaAllowsTheEmptyShapeWhenDataHasRequiredFields) {
  const json& data = definition("get_many_tags")["outputSchema"]["properties"]["Tags"];
  ASSERT_TRUE(data.contains("anyOf"));
  EXPECT_EQ(data["anyOf"][1], json({{"const", json::object()}}));
}

// ---- agreement with the operation spec (its facts are kept in tests/data/spec-operations.json)

using testing::operations_spec;
using testing::tool_name;

// A hint as a client reads it: what is served, else the MCP default.
bool served_hint(const json& tool, const std::string& hint) {
  const json& annotations = tool["annotations"];
  if (annotations.contains(hint)) return annotations[hint].get<bool>();
  if (annotations.value("readOnlyHint", false)) {
    return hint == "idempotentHint";  // a read changes nothing: not destructive, repeatable
  }
  return hint == "destructiveHint" || hint == "openWorldHint";
}

// Where the MCP definitions of the hints overrule the spec's annotations (docs/decisions.md,
// "Annotations"): overwriting is destructive, and a create that can make a second record is not
// idempotent.
const std::map<std::string, bool> kAnnotationRulings = {
    {"create_contact.destructiveHint", true},  // an upsert: overwrites an existing contact
    {"update_contact.destructiveHint", true},
    {"update_tag.destructiveHint", true},
    {"create_account.idempotentHint", false},  // CheckDuplicate can be turned off
    {"update_account.destructiveHint", true},
    {"update_account_contact.destructiveHint", true},
    {"update_connection.destructiveHint", true},
    {"update_deal.destructiveHint", true},
    {"update_deal_note.destructiveHint", true},
    {"update_pipeline.destructiveHint", true},
    {"create_stage.destructiveHint", true},  // Reorder renumbers the pipeline's other stages
    {"update_stage.destructiveHint", true},
    {"update_ecommerce_customer.destructiveHint", true},
    {"update_ecommerce_order.destructiveHint", true},  // replaces the product list
};

TEST_F(Registry, NamesParametersAndAnnotationsMatchTheSpec) {
  const json spec = operations_spec();
  int matched = 0;
  for (const auto& operation : spec["operations"]) {
    const std::string name = tool_name(operation);
    if (!registry.has_tool(name)) continue;
    ++matched;
    SCOPED_TRACE(name);
    const json& tool = definition(name);
    EXPECT_EQ(tool["title"], operation["operation"]);
    std::set<std::string> expected, actual;
    for (const auto& param : operation["params"]) expected.insert(param["name"]);
    for (const auto& [param, unused] : tool["inputSchema"]["properties"].items()) {
      actual.insert(param);
    }
    EXPECT_EQ(actual, expected);
    for (const char* hint : {"readOnlyHint", "destructiveHint", "idempotentHint"}) {
      const auto changed = kAnnotationRulings.find(name + "." + hint);
      const json expected = changed != kAnnotationRulings.end() ? json(changed->second)
                                                                : operation["annotations"][hint];
      EXPECT_EQ(served_hint(tool, hint), expected) << hint;
    }
    EXPECT_EQ(tool["outputSchema"]["required"][0], operation["data_key"]);
  }
  EXPECT_EQ(matched, static_cast<int>(registry.tool_definitions().size()));
  EXPECT_EQ(matched, static_cast<int>(spec["operations"].size()));
}

TEST_F(Registry, SpecRequiredParametersAreRequiredOrHandledByTheTool) {
  const json spec = operations_spec();
  for (const auto& operation : spec["operations"]) {
    const std::string name = tool_name(operation);
    if (!registry.has_tool(name)) continue;
    const json required = definition(name)["inputSchema"].value("required", json::array());
    for (const auto& param : operation["params"]) {
      if (!param["required"].get<bool>() || param.contains("required_note")) continue;
      EXPECT_NE(std::find(required.begin(), required.end(), param["name"]), required.end())
          << name << " " << param["name"];
    }
  }
}

// Where the spec states a type or constraint, the schema says the same (or accepts more:
// numeric IDs also as strings, "" for "keep current"). Two deliberate gaps: the contact sort
// options declare no default, so one given alone is not overridden by the other's default.
TEST_F(Registry, ParameterTypesAndConstraintsFollowTheSpec) {
  const json spec = operations_spec();
  // Update a Pipeline is a partial update: its documented defaults, if declared, would be sent
  // on every call and overwrite the pipeline's settings.
  const std::set<std::string> undeclared_defaults = {
      "get_many_contacts.SortById", "get_many_contacts.SortByEmail", "update_pipeline.AllGroups",
      "update_pipeline.AllUsers", "update_pipeline.AutoAssign"};
  // docs/decisions.md, "Currency case": currencies are accepted in any case; sent lowercase for
  // pipelines and deals, uppercase for ecommerce orders.
  const std::set<std::string> any_case_patterns = {
      "create_pipeline.Currency", "update_pipeline.Currency", "update_deal.Currency",
      "update_ecommerce_order.Currency"};
  // One type per ID: integer, numeric strings still accepted (the validator coerces them), where
  // the spec types some IDs as strings; and Reorder is 0/1 in both stage tools.
  const std::set<std::string> integer_ids = {"remove_contact_tag.ContactTagId",
                                             "create_connection.ListId",
                                             "get_many_stages.FilterGroup",
                                             "get_ecommerce_customers.ConnectionId",
                                             "get_ecommerce_customer.EcommerceCustomerId",
                                             "get_ecommerce_orders.CustomerId",
                                             "update_stage.Reorder"};
  for (const auto& operation : spec["operations"]) {
    const std::string name = tool_name(operation);
    if (!registry.has_tool(name)) continue;
    const json& properties = definition(name)["inputSchema"]["properties"];
    for (const auto& param : operation["params"]) {
      const std::string param_name = param["name"];
      SCOPED_TRACE(name + "." + param_name);
      const json& property = properties.at(param_name);
      json types = property["type"].is_array() ? property["type"] : json::array({property["type"]});
      const bool integer_id = integer_ids.contains(name + "." + param_name);
      if (integer_id) {
        EXPECT_EQ(property["type"], "integer");
      } else {
        EXPECT_NE(std::find(types.begin(), types.end(), param["type"]), types.end());
      }
      const json& constraints = param["constraints"];
      for (const char* key : {"minimum", "maximum", "pattern", "format"}) {
        if (!constraints.contains(key)) continue;
        if (integer_id && std::string(key) == "pattern") continue;  // a pattern checks strings
        if (std::string(key) == "pattern" && any_case_patterns.contains(name + "." + param_name)) {
          EXPECT_EQ(property.value(key, json()), "^[A-Za-z]{3}$");
          continue;
        }
        EXPECT_EQ(property.value(key, json()), constraints[key]) << key;
      }
      if (constraints.contains("enum")) {
        for (const auto& value : constraints["enum"]) {
          EXPECT_NE(std::find(property["enum"].begin(), property["enum"].end(), value),
                    property["enum"].end())
              << value;
        }
      }
      if (constraints.contains("default") &&
          !undeclared_defaults.contains(name + "." + param_name)) {
        EXPECT_EQ(property.value("default", json()), constraints["default"]);
      }
    }
  }
}

// ---- call_tool

// The session answers an unknown name itself (has_tool); a call that skipped it is a bug, which
// must not pass for a tool result.
TEST_F(Registry, UnknownToolIsAnException) {
  EXPECT_FALSE(registry.has_tool("nope"));
  EXPECT_ANY_THROW(call(registry, "nope", json::object()));
}

TEST_F(Registry, ArgumentsThatAreNotAnObjectAreInvalidInput) {
  json result = call(registry, "get_tag", json::array({1}));
  EXPECT_EQ(result["structuredContent"]["StatusCode"], -1);
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(Registry, NullArgumentsCountAsEmpty) {
  json result = call(registry, "get_many_tags", nullptr);
  EXPECT_EQ(result["structuredContent"]["StatusCode"], 200);
  EXPECT_EQ(upstream.requests.size(), 1u);
}

TEST_F(Registry, ValidationMessageNamesTheOperationAndParameter) {
  json result = call(registry, "get_tag", {{"TagId", 0}});
  const std::string message = result["structuredContent"]["ErrorMessage"];
  EXPECT_TRUE(message.starts_with("Get a Tag failed: invalid arguments: ")) << message;
  EXPECT_THAT(message, HasSubstr("TagId"));
  EXPECT_TRUE(result["isError"].get<bool>());
}

TEST_F(Registry, NumericStringsAreCoerced) {
  upstream.script.push_back(http(200, {{"tag", {{"id", "12"}}}}));
  json result = call(registry, "get_tag", {{"TagId", "12"}});
  EXPECT_EQ(result["structuredContent"]["StatusCode"], 200);
  EXPECT_EQ(upstream.requests.at(0).path, "/tags/12");
}

TEST_F(Registry, HandlerExceptionsBecomeAnInternalError) {
  upstream.responder = [](const ac::Request&) -> ac::Response { throw std::runtime_error("boom"); };
  json result = call(registry, "get_tag", {{"TagId", 1}});
  EXPECT_EQ(result["structuredContent"]["StatusCode"], 500);
  EXPECT_THAT(result["structuredContent"]["ErrorMessage"].get<std::string>(),
              HasSubstr("internal error"));
}

// Arguments that pass validation for each tool, and a body with every key any tool reads.
const std::map<std::string, json> kValidArguments = {
    {"create_contact", {{"Email", "a@example.com"}}},
    {"delete_contact", {{"ContactId", 1}}},
    {"get_many_contacts", json::object()},
    {"get_contact", {{"ContactId", 1}}},
    {"update_contact", {{"ContactId", 1}, {"FirstName", "A"}}},
    {"add_contact_to_list", {{"ContactId", 1}, {"ListId", 3}}},
    {"remove_contact_from_list", {{"ContactId", 1}, {"ListId", 3}}},
    {"add_contact_tag", {{"ContactId", 1}, {"TagId", 2}}},
    {"remove_contact_tag", {{"ContactTagId", "7"}}},
    {"create_tag", {{"Tag", "Fresh"}}},
    {"delete_tag", {{"TagId", 2}}},
    {"get_many_tags", json::object()},
    {"get_tag", {{"TagId", 2}}},
    {"update_tag", {{"TagId", 2}, {"TagName", "X"}}},
    {"create_list",
     {{"Name", "N"}, {"StringId", "n"}, {"SenderUrl", "https://e.com"}, {"SenderReminder", "r"}}},
    {"delete_list", {{"ListId", 3}}},
    {"get_many_lists", json::object()},
    {"get_list", {{"ListId", 3}}},
    {"create_account", {{"Name", "Acme"}}},
    {"delete_account", {{"AccountId", 1}}},
    {"get_many_accounts", json::object()},
    {"get_account", {{"AccountId", 1}}},
    {"update_account", {{"AccountId", 1}, {"Name", "Acme"}}},
    {"create_account_contact", {{"ContactId", 1}, {"AccountId", 1}, {"JobTitle", "CTO"}}},
    {"delete_account_contact", {{"AssociationId", 1}}},
    {"get_many_account_contacts", json::object()},
    {"get_account_contact", {{"AssociationId", 1}}},
    {"update_account_contact", {{"AssociationId", 1}, {"ContactId", 1}, {"AccountId", 1}}},
    {"create_connection",
     {{"Service", "s"}, {"ExternalId", "e"}, {"Name", "n"}, {"LogoUrl", "l"}, {"LinkUrl", "k"}}},
    {"delete_connection", {{"ConnectionId", 1}}},
    {"get_many_connections", json::object()},
    {"get_connection", {{"ConnectionId", 1}}},
    {"update_connection",
     {{"ConnectionId", 1}, {"Service", "s"}, {"ExternalId", "e"}, {"Name", "n"}}},
    {"create_pipeline", {{"Title", "P"}, {"Currency", "usd"}}},
    {"delete_pipeline", {{"PipelineId", 1}}},
    {"get_many_pipelines", json::object()},
    {"get_pipeline", {{"PipelineId", 1}}},
    {"update_pipeline", {{"PipelineId", 1}, {"Title", "P"}}},
    {"create_stage", {{"Title", "S"}, {"PipelineId", 1}}},
    {"delete_stage", {{"StageId", 1}}},
    {"get_many_stages", json::object()},
    {"get_stage", {{"StageId", 1}}},
    {"update_stage", {{"StageId", 1}, {"Title", "S"}}},
    {"create_deal",
     {{"Title", "D"},
      {"ContactId", 1},
      {"Value", 100},
      {"Currency", "usd"},
      {"StageId", 1},
      {"PipelineId", 1}}},
    {"delete_deal", {{"DealId", 1}}},
    {"get_many_deals", json::object()},
    {"get_deal", {{"DealId", 1}}},
    {"update_deal", {{"DealId", 1}, {"Title", "D"}}},
    {"create_deal_note", {{"DealId", 1}, {"NoteText", "N"}}},
    {"update_deal_note", {{"DealId", 1}, {"NoteId", 1}, {"NoteText", "N"}}},
    {"create_ecommerce_customer",
     {{"Email", "a@example.com"}, {"ConnectionId", 1}, {"ExternalId", "c1"}}},
    {"delete_ecommerce_customer", {{"EcommerceCustomerId", 1}}},
    {"get_ecommerce_customers", json::object()},
    {"get_ecommerce_customer", {{"EcommerceCustomerId", 1}}},
    {"update_ecommerce_customer", {{"EcommerceCustomerId", 1}, {"ExternalId", "c2"}}},
    {"create_ecommerce_order",
     {{"ExternalId", "o1"},
      {"Email", "a@example.com"},
      {"TotalPrice", 100},
      {"Currency", "usd"},
      {"ConnectionId", 1},
      {"CustomerId", 1},
      {"ExternalCreatedDate", "2026-03-19T00:00:00Z"}}},
    {"delete_ecommerce_order", {{"OrderId", 1}}},
    {"get_ecommerce_orders", json::object()},
    {"get_ecommerce_order", {{"OrderId", 1}}},
    {"update_ecommerce_order", {{"OrderId", 1}, {"TotalPrice", 100}}},
    {"get_ecommerce_order_product_by_product_id", {{"ProductId", 1}}},
    {"get_ecommerce_order_products", json::object()},
    {"get_ecommerce_order_products_by_order_id", {{"OrderId", 1}}},
};

const json kEverythingBody = {
    {"contact", {{"id", "1"}, {"email", "a@example.com"}}},
    {"contacts", {{{"id", "1"}}}},
    {"fieldValues", json::array()},
    {"contactList", {{"id", "9"}, {"contact", "1"}, {"list", "3"}, {"status", "1"}}},
    {"contactLists", {{{"id", "9"}, {"contact", "1"}, {"list", "3"}}}},
    {"contactTag", {{"id", "7"}, {"contact", "1"}, {"tag", "2"}}},
    {"contactTags", json::array()},
    {"tag", {{"id", "2"}, {"tag", "Fresh"}, {"tagType", "contact"}}},
    {"tags", json::array()},
    {"list", {{"id", "3"}, {"stringid", "n"}}},
    {"lists", json::array()},
    {"account", {{"id", "1"}, {"name", "Acme"}, {"accountUrl", nullptr}}},
    {"accounts", json::array()},
    {"accountContact", {{"id", "1"}, {"contact", "1"}, {"account", "1"}, {"jobTitle", "CTO"}}},
    {"accountContacts", json::array()},
    {"connection", {{"id", "1"}, {"service", "s"}, {"externalid", "e"}, {"status", "1"}}},
    {"connections", json::array()},
    {"dealGroup", {{"id", "1"}, {"title", "P"}, {"currency", "usd"}, {"stages", {"1"}}}},
    {"dealGroups", json::array()},
    {"dealStage", {{"id", "1"}, {"title", "S"}, {"group", "1"}, {"order", 1}, {"width", 280}}},
    {"dealStages", json::array()},
    {"deal", {{"id", "1"}, {"title", "D"}, {"value", "100"}, {"currency", "usd"}, {"group", "1"}}},
    {"deals", json::array()},
    {"note", {{"id", "1"}, {"note", "N"}, {"relid", "1"}, {"reltype", "Deal"}}},
    {"ecomCustomer", {{"id", "1"}, {"email", "a@example.com"}, {"connectionid", "1"}}},
    {"ecomCustomers", json::array()},
    {"ecomOrder", {{"id", "1"}, {"externalid", "o1"}, {"currency", "USD"}, {"totalPrice", "100"}}},
    {"ecomOrders", json::array()},
    {"ecomOrderProduct", {{"id", "1"}, {"orderid", "1"}, {"price", "100"}, {"quantity", "1"}}},
    {"ecomOrderProducts", json::array()},
    {"meta", {{"total", "1"}}}};

// Tools whose operation counts a 404 as done (Delete a Stage: the stage is gone either way).
const std::set<std::string> kNotFoundIsSuccess = {"delete_stage"};

void expect_matches_output_schema(const json& definition, const json& result) {
  json structured = result["structuredContent"];
  auto error = schema::coerce_and_validate(definition["outputSchema"], structured);
  EXPECT_FALSE(error) << (error ? error->path + ": " + error->message : "") << "\n"
                      << result["structuredContent"].dump();
  EXPECT_EQ(structured, result["structuredContent"]) << "validation must not need coercion";
  EXPECT_EQ(result["isError"].get<bool>(),
            !result["structuredContent"]["ErrorMessage"].get<std::string>().empty());
}

TEST_F(Registry, EveryToolsEnvelopeMatchesItsOutputSchemaOnEveryPath) {
  ASSERT_EQ(kValidArguments.size(), registry.tool_definitions().size());
  for (const auto& tool : registry.tool_definitions()) {
    const std::string name = tool["name"];
    SCOPED_TRACE(name);
    const json& args = kValidArguments.at(name);

    upstream.responder = [](const ac::Request&) { return http(200, kEverythingBody); };
    json success = call(registry, name, args);
    EXPECT_EQ(success["structuredContent"]["ErrorMessage"], "");
    expect_matches_output_schema(tool, success);

    upstream.responder = [](const ac::Request&) {
      return http(404, {{"message", "No Result found"}});
    };
    json not_found = call(registry, name, args);
    if (!kNotFoundIsSuccess.contains(name)) {
      EXPECT_NE(not_found["structuredContent"]["ErrorMessage"], "");
    }
    expect_matches_output_schema(tool, not_found);

    upstream.responder = [](const ac::Request&) { return transport_failure("reset"); };
    json no_response = call(registry, name, args);
    EXPECT_EQ(no_response["structuredContent"]["StatusCode"], 500);
    expect_matches_output_schema(tool, no_response);

    json invalid = call(registry, name, json{{"NoSuchParameter", 1}});
    EXPECT_EQ(invalid["structuredContent"]["StatusCode"], -1);
    expect_matches_output_schema(tool, invalid);
  }
}

// ---- start-up consistency checks

std::string load_error(const std::string& content) {
  FakeUpstream upstream;
  const EmbeddedFile files[] = {{"broken.json", content}};
  try {
    ToolRegistry registry(upstream, files);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

json minimal_tool() {
  return {{"name", "get_thing"},
          {"title", "Get a Thing"},
          {"description", "Gets a thing."},
          {"annotations",
           {{"readOnlyHint", true},
            {"destructiveHint", false},
            {"idempotentHint", true},
            {"openWorldHint", true}}},
          {"inputSchema",
           {{"type", "object"},
            {"properties", {{"ThingId", {{"type", "integer"}, {"description", "The thing"}}}}},
            {"required", {"ThingId"}},
            {"additionalProperties", false}}},
          {"dataKey", "Thing"},
          {"dataSchema", {{"type", "object"}}},
          {"upstream", {{"method", "GET"}, {"path", "/things/{ThingId}"}}}};
}

std::string file_with(std::initializer_list<json> entries) {
  json tools = json::array();
  for (const auto& entry : entries) tools.push_back(entry);
  return json{{"resource", "Thing"}, {"toolset", "things"}, {"tools", tools}}.dump();
}

// The served schema has no top-level `not`, so the description says the rule and the server keeps
// enforcing it from the file's schema.
TEST(RegistryRules, GetManyContactsTakesAtMostOneSort) {
  FakeUpstream upstream;
  ToolRegistry registry{upstream};
  json result = call(registry, "get_many_contacts", {{"SortById", "ASC"}, {"SortByEmail", "DESC"}});
  EXPECT_EQ(result["structuredContent"]["StatusCode"], -1);
  EXPECT_THAT(result["structuredContent"]["ErrorMessage"].get<std::string>(),
              HasSubstr("SortById and SortByEmail must not"));
  EXPECT_TRUE(upstream.requests.empty());
  call(registry, "get_many_contacts", {{"SortByEmail", "DESC"}});
  EXPECT_EQ(upstream.requests.size(), 1u);
}

TEST(RegistryChecks, MalformedJsonIsRejected) {
  EXPECT_THAT(load_error("{nope"), HasSubstr("schemas/broken.json: not valid JSON"));
}

TEST(RegistryChecks, DuplicateNamesAreRejected) {
  EXPECT_THAT(load_error(file_with({minimal_tool(), minimal_tool()})), HasSubstr("defined twice"));
}

TEST(RegistryChecks, UnknownHandlerIsRejected) {
  json tool = minimal_tool();
  tool.erase("upstream");
  tool["handler"] = "no_such_handler";
  EXPECT_THAT(load_error(file_with({tool})),
              HasSubstr("handler \"no_such_handler\" does not exist"));
}

TEST(RegistryChecks, NeitherRowNorHandlerIsRejected) {
  json tool = minimal_tool();
  tool.erase("upstream");
  EXPECT_THAT(load_error(file_with({tool})), HasSubstr("exactly one of"));
}

TEST(RegistryChecks, PathPlaceholderMustBeARequiredParameter) {
  json tool = minimal_tool();
  tool["upstream"]["path"] = "/things/{Other}";
  EXPECT_THAT(load_error(file_with({tool})), HasSubstr("{Other} is not a required parameter"));
}

TEST(RegistryChecks, BodyArgumentMustBeAParameter) {
  json tool = minimal_tool();
  tool["upstream"]["body"] = {{"name", "Name"}};
  EXPECT_THAT(load_error(file_with({tool})), HasSubstr("argument Name is not a parameter"));
}

TEST(RegistryChecks, ParameterWithoutDescriptionIsRejected) {
  json tool = minimal_tool();
  tool["inputSchema"]["properties"]["ThingId"].erase("description");
  EXPECT_THAT(load_error(file_with({tool})), HasSubstr("property ThingId needs a \"description\""));
}

TEST(RegistryChecks, BadResultTemplateIsRejected) {
  json tool = minimal_tool();
  tool["upstream"]["result"] = "$nowhere.x";
  EXPECT_THAT(load_error(file_with({tool})), HasSubstr("bad result template"));
}

TEST(RegistryChecks, UnknownTemplateFilterIsRejected) {
  json tool = minimal_tool();
  tool["upstream"]["result"] = {{"id", "$response.thing.id|reverse"}};
  EXPECT_THAT(load_error(file_with({tool})), HasSubstr("unknown template filter 'reverse'"));
}

TEST(RegistryChecks, ErrorsNameTheTool) {
  json tool = minimal_tool();
  tool["upstream"]["method"] = "PATCH";
  EXPECT_THAT(load_error(file_with({tool})), HasSubstr("get_thing"));
}

TEST(RegistryChecks, HandlersWithoutDefinitionAreRejected) {
  EXPECT_THAT(load_error(file_with({minimal_tool()})), HasSubstr("has no tool definition"));
}

}  // namespace
}  // namespace acmcp::tools
