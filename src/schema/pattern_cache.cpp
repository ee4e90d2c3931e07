// Thread-safe cache of compiled schema patterns (see pattern_cache.hpp).
#include "schema/pattern_cache.hpp"

#include <spdlog/spdlog.h>

#include <mutex>

namespace acmcp::schema::detail {

PatternCache& PatternCache::global() {
  static PatternCache cache;
  return cache;
}

const std::regex* PatternCache::find_or_compile(const std::string& pattern) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = compiled_.find(pattern); it != compiled_.end()) return it->second.get();
  }
  // Compile outside the lock; if two threads race, the first insertion wins.
  std::unique_ptr<const std::regex> regex;
  try {
    regex = std::make_unique<const std::regex>(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    spdlog::error("schema pattern {} is not a valid ECMAScript regex ({}); it is not enforced",
                  pattern, error.what());
  }
  std::unique_lock lock(mutex_);
  return compiled_.try_emplace(pattern, std::move(regex)).first->second.get();
}

PatternMatch PatternCache::search(const std::string& pattern, std::string_view text) {
  const std::regex* regex = find_or_compile(pattern);
  if (regex == nullptr) return PatternMatch::InvalidPattern;
  if (text.size() > kMaxPatternInputBytes) return PatternMatch::TooLong;
  try {
    return std::regex_search(text.begin(), text.end(), *regex) ? PatternMatch::Match
                                                               : PatternMatch::NoMatch;
  } catch (const std::regex_error&) {
    // error_complexity / error_stack: treat as not matching rather than failing the call.
    return PatternMatch::NoMatch;
  }
}

std::size_t PatternCache::size() const {
  std::shared_lock lock(mutex_);
  return compiled_.size();
}

}  // namespace acmcp::schema::detail
