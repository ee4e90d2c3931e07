// The sandbox's pipeline, stage and deal-note routes that do more than plain CRUD: a new pipeline
// gets upstream's three default stages, stages can be reordered, notes hang off a deal.
#include <algorithm>
#include <cstdlib>

#include "sandbox/store.hpp"
#include "sandbox/store_detail.hpp"

namespace acmcp::sandbox {

using namespace detail;
using nlohmann::json;

namespace {

bool reorder_requested(const Query& query) {
  auto it = query.find("reorder");
  return it != query.end() && (it->second == "1" || lower(it->second) == "true");
}

long long order_of(const json& row) { return std::atoll(field_text(row, "order").c_str()); }

}  // namespace

StoreResponse Store::create_pipeline(const json& body) {
  const ResourceSpec& spec = *find_resource("dealGroups");
  StoreResponse created = create(spec, body);
  if (created.status >= 300) return created;
  auto id = created.body["dealGroup"]["id"].get<std::string>();

  // Upstream gives every new pipeline these three stages (see the POST /dealGroups example),
  // without dates: their cdate and udate are null (POST, GET /dealGroups and GET
  // /dealGroups/{id}) until an update sets udate.
  const ResourceSpec& stages = *find_resource("dealStages");
  const char* titles[] = {"To Contact", "In Contact", "Follow Up"};
  const char* colors[] = {"18D499", "32B0FC", "E6CE4B"};
  std::vector<long long> stage_ids;
  for (int i = 0; i < 3; ++i) {
    Row row = stages.defaults;
    row["title"] = titles[i];
    row["group"] = id;
    row["order"] = std::to_string(i + 1);
    row["color"] = colors[i];
    long long stage_id = insert(stages, std::move(row));
    Row& stored = tables_["dealStages"].rows[stage_id];
    for (const auto& field : stages.created_fields) stored[field] = nullptr;
    for (const auto& field : stages.updated_fields) stored[field] = nullptr;
    stage_ids.push_back(stage_id);
  }
  auto number = parse_id(id).value_or(0);
  json out = {{"dealGroup", render(spec, tables_["dealGroups"].rows[number])},
              {"dealGroupGroups", json::array()},
              {"dealGroupUsers", json::array()},
              {"dealStages", sideload("dealStages", stage_ids)}};
  out["dealGroup"]["dealGroupGroups"] = json::array();
  out["dealGroup"]["dealGroupUsers"] = json::array();
  return {created.status, std::move(out), {}};
}

StoreResponse Store::create_stage(const json& body, const Query& query) {
  const ResourceSpec& spec = *find_resource("dealStages");
  json patched = body;
  // Without an order the stage goes last in its pipeline.
  if (patched.is_object() && patched.contains("dealStage") && patched["dealStage"].is_object() &&
      !patched["dealStage"].contains("order")) {
    auto group = text_of(patched["dealStage"].value("group", json()));
    long long last = 0;
    for (auto id : ids_where("dealStages", "group", group))
      last = std::max(last, order_of(tables_["dealStages"].rows[id]));
    patched["dealStage"]["order"] = std::to_string(last + 1);
  }
  StoreResponse created = create(spec, patched);
  if (created.status < 300 && reorder_requested(query)) {
    auto id = parse_id(created.body["dealStage"]["id"].get<std::string>()).value_or(0);
    const Row& row = tables_["dealStages"].rows[id];
    reorder_stages(field_text(row, "group"), id, order_of(row));
    created.body["dealStage"] = render(spec, tables_["dealStages"].rows[id]);
  }
  return created;
}

StoreResponse Store::update_stage(long long id, const json& body, const Query& query) {
  const ResourceSpec& spec = *find_resource("dealStages");
  StoreResponse updated = update(spec, id, body);
  if (updated.status < 300 && reorder_requested(query)) {
    const Row& row = tables_["dealStages"].rows[id];
    reorder_stages(field_text(row, "group"), id, order_of(row));
    updated.body["dealStage"] = render(spec, tables_["dealStages"].rows[id]);
  }
  return updated;
}

void Store::reorder_stages(const std::string& group, long long moved_id, long long position) {
  // The moved stage keeps its position; the others keep their relative order around it.
  std::vector<long long> others;
  for (auto id : ids_where("dealStages", "group", group))
    if (id != moved_id) others.push_back(id);
  auto& rows = tables_["dealStages"].rows;
  std::stable_sort(others.begin(), others.end(),
                   [&](long long a, long long b) { return order_of(rows[a]) < order_of(rows[b]); });
  long long order = 1;
  for (auto id : others) {
    if (order == position) ++order;
    rows[id]["order"] = std::to_string(order++);
  }
}

StoreResponse Store::deal_note(std::string_view method, long long deal_id,
                               std::optional<long long> note_id, const json& body) {
  const ResourceSpec& deals = *find_resource("deals");
  const ResourceSpec& notes = *find_resource("notes");
  if (!tables_["deals"].rows.count(deal_id)) return not_found(deals, std::to_string(deal_id));
  auto deal_key = std::to_string(deal_id);

  json input = body.is_object() && body.contains("note") ? body["note"] : json();
  if (!input.is_object() || is_blank(input.value("note", json())))
    return unprocessable("The note note was not provided.", "field_missing", "note");

  long long id = 0;
  int status = 200;
  if (method == "POST") {
    Row row = notes.defaults;
    row["note"] = text_of(input["note"]);
    row["relid"] = deal_key;
    row["owner"] = {{"id", deal_key}, {"type", "deal"}};
    id = insert(notes, std::move(row));
    status = 201;
  } else {
    auto& rows = tables_["notes"].rows;
    auto it = rows.find(*note_id);
    if (it == rows.end() || field_text(it->second, "relid") != deal_key)
      return not_found(notes, std::to_string(*note_id));
    it->second["note"] = text_of(input["note"]);
    it->second["mdate"] = timestamp_now();
    id = *note_id;
  }
  tables_["deals"].rows[deal_id]["mdate"] = timestamp_now();
  json out = {{"deals", json::array({render(deals, tables_["deals"].rows[deal_id])})},
              {"note", render(notes, tables_["notes"].rows[id])}};
  return {status, std::move(out), {}};
}

}  // namespace acmcp::sandbox
