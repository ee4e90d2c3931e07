// What the settings leave of the tool list: toolsets, tools, exclusions, read-only, the prefix;
// and what the served list costs a model.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "tool_test_support.hpp"
#include "util/compact_json.hpp"

namespace acmcp::tools {
namespace {

using testing::FakeUpstream;
using ::testing::HasSubstr;
using json = nlohmann::json;

// Settings built field by field (designated initializers warn about every field left out).
struct Chosen {
  ToolSettings settings;
  Chosen& prefix(std::string value) {
    settings.prefix = std::move(value);
    return *this;
  }
  Chosen& toolsets(std::vector<std::string> value) {
    settings.toolsets = std::move(value);
    return *this;
  }
  Chosen& tools(std::vector<std::string> value) {
    settings.tools = std::move(value);
    return *this;
  }
  Chosen& exclude(std::vector<std::string> value) {
    settings.exclude_tools = std::move(value);
    return *this;
  }
  Chosen& read_only() {
    settings.read_only = true;
    return *this;
  }
  operator ToolSettings() const { return settings; }  // NOLINT: used as a ToolSettings
};

std::set<std::string> served(const ToolRegistry& registry) {
  std::set<std::string> names;
  for (const auto& tool : registry.tool_definitions()) names.insert(tool["name"]);
  return names;
}

// The spec's operations, by resource, named as the server names them.
std::map<std::string, std::set<std::string>> tools_by_resource() {
  std::map<std::string, std::set<std::string>> by_resource;
  const json spec = testing::operations_spec();
  for (const auto& operation : spec["operations"]) {
    by_resource[operation["resource"]].insert(testing::tool_name(operation));
  }
  return by_resource;
}

class Settings : public ::testing::Test {
 protected:
  FakeUpstream upstream;
  ToolRegistry everything{upstream};

  std::set<std::string> read_only_tools() {
    std::set<std::string> names;
    for (const auto& tool : everything.tool_definitions()) {
      if (tool["annotations"]["readOnlyHint"] == true) names.insert(tool["name"]);
    }
    return names;
  }
};

// Each toolset is the resources the documentation gives it, and together they are every tool.
TEST_F(Settings, EachToolsetServesItsResources) {
  const auto by_resource = tools_by_resource();
  const std::map<std::string, std::vector<std::string>> toolsets = {
      {"contacts", {"Contact"}},
      {"lists", {"List", "Contact List"}},
      {"tags", {"Tag", "Contact Tag"}},
      {"accounts", {"Account", "Account Contact"}},
      {"deals", {"Deal", "Deal Note", "Pipeline", "Stage"}},
      {"ecommerce",
       {"Connection", "Ecommerce Customer", "Ecommerce Order", "Ecommerce Order Product"}}};
  std::set<std::string> all;
  for (const auto& [toolset, resources] : toolsets) {
    SCOPED_TRACE(toolset);
    std::set<std::string> expected;
    for (const auto& resource : resources) {
      ASSERT_TRUE(by_resource.contains(resource)) << resource;
      expected.insert(by_resource.at(resource).begin(), by_resource.at(resource).end());
    }
    ToolRegistry registry(upstream, Chosen().toolsets({toolset}));
    EXPECT_EQ(served(registry), expected);
    all.insert(expected.begin(), expected.end());
  }
  EXPECT_EQ(all, served(everything));
  EXPECT_EQ(all.size(), 63u);
}

TEST_F(Settings, ToolsAddToToolsetsAndExclusionsWin) {
  ToolRegistry registry(upstream, Chosen()
                                      .toolsets({"tags"})
                                      .tools({"get_contact", "create_deal"})
                                      .exclude({"delete_tag", "create_deal"}));
  EXPECT_EQ(served(registry),
            (std::set<std::string>{"create_tag", "get_many_tags", "get_tag", "update_tag",
                                   "add_contact_tag", "remove_contact_tag", "get_contact"}));
  EXPECT_THAT(registry.unavailable_reason("delete_tag"), HasSubstr("--exclude-tools"));
  EXPECT_THAT(registry.unavailable_reason("create_deal"), HasSubstr("--exclude-tools"));
  EXPECT_THAT(registry.unavailable_reason("get_deal"), HasSubstr("--toolsets"));
  EXPECT_EQ(registry.unavailable_reason("no_such_tool"), "");
}

TEST_F(Settings, ReadOnlyServesOnlyReadOnlyToolsWhateverElseSelectsThem) {
  ToolRegistry registry(upstream, Chosen().tools({"create_contact", "get_contact"}).read_only());
  EXPECT_EQ(served(registry), std::set<std::string>{"get_contact"});
  EXPECT_THAT(registry.unavailable_reason("create_contact"), HasSubstr("read-only"));

  ToolRegistry all_reads(upstream, Chosen().read_only());
  EXPECT_EQ(served(all_reads), read_only_tools());
  for (const auto& name : served(everything)) {
    if (all_reads.has_tool(name)) continue;
    EXPECT_THAT(all_reads.unavailable_reason(name), HasSubstr("--read-only")) << name;
  }
}

TEST_F(Settings, HiddenToolsAreNotCalledAndNothingGoesUpstream) {
  ToolRegistry registry(upstream, Chosen().read_only());
  EXPECT_FALSE(registry.has_tool("delete_contact"));
  // The session asks has_tool first and answers -32602; a caller that skips the question gets an
  // exception, never a request upstream.
  EXPECT_ANY_THROW(testing::call(registry, "delete_contact", {{"ContactId", 1}}));
  EXPECT_TRUE(upstream.requests.empty());
}

TEST_F(Settings, UnknownNamesAreErrorsListingTheValidOnes) {
  try {
    ToolRegistry registry(upstream, Chosen().tools({"get_contacts"}));
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("unknown tool \"get_contacts\""));
    EXPECT_THAT(error.what(), HasSubstr("get_contact, "));
  }
  EXPECT_THROW(ToolRegistry(upstream, Chosen().exclude({"nope"})), std::invalid_argument);
  try {
    ToolRegistry registry(upstream, Chosen().toolsets({"campaigns"}));
    FAIL() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("accounts, contacts, deals, ecommerce, lists, tags"));
  }
}

