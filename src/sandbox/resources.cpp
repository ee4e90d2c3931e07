// The resource table of the sandbox: one row per ActiveCampaign resource (fields, defaults,
// uniqueness, links, filters). Adding a resource is mostly adding a row here.
#include "sandbox/store.hpp"

namespace acmcp::sandbox {
namespace {

using nlohmann::json;

ResourceSpec contacts() {
  ResourceSpec s;
  s.plural = "contacts";
  s.singular = "contact";
  s.entity = "Subscriber";
  s.required = {"email"};
  s.unique = {{"email"}};
  s.defaults = {{"email", ""},
                {"phone", ""},
                {"firstName", ""},
                {"lastName", ""},
                {"orgid", "0"},
                {"segmentio_id", ""},
                {"bounced_hard", "0"},
                {"bounced_soft", "0"},
                {"bounced_date", nullptr},
                {"ip", "0"},
                {"ua", nullptr},
                {"hash", ""},
                {"socialdata_lastcheck", nullptr},
                {"email_local", ""},
                {"email_domain", ""},
                {"sentcnt", "0"},
                {"rating_tstamp", nullptr},
                {"gravatar", "0"},
                {"deleted", "0"},
                {"anonymized", "0"},
                {"adate", nullptr},
                {"edate", nullptr},
                {"deleted_at", nullptr},
                {"organization", nullptr}};
  s.links = {"bounceLogs",   "contactAutomations", "contactData",  "contactGoals",
             "contactLists", "contactLogs",        "contactTags",  "contactDeals",
             "deals",        "fieldValues",        "geoIps",       "notes",
             "organization", "plusAppend",         "trackingLogs", "scoreValues"};
  s.filters = {{"email", {"email"}, "eq", false},
               {"filters[email]", {"email"}, "eq", false},
               {"email_like", {"email"}, "contains", false},
               {"phone", {"phone"}, "starts_with", false},
               {"search", {"firstName", "lastName", "email", "phone", "$name"}, "contains", false}};
  s.orders = {{"orders[id]", "id", true},
              {"orders[email]", "email", false},
              {"orders[cdate]", "cdate", false},
              {"orders[first_name]", "firstName", false},
              {"orders[last_name]", "lastName", false},
              {"orders[name]", "$name", false}};
  s.cascade = {{"contactLists", "contact"},
               {"contactTags", "contact"},
               {"fieldValues", "contact"},
               {"accountContacts", "contact"}};
  return s;
}

ResourceSpec contact_lists() {
  ResourceSpec s;
  s.plural = "contactLists";
  s.singular = "contactList";
  s.entity = "SubscriberList";
  s.can_list = false;
  s.can_update = false;
  s.create_status = 200;
  s.required = {"contact", "list", "status"};
  s.defaults = {{"contact", ""},
                {"list", ""},
                {"form", nullptr},
                {"seriesid", "0"},
                {"sdate", nullptr},
                {"status", "1"},
                {"responder", "1"},
                {"sync", "0"},
                {"unsubreason", nullptr},
                {"campaign", nullptr},
                {"message", nullptr},
                {"first_name", ""},
                {"last_name", ""},
                {"ip4Sub", "0"},
                {"sourceid", "0"},
                {"autosyncLog", nullptr},
                {"ip4_last", "0"},
                {"ip4Unsub", "0"},
                {"created_timestamp", ""},
                {"updated_timestamp", ""},
                {"created_by", nullptr},
                {"updated_by", nullptr},
                {"unsubscribeAutomation", nullptr},
                {"automation", nullptr}};
  s.links = {
      "automation", "list", "contact", "form", "autosyncLog", "campaign", "unsubscribeAutomation",
      "message"};
  return s;
}

ResourceSpec contact_tags() {
  ResourceSpec s;
  s.plural = "contactTags";
  s.singular = "contactTag";
  s.entity = "SubscriberTag";
  s.can_list = false;
  s.can_update = false;
  s.required = {"contact", "tag"};
  s.unique = {{"contact", "tag"}};
  s.defaults = {{"contact", ""},           {"tag", ""},
                {"created_timestamp", ""}, {"updated_timestamp", ""},
                {"created_by", nullptr},   {"updated_by", nullptr}};
  s.links = {"contact", "tag"};
  s.updated_fields = {};
  return s;
}

ResourceSpec field_values() {
  ResourceSpec s;
  s.plural = "fieldValues";
  s.singular = "fieldValue";
  s.entity = "FieldValue";
  s.can_create = false;
  s.required = {"contact", "field"};
  s.defaults = {{"contact", ""},         {"field", ""},           {"value", nullptr},
                {"created_by", nullptr}, {"updated_by", nullptr}, {"owner", ""}};
  s.links = {"owner", "field"};
  return s;
}

ResourceSpec tags() {
  ResourceSpec s;
  s.plural = "tags";
  s.singular = "tag";
  s.entity = "Tag";
  s.required = {"tag"};
  s.unique = {{"tag", "tagType"}};
  s.defaults = {{"tag", ""}, {"tagType", "contact"}, {"description", ""}};
  s.links = {"contactGoalTags"};
  s.filters = {{"search", {"tag"}, "contains", false},
               {"filters[search]", {"tag"}, "eq", true},
               {"filters[tagType]", {"tagType"}, "eq", false}};
  s.orders = {{"orders[search]", "tag", false}};
  s.cascade = {{"contactTags", "tag"}};
  s.weight_order_param = "orders[search]";
  s.weight_field = "tag";
  s.updated_fields = {};
  return s;
}

ResourceSpec lists() {
  ResourceSpec s;
  s.plural = "lists";
  s.singular = "list";
  s.entity = "_List";
  s.create_status = 200;  // the OpenAPI documents 200 for POST /lists
  s.required = {"name", "stringid", "sender_url", "sender_reminder"};
  s.unique = {{"stringid"}};
  s.defaults = {{"stringid", ""},
                {"userid", "1"},
                {"name", ""},
                {"channel", "email"},
                {"p_use_tracking", "1"},
                {"p_use_analytics_read", "0"},
                {"p_use_analytics_link", "0"},
                {"p_use_twitter", "0"},
                {"p_use_facebook", "0"},
                {"p_embed_image", "1"},
                {"p_use_captcha", "1"},
                {"send_last_broadcast", "0"},
                {"private", "0"},
                {"analytics_domains", nullptr},
                {"analytics_source", ""},
                {"analytics_ua", ""},
                {"twitter_token", ""},
                {"twitter_token_secret", ""},
                {"facebook_session", nullptr},
                {"carboncopy", nullptr},
                {"subscription_notify", nullptr},
                {"unsubscription_notify", nullptr},
                {"require_name", "0"},
                {"get_unsubscribe_reason", "0"},
                {"to_name", "Subscriber"},
                {"optinoptout", "1"},
                {"sender_name", ""},
                {"sender_addr1", ""},
                {"sender_addr2", ""},
                {"sender_city", ""},
                {"sender_state", ""},
                {"sender_zip", ""},
                {"sender_country", ""},
                {"sender_phone", ""},
                {"sender_url", ""},
                {"sender_reminder", ""},
                {"fulladdress", ""},
                {"optinmessageid", "0"},
                {"optoutconf", "0"},
                {"deletestamp", nullptr},
                {"user", "1"}};
  s.links = {"contactGoalLists", "user", "addressLists"};
  s.filters = {{"filters[name]", {"name"}, "contains", true}};
  s.orders = {{"orders[name]", "name", false}};
  s.cascade = {{"contactLists", "list"}};
  s.weight_order_param = "orders[name]";
  s.weight_field = "name";
  // GET /lists and GET /lists/{id} show udate null on lists never updated; POST /lists shows
  // udate equal to cdate.
  s.updated_on_insert = false;
  return s;
}

ResourceSpec users() {
  ResourceSpec s;
  s.plural = "users";
  s.singular = "user";
  s.entity = "User";
  s.can_create = s.can_update = s.can_delete = false;
  s.defaults = {{"username", ""}, {"firstName", ""}, {"lastName", ""},
                {"email", ""},    {"phone", ""},     {"signature", nullptr}};
  s.links = {"lists", "userGroup", "dealGroupTotals", "dealGroupUsers", "configs"};
  s.updated_fields = {};
  return s;
}

ResourceSpec deal_groups() {
  ResourceSpec s;
  s.plural = "dealGroups";
  s.singular = "dealGroup";
  s.entity = "Pipeline";
  s.create_status = 200;  // the OpenAPI documents 200 for POST /dealGroups
  s.required = {"title", "currency"};
  s.defaults = {{"title", ""},
                {"currency", "usd"},
                {"allgroups", "1"},
                {"allusers", "1"},
                {"autoassign", "1"}};
  s.links = {"dealGroupGroups", "dealGroupUsers", "stages"};
  s.filters = {{"filters[title]", {"title"}, "contains", false}};
  s.orders = {{"orders[title]", "title", false}};
  s.lowercase_fields = {"currency"};
  s.cascade = {{"dealStages", "group"}, {"deals", "group"}};
  return s;
}

ResourceSpec deal_stages() {
  ResourceSpec s;
  s.plural = "dealStages";
  s.singular = "dealStage";
  s.entity = "DealStage";
  s.create_status = 200;  // the OpenAPI documents 200 for POST /dealStages
  s.required = {"title", "group"};
  s.defaults = {{"title", ""},
                {"group", ""},
                {"order", "1"},
                {"color", "32B0FC"},
                {"width", "280"},
                {"dealOrder", "next-action DESC"},
                {"cardRegion1", "title"},
                {"cardRegion2", "next-action"},
                {"cardRegion3", "show-avatar"},
                {"cardRegion4", "contact-fullname-orgname"},
                {"cardRegion5", "value"}};
  s.links = {"group"};
  s.filters = {{"filters[title]", {"title"}, "contains", false},
               {"filters[d_groupid]", {"group"}, "eq", false}};
  s.orders = {{"orders[title]", "title", false}};
  s.related = {{"group", "dealGroups"}};
  s.cascade = {{"deals", "stage"}};
  return s;
}

ResourceSpec deals() {
  ResourceSpec s;
  s.plural = "deals";
  s.singular = "deal";
  s.entity = "Deal";
  s.required = {"title", "value", "currency"};
  s.defaults = {{"owner", "1"},
                {"contact", nullptr},
                {"organization", nullptr},
                {"group", ""},
                {"stage", ""},
                {"title", ""},
                {"description", ""},
                {"percent", "0"},
                {"nextdate", nullptr},
                {"nexttaskid", nullptr},
                {"value", ""},
                {"currency", ""},
                {"winProbability", nullptr},
                {"winProbabilityMdate", nullptr},
                {"status", "0"},
                {"activitycount", "0"},
                {"nextdealid", "0"},
                {"edate", nullptr},
                {"hash", ""},
                {"isDisabled", false},
                {"account", nullptr},
                {"fields", json::array()}};
  s.links = {"dealActivities", "contact", "contactDeals",    "group",        "nextTask",
             "notes",          "account", "customerAccount", "organization", "owner",
             "scoreValues",    "stage",   "tasks",           "dealCustomFieldData"};
  s.aliases = {{"customerAccount", "account"}};
  s.related = {{"contact", "contacts"},
               {"account", "accounts"},
               {"group", "dealGroups"},
               {"stage", "dealStages"},
               {"owner", "users"}};
  s.cascade = {{"notes", "relid"}};
  s.lowercase_fields = {"currency"};
  s.custom_field_owner = "dealId";
  s.updated_fields = {"mdate"};
  s.filters = {{"filters[title]", {"title"}, "contains", false},
               {"filters[stage]", {"stage"}, "eq", false},
               {"filters[group]", {"group"}, "eq", false},
               {"filters[status]", {"status"}, "eq", false},
               {"filters[owner]", {"owner"}, "eq", false},
               {"filters[organization]", {"organization"}, "eq", false},
               {"filters[created_before]", {"cdate"}, "lt", false},
               {"filters[created_after]", {"cdate"}, "gte", false},
               {"filters[updated_before]", {"mdate"}, "lt", false},
               {"filters[updated_after]", {"mdate"}, "gte", false}};
  s.orders = {{"orders[title]", "title", false},
              {"orders[value]", "value", true},
              {"orders[cdate]", "cdate", false}};
  return s;
}

// Deal notes: created and updated through /deals/{id}/notes; readable at /notes/{id}.
ResourceSpec notes() {
  ResourceSpec s;
  s.plural = "notes";
  s.singular = "note";
  s.entity = "Note";
  s.can_list = s.can_create = false;
  s.required = {"note"};
  s.defaults = {{"note", ""},    {"relid", ""},    {"reltype", "Deal"},
                {"userid", "1"}, {"user", "1"},    {"owner", nullptr}};
  s.links = {"activities", "mentions", "notes", "owner", "user"};
  s.updated_fields = {"mdate"};
  return s;
}

ResourceSpec accounts() {
  ResourceSpec s;
  s.plural = "accounts";
  s.singular = "account";
  s.entity = "Account";
  s.required = {"name"};
  s.unique = {{"name"}};
  s.duplicate_title = "An account named \"{value}\" already exists. Please choose a new name.";
  s.defaults = {{"name", ""}, {"accountUrl", nullptr}, {"owner", "1"}, {"fields", json::array()}};
  s.links = {"notes", "accountCustomFieldData", "accountContacts"};
  s.related = {{"owner", "users"}};
  s.cascade = {{"accountContacts", "account"}};
  s.custom_field_owner = "accountId";
  s.created_fields = {"createdTimestamp"};
  s.updated_fields = {"updatedTimestamp"};
  s.filters = {{"search", {"name"}, "contains", false}};
  s.orders = {{"orders[name]", "name", false}};
  return s;
}

ResourceSpec account_contacts() {
  ResourceSpec s;
  s.plural = "accountContacts";
  s.singular = "accountContact";
  s.entity = "CustomerAccountSubscriber";
  s.required = {"account", "contact"};
  s.unique = {{"contact"}};
  s.missing_title = "The {field} attribute was not provided";
  s.duplicate_title =
      "This contact is already associated with an account. We currently do not support contacts "
      "on multiple accounts.";
  s.duplicate_code = "field_invalid";
  s.defaults = {{"account", ""}, {"contact", ""}, {"jobTitle", ""}};
  s.links = {"account", "contact"};
  s.related = {{"account", "accounts"}, {"contact", "contacts"}};
  s.created_fields = {"createdTimestamp"};
  s.updated_fields = {"updatedTimestamp"};
  s.filters = {{"filters[account]", {"account"}, "eq", false},
               {"filters[contact]", {"contact"}, "eq", false}};
  return s;
}

ResourceSpec connections() {
  ResourceSpec s;
  s.plural = "connections";
  s.singular = "connection";
  s.entity = "Connection";
  s.create_status = 200;  // the OpenAPI documents 200 for POST /connections
  s.required = {"service", "externalid", "name", "logoUrl", "linkUrl"};
  s.unique = {{"service", "externalid"}};
  s.duplicate_title = "A connection for this service and externalid already exists.";
  s.defaults = {{"service", ""},
                {"externalid", ""},
                {"name", ""},
                {"isInternal", "0"},
                {"connectionType", "ecommerce"},
                {"status", "1"},
                {"syncStatus", "0"},
                {"lastSync", nullptr},
                {"logoUrl", ""},
                {"linkUrl", ""},
                {"listId", "0"}};
  s.links = {"options", "customers"};
  s.cascade = {{"ecomCustomers", "connectionid"}, {"ecomOrders", "connectionid"}};
  s.filters = {{"filters[service]", {"service"}, "eq", false},
               {"filters[externalid]", {"externalid"}, "eq", false}};
  return s;
}

ResourceSpec ecom_customers() {
  ResourceSpec s;
  s.plural = "ecomCustomers";
  s.singular = "ecomCustomer";
  s.entity = "EcomCustomer";
  s.required = {"connectionid", "externalid", "email"};
  s.unique = {{"externalid", "connectionid"}};
  s.duplicate_title = "A customer with this externalid already exists for this connection.";
  s.defaults = {{"connectionid", ""},
                {"externalid", ""},
                {"email", ""},
                {"acceptsMarketing", "0"},
                {"totalRevenue", "0"},
                {"totalOrders", "0"},
                {"totalProducts", "0"},
                {"avgRevenuePerOrder", "0"},
                {"avgProductCategory", ""}};
  s.links = {"connection", "orders"};
  s.aliases = {{"connection", "connectionid"}};
  s.related = {{"connectionid", "connections"}};
  s.created_fields = {};
  s.updated_fields = {"tstamp"};
  // "search" is not in the OpenAPI for this path; the sandbox matches it against email and
  // externalid so the tool's Search option has an effect to test.
  s.filters = {{"filters[email]", {"email"}, "eq", false},
               {"filters[externalid]", {"externalid"}, "eq", false},
               {"filters[connectionid]", {"connectionid"}, "eq", false},
               {"search", {"email", "externalid"}, "contains", false}};
  return s;
}

ResourceSpec ecom_orders() {
  ResourceSpec s;
  s.plural = "ecomOrders";
  s.singular = "ecomOrder";
  s.entity = "EcomOrder";
  s.required = {"email", "totalPrice", "currency", "connectionid", "customerid"};
  s.unique = {{"externalid", "connectionid"}};
  s.duplicate_title = "An order with this externalid already exists for this connection.";
  s.defaults = {{"customerid", ""},
                {"connectionid", ""},
                {"state", "1"},
                {"source", "1"},
                {"externalid", nullptr},
                {"externalcheckoutid", nullptr},
                {"orderNumber", ""},
                {"email", ""},
                {"totalPrice", "0"},
                {"discountAmount", "0"},
                {"shippingAmount", "0"},
                {"taxAmount", "0"},
                {"totalProducts", "0"},
                {"currency", ""},
                {"shippingMethod", ""},
                {"orderUrl", ""},
                {"externalCreatedDate", nullptr},
                {"externalUpdatedDate", nullptr},
                {"abandonedDate", nullptr},
                {"orderDate", nullptr}};
  s.links = {"connection", "customer", "orderProducts", "orderDiscounts", "orderActivities"};
  s.aliases = {{"connection", "connectionid"}, {"customer", "customerid"}};
  s.related = {{"connectionid", "connections"}, {"customerid", "ecomCustomers"}};
  s.cascade = {{"ecomOrderProducts", "orderid"}};
  s.created_fields = {"createdDate"};
  s.updated_fields = {"updatedDate", "tstamp"};
  s.filters = {{"filters[connectionid]", {"connectionid"}, "eq", false},
               {"filters[externalid]", {"externalid"}, "eq", false},
               {"filters[externalcheckoutid]", {"externalcheckoutid"}, "eq", false},
               {"filters[email]", {"email"}, "eq", false},
               {"filters[state]", {"state"}, "eq", false},
               {"filters[customerid]", {"customerid"}, "eq", false},
               {"filters[external_created_date]", {"externalCreatedDate"}, "starts_with", false}};
  s.orders = {{"orders[connectionid]", "connectionid", true},
              {"orders[externalid]", "externalid", false},
              {"orders[externalcheckoutid]", "externalcheckoutid", false},
              {"orders[email]", "email", false},
              {"orders[state]", "state", true},
              {"orders[customerid]", "customerid", true},
              {"orders[external_created_date]", "externalCreatedDate", false}};
  return s;
}

// Written only through an order's orderProducts; readable and listable on their own.
ResourceSpec ecom_order_products() {
  ResourceSpec s;
  s.plural = "ecomOrderProducts";
  s.singular = "ecomOrderProduct";
  s.entity = "EcomOrderProduct";
  s.can_create = s.can_update = s.can_delete = false;
  s.required = {"name", "price", "quantity", "externalid"};
  s.defaults = {{"orderid", ""},     {"connectionid", ""}, {"externalid", ""}, {"sku", ""},
                {"name", ""},        {"description", ""},  {"price", "0"},     {"quantity", "1"},
                {"category", ""},    {"imageUrl", ""},     {"productUrl", ""}};
  s.links = {"ecomOrder"};
  s.aliases = {{"ecomOrder", "orderid"}};
  s.created_fields = {"createdDate"};
  s.updated_fields = {"updatedDate", "tstamp"};
  s.filters = {{"filters[orderid]", {"orderid"}, "eq", false}};
  return s;
}

}  // namespace

const std::vector<ResourceSpec>& Store::resources() {
  static const std::vector<ResourceSpec> table = {
      contacts(),       contact_lists(), contact_tags(),  field_values(),     tags(),
      lists(),          users(),         deal_groups(),   deal_stages(),      deals(),
      notes(),          accounts(),      account_contacts(), connections(),   ecom_customers(),
      ecom_orders(),    ecom_order_products()};
  return table;
}

const ResourceSpec* find_resource(std::string_view plural) {
  for (const auto& spec : Store::resources())
    if (spec.plural == plural) return &spec;
  return nullptr;
}

}  // namespace acmcp::sandbox
