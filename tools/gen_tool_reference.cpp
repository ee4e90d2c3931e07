// Writes schemas/README.md, the people's reference of every tool, from the schemas embedded in the
// binary, and the generated sections of README.md: the one-line-per-tool overview and the table
// of settings (from the table in src/app/config.cpp). `--check` and `--check-readme` tell whether
// the committed files still match.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config.hpp"
#include "tools/embedded_schemas.hpp"
#include "tools/envelope.hpp"
#include "util/join.hpp"

namespace {

// Ordered, so parameters and steps appear as their authors listed them.
using json = nlohmann::ordered_json;

struct SchemaFile {
  std::string name;  // "tags.json"
  json document;     // {"resource": ..., "tools": [...]}
};

// Parameters are listed to any depth; the data only two levels deep, enough to say what it holds.
constexpr int kParameterLevels = 16;
constexpr int kDataLevels = 2;

// Prose for Markdown: no raw HTML (descriptions say "{<data>, ...}"), one line.
std::string text(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string code(std::string_view raw) { return "`" + std::string(raw) + "`"; }

// A table row; a '|' inside a cell (a pattern, say) must not end the cell.
std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& cell : cells) {
    std::string escaped;
    for (char c : cell) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    out += " " + escaped + " |";
  }
  return out + "\n";
}

std::string scalar(const json& value) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return s.empty() ? "\"\"" : s;
  }
  return value.dump();
}

std::string type_of(const json& schema) {
  if (!schema.is_object()) return "any";
  if (schema.contains("const")) return "constant " + code(scalar(schema.at("const")));
  for (const char* combinator : {"anyOf", "oneOf"}) {
    if (!schema.contains(combinator)) continue;
    std::string out;
    for (const auto& branch : schema.at(combinator))
      out += (out.empty() ? "" : " or ") + type_of(branch);
    return out;
  }
  const json type = schema.value("type", json());
  std::string name;
  if (type.is_string()) {
    name = type.get<std::string>();
  } else if (type.is_array()) {
    for (const auto& t : type) name += (name.empty() ? "" : " or ") + t.get<std::string>();
  } else {
    return "any";
  }
  if (name == "array" && schema.contains("items")) name += " of " + type_of(schema.at("items"));
  return name;
}

