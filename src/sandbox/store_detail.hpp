// Helpers the sandbox store's source files share: value conversion and upstream-shaped errors.
// Internal to src/sandbox; not part of the store's interface.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sandbox/store.hpp"

namespace acmcp::sandbox::detail {

std::string lower(std::string_view text);
std::optional<long long> parse_id(std::string_view text);
// Upstream sends every scalar as a string; bodies may carry numbers or booleans.
nlohmann::json as_stored(const nlohmann::json& value);
std::string text_of(const nlohmann::json& value);
bool is_blank(const nlohmann::json& value);
StoreResponse message(int status, std::string text);
StoreResponse not_found(const ResourceSpec& spec, std::string_view id);
nlohmann::json error_entry(std::string title, std::string code, const std::string& field);
StoreResponse unprocessable(nlohmann::json errors);
StoreResponse unprocessable(std::string title, std::string code, const std::string& field);
StoreResponse invalid_attribute(std::string detail, const std::string& parameter);
bool valid_email(std::string_view email);
// A row's value for filtering and ordering; "$name" is the contact's full name.
std::string field_text(const nlohmann::json& row, const std::string& field);

}  // namespace acmcp::sandbox::detail
