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
}

}  // namespace acmcp::sandbox
