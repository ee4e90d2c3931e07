// Demo data loaded when the sandbox starts with seed = true: deterministic ids from 1 per resource.
#include "sandbox/store.hpp"

namespace acmcp::sandbox {

void Store::seed() {
  using nlohmann::json;
  auto add = [this](const char* plural, const json& fields) {
    const ResourceSpec& spec = *find_resource(plural);
    Row row = spec.defaults;
    for (const auto& [key, value] : fields.items()) row[key] = value;
    return insert(spec, std::move(row));
  };

  add("users", {{"username", "admin"},
                {"firstName", "Sandbox"},
                {"lastName", "Admin"},
                {"email", "admin@example.com"}});

  add("dealGroups", {{"title", "Sales Pipeline"}, {"currency", "usd"}});
  add("dealStages", {{"title", "To Contact"}, {"group", "1"}, {"order", "1"}});
  add("dealStages", {{"title", "Qualified"}, {"group", "1"}, {"order", "2"}});
  add("dealStages", {{"title", "Closed"}, {"group", "1"}, {"order", "3"}});

  add("lists", {{"name", "Newsletter"},
                {"stringid", "newsletter"},
                {"sender_url", "https://example.com"},
                {"sender_reminder", "You signed up for our newsletter."}});
  add("tags",
      {{"tag", "VIP"}, {"tagType", "contact"}, {"description", "Very important customers"}});

  add("contacts", {{"email", "jane.doe@example.com"},
                   {"firstName", "Jane"},
                   {"lastName", "Doe"},
                   {"phone", "+15555550101"},
                   {"email_local", "jane.doe"},
                   {"email_domain", "example.com"}});
  add("contacts", {{"email", "john.smith@example.com"},
                   {"firstName", "John"},
                   {"lastName", "Smith"},
                   {"phone", "+15555550102"},
                   {"email_local", "john.smith"},
                   {"email_domain", "example.com"}});
  add("contacts", {{"email", "alex.lee@example.org"},
                   {"firstName", "Alex"},
                   {"lastName", "Lee"},
                   {"phone", "+447700900103"},
                   {"email_local", "alex.lee"},
                   {"email_domain", "example.org"}});

  add("contactLists", {{"contact", "1"},
                       {"list", "1"},
                       {"status", "1"},
                       {"first_name", "Jane"},
                       {"last_name", "Doe"},
                       {"sdate", timestamp_now()}});
  add("contactTags", {{"contact", "1"}, {"tag", "1"}});

  add("accounts", {{"name", "Acme Inc"}, {"accountUrl", "https://acme.example.com"}});
  add("accountContacts", {{"account", "1"}, {"contact", "1"}, {"jobTitle", "Head of Purchasing"}});

  add("deals", {{"title", "Acme Inc - Annual Plan"},
                {"description", "Annual subscription for the purchasing team."},
                {"contact", "1"},
                {"account", "1"},
                {"group", "1"},
                {"stage", "2"},
                {"value", "500000"},
                {"currency", "usd"},
                {"hash", "5f0c2a9e"}});
  add("notes", {{"note", "Kick-off call booked for next week."},
                {"relid", "1"},
                {"owner", {{"id", "1"}, {"type", "deal"}}}});

  add("connections", {{"service", "demo-store"},
                      {"externalid", "demo-store"},
                      {"name", "Demo Store"},
                      {"logoUrl", "https://store.example.com/logo.png"},
                      {"linkUrl", "https://store.example.com"}});
  add("ecomCustomers", {{"connectionid", "1"},
                        {"externalid", "cust-1001"},
                        {"email", "jane.doe@example.com"},
                        {"acceptsMarketing", "1"},
                        {"totalRevenue", "7900"},
                        {"totalOrders", "1"},
                        {"totalProducts", "2"},
                        {"avgRevenuePerOrder", "7900"},
                        {"avgProductCategory", "Toys"}});
  add("ecomOrders", {{"externalid", "order-5001"},
                     {"orderNumber", "5001"},
                     {"connectionid", "1"},
                     {"customerid", "1"},
                     {"email", "jane.doe@example.com"},
                     {"totalPrice", "7900"},
                     {"totalProducts", "2"},
                     {"currency", "USD"},
                     {"orderUrl", "https://store.example.com/orders/5001"},
                     {"externalCreatedDate", "2026-11-02T10:15:00-06:00"},
                     {"orderDate", "2026-11-02T10:15:00-06:00"}});
  add("ecomOrderProducts", {{"orderid", "1"},
                            {"connectionid", "1"},
                            {"externalid", "PROD-POGO"},
                            {"sku", "POGO-12"},
                            {"name", "Pogo Stick"},
                            {"price", "4900"},
                            {"quantity", "1"},
                            {"category", "Toys"}});
  add("ecomOrderProducts", {{"orderid", "1"},
                            {"connectionid", "1"},
                            {"externalid", "PROD-SK8"},
                            {"sku", "SK8BOARD145"},
                            {"name", "Skateboard"},
                            {"price", "3000"},
                            {"quantity", "1"},
                            {"category", "Toys"}});
}

}  // namespace acmcp::sandbox