TEST_F(Settings, ThePrefixGoesBeforeEveryServedName) {
  ToolRegistry registry(upstream, Chosen().prefix("ac_").tools({"get_tag", "ac_get_contact"}));
  EXPECT_EQ(served(registry), (std::set<std::string>{"ac_get_tag", "ac_get_contact"}));
  EXPECT_TRUE(registry.has_tool("ac_get_tag"));
  EXPECT_FALSE(registry.has_tool("get_tag"));
  EXPECT_THAT(registry.unavailable_reason("ac_get_deal"), HasSubstr("ac_get_deal"));
  upstream.script.push_back(testing::http(200, {{"tag", {{"id", "3"}, {"tag", "VIP"}}}}));
  json result = testing::call(registry, "ac_get_tag", {{"TagId", 3}});
  EXPECT_EQ(result["structuredContent"]["Tag"]["tag"], "VIP");
}

// Claude Code calls a tool mcp__<server>__<tool>, and the model API refuses names longer than 64
// characters or outside [A-Za-z0-9_-]; some clients also allow '.'.
TEST_F(Settings, NamesFitClientsThatNamespaceTools) {
  for (const auto& name : served(everything)) {
    const std::string namespaced = "mcp__activecampaign__" + name;
    EXPECT_LE(namespaced.size(), 64u) << namespaced;
    EXPECT_TRUE(std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    })) << name;
  }
}

// What a model reads on every turn (name, title, description, inputSchema, annotations) and the
// whole tools/list result, serialised compactly, against their budgets; the biggest tools are
// named when a budget is exceeded.
TEST_F(Settings, TheToolListFitsItsBudgets) {
  constexpr std::size_t kVisibleBudget = 40000;
  constexpr std::size_t kListBudget = 90000;
  std::vector<std::pair<std::size_t, std::string>> sizes;
  std::size_t visible = 0;
  for (const auto& tool : everything.tool_definitions()) {
    json seen = json::object();
    for (const char* key : {"name", "title", "description", "inputSchema", "annotations"}) {
      seen[key] = tool[key];
    }
    const std::size_t size = util::compact_json(seen).size();
    visible += size;
    sizes.emplace_back(size, tool["name"]);
  }
  const std::size_t list =
      util::compact_json(json{{"tools", everything.tool_definitions()}}).size();
  std::cout << "tools/list: " << everything.tool_definitions().size() << " tools, " << list
            << " bytes (about " << list / 4 << " tokens); model-visible part " << visible
            << " bytes (about " << visible / 4 << " tokens)\n";
  if (visible > kVisibleBudget || list > kListBudget) {
    std::sort(sizes.rbegin(), sizes.rend());
    std::string biggest;
    for (std::size_t i = 0; i < 10 && i < sizes.size(); ++i) {
      biggest += "  " + sizes[i].second + ": " + std::to_string(sizes[i].first) + " bytes\n";
    }
    ADD_FAILURE() << "over budget (visible " << visible << "/" << kVisibleBudget << ", list "
                  << list << "/" << kListBudget << "); the ten biggest tools:\n"
                  << biggest;
  }
}

}  // namespace
}  // namespace acmcp::tools
