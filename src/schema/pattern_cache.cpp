// Thread-safe cache of compiled schema patterns (see pattern_cache.hpp).
#include "schema/pattern_cache.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <locale>
#include <mutex>
#include <string_view>

namespace acmcp::schema::detail {

namespace {

// wchar_t holds a whole code point on the platforms we build for (UTF-32).
static_assert(sizeof(wchar_t) == 4, "patterns are matched as UTF-32 code points");

// UTF-8 to code points; a malformed sequence becomes U+FFFD (JSON text is valid UTF-8 already).
std::wstring code_points(std::string_view text) {
  std::wstring out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    char32_t point = lead;
    if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      point = lead & 0x07;
    } else if (lead >= 0xE0) {
      extra = lead <= 0xEF ? 2 : 0;
      point = lead & 0x0F;
    } else if (lead >= 0xC2) {
      extra = 1;
      point = lead & 0x1F;
    }
    const bool malformed_lead = lead >= 0x80 && extra == 0;
    std::size_t read = 1;
    bool ok = !malformed_lead;
    for (; ok && read <= extra; ++read) {
      if (i + read >= text.size()) {
        ok = false;
        break;
      }
      const auto next = static_cast<unsigned char>(text[i + read]);
      if ((next & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      point = (point << 6) | (next & 0x3F);
    }
    const bool overlong = (extra == 2 && point < 0x800) || (extra == 3 && point < 0x10000);
    const bool out_of_range = point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF);
    if (!ok || overlong || out_of_range) {
      out.push_back(static_cast<wchar_t>(0xFFFD));
      i += malformed_lead ? 1 : std::max<std::size_t>(read, 1);
      continue;
    }
    out.push_back(static_cast<wchar_t>(point));
    i += extra + 1;
  }
  return out;
}

// ECMAScript's WhiteSpace and LineTerminator code points beyond ASCII.
bool is_unicode_space(wchar_t c) {
  return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

bool EcmaScriptTraits::isctype(wchar_t c, char_class_type mask) const {
  if (std::regex_traits<wchar_t>::isctype(c, mask)) return true;
  return is_unicode_space(c) && std::regex_traits<wchar_t>::isctype(L' ', mask);
}

PatternCache& PatternCache::global() {
  static PatternCache cache;
  return cache;
}

const Regex* PatternCache::find_or_compile(const std::string& pattern) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = compiled_.find(pattern); it != compiled_.end()) return it->second.get();
  }
  // Compile outside the lock; if two threads race, the first insertion wins.
  std::unique_ptr<const Regex> regex;
  try {
    auto compiled = std::make_unique<Regex>();
    // \w and \d are ASCII classes in ECMAScript, whatever locale the process runs in.
    compiled->imbue(std::locale::classic());
    compiled->assign(code_points(pattern), std::regex::ECMAScript);
    regex = std::move(compiled);
  } catch (const std::regex_error& error) {
    spdlog::error("schema pattern {} is not a valid ECMAScript regex ({}); it is not enforced",
                  pattern, error.what());
  }
  std::unique_lock lock(mutex_);
  return compiled_.try_emplace(pattern, std::move(regex)).first->second.get();
}

PatternMatch PatternCache::search(const std::string& pattern, std::string_view text) {
  const Regex* regex = find_or_compile(pattern);
  if (regex == nullptr) return PatternMatch::InvalidPattern;
  if (text.size() > kMaxPatternInputBytes) return PatternMatch::TooLong;
  try {
    const std::wstring points = code_points(text);
    return std::regex_search(points, *regex) ? PatternMatch::Match : PatternMatch::NoMatch;
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
