// How a tool result is made to fit a model: records without links and null fields, and a
// get-many page cut at a whole record when its text is too long.
#pragma once
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/tool_provider.hpp"

namespace acmcp::tools {

// Drops null members and links objects (or arrays) from every object inside `value`.
void compact_records(nlohmann::json& value);

// Shortens the record array of a tool result's envelope to the longest run of whole records
// whose text fits `max_chars` (never below one record), marks the page as having more, and sets
// the note to say where to continue (`offset` is the page's Offset). The records are the data
// itself when it is an array, else its member `records_key`, or its only array when that is "".
// Returns how many records it kept; 0 when nothing was cut.
std::size_t cut_page(mcp::ToolResult& result, std::size_t max_chars, std::uint64_t offset,
                     const std::string& records_key = "");

}  // namespace acmcp::tools
