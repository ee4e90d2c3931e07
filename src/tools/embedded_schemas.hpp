// The schemas/*.json files compiled into the binary (see cmake/embed_schemas.cmake).
#pragma once
#include <span>
#include <string_view>

namespace acmcp::tools {
struct EmbeddedFile {
  std::string_view name;     // file name, e.g. "contacts.json"
  std::string_view content;  // the file's bytes
};
std::span<const EmbeddedFile> embedded_schema_files();
}  // namespace acmcp::tools
