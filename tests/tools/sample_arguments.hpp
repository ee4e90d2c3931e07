// Valid arguments for the tools whose inputs are long, shared by the table of every tool
// (every_tool_test.cpp) and the resource tests, plus `with` to vary one of them.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace acmcp::tools {

// `base` with `key` set to `value`.
inline nlohmann::json with(nlohmann::json base, const std::string& key, nlohmann::json value) {
  base[key] = std::move(value);
  return base;
}

inline const nlohmann::json kNewConnection = {{"Service", "Shopify"},
                                              {"ExternalId", "shop12345"},
                                              {"Name", "My Toystore, Inc."},
                                              {"LogoUrl", "https://cdn.example.com/logo.png"},
                                              {"LinkUrl", "https://shop.example.com/admin"}};

inline const nlohmann::json kNewDeal = {{"Title", "Globex - Pilot"}, {"ContactId", 2},
                                        {"Value", 45678},            {"Currency", "USD"},
                                        {"StageId", 1},              {"PipelineId", 1}};

// The sandbox's seed has connection 1, customer 1 "cust-1001" <jane.doe@example.com> and order 1
// "order-5001" of customer 1 with products 1 and 2.
inline const nlohmann::json kNewCustomer = {
    {"Email", "new.shopper@example.com"}, {"ConnectionId", 1}, {"ExternalId", "cust-2002"}};

inline const nlohmann::json kNewOrder = {
    {"ExternalId", "order-6001"},
    {"Email", "jane.doe@example.com"},
    {"TotalPrice", 7900},
    {"Currency", "usd"},
    {"ConnectionId", 1},
    {"CustomerId", 1},
    {"ExternalCreatedDate", "2026-11-20T10:00:00Z"},
    {"AdditionalFields",
     {{"source", 1},
      {"orderProducts",
       {{{"externalid", "PROD-POGO"}, {"name", "Pogo Stick"}, {"price", 4900}, {"quantity", 1}},
        {{"externalid", "PROD-SK8"}, {"name", "Skateboard"}, {"price", 3000}, {"quantity", 1}}}}}}};

}  // namespace acmcp::tools
