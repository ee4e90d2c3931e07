// A seeded sandbox store with short helpers for calling it directly (no network), shared by the
// store tests of the accounts, deals and ecommerce resources.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sandbox/store.hpp"

namespace acmcp::sandbox {

class SeededStore : public ::testing::Test {
 protected:
  SeededStore() { store.set_base_url("http://sandbox.test/api/3"); }

  StoreResponse get(const std::string& path, Query query = {}) {
    return store.handle("GET", path, query, nlohmann::json());
  }
  StoreResponse post(const std::string& path, const nlohmann::json& body, Query query = {}) {
    return store.handle("POST", path, query, body);
  }
  StoreResponse put(const std::string& path, const nlohmann::json& body, Query query = {}) {
    return store.handle("PUT", path, query, body);
  }
  StoreResponse del(const std::string& path) {
    return store.handle("DELETE", path, {}, nlohmann::json());
  }

  static std::vector<std::string> ids(const nlohmann::json& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item["id"].get<std::string>());
    return out;
  }
  static std::string first_error_title(const StoreResponse& r) {
    return r.body["errors"][0]["title"].get<std::string>();
  }
  static std::string first_error_code(const StoreResponse& r) {
    return r.body["errors"][0].value("code", "");
  }

  Store store{"token", true};
};

}  // namespace acmcp::sandbox
