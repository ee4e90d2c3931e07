// The one way untrusted JSON text becomes a value: client messages (stdio lines, HTTP bodies),
// upstream bodies and the sandbox's requests all come through here.
//
// Nesting is limited while parsing. nlohmann's parser is iterative, but copying, dumping,
// validating and redacting a value recurse once per level, so a body of a few hundred kilobytes
// of '[' would otherwise overflow the stack in whatever touches the value next. No honest message
// comes near the limit: tool arguments nest a few levels, ActiveCampaign's answers about five.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace acmcp::util {

inline constexpr std::size_t kMaxJsonDepth = 64;

struct ParsedJson {
  enum class Error { kNone, kSyntax, kTooDeep };
  nlohmann::json value;  // discarded unless error is kNone
  Error error = Error::kNone;
  std::string detail;  // why, in a short sentence, when error is not kNone

  explicit operator bool() const { return error == Error::kNone; }
};

// Parses the whole text as one JSON value. A raw NUL byte anywhere is a syntax error (nlohmann
// would stop reading there and ignore the rest). A JSON-RPC id that is an integer beyond 64 bits
// (a message's "id", its params' "requestId") becomes a raw_json value (compact_json.hpp), so
// that it is echoed exactly as sent.
ParsedJson parse_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

}  // namespace acmcp::util
