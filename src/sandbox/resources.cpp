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
  s.has_udate = false;
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
  s.weight_order_param = "orders[search]";
  s.weight_field = "tag";
  s.has_udate = false;
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
  s.weight_order_param = "orders[name]";
  s.weight_field = "name";
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
  s.has_udate = false;
  return s;
}

ResourceSpec deal_groups() {
  ResourceSpec s;
  s.plural = "dealGroups";
  s.singular = "dealGroup";
  s.entity = "Pipeline";
  s.required = {"title", "currency"};
  s.defaults = {{"title", ""},
                {"currency", "usd"},
                {"allgroups", "1"},
                {"allusers", "1"},
                {"autoassign", "1"}};
  s.links = {"dealGroupGroups", "dealGroupUsers", "stages"};
  s.filters = {{"filters[title]", {"title"}, "contains", false}};
  s.orders = {{"orders[title]", "title", false}};
  return s;
}

ResourceSpec deal_stages() {
  ResourceSpec s;
  s.plural = "dealStages";
  s.singular = "dealStage";
  s.entity = "DealStage";
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
  return s;
}

}  // namespace

const std::vector<ResourceSpec>& Store::resources() {
  static const std::vector<ResourceSpec> table = {contacts(),     contact_lists(), contact_tags(),
                                                  field_values(), tags(),          lists(),
                                                  users(),        deal_groups(),   deal_stages()};
  return table;
}

const ResourceSpec* find_resource(std::string_view plural) {
  for (const auto& spec : Store::resources())
    if (spec.plural == plural) return &spec;
  return nullptr;
}

}  // namespace acmcp::sandbox