std::string constraints_of(const json& schema) {
  std::vector<std::string> parts;
  auto add = [&](const char* key, const std::string& label) {
    if (schema.contains(key)) parts.push_back(label + " " + code(scalar(schema.at(key))));
  };
  add("default", "default");
  add("minimum", "min");
  add("exclusiveMinimum", "greater than");
  add("maximum", "max");
  add("exclusiveMaximum", "less than");
  add("minLength", "min length");
  add("maxLength", "max length");
  add("minItems", "min items");
  add("maxItems", "max items");
  add("multipleOf", "multiple of");
  add("format", "format");
  add("pattern", "pattern");
  if (schema.contains("enum")) {
    std::string values;
    for (const auto& v : schema.at("enum"))
      values += (values.empty() ? "" : ", ") + code(scalar(v));
    parts.push_back("one of " + values);
  }
  if (schema.value("uniqueItems", false)) parts.push_back("unique items");
  if (schema.value("x-unit", "") == "cents") parts.push_back("whole cents");
  if (schema.contains("items") && !schema.at("items").contains("properties")) {
    if (auto each = constraints_of(schema.at("items")); !each.empty()) {
      parts.push_back("each item: " + each);
    }
  }
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

bool is_required(const json& parent, const std::string& name) {
  const json required = parent.value("required", json::array());
  return std::find(required.begin(), required.end(), json(name)) != required.end();
}

// The properties under `schema` (an object, or an array of objects) as "Parent.child" or
// "Parent[].child" rows, `levels` deep; `cells` makes one row from (path, parent, name, property).
template <typename Cells>
void nested_rows(const json& schema, const std::string& path, int levels, Cells cells,
                 std::string& out) {
  if (levels == 0 || !schema.is_object()) return;
  if (schema.contains("items")) {
    nested_rows(schema.at("items"), path + "[]", levels, cells, out);
    return;
  }
  if (!schema.contains("properties")) return;
  for (const auto& [name, property] : schema.at("properties").items()) {
    const std::string child = path.empty() ? name : path + "." + name;
    out += row(cells(child, schema, name, property));
    nested_rows(property, child, levels - 1, cells, out);
  }
}

// Adds what `extra` says of each property to `target`, to any depth (a nested shape the server
// checks but does not serve, kept in a top-level allOf branch).
void merge_shape(json& target, const json& extra) {
  for (const auto& [key, value] : extra.items()) {
    if (value.is_object() && target.contains(key) && target[key].is_object()) {
      merge_shape(target[key], value);
    } else {
      target[key] = value;
    }
  }
}

std::string parameters_section(const json& served_schema) {
  // allOf branches that only describe properties are shown as the rows of those properties.
  json input_schema = served_schema;
  if (input_schema.contains("allOf")) {
    json kept = json::array();
    for (const auto& branch : input_schema.at("allOf")) {
      if (branch.size() == 1 && branch.contains("properties")) {
        json shape = {{"properties", branch.at("properties")}};
        merge_shape(input_schema, shape);
      } else {
        kept.push_back(branch);
      }
    }
    if (kept.empty()) {
      input_schema.erase("allOf");
    } else {
      input_schema["allOf"] = kept;
    }
  }
  std::string rows;
  nested_rows(
      input_schema, "", kParameterLevels,
      [](const std::string& path, const json& parent, const std::string& name,
         const json& property) {
        return std::vector<std::string>{
            code(path), type_of(property), is_required(parent, name) ? "yes" : "",
            constraints_of(property), text(property.value("description", ""))};
      },
      rows);
  std::string out = rows.empty() ? "**Parameters:** none.\n\n"
                                 : "| Parameter | Type | Required | Constraints | Description |\n"
                                   "|---|---|---|---|---|\n" +
                                       rows + "\n";
  // Rules that tie parameters together (e.g. exactly one of two) have no row; show them as written.
  json rules = json::object();
  for (const char* key : {"allOf", "anyOf", "oneOf", "not", "if", "then", "else",
                          "dependentRequired", "minProperties", "maxProperties"}) {
    if (input_schema.contains(key)) rules[key] = input_schema.at(key);
  }
  if (!rules.empty()) out += "**Rules across parameters:** " + code(rules.dump()) + "\n\n";
  return out;
}

std::string data_section(const json& tool) {
  const std::string key = tool.at("dataKey").get<std::string>();
  const json& schema = tool.at("dataSchema");
  const json empty = tool.value("emptyData", json::object());
  std::string out = "**Data** " + code(key) + " (" + type_of(schema) + ")";
  if (schema.contains("description")) {
    std::string description = text(schema.at("description").get<std::string>());
    if (!description.ends_with('.')) description += '.';
    out += ": " + description;
  } else {
    out += ".";
  }
  out += " On failure: " + code(empty.dump()) + ".\n\n";
  std::string rows;
  nested_rows(
      schema, key, kDataLevels,
      [](const std::string& path, const json&, const std::string&, const json& property) {
        return std::vector<std::string>{code(path), type_of(property),
                                        text(property.value("description", ""))};
      },
      rows);
  if (!rows.empty()) out += "| Field | Type | Description |\n|---|---|---|\n" + rows + "\n";
  return out;
}

std::string call(const json& upstream_row) {
  return code(upstream_row.at("method").get<std::string>() + " " +
              upstream_row.at("path").get<std::string>());
}

std::string upstream_section(const json& tool) {
  if (tool.contains("upstream"))
    return "**ActiveCampaign call:** " + call(tool.at("upstream")) + ".\n\n";
  std::string out = "**ActiveCampaign calls:** several steps (handler " +
                    code(tool.at("handler").get<std::string>()) + "), using:\n\n";
  const json steps = tool.value("steps", json::object());
  for (const auto& [step, step_row] : steps.items()) {
    out += "- " + code(step) + ": " + call(step_row) + "\n";
  }
  return out + "\n";
}

std::string marks(const json& annotations) {
  std::string out;
  for (const auto& [hint, label] :
       {std::pair{"readOnlyHint", "read-only"}, std::pair{"destructiveHint", "destructive"},
        std::pair{"idempotentHint", "idempotent"}}) {
    if (annotations.value(hint, false)) out += (out.empty() ? "" : ", ") + std::string(label);
  }
  return out.empty() ? "none" : out;
}

std::string description_of(const json& tool) {
  return text(tool.at("description").get<std::string>());
}

std::string introduction() {
  using acmcp::tools::kCompleted, acmcp::tools::kInvalidInput, acmcp::tools::kNoResponse;
  std::ostringstream out;
  out << "# Tool reference\n\n"
      << "Generated from `schemas/*.json` by `tools/gen_tool_reference.cpp`: do not edit by "
         "hand. After changing a schema, regenerate it with\n\n"
      << "```sh\ncmake --build build --target tool-reference\n```\n\n"
      << "(which runs `build/gen-tool-reference --output schemas/README.md`). The test "
         "`tool_reference_up_to_date` fails while this file is out of date.\n\n"
      << "## The result envelope\n\n"
      << "Every tool answers with the same JSON object, as `structuredContent` and as one text "
         "block; `isError` is true exactly when `ErrorMessage` is not empty.\n\n"
      << "| Key | Value |\n|---|---|\n"
      << "| *data key* | the business data, under the tool's own key (see each tool); its "
         "empty shape (usually `{}`) on failure |\n"
      << "| `OriginalStatusCode` | HTTP status of the last ActiveCampaign response; 0 when none "
         "came back |\n"
      << "| `StatusCode` | see below |\n"
      << "| `ErrorMessage` | empty on success; otherwise what went wrong, in a sentence |\n\n"
      << "| StatusCode | Meaning |\n|---|---|\n"
      << "| " << kInvalidInput
      << " | the arguments are invalid; nothing was sent to ActiveCampaign |\n"
      << "| " << kCompleted
      << " | ActiveCampaign answered (with any HTTP status): success when `ErrorMessage` is "
         "empty, else `OriginalStatusCode` and `ErrorMessage` say why |\n"
      << "| " << kNoResponse
      << " | no usable answer (timeout, refused or reset connection, TLS failure, body not "
         "JSON); the call may be retried |\n\n"
      << "The server explains this envelope once, in its `instructions`; tool descriptions do "
         "not repeat it. The inputSchema served to clients leaves out top-level combinators "
         "(`allOf`, `if`/`then`, `not`, ...), which some clients refuse; the server still "
         "checks them, each description says its cross-field rules in words, and this reference "
         "shows the nested shapes they hold as parameter rows. Any typed field inside the data "
         "may also be null. Integer parameters also accept numeric strings and booleans "
         "accept \"true\"/\"false\". A nested parameter (`Parent[].child`) marked required is "
         "required within its parent. ActiveCampaign paths are relative to "
         "`https://ACCOUNT.api-us1.com/api/3`.\n\n";
  return out.str();
}

std::string render_reference(const std::vector<SchemaFile>& files) {
  std::string out = introduction();
  out += "## Tools\n\n";
  for (const auto& file : files) {
    out += "**" + file.document.at("resource").get<std::string>() + "** (`schemas/" + file.name +
           "`, toolset `" + file.document.at("toolset").get<std::string>() +
           "`)\n\n| Tool | Title | Read-only | Destructive | Idempotent |\n|---|---|---|---|---|\n";
    for (const auto& tool : file.document.at("tools")) {
      const std::string name = tool.at("name").get<std::string>();
      const json& hints = tool.at("annotations");
      auto mark = [&](const char* hint) { return hints.value(hint, false) ? "yes" : ""; };
      out += row({"[" + code(name) + "](#" + name + ")", text(tool.at("title").get<std::string>()),
                  mark("readOnlyHint"), mark("destructiveHint"), mark("idempotentHint")});
    }
    out += "\n";
  }
  for (const auto& file : files) {
    out += "## " + file.document.at("resource").get<std::string>() + "\n\n";
    for (const auto& tool : file.document.at("tools")) {
      const std::string name = tool.at("name").get<std::string>();
      out += "<a id=\"" + name + "\"></a>\n\n### " + text(tool.at("title").get<std::string>()) +
             "\n\n" + code(name) + " (" + marks(tool.at("annotations")) + ")\n\n" +
             description_of(tool) + "\n\n" + parameters_section(tool.at("inputSchema")) +
             data_section(tool) + upstream_section(tool);
    }
  }
  while (out.ends_with("\n\n")) out.pop_back();
  return out;
}

std::vector<SchemaFile> load_schema_files() {
  std::vector<SchemaFile> files;
  for (const auto& file : acmcp::tools::embedded_schema_files()) {
    json document = json::parse(file.content);
    if (document.contains("tools")) files.push_back({std::string(file.name), std::move(document)});
  }
  std::sort(files.begin(), files.end(),
            [](const SchemaFile& a, const SchemaFile& b) { return a.name < b.name; });
  return files;
}

// The first sentence of a description: up to the first full stop outside parentheses that does
// not end an abbreviation.
std::string first_sentence(const std::string& description) {
  int depth = 0;
  for (std::size_t i = 0; i < description.size(); ++i) {
    const char c = description[i];
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    const bool ends =
        c == '.' && depth == 0 && (i + 1 == description.size() || description[i + 1] == ' ');
    const std::string_view so_far(description.data(), i + 1);
    if (ends && !so_far.ends_with("e.g.") && !so_far.ends_with("i.e.")) {
      return description.substr(0, i + 1);
    }
  }
  return description;
}

// README's overview: the tools by toolset (what --toolsets selects), one line each.
std::string render_overview(const std::vector<SchemaFile>& files) {
  std::map<std::string, std::vector<const SchemaFile*>> by_toolset;
  for (const auto& file : files) {
    const std::string toolset = file.document.at("toolset").get<std::string>();
    auto& members = by_toolset[toolset];
    // The toolset's own resource (tags.json for "tags") comes first, then the others by name.
    members.insert(file.name == toolset + ".json" ? members.begin() : members.end(), &file);
  }
  std::string out;
  for (const auto& [toolset, members] : by_toolset) {
    std::vector<std::string> resources;
    for (const auto* file : members) {
      resources.push_back(file->document.at("resource").get<std::string>());
    }
    out += (out.empty() ? "**" : "\n**") + code(toolset) + "** (" + acmcp::util::join(resources) +
           ")\n\n";
    for (const auto* file : members) {
      for (const auto& tool : file->document.at("tools")) {
        const std::string name = tool.at("name").get<std::string>();
        out += "- [" + code(name) + "](schemas/README.md#" + name + ") " +
               text(first_sentence(tool.at("description").get<std::string>())) + "\n";
      }
    }
  }
  return out;
}

// README.md's generated sections, each between "<!-- NAME:begin -->" and "<!-- NAME:end -->".
struct Section {
  std::string name;
  std::string content;
};

// `readme` with each section's content replaced; nullopt when a section's markers are missing.
std::optional<std::string> with_sections(std::string readme, const std::vector<Section>& sections) {
  for (const auto& section : sections) {
    const std::string begin = "<!-- " + section.name + ":begin -->\n";
    const std::string end = "<!-- " + section.name + ":end -->";
    const auto from = readme.find(begin);
    const auto to = from == std::string::npos ? from : readme.find(end, from);
    if (to == std::string::npos) return std::nullopt;
    readme.replace(from + begin.size(), to - from - begin.size(), "\n" + section.content + "\n");
  }
  return readme;
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::string content{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (!file.is_open() || file.bad()) return std::nullopt;
  return content;
}

int usage(const char* program) {
  std::cerr << "usage: " << program
            << "                        write the tool reference to stdout\n"
            << "       " << program << " --output FILE          write it to FILE\n"
            << "       " << program << " --check FILE           exit 1 unless FILE is up to date\n"
            << "       " << program
            << " --output-readme FILE   rewrite the generated sections of README.md FILE\n"
            << "       " << program
            << " --check-readme FILE    exit 1 unless those sections are up to date\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool readme = mode == "--output-readme" || mode == "--check-readme";
  if (!(argc == 1 || (argc == 3 && (mode == "--output" || mode == "--check" || readme)))) {
    return usage(argv[0]);
  }
  std::vector<SchemaFile> files;
  try {
    files = load_schema_files();
  } catch (const std::exception& error) {
    std::cerr << argv[0] << ": cannot read the embedded schemas: " << error.what() << "\n";
    return 2;
  }
  if (argc == 1) {
    std::cout << render_reference(files);
    return std::cout.good() ? 0 : 1;
  }
  const std::string path = argv[2];
  const bool check = mode == "--check" || mode == "--check-readme";
  std::optional<std::string> current;
  if (check || readme) current = read_text(path);
  std::optional<std::string> wanted;
  if (!readme) {
    wanted = render_reference(files);
  } else if (current) {
    wanted = with_sections(*current, {{"tools", render_overview(files)},
                                      {"settings", acmcp::app::settings_markdown()}});
    if (!wanted) {
      std::cerr << path << " lacks the markers <!-- tools:begin -->, <!-- tools:end -->, "
                << "<!-- settings:begin --> or <!-- settings:end -->\n";
      return 1;
    }
  }
  if (!check && wanted) {
    std::ofstream file(path, std::ios::binary);
    file << *wanted;
    if (!file.flush()) {
      std::cerr << argv[0] << ": cannot write " << path << "\n";
      return 1;
    }
    return 0;
  }
  if (current && current == wanted) return 0;
  std::cerr << path
            << (!current ? " cannot be read."
                : readme ? " is out of date: it does not match the tool definitions in "
                           "schemas/*.json or the settings in src/app/config.cpp."
                         : " is out of date: it does not match the tool definitions in "
                           "schemas/*.json.")
            << "\nRegenerate it with `cmake --build <build dir> --target tool-reference`, or:\n  "
            << argv[0] << (readme ? " --output-readme " : " --output ") << path << "\n";
  return 1;
}
