// The sandbox's data and ActiveCampaign v3 semantics as a pure function of a request: no network.
// Resources are rows in a table (see ResourceSpec) so new ones are mostly data.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acmcp::sandbox {

using Query = std::multimap<std::string, std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct StoreResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  Headers headers;  // extra headers beyond Content-Type (e.g. Allow on 405)
};

// A request target split into the path after /api/3 and the decoded query.
struct Target {
  std::string path;  // "" when the target is not under /api/3
  Query query;
  bool under_api = false;
};

// Splits and percent-decodes a raw request target ("/api/3/tags?filters%5Bsearch%5D=VIP").
Target parse_target(std::string_view raw_target);
std::string percent_decode(std::string_view text, bool plus_is_space);

// A query parameter a list endpoint understands: `param` (and `param[op]` when `operators`)
// compares the value with each of `fields`; a record matches when any field matches.
struct FilterSpec {
  std::string param;
  std::vector<std::string> fields;
  std::string default_op = "eq";  // eq neq lt lte gt gte contains starts_with
  bool operators = false;
  bool numeric = false;  // compare as numbers (values, ids) rather than as text
};

// orders[<name>]=ASC|DESC (and "weight" where weight_param is set) sorts by `field`.
struct OrderSpec {
  std::string param;
  std::string field;
  bool numeric = false;
};

struct ResourceSpec {
  std::string plural;    // route and list key: "contacts"
  std::string singular;  // body and response wrapper: "contact"
  std::string entity;    // name in 404 messages, as upstream spells it: "Subscriber", "_List"
  bool can_list = true, can_create = true, can_read = true, can_update = true, can_delete = true;
  int create_status = 201;
  std::vector<std::string> required;                   // missing -> 422 field_missing
  std::vector<std::vector<std::string>> unique;        // each group of fields -> 422 duplicate
  nlohmann::json defaults = nlohmann::json::object();  // every field a new record has; also
                                                       // the fields a body may set
  std::vector<std::string> links;                      // relation names under "links"
  std::vector<FilterSpec> filters;
  std::vector<OrderSpec> orders;
  std::string weight_order_param;  // e.g. "orders[search]": "weight" ranks by the filter value
  std::string weight_field;
  std::vector<std::string> created_fields = {"cdate"};  // set to now on insert
  std::vector<std::string> updated_fields = {"udate"};  // set to now on insert and update
  // false: updated_fields are null until the first update (a list's udate), though the create
  // answer shows them equal to the first created field, as upstream's POST answer does.
  bool updated_on_insert = true;
  // Rendered copies of stored fields, e.g. {"connection", "connectionid"} as upstream repeats them.
  std::vector<std::pair<std::string, std::string>> aliases;
  // Fields holding the id of a row of another resource: a missing row -> 422 related_missing.
  std::vector<std::pair<std::string, std::string>> related;
  // Rows of other resources deleted with this one: {child plural, child field holding our id}.
  std::vector<std::pair<std::string, std::string>> cascade;
  std::vector<std::string> lowercase_fields;  // stored lowercased (deal and pipeline currency)
  std::string missing_title;    // 422 title for a missing field; "{field}" is replaced
  std::string duplicate_title;  // 422 title for a duplicate; "{value}" is the first field's value
  std::string duplicate_code = "duplicate";
  std::string custom_field_owner;  // "accountId": a "fields" array whose items name their owner
};

class Store {
 public:
  // `token` is the Api-Token every request must carry; `seed` loads the demo data.
  explicit Store(std::string token, bool seed = true);

  // Base of the "links" URLs, e.g. "http://127.0.0.1:4321/api/3".
  void set_base_url(std::string base_url);

  // The whole API: authenticates, parses the raw body, routes. Never throws.
  StoreResponse handle_raw(std::string_view method, std::string_view path, const Query& query,
                           std::string_view raw_body, std::string_view api_token);

  // The API after authentication with an already-parsed body (null when there is none).
  StoreResponse handle(std::string_view method, std::string_view path, const Query& query,
                       const nlohmann::json& body);

  static const std::vector<ResourceSpec>& resources();

 private:
  using Row = nlohmann::json;  // stored without "links"; every scalar a string
  struct Table {
    std::map<long long, Row> rows;
    long long next_id = 1;
  };

  StoreResponse route(std::string_view method, const std::vector<std::string>& segments,
                      const Query& query, const nlohmann::json& body);

  StoreResponse list(const ResourceSpec& spec, const Query& query);
  StoreResponse read(const ResourceSpec& spec, long long id);
  StoreResponse create(const ResourceSpec& spec, const nlohmann::json& body);
  StoreResponse update(const ResourceSpec& spec, long long id, const nlohmann::json& body);
  StoreResponse remove(const ResourceSpec& spec, long long id);

  StoreResponse sync_contact(const nlohmann::json& body);
  StoreResponse subscribe_contact_list(const nlohmann::json& body);
  StoreResponse add_contact_tag(const nlohmann::json& body);
  StoreResponse contact_children(long long contact_id, const std::string& child);
  StoreResponse current_user();

  // Resource-specific rules and side effects (resource_rules.cpp; pipelines and stages in
  // deal_routes.cpp).
  std::optional<StoreResponse> check_rules(const ResourceSpec& spec, const nlohmann::json& input,
                                           Row& row, long long self_id, bool creating);
  // Writes what a create/update body carries beyond the row itself (order products) and adds
  // upstream's sideloaded arrays to `out`.
  void after_write(const ResourceSpec& spec, long long id, const nlohmann::json& input,
                   nlohmann::json& out);
  void decorate_list_item(const ResourceSpec& spec, nlohmann::json& item) const;
  std::optional<StoreResponse> list_extras(const ResourceSpec& spec, const Query& query,
                                           std::vector<const Row*>& rows);
  StoreResponse create_pipeline(const nlohmann::json& body);
  StoreResponse create_stage(const nlohmann::json& body, const Query& query);
  StoreResponse update_stage(long long id, const nlohmann::json& body, const Query& query);
  void reorder_stages(const std::string& group, long long moved_id, long long position);
  StoreResponse deal_note(std::string_view method, long long deal_id,
                          std::optional<long long> note_id, const nlohmann::json& body);
  StoreResponse order_products(long long order_id, const Query& query);
  nlohmann::json sideload(const std::string& plural, const std::vector<long long>& ids) const;
  void remove_cascading(const ResourceSpec& spec, long long id);
  const Row* find_row(const std::string& plural, const std::string& id) const;

  // Shared by create/update/sync: validates and writes fields from `input` into `row`.
  std::optional<StoreResponse> apply_fields(const ResourceSpec& spec, const nlohmann::json& input,
                                            Row& row, long long self_id, bool creating);
  nlohmann::json write_field_values(long long contact_id, const nlohmann::json& values);
  long long insert(const ResourceSpec& spec, Row row);
  void erase_where(const std::string& plural, const std::string& field, const std::string& value);
  std::vector<long long> ids_where(const std::string& plural, const std::string& field,
                                   const std::string& value) const;

  nlohmann::json render(const ResourceSpec& spec, const Row& row) const;
  std::string link(const std::string& plural, const std::string& id,
                   const std::string& relation) const;

  void seed();

  std::string token_;
  std::string base_url_ = "http://127.0.0.1/api/3";
  std::map<std::string, Table> tables_;
};

const ResourceSpec* find_resource(std::string_view plural);

// Current time as upstream prints it: "2026-11-23T08:15:02-06:00" (US Central, fixed offset).
std::string timestamp_now();

}  // namespace acmcp::sandbox
