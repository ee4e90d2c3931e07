// Schema `pattern` matching: each pattern is compiled once (ECMAScript) and shared by all threads.
// Patterns and texts are matched as code points, not UTF-8 bytes, as ECMAScript does: otherwise
// "." or a quantifier after a non-ASCII character would apply to one byte of it.
#pragma once
#include <cstddef>
#include <memory>
#include <regex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace acmcp::schema::detail {

// libstdc++'s std::regex recurses once per input character and overflows the stack on inputs
// of some tens of kilobytes, so longer texts are refused instead of matched.
inline constexpr std::size_t kMaxPatternInputBytes = 2048;

enum class PatternMatch { Match, NoMatch, TooLong, InvalidPattern };

// ECMAScript's \s (and so \S) includes Unicode white space such as U+00A0 and U+3000, which the
// classic locale's classes leave out: any class that holds ' ' holds these too.
class EcmaScriptTraits : public std::regex_traits<wchar_t> {
 public:
  bool isctype(wchar_t c, char_class_type mask) const;
};

using Regex = std::basic_regex<wchar_t, EcmaScriptTraits>;

class PatternCache {
 public:
  static PatternCache& global();

  // The compiled pattern, or nullptr when it is not a valid ECMAScript regex (logged once).
  // The pointer stays valid for the cache's lifetime.
  const Regex* find_or_compile(const std::string& pattern);

  // JSON Schema semantics: the pattern may match anywhere in the text (it is not anchored).
  PatternMatch search(const std::string& pattern, std::string_view text);

  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  // unique_ptr keeps each regex at a fixed address; a null entry records an invalid pattern.
  std::unordered_map<std::string, std::unique_ptr<const Regex>> compiled_;
};

}  // namespace acmcp::schema::detail
